/**
 * The real-time loop of the recognition page, without the DOM: capture a frame, send it, wait
 * for the answer, repeat. Never more than one request in flight, so the rate adapts to the
 * server (a slow answer simply means fewer frames). Failures are values the page shows:
 * unreachable server -> exponential backoff until it answers again; 429/503 -> wait what
 * Retry-After says; 401/403 -> stop until the page has a key. The clock and sleep are
 * injected so the loop can be tested without timers.
 */
import { ApiClientError, isAbort } from './api';

export type LoopProblem =
  /** No answer at all (server down, network gone, timeout). `attempt` counts from 1. */
  | { kind: 'unreachable'; attempt: number; retryInMs: number; error: ApiClientError }
  /** The server asked us to wait (429 rate limited, 503 busy or starting). */
  | { kind: 'busy'; retryInMs: number; error: ApiClientError }
  /** The key is missing or lacks the role; the loop has stopped. */
  | { kind: 'auth'; error: ApiClientError }
  /** Anything else (a frame the server refused, a 500): skip it, try the next after a pause. */
  | { kind: 'failed'; retryInMs: number; error: ApiClientError };

export interface FrameLoopDeps<F, R> {
  /** A fresh frame, or null while the camera has none yet. */
  capture(): Promise<F | null>;
  send(frame: F, signal: AbortSignal): Promise<R>;
  onAnswer(result: R, frame: F, roundTripMs: number): void;
  /** A problem began or changed (null: solved, answers flow again). */
  onProblem(problem: LoopProblem | null): void;
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface FrameLoopOptions {
  /** First wait after the server stopped answering; doubles per failed try. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Wait on 429/503 without a Retry-After. */
  busyDefaultMs: number;
  /** Pause after another failure before the next frame. */
  failedPauseMs: number;
  /** Floor between two frames, even when the server answers faster (caps the rate). */
  minFrameIntervalMs: number;
  /** Poll interval while the camera has no frame yet. */
  noFramePollMs: number;
}

export const DEFAULT_FRAME_LOOP_OPTIONS: FrameLoopOptions = {
  backoffBaseMs: 500,
  backoffMaxMs: 8000,
  busyDefaultMs: 1000,
  failedPauseMs: 1000,
  minFrameIntervalMs: 50,
  noFramePollMs: 100,
};

/** Wait before try `attempt` (1-based) after the server stopped answering: base * 2^(attempt-1), capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export function classify(error: ApiClientError, unreachableAttempt: number, o: FrameLoopOptions): LoopProblem {
  if (error.unreachable) {
    return { kind: 'unreachable', attempt: unreachableAttempt, retryInMs: backoffMs(unreachableAttempt, o.backoffBaseMs, o.backoffMaxMs), error };
  }
  if (error.needsKey) return { kind: 'auth', error };
  if (error.busy) {
    const retryInMs = error.retryAfterS !== null ? Math.max(250, error.retryAfterS * 1000) : o.busyDefaultMs;
    return { kind: 'busy', retryInMs, error };
  }
  return { kind: 'failed', retryInMs: o.failedPauseMs, error };
}

/**
 * Runs until `signal` aborts (resolves 'aborted') or the server wants a key (resolves 'auth').
 * Anything other than an ApiClientError thrown by `send` or `capture` is a bug and rejects.
 */
export async function runFrameLoop<F, R>(
  deps: FrameLoopDeps<F, R>,
  signal: AbortSignal,
  options: Partial<FrameLoopOptions> = {},
): Promise<'aborted' | 'auth'> {
  const o = { ...DEFAULT_FRAME_LOOP_OPTIONS, ...options };
  let problem: LoopProblem | null = null;
  let unreachableAttempts = 0;
  const wait = async (ms: number) => {
    if (ms > 0) await deps.sleep(ms, signal);
  };

  while (!signal.aborted) {
    const frame = await deps.capture();
    if (signal.aborted) break;
    if (frame === null) {
      await wait(o.noFramePollMs);
      continue;
    }
    const sentAt = deps.now();
    try {
      const result = await deps.send(frame, signal);
      if (signal.aborted) break;
      if (problem) {
        problem = null;
        unreachableAttempts = 0;
        deps.onProblem(null);
      }
      deps.onAnswer(result, frame, deps.now() - sentAt);
      await wait(o.minFrameIntervalMs - (deps.now() - sentAt));
    } catch (e) {
      if (signal.aborted || isAbort(e)) break;
      if (!(e instanceof ApiClientError)) throw e;
      unreachableAttempts = e.unreachable ? unreachableAttempts + 1 : 0;
      problem = classify(e, unreachableAttempts, o);
      deps.onProblem(problem);
      if (problem.kind === 'auth') return 'auth';
      await wait(problem.retryInMs);
    }
  }
  return 'aborted';
}

/** A sleep that ends early (without throwing) when the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
