import { onDemand } from '../../on-demand.js';
import type { Handovers } from './handover.js';

/**
 * The make-before-break handover's code (handover.ts), loaded on demand: only a session whose
 * connection has a known lifetime ever rotates. The machine starts loading it as soon as it
 * schedules a rotation (minutes before it is due with a real lifetime); a rotation that comes due
 * first waits for it within the handover's timeout (`RotationError` with stage `timeout` past it),
 * and one whose chunk fails to load fails as a rotation that could not connect (`RotationError`
 * with stage `connect`), retried as any failed rotation is.
 */
export const handoverCode = onDemand(() => import('./handover.js'));

/** What the socket actor does with no rotation under way and none ever started: nothing to hold, every stream message delivered. */
export const NO_HANDOVER: Handovers = {
  rotate() {},
  holdsSends: () => false,
  hold() {},
  servingClosed: () => false,
  retiredClosed: () => false,
  answered: () => false,
  responded() {},
  acceptStream: () => true,
  release() {},
};
