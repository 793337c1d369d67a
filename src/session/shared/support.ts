import { OptionsError } from '../../errors.js';

/** What a shared session needs from the platform: Web Locks for the election, BroadcastChannel for traffic. */
export interface SharingPlatform {
  readonly locks: LockManager;
  readonly Channel: typeof BroadcastChannel;
}

/**
 * Checks `share` and that the platform can share a session. Throws an OptionsError for a share
 * name that is not a non-empty string, and where `navigator.locks` or `BroadcastChannel` is missing:
 * in Node, in browsers older than 2022, and in insecure contexts (plain http other than localhost),
 * which browsers do not give Web Locks.
 */
export function sharingPlatform(share: unknown): SharingPlatform {
  if (typeof share !== 'string' || share.length === 0) throw new OptionsError('share must be a non-empty string');
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  const Channel = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
  if (locks === undefined || Channel === undefined) {
    throw new OptionsError('share needs navigator.locks and BroadcastChannel');
  }
  return { locks, Channel };
}
