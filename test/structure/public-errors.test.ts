import { describe, expect, it } from 'vitest';
import * as errors from '../../src/errors.js';
import * as browserEntry from '../../src/index.js';
import * as nodeEntry from '../../src/node.js';

/** The entries name the error classes one by one (see src/index.ts): none may be left out. */
describe('the error classes', () => {
  const classes = Object.entries(errors).filter(([, value]) => typeof value === 'function');

  it('are all exported by the browser and the Node entry', () => {
    expect(classes.length).toBeGreaterThan(20);
    for (const [name, value] of classes) {
      expect((browserEntry as Record<string, unknown>)[name], name).toBe(value);
      expect((nodeEntry as Record<string, unknown>)[name], name).toBe(value);
    }
  });
});
