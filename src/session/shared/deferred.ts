/**
 * The `share` option's entry point as session.ts sees it: the shared session itself (hub, tab
 * streams and requests, wire format; about 5 KiB gzip) is loaded by a dynamic import, so that an
 * app that never passes `share` does not bundle it. What can be checked at once still is: bad
 * options and a platform that cannot share throw an OptionsError from `createSession`, as before.
 */
import { CLOSE_CODES } from '../../constants.js';
import { Observable, type Subscription } from 'rxjs';
import { WirestateError } from '../../errors.js';
import type { ClosedReason, SessionStateName } from '../../machine/types.js';
import type { Session, SessionActor, SessionRequestOptions } from '../api.js';
import { resolveOptions, type SessionOptions } from '../options.js';
import type { StreamState } from '../../streams/stream-entry.js';
import type { StreamInfo } from '../../streams/stream-info.js';
import type { WaitOptions } from '../wait.js';
import type { OpenSession } from './shared-session.js';
import { sharingPlatform } from './support.js';

/**
 * Creates the shared session of `options.share` (see `createSharedSession`), loading its code on
 * first use. Until it has loaded (one chunk fetch in a split bundle, a microtask otherwise) the
 * session reports no state, `streamState` says `'inactive'`, `inspectStreams` is empty and `actor`
 * throws as it does in a follower tab; calls made meanwhile run once it has loaded.
 */
export function createDeferredSharedSession(options: SessionOptions, open: OpenSession): Session {
  // The checks the shared session makes at construction, made now so that they still throw here.
  sharingPlatform(options.share);
  const { share: _share, ...ownOptions } = options;
  resolveOptions(ownOptions);
  let session: Session | undefined;
  const loaded: Promise<Session> = import('./shared-session.js').then(({ createSharedSession }) => (session = createSharedSession(options, open)));
  // A failed load is reported by `closed` and by each call; this keeps it from being unhandled meanwhile.
  loaded.catch(() => undefined);
  // What defer, from and switchMap would do, written out: those operators would put about 4 KiB of
  // RxJS (minified) into every app's bundle, for a wrapper that only a sharing app uses.
  const later = <T>(select: (ready: Session) => Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      if (session !== undefined) return select(session).subscribe(subscriber);
      let inner: Subscription | undefined;
      loaded.then(
        (ready) => {
          if (!subscriber.closed) inner = select(ready).subscribe(subscriber);
        },
        (error: unknown) => subscriber.error(error),
      );
      return () => inner?.unsubscribe();
    });
  const closed: Promise<ClosedReason> = loaded.then(
    (ready) => ready.closed,
    (error: unknown) => {
      const failure = new WirestateError('connection', 'shared session failed to load', { cause: error });
      return { code: CLOSE_CODES.Abnormal, reason: failure.message, clientRequested: false, error: failure };
    },
  );
  return {
    state$: later((ready) => ready.state$),
    stream: <T>(name: string) => later((ready) => ready.stream<T>(name)),
    streamState: (name: string): StreamState => session?.streamState(name) ?? 'inactive',
    inspectStreams: (): readonly StreamInfo[] => session?.inspectStreams() ?? [],
    request: <R>(method: string, params?: unknown, requestOptions?: SessionRequestOptions) => loaded.then((ready) => ready.request<R>(method, params, requestOptions)),
    events$: later((ready) => ready.events$),
    gaps$: later((ready) => ready.gaps$),
    errors$: later((ready) => ready.errors$),
    ready: (waitOptions?: WaitOptions) => loaded.then((ready) => ready.ready(waitOptions)),
    waitFor: (state: SessionStateName, waitOptions?: WaitOptions) => loaded.then((ready) => ready.waitFor(state, waitOptions)),
    start: () => void loaded.then((ready) => ready.start(), () => undefined),
    // The arguments go on: the session reports a close(code, reason) on its errors$.
    close: (...given: unknown[]) => loaded.then((ready) => (ready.close as (...args: unknown[]) => Promise<void>)(...given), () => undefined),
    closed,
    get actor(): SessionActor {
      if (session !== undefined) return session.actor;
      throw new WirestateError('options', 'shared session still loading');
    },
  };
}
