import { FaceTracker, iou, type Box, type Observation, type TrackerOptions } from '@/lib/vision/track';

const box = (x: number, y: number, size = 100): Box => ({ x, y, width: size, height: size });

/**
 * Decision-score bars for tracks of 1..5 frames, shaped like the server's `trackBars` (the
 * one-frame bar highest, longer tracks lower); impostor standard deviations.
 */
const BARS = [2.4, 2.25, 2.2, 2.15, 2.15];

/** People as the server knows them, with the opaque candidate token it sends for each. */
const obama = { personId: 'p-obama', name: 'Barack Obama', similarity: 0.72, token: 'c_obama' };
const biden = { personId: 'p-biden', name: 'Joe Biden', similarity: 0.68, token: 'c_biden' };
type Person = typeof obama;

/** A face the server named in this frame (its score cleared the one-frame bar). */
const named = (b: Box, p: Person, score = 2.8, quality = 0.8): Observation => ({
  box: b,
  match: { personId: p.personId, name: p.name, similarity: p.similarity },
  decision: { candidate: p.token, score },
  quality,
});
/** A face the server left unknown, with its best candidate and that candidate's score. */
const below = (b: Box, candidate: string, score: number, quality = 0.8): Observation => ({
  box: b,
  match: null,
  decision: { candidate, score },
  quality,
});
/** A stranger: far from everyone enrolled. */
const stranger = (b: Box, quality = 0.8): Observation => below(b, 'c_nearest', -0.5, quality);

const labelText = (l: { status: string; name?: string }): string => (l.status === 'matched' ? (l.name ?? '') : 'unknown');

/** Feeds one face per answer (100 ms apart, from `startMs`) and returns the label after each. */
function labelsOf(tracker: FaceTracker, faces: Observation[], bars: number[] = BARS, startMs = 0): string[] {
  return faces.map((f, i) => labelText(tracker.update([f], startMs + i * 100, bars)[0].label));
}

function trackerWith(options: Partial<TrackerOptions> = {}): FaceTracker {
  return new FaceTracker(options);
}

describe('iou', () => {
  it('is 1 for the same box, 0 for disjoint ones and 1/3 for half-shifted squares', () => {
    expect(iou(box(0, 0), box(0, 0))).toBe(1);
    expect(iou(box(0, 0), box(200, 0))).toBe(0);
    expect(iou(box(0, 0), box(50, 0))).toBeCloseTo(1 / 3);
    expect(iou(box(0, 0, 0), box(0, 0, 0))).toBe(0);
  });
});

describe('FaceTracker labels: evidence across frames', () => {
  it('names a face from its first frame when the server named that frame, and confirms it on the second', () => {
    const tracker = trackerWith({ minHits: 2 });
    const [face] = tracker.update([named(box(100, 100), obama)], 0, BARS);
    expect(face.label).toEqual({ status: 'matched', personId: obama.personId, name: obama.name, similarity: obama.similarity });
    expect(face.id).toBe(1);
    expect(face.confirmed).toBe(false);
    expect(tracker.update([named(box(102, 100), obama)], 100, BARS)[0].confirmed).toBe(true);
    const [other] = trackerWith({ minHits: 1 }).update([stranger(box(100, 100))], 0, BARS);
    expect(other).toMatchObject({ label: { status: 'unknown' }, confirmed: true });
  });

  it('names a track once its evidence clears the bar for that many frames, not at the first named frame', () => {
    const tracker = trackerWith();
    // A poor first look (1.0), then frames the server names: the track's mean evidence reaches
    // the bar for 4 frames (2.15) only at the fourth.
    const labels = labelsOf(tracker, [
      below(box(100, 100), obama.token, 1.0),
      named(box(100, 100), obama, 2.5),
      named(box(100, 100), obama, 2.6),
      named(box(100, 100), obama, 2.6),
    ]);
    expect(labels).toEqual(['unknown', 'unknown', 'unknown', 'Barack Obama']);
  });

  it('counts frames below the bar as evidence once one frame of the same person cleared it', () => {
    const tracker = trackerWith();
    // 2.3 alone is unknown; with a named frame of the same person the two clear the 2-frame bar.
    expect(labelsOf(tracker, [below(box(100, 100), obama.token, 2.3), named(box(100, 100), obama, 2.45)])).toEqual(['unknown', 'Barack Obama']);
  });

  it('never names a stranger whose frames each fall short of the one-frame bar, however many', () => {
    const tracker = trackerWith();
    // 2.3 is above every multi-frame bar, but no single frame justified a name.
    const labels = labelsOf(tracker, Array.from({ length: 12 }, () => below(box(100, 100), 'c_lookalike', 2.3)));
    expect(new Set(labels)).toEqual(new Set(['unknown']));
    expect(labelsOf(trackerWith(), Array.from({ length: 12 }, () => stranger(box(100, 100))))).toEqual(Array(12).fill('unknown'));
  });

  it('never shows a name the server did not send, however high the scores', () => {
    // The server may hold a face to a higher bar than `trackBars` (a poor face needs stronger
    // evidence) and then sends no name: the tracker has none to show.
    const tracker = trackerWith();
    const labels = labelsOf(tracker, Array.from({ length: 8 }, () => below(box(100, 100), obama.token, 3.5)));
    expect(new Set(labels)).toEqual(new Set(['unknown']));
  });

  it("never puts one person's name on another candidate's evidence", () => {
    const tracker = trackerWith();
    // Biden was named once, but the track's evidence leads with another candidate, below the bar.
    const labels = labelsOf(tracker, [
      below(box(100, 100), obama.token, 2.3),
      below(box(100, 100), obama.token, 2.3),
      named(box(100, 100), biden, 2.6),
      below(box(100, 100), obama.token, 2.3),
    ]);
    expect(labels).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('keeps a named track and its id under one odd frame (an unknown, or someone else named)', () => {
    for (const odd of [stranger(box(104, 100)), named(box(104, 100), biden, 2.5)]) {
      const tracker = trackerWith();
      for (let i = 0; i < 4; i++) tracker.update([named(box(100 + i, 100), obama)], i * 100, BARS);
      const [face] = tracker.update([odd], 400, BARS);
      expect(labelText(face.label)).toBe('Barack Obama');
      expect(face.id).toBe(1);
    }
  });

  it('holds a name while the evidence dips just under the bar (hysteresis), and only then', () => {
    // The same face each time: named now and then, its mean evidence over 5 frames swinging
    // around the 5-frame bar (2.15) but staying well within the hold margin.
    const cycle = [named(box(100, 100), obama, 2.55), below(box(100, 100), obama.token, 2.0), below(box(100, 100), obama.token, 2.1), below(box(100, 100), obama.token, 2.0)];
    const faces = Array.from({ length: 16 }, (_, i) => cycle[i % cycle.length]);
    const held = labelsOf(trackerWith(), faces);
    expect(new Set(held)).toEqual(new Set(['Barack Obama']));
    const flickering = labelsOf(trackerWith({ holdMargin: 0 }), faces);
    expect(flickering.filter((l, i) => i > 0 && l !== flickering[i - 1]).length).toBeGreaterThan(2);
  });

  it('drops a name once the evidence is clearly against it (a deleted person becomes unknown)', () => {
    const tracker = trackerWith();
    for (let i = 0; i < 5; i++) tracker.update([named(box(100, 100), obama)], i * 100, BARS);
    // Deleted: the nearest enrolled person is now someone else, far below the bar.
    const labels = labelsOf(tracker, Array.from({ length: 5 }, () => below(box(100, 100), 'c_someone-else', -0.5)), BARS, 500);
    expect(labels).toEqual(['Barack Obama', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('shows the newest name and similarity the server sent for the person (a rename shows at once)', () => {
    const tracker = trackerWith();
    tracker.update([named(box(100, 100), obama)], 0, BARS);
    tracker.update([named(box(100, 100), { ...obama, name: 'Barack H. Obama', similarity: 0.8 })], 100, BARS);
    const [face] = tracker.update([below(box(100, 100), obama.token, 2.3)], 200, BARS);
    expect(face.label).toEqual({ status: 'matched', personId: obama.personId, name: 'Barack H. Obama', similarity: 0.8 });
  });

  it('weights frames by quality: poor frames of someone else do not outweigh a good one', () => {
    const tracker = trackerWith();
    tracker.update([named(box(100, 100), obama, 2.8, 0.9)], 0, BARS);
    tracker.update([below(box(100, 100), biden.token, 0.5, 0.1)], 100, BARS);
    const [face] = tracker.update([below(box(100, 100), biden.token, 0.5, 0.1)], 200, BARS);
    // Weighted mean: (0.9 x 2.8 + 0.2 x 0) / 1.1 = 2.29, above the 3-frame bar.
    expect(labelText(face.label)).toBe('Barack Obama');
    const equal = trackerWith();
    equal.update([named(box(100, 100), obama, 2.8, 0.5)], 0, BARS);
    equal.update([below(box(100, 100), biden.token, 0.5, 0.5)], 100, BARS);
    expect(labelText(equal.update([below(box(100, 100), biden.token, 0.5, 0.5)], 200, BARS)[0].label)).toBe('unknown');
  });

  it('judges every track against the latest bars: they rise and fall as people are enrolled and deleted', () => {
    const tracker = trackerWith();
    for (let i = 0; i < 3; i++) tracker.update([named(box(100, 100), obama, 2.6)], i * 100, BARS);
    // Many people enrolled: a higher bar, and the same face no longer clears one frame's.
    const raised = BARS.map((b) => b + 1);
    expect(labelText(tracker.update([below(box(100, 100), obama.token, 2.6)], 300, raised)[0].label)).toBe('unknown');

    const other = trackerWith();
    const labels = labelsOf(other, [named(box(100, 100), obama, 2.45), below(box(100, 100), obama.token, 1.5), below(box(100, 100), obama.token, 1.5)]);
    expect(labels).toEqual(['Barack Obama', 'unknown', 'unknown']);
    // People deleted: lower bars; the same frames, and one more still below the one-frame bar, now suffice.
    const lowered = [1.6, 1.55, 1.5, 1.5, 1.5];
    expect(labelText(other.update([below(box(100, 100), obama.token, 1.55)], 300, lowered)[0].label)).toBe('Barack Obama');
  });

  it('keeps as many frames as there are bars', () => {
    const tracker = trackerWith();
    tracker.update([below(box(100, 100), obama.token, -3)], 0, BARS);
    // With five bars the poor first frame still weighs on the evidence...
    const five = tracker.update([named(box(100, 100), obama, 2.6)], 100, BARS);
    expect(labelText(five[0].label)).toBe('unknown');
    // ...with two it has left the window.
    tracker.update([named(box(100, 100), obama, 2.6)], 200, BARS.slice(0, 2));
    expect(labelText(tracker.update([named(box(100, 100), obama, 2.6)], 300, BARS.slice(0, 2))[0].label)).toBe('Barack Obama');
  });

  it('names nobody before anyone is enrolled, and frames from then vouch for no one', () => {
    const tracker = trackerWith();
    const empty: Observation = { box: box(100, 100), match: null, decision: { candidate: null, score: null }, quality: 0.9 };
    expect(labelText(tracker.update([empty], 0, BARS)[0].label)).toBe('unknown');
    // Enrolled meanwhile: the empty-gallery frame holds the name back until it leaves the window.
    const labels = labelsOf(tracker, Array.from({ length: 5 }, () => named(box(100, 100), obama)), BARS, 100);
    expect(labels).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'Barack Obama']);
    expect(labelText(trackerWith().update([named(box(100, 100), obama)], 0, [])[0].label)).toBe('unknown');
  });

  it('reports as confidence the share of frame weight that agrees with the label', () => {
    const tracker = trackerWith();
    for (let i = 0; i < 4; i++) tracker.update([named(box(100, 100), obama)], i * 100, BARS);
    const [face] = tracker.update([stranger(box(100, 100))], 400, BARS);
    expect(labelText(face.label)).toBe('Barack Obama');
    expect(face.confidence).toBeCloseTo(0.8);
    const unknown = trackerWith();
    unknown.update([stranger(box(100, 100))], 0, BARS);
    expect(unknown.update([stranger(box(100, 100))], 100, BARS)[0].confidence).toBe(1);
  });
});

describe('FaceTracker boxes and lifetimes', () => {
  it('drops a face seen in one answer only (a false detection) at once', () => {
    const tracker = trackerWith({ minHits: 2, maxMissed: 2 });
    tracker.update([stranger(box(100, 100))], 0, BARS);
    tracker.update([stranger(box(100, 100)), stranger(box(400, 100), 0.6)], 100, BARS);
    const faces = tracker.update([stranger(box(100, 100))], 200, BARS);
    expect(faces.map((f) => f.id)).toEqual([1]);
  });

  it('keeps the ids and names of two faces that cross each other', () => {
    const tracker = trackerWith();
    // A moves right, B moves left, 40 px per answer; they overlap completely mid-way.
    const ids = new Map<string, Set<number>>([['a', new Set()], ['b', new Set()]]);
    for (let i = 0; i <= 10; i++) {
      const ax = 100 + 40 * i;
      const bx = 500 - 40 * i;
      const faces = tracker.update([named(box(ax, 200), obama), named(box(bx, 205), biden)], i * 100, BARS);
      expect(faces).toHaveLength(2);
      for (const f of faces) {
        const cx = f.box.x + 50;
        const nearA = Math.abs(cx - (ax + 50)) <= Math.abs(cx - (bx + 50));
        if (i !== 5) ids.get(nearA ? 'a' : 'b')!.add(f.id); // at i=5 they are at the same place
      }
    }
    expect([...ids.get('a')!]).toEqual([1]);
    expect([...ids.get('b')!]).toEqual([2]);
    const final = tracker.update([named(box(540, 200), obama), named(box(60, 205), biden)], 1100, BARS);
    expect(final.find((f) => f.id === 1)!.label).toMatchObject({ name: 'Barack Obama' });
    expect(final.find((f) => f.id === 2)!.label).toMatchObject({ name: 'Joe Biden' });
  });

  it('ties a face to the track of the same candidate when both fit equally, even below the bar', () => {
    const tracker = trackerWith({ sameIdentityBonus: 0.1 });
    // Two strangers side by side, each with their own (stable) nearest candidate.
    tracker.update([below(box(100, 100), 'c_a', 0.5), below(box(160, 100), 'c_b', 0.5)], 0, BARS);
    // Next answer: a face exactly half-way between both tracks, carrying b's candidate.
    const faces = tracker.update([below(box(130, 100), 'c_b', 0.5)], 100, BARS);
    const seenAgain = faces.find((f) => f.missed === 0)!;
    expect(seenAgain.id).toBe(2);
  });

  it('keeps the ids of two unknown faces crossing, from their velocity alone', () => {
    const tracker = trackerWith();
    for (let i = 0; i <= 10; i++) {
      const rightToLeft = 500 - 40 * i;
      const leftToRight = 100 + 40 * i;
      const faces = tracker.update([stranger(box(rightToLeft, 200)), stranger(box(leftToRight, 200))], i * 100, BARS);
      expect(faces.map((f) => f.id).sort()).toEqual([1, 2]);
      if (i === 5) continue; // same place
      // Track 1 started on the right and keeps moving left; track 2 the other way.
      const one = faces.find((f) => f.id === 1)!.box.x;
      expect(Math.abs(one - rightToLeft)).toBeLessThan(Math.abs(one - leftToRight));
    }
  });

  it('starts a new track for a face far from every track', () => {
    const tracker = trackerWith();
    tracker.update([named(box(0, 0), obama)], 0, BARS);
    const faces = tracker.update([named(box(0, 0), obama), stranger(box(400, 0))], 100, BARS);
    expect(faces.map((f) => f.id).sort()).toEqual([1, 2]);
  });

  it('coasts a missing confirmed face for a couple of answers, then drops it', () => {
    const tracker = trackerWith({ maxMissed: 2, minHits: 2 });
    tracker.update([named(box(100, 100), obama)], 0, BARS);
    tracker.update([named(box(100, 100), obama)], 100, BARS);
    const [coasting] = tracker.update([], 200, BARS);
    expect(labelText(coasting.label)).toBe('Barack Obama');
    expect(tracker.update([], 300, BARS)[0].missed).toBe(2);
    expect(tracker.update([], 400, BARS)).toHaveLength(0);
    // A face in the same place is a new track now.
    expect(tracker.update([named(box(100, 100), obama)], 500, BARS)[0].id).toBe(2);
  });

  it('expires tracks by age when no answers come (server unreachable)', () => {
    const tracker = trackerWith({ maxAgeMs: 1000 });
    tracker.update([named(box(100, 100), obama)], 0, BARS);
    expect(tracker.predict(900)).toHaveLength(1);
    expect(tracker.predict(1100)).toHaveLength(0);
    // The next answer, long after, also finds it gone.
    expect(tracker.update([named(box(100, 100), obama)], 5000, BARS)[0].id).toBe(2);
  });

  it('keeps tracks alive between slow answers, and still expires them when answers stop', () => {
    const tracker = trackerWith({ maxAgeMs: 1500, maxAgeAnswers: 2.5 });
    // Answers every 1.2 s: the next one is due 2.4 s after the last frame it saw.
    for (let i = 0; i < 4; i++) tracker.update([named(box(100, 100), obama)], i * 1200, BARS);
    expect(tracker.maxAgeMs()).toBeCloseTo(3000);
    expect(tracker.predict(3600 + 2300)).toHaveLength(1);
    expect(tracker.predict(3600 + 3100)).toHaveLength(0);
  });

  it('extrapolates a moving box between answers, up to the prediction horizon', () => {
    const tracker = trackerWith({ maxPredictMs: 200, boxGain: 1 });
    tracker.update([stranger(box(100, 100))], 0, BARS);
    tracker.update([stranger(box(110, 100))], 100, BARS); // 0.1 px/ms to the right
    expect(tracker.predict(150)[0].box.x).toBeCloseTo(115);
    expect(tracker.predict(1000)[0].box.x).toBeCloseTo(130); // capped at 200 ms ahead
    expect(tracker.predict(150)[0].box.y).toBeCloseTo(100);
  });

  it('smooths a jittery box towards the measurements', () => {
    const tracker = trackerWith({ boxGain: 0.5, velocityGain: 0 });
    tracker.update([stranger(box(100, 100))], 0, BARS);
    const [face] = tracker.update([stranger(box(120, 100))], 100, BARS);
    expect(face.box.x).toBeCloseTo(110);
  });

  it('ignores an answer for a frame older than the last one', () => {
    const tracker = trackerWith();
    tracker.update([named(box(100, 100), obama)], 1000, BARS);
    const faces = tracker.update([named(box(400, 400), biden)], 500, BARS);
    expect(faces).toHaveLength(1);
    expect(faces[0].box.x).toBe(100);
    expect(labelText(faces[0].label)).toBe('Barack Obama');
  });

  it('returns copies: changing a result changes neither the box nor the label of the track', () => {
    const tracker = trackerWith();
    const [face] = tracker.update([named(box(100, 100), obama)], 0, BARS);
    face.box.x = 999;
    if (face.label.status === 'matched') face.label.name = 'Someone';
    const [again] = tracker.predict(0);
    expect(again.box.x).toBe(100);
    expect(labelText(again.label)).toBe('Barack Obama');
  });

  it('forgets everything on reset but never reuses an id', () => {
    const tracker = trackerWith();
    tracker.update([named(box(100, 100), obama)], 0, BARS);
    tracker.reset();
    expect(tracker.predict(0)).toHaveLength(0);
    expect(tracker.update([named(box(100, 100), obama)], 0, BARS)[0].id).toBe(2);
  });
});
