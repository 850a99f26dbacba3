import { ApiClientError } from '@/lib/client/api';
import { backoffMs, runFrameLoop, type LoopProblem } from '@/lib/client/frame-loop';

/**
 * A scripted server for the loop: each `send` takes the next scripted outcome. Time is
 * virtual: sleeping advances the clock, and a send takes `latencyMs`.
 */
function harness(script: (ApiClientError | 'ok')[], opts: { latencyMs?: number; emptyFrames?: number } = {}) {
  let clock = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let emptyFrames = opts.emptyFrames ?? 0;
  const controller = new AbortController();
  const sleeps: number[] = [];
  const problems: (LoopProblem | null)[] = [];
  const answers: { frame: number; roundTripMs: number }[] = [];
  let frameNo = 0;
  const done = runFrameLoop<number, string>(
    {
      capture: async () => {
        if (emptyFrames > 0) {
          emptyFrames--;
          return null;
        }
        return ++frameNo;
      },
      send: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await Promise.resolve();
        clock += opts.latencyMs ?? 100;
        inFlight--;
        const next = script.shift();
        if (next === undefined) {
          controller.abort();
          throw new DOMException('aborted', 'AbortError');
        }
        if (next !== 'ok') throw next;
        return 'answer';
      },
      onAnswer: (_r, frame, roundTripMs) => answers.push({ frame, roundTripMs }),
      onProblem: (p) => problems.push(p),
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    },
    controller.signal,
    { minFrameIntervalMs: 0 },
  );
  return { done, sleeps, problems, answers, maxInFlight: () => maxInFlight, frames: () => frameNo };
}

const down = () => new ApiClientError(0, 'network', 'Cannot reach the server.');

describe('frame loop', () => {
  it('keeps one request in flight and sends the next frame when the answer arrives', async () => {
    const h = harness(['ok', 'ok', 'ok'], { latencyMs: 250 });
    await expect(h.done).resolves.toBe('aborted');
    expect(h.maxInFlight()).toBe(1);
    expect(h.answers).toEqual([
      { frame: 1, roundTripMs: 250 },
      { frame: 2, roundTripMs: 250 },
      { frame: 3, roundTripMs: 250 },
    ]);
    expect(h.sleeps).toEqual([]); // no pause beyond the answer itself: the rate follows the server
  });

  it('waits for the camera when it has no frame yet', async () => {
    const h = harness(['ok'], { emptyFrames: 2 });
    await h.done;
    expect(h.sleeps).toEqual([100, 100]);
    expect(h.answers).toHaveLength(1);
  });

  it('backs off exponentially while the server is unreachable, and recovers by itself', async () => {
    const h = harness([down(), down(), down(), down(), 'ok', 'ok']);
    await h.done;
    expect(h.sleeps).toEqual([500, 1000, 2000, 4000]);
    const kinds = h.problems.map((p) => (p ? `${p.kind}${p.kind === 'unreachable' ? p.attempt : ''}` : 'cleared'));
    expect(kinds).toEqual(['unreachable1', 'unreachable2', 'unreachable3', 'unreachable4', 'cleared']);
    expect(h.answers).toHaveLength(2);
  });

  it('caps the backoff', () => {
    expect(backoffMs(1, 500, 8000)).toBe(500);
    expect(backoffMs(5, 500, 8000)).toBe(8000);
    expect(backoffMs(30, 500, 8000)).toBe(8000);
  });

  it('waits what Retry-After says on 429 and 503, and restarts the backoff afterwards', async () => {
    const limited = new ApiClientError(429, 'rate_limited', 'slow down', 3);
    const busy = new ApiClientError(503, 'overloaded', 'busy', null);
    const h = harness([down(), limited, busy, down(), 'ok']);
    await h.done;
    expect(h.sleeps).toEqual([500, 3000, 1000, 500]);
    expect(h.problems.map((p) => p?.kind ?? null)).toEqual(['unreachable', 'busy', 'busy', 'unreachable', null]);
  });

  it('stops and reports when the server wants a key', async () => {
    const h = harness(['ok', new ApiClientError(401, 'unauthorized', 'key needed'), 'ok']);
    await expect(h.done).resolves.toBe('auth');
    expect(h.problems).toEqual([expect.objectContaining({ kind: 'auth' })]);
    expect(h.frames()).toBe(2);
  });

  it('skips a refused frame and goes on after a pause', async () => {
    const h = harness([new ApiClientError(400, 'corrupt_image', 'bad'), 'ok']);
    await h.done;
    expect(h.sleeps).toEqual([1000]);
    expect(h.problems.map((p) => p?.kind ?? null)).toEqual(['failed', null]);
  });

  it('rejects on a bug rather than retrying forever', async () => {
    const controller = new AbortController();
    const run = runFrameLoop<number, string>(
      {
        capture: async () => 1,
        send: async () => {
          throw new TypeError('undefined is not a function');
        },
        onAnswer: () => undefined,
        onProblem: () => undefined,
        now: () => 0,
        sleep: async () => undefined,
      },
      controller.signal,
    );
    await expect(run).rejects.toThrow(TypeError);
  });
});
