import { frameSize } from '@/lib/client/camera';
import { describeError, describeReason } from '@/lib/client/messages';
import { ApiClientError } from '@/lib/client/api';
import { Ema, RateMeter } from '@/lib/client/meters';

describe('RateMeter', () => {
  it('measures a steady rate, before and after the window fills', () => {
    const m = new RateMeter(2000);
    for (let t = 0; t <= 500; t += 100) m.tick(t);
    expect(m.ratePerS(500)).toBeCloseTo(10);
    for (let t = 600; t <= 5000; t += 100) m.tick(t);
    expect(m.ratePerS(5000)).toBeCloseTo(10);
  });

  it('falls when events stop, to zero once the window is empty', () => {
    const m = new RateMeter(2000);
    for (let t = 0; t <= 2000; t += 100) m.tick(t);
    expect(m.ratePerS(3000)).toBeLessThan(10);
    expect(m.ratePerS(4500)).toBe(0);
  });
});

describe('Ema', () => {
  it('starts at the first sample and moves part of the way to each next one', () => {
    const e = new Ema(0.5);
    expect(e.value).toBeNull();
    expect(e.add(100)).toBe(100);
    expect(e.add(200)).toBe(150);
  });
});

describe('frameSize', () => {
  it('scales a frame down to the width limit, never up', () => {
    expect(frameSize(1280, 720, 640)).toEqual({ width: 640, height: 360 });
    expect(frameSize(320, 240, 640)).toEqual({ width: 320, height: 240 });
  });
});

describe('messages', () => {
  it('has words and a hint for every refusal reason the API lists', () => {
    for (const r of ['no-face', 'several-faces', 'too-small', 'blurred', 'turned-away', 'low-confidence', 'cut-off', 'unreadable']) {
      const d = describeReason(r);
      expect(d.title).not.toMatch(/-/);
      expect(d.hint.length).toBeGreaterThan(10);
    }
    expect(describeReason('new-reason').title).toBe('new reason');
  });

  it('tells key problems apart from an unreachable server', () => {
    expect(describeError(new ApiClientError(401, 'unauthorized', 'x'))).toMatch(/API key/);
    expect(describeError(new ApiClientError(403, 'forbidden', 'x'))).toMatch(/enroll/);
    expect(describeError(new ApiClientError(0, 'network', 'x'))).toMatch(/Cannot reach/);
    expect(describeError(new ApiClientError(429, 'rate_limited', 'x', 5))).toMatch(/5 s/);
    expect(describeError(new ApiClientError(400, 'validation_failed', 'name: must not be empty'))).toBe('name: must not be empty');
  });
});
