import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';

describe('eventually', () => {
  it('resolves once the check holds, sync or async', async () => {
    let calls = 0;
    await eventually(() => ++calls >= 3, 'three calls', 1_000);
    expect(calls).toBe(3);
    await eventually(async () => true, 'an async check', 1_000);
  });

  it('fails after the timeout, naming what it waited for as it stands then', async () => {
    let seen = 0;
    await expect(eventually(() => ++seen < 0, () => `a negative count (saw ${seen} checks)`, 30)).rejects.toThrow(/^timed out after 30 ms waiting for a negative count \(saw \d+ checks\)$/);
    await expect(eventually(() => false, 'nothing', 10)).rejects.toThrow('timed out after 10 ms waiting for nothing');
  });

  it('fails at once with the error of a check that throws', async () => {
    await expect(eventually(() => { throw new Error('broken check'); }, 'anything', 1_000)).rejects.toThrow('broken check');
  });
});
