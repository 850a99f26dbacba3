import { FaceTracker, iou, type Box, type Observation } from '@/lib/vision/track';

const box = (x: number, y: number, size = 100): Box => ({ x, y, width: size, height: size });
const obama = { personId: 'p-obama', name: 'Barack Obama', similarity: 0.72 };
const biden = { personId: 'p-biden', name: 'Joe Biden', similarity: 0.68 };
const seen = (b: Box, match: Observation['match'], quality = 0.8): Observation => ({ box: b, match, quality });
const labelText = (l: { status: string; name?: string }): string => (l.status === 'matched' ? (l.name ?? '') : 'unknown');

describe('iou', () => {
  it('is 1 for the same box, 0 for disjoint ones and 1/3 for half-shifted squares', () => {
    expect(iou(box(0, 0), box(0, 0))).toBe(1);
    expect(iou(box(0, 0), box(200, 0))).toBe(0);
    expect(iou(box(0, 0), box(50, 0))).toBeCloseTo(1 / 3);
    expect(iou(box(0, 0, 0), box(0, 0, 0))).toBe(0);
  });
});

describe('FaceTracker', () => {
  it('labels a new face from its first answer, and confirms it on the second', () => {
    const tracker = new FaceTracker({ minHits: 2 });
    const [face] = tracker.update([seen(box(100, 100), obama)], 0);
    expect(face.label).toEqual({ status: 'matched', ...obama });
    expect(face.id).toBe(1);
    expect(face.confirmed).toBe(false);
    expect(tracker.update([seen(box(102, 100), obama)], 100)[0].confirmed).toBe(true);
    const [other] = new FaceTracker({ minHits: 1 }).update([seen(box(100, 100), null)], 0);
    expect(other).toMatchObject({ label: { status: 'unknown' }, confirmed: true });
  });

  it('drops a face seen in one answer only (a false detection) at once', () => {
    const tracker = new FaceTracker({ minHits: 2, maxMissed: 2 });
    tracker.update([seen(box(100, 100), null)], 0);
    tracker.update([seen(box(100, 100), null), seen(box(400, 100), null, 0.6)], 100);
    const faces = tracker.update([seen(box(100, 100), null)], 200);
    expect(faces.map((f) => f.id)).toEqual([1]);
  });

  it('keeps a stable label and id under one wrong answer', () => {
    const tracker = new FaceTracker();
    for (let i = 0; i < 4; i++) tracker.update([seen(box(100 + i, 100), obama)], i * 100);
    const [wrongUnknown] = tracker.update([seen(box(104, 100), null)], 400);
    expect(labelText(wrongUnknown.label)).toBe('Barack Obama');
    const [wrongPerson] = tracker.update([seen(box(105, 100), biden)], 500);
    expect(labelText(wrongPerson.label)).toBe('Barack Obama');
    expect(wrongPerson.id).toBe(1);
  });

  it('keeps the label on a tie: one right answer then one wrong one', () => {
    const tracker = new FaceTracker();
    tracker.update([seen(box(100, 100), obama)], 0);
    const [face] = tracker.update([seen(box(100, 100), null)], 100);
    expect(labelText(face.label)).toBe('Barack Obama');
    expect(face.confidence).toBeCloseTo(0.5);
  });

  it('switches label after consistent evidence (a deleted person becomes unknown)', () => {
    const tracker = new FaceTracker({ voteWindow: 5 });
    for (let i = 0; i < 5; i++) tracker.update([seen(box(100, 100), obama)], i * 100);
    const labels: string[] = [];
    for (let i = 5; i < 10; i++) labels.push(labelText(tracker.update([seen(box(100, 100), null)], i * 100)[0].label));
    // Two unknowns are outvoted by three remaining Obama votes; the third unknown wins.
    expect(labels).toEqual(['Barack Obama', 'Barack Obama', 'unknown', 'unknown', 'unknown']);
  });

  it('weights votes by quality: two poor answers do not outvote one good one', () => {
    const tracker = new FaceTracker();
    tracker.update([seen(box(100, 100), obama, 0.9)], 0);
    tracker.update([seen(box(100, 100), biden, 0.2)], 100);
    const [face] = tracker.update([seen(box(100, 100), biden, 0.2)], 200);
    expect(labelText(face.label)).toBe('Barack Obama');
    const [later] = tracker.update([seen(box(100, 100), biden, 0.9)], 300);
    expect(labelText(later.label)).toBe('Joe Biden');
    expect(later.label).toMatchObject({ similarity: biden.similarity });
  });

  it('shows the newest similarity of the elected person', () => {
    const tracker = new FaceTracker();
    tracker.update([seen(box(100, 100), obama)], 0);
    tracker.update([seen(box(100, 100), { ...obama, similarity: 0.8 })], 100);
    const [face] = tracker.update([seen(box(100, 100), null, 0.1)], 200);
    expect(face.label).toMatchObject({ status: 'matched', similarity: 0.8 });
  });

  it('keeps the ids of two faces that cross each other', () => {
    const tracker = new FaceTracker();
    // A moves right, B moves left, 40 px per answer; they overlap completely mid-way.
    const ids = new Map<string, Set<number>>([['a', new Set()], ['b', new Set()]]);
    for (let i = 0; i <= 10; i++) {
      const ax = 100 + 40 * i;
      const bx = 500 - 40 * i;
      const faces = tracker.update([seen(box(ax, 200), obama), seen(box(bx, 205), biden)], i * 100);
      expect(faces).toHaveLength(2);
      for (const f of faces) {
        const cx = f.box.x + 50;
        const nearA = Math.abs(cx - (ax + 50)) <= Math.abs(cx - (bx + 50));
        if (i !== 5) ids.get(nearA ? 'a' : 'b')!.add(f.id); // at i=5 they are at the same place
      }
    }
    expect([...ids.get('a')!]).toEqual([1]);
    expect([...ids.get('b')!]).toEqual([2]);
    const final = tracker.update([seen(box(540, 200), obama), seen(box(60, 205), biden)], 1100);
    expect(final.find((f) => f.id === 1)!.label).toMatchObject({ name: 'Barack Obama' });
    expect(final.find((f) => f.id === 2)!.label).toMatchObject({ name: 'Joe Biden' });
  });

  it('keeps the ids of two unknown faces crossing, from their velocity alone', () => {
    const tracker = new FaceTracker();
    for (let i = 0; i <= 10; i++) {
      const rightToLeft = 500 - 40 * i;
      const leftToRight = 100 + 40 * i;
      const faces = tracker.update([seen(box(rightToLeft, 200), null), seen(box(leftToRight, 200), null)], i * 100);
      expect(faces.map((f) => f.id).sort()).toEqual([1, 2]);
      if (i === 5) continue; // same place
      // Track 1 started on the right and keeps moving left; track 2 the other way.
      const one = faces.find((f) => f.id === 1)!.box.x;
      expect(Math.abs(one - rightToLeft)).toBeLessThan(Math.abs(one - leftToRight));
    }
  });

  it('starts a new track for a face far from every track', () => {
    const tracker = new FaceTracker();
    tracker.update([seen(box(0, 0), obama)], 0);
    const faces = tracker.update([seen(box(0, 0), obama), seen(box(400, 0), null)], 100);
    expect(faces.map((f) => f.id).sort()).toEqual([1, 2]);
  });

  it('coasts a missing confirmed face for a couple of answers, then drops it', () => {
    const tracker = new FaceTracker({ maxMissed: 2, minHits: 2 });
    tracker.update([seen(box(100, 100), obama)], 0);
    tracker.update([seen(box(100, 100), obama)], 100);
    expect(tracker.update([], 200)).toHaveLength(1);
    expect(tracker.update([], 300)[0].missed).toBe(2);
    expect(tracker.update([], 400)).toHaveLength(0);
    // A face in the same place is a new track now.
    expect(tracker.update([seen(box(100, 100), obama)], 500)[0].id).toBe(2);
  });

  it('expires tracks by age when no answers come (server unreachable)', () => {
    const tracker = new FaceTracker({ maxAgeMs: 1000 });
    tracker.update([seen(box(100, 100), obama)], 0);
    expect(tracker.predict(900)).toHaveLength(1);
    expect(tracker.predict(1100)).toHaveLength(0);
    // The next answer, long after, also finds it gone.
    expect(tracker.update([seen(box(100, 100), obama)], 5000)[0].id).toBe(2);
  });

  it('keeps tracks alive between slow answers, and still expires them when answers stop', () => {
    const tracker = new FaceTracker({ maxAgeMs: 1500, maxAgeAnswers: 2.5 });
    // Answers every 1.2 s: the next one is due 2.4 s after the last frame it saw.
    for (let i = 0; i < 4; i++) tracker.update([seen(box(100, 100), obama)], i * 1200);
    expect(tracker.maxAgeMs()).toBeCloseTo(3000);
    expect(tracker.predict(3600 + 2300)).toHaveLength(1);
    expect(tracker.predict(3600 + 3100)).toHaveLength(0);
  });

  it('extrapolates a moving box between answers, up to the prediction horizon', () => {
    const tracker = new FaceTracker({ maxPredictMs: 200, boxGain: 1 });
    tracker.update([seen(box(100, 100), null)], 0);
    tracker.update([seen(box(110, 100), null)], 100); // 0.1 px/ms to the right
    expect(tracker.predict(150)[0].box.x).toBeCloseTo(115);
    expect(tracker.predict(1000)[0].box.x).toBeCloseTo(130); // capped at 200 ms ahead
    expect(tracker.predict(150)[0].box.y).toBeCloseTo(100);
  });

  it('smooths a jittery box towards the measurements', () => {
    const tracker = new FaceTracker({ boxGain: 0.5, velocityGain: 0 });
    tracker.update([seen(box(100, 100), null)], 0);
    const [face] = tracker.update([seen(box(120, 100), null)], 100);
    expect(face.box.x).toBeCloseTo(110);
  });

  it('ignores an answer for a frame older than the last one', () => {
    const tracker = new FaceTracker();
    tracker.update([seen(box(100, 100), obama)], 1000);
    const faces = tracker.update([seen(box(400, 400), biden)], 500);
    expect(faces).toHaveLength(1);
    expect(faces[0].box.x).toBe(100);
  });

  it('returns copies: changing a result does not move the track', () => {
    const tracker = new FaceTracker();
    const [face] = tracker.update([seen(box(100, 100), obama)], 0);
    face.box.x = 999;
    expect(tracker.predict(0)[0].box.x).toBe(100);
  });

  it('forgets everything on reset but never reuses an id', () => {
    const tracker = new FaceTracker();
    tracker.update([seen(box(100, 100), obama)], 0);
    tracker.reset();
    expect(tracker.predict(0)).toHaveLength(0);
    expect(tracker.update([seen(box(100, 100), obama)], 0)[0].id).toBe(2);
  });
});
