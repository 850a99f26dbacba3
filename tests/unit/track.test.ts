import { FaceTracker, iou, type AskTrack, type Box, type FusedVerdict, type Observation, type TrackerOptions } from '@/lib/vision/track';

const box = (x: number, y: number, size = 100): Box => ({ x, y, width: size, height: size });

/** People as the server knows them, with the opaque candidate token it sends for each. */
const obama = { personId: 'p-obama', name: 'Barack Obama', similarity: 0.72, token: 'c_obama' };
const biden = { personId: 'p-biden', name: 'Joe Biden', similarity: 0.68, token: 'c_biden' };
type Person = typeof obama;

let sealed = 0;
/** A face the server named in this frame (its score cleared the one-frame bar); its evidence token says whose face it is, for the fake server. */
const named = (b: Box, p: Person, score = 2.8, quality = 0.8): Observation => ({
  box: b,
  match: { personId: p.personId, name: p.name, similarity: p.similarity },
  decision: { candidate: p.token, score },
  quality,
  evidence: `${p.token}#${sealed++}`,
});
/** A face the server left unknown, with its best candidate and that candidate's score. */
const below = (b: Box, candidate: string, score: number, quality = 0.8): Observation => ({
  box: b,
  match: null,
  decision: { candidate, score },
  quality,
  evidence: `${candidate}#${sealed++}`,
});
/** A stranger: far from everyone enrolled. */
const stranger = (b: Box, quality = 0.8): Observation => below(b, 'c_nearest', -0.5, quality);

const labelText = (l: { status: string; name?: string }): string => (l.status === 'matched' ? (l.name ?? '') : 'unknown');

/** Feeds one face per answer (100 ms apart, from `startMs`) and returns the label after each. */
function labelsOf(tracker: FaceTracker, faces: Observation[], startMs = 0): string[] {
  return faces.map((f, i) => labelText(tracker.update([f], startMs + i * 100)[0].label));
}

function trackerWith(options: Partial<TrackerOptions> = {}, askTrack: AskTrack | null = null): FaceTracker {
  return new FaceTracker(options, askTrack);
}

/**
 * A fake POST /recognize/track: records every question and answers when told (`answer`), or at
 * once with `rule` (the tokens' owner when most of them are one enrolled person's).
 */
function fakeServer(rule: (evidence: string[]) => FusedVerdict | null = byMajority) {
  const calls: string[][] = [];
  const pending: ((v: FusedVerdict | null) => void)[] = [];
  let held = false;
  const ask: AskTrack = (evidence) => {
    calls.push(evidence);
    if (!held) return Promise.resolve(rule(evidence));
    return new Promise((resolve) => pending.push(resolve));
  };
  return {
    ask,
    calls,
    /** Later questions wait for `answer`. */
    hold: () => (held = true),
    answer: (i: number, v: FusedVerdict | null) => pending[i](v),
  };
}

const enrolled = new Map([obama, biden].map((p) => [p.token, p]));
function byMajority(evidence: string[]): FusedVerdict {
  const owners = evidence.map((e) => e.split('#')[0]);
  const top = owners.find((o) => owners.filter((x) => x === o).length * 2 > owners.length);
  const person = top ? enrolled.get(top) : undefined;
  return { match: person ? { personId: person.personId, name: person.name, similarity: person.similarity } : null, candidate: top ?? owners[0] };
}
const nobody = (candidate: string): FusedVerdict => ({ match: null, candidate });

/** Lets answered questions settle (their `then` runs in a microtask). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('iou', () => {
  it('is 1 for the same box, 0 for disjoint ones and 1/3 for half-shifted squares', () => {
    expect(iou(box(0, 0), box(0, 0))).toBe(1);
    expect(iou(box(0, 0), box(200, 0))).toBe(0);
    expect(iou(box(0, 0), box(50, 0))).toBeCloseTo(1 / 3);
    expect(iou(box(0, 0, 0), box(0, 0, 0))).toBe(0);
  });
});

describe('FaceTracker labels: single frames at once, tracks on their fused evidence', () => {
  it('names a face from its first frame when the server named that frame, and confirms it on the second', () => {
    const tracker = trackerWith({ minHits: 2 });
    const [face] = tracker.update([named(box(100, 100), obama)], 0);
    expect(face.label).toEqual({ status: 'matched', personId: obama.personId, name: obama.name, similarity: obama.similarity });
    expect(face.id).toBe(1);
    expect(face.confirmed).toBe(false);
    expect(tracker.update([named(box(102, 100), obama)], 100)[0].confirmed).toBe(true);
    const [other] = trackerWith({ minHits: 1 }).update([stranger(box(100, 100))], 0);
    expect(other).toMatchObject({ label: { status: 'unknown' }, confirmed: true });
  });

  it("names a track that no single frame named once the server names its fused frames, with the answer's name", async () => {
    const server = fakeServer();
    const tracker = trackerWith({}, server.ask);
    // Each frame alone falls short of the one-frame bar.
    expect(labelText(tracker.update([below(box(100, 100), obama.token, 1.9)], 0)[0].label)).toBe('unknown');
    expect(server.calls).toHaveLength(0); // one frame: nothing to fuse
    expect(labelText(tracker.update([below(box(100, 100), obama.token, 2.0)], 100)[0].label)).toBe('unknown');
    expect(server.calls).toEqual([[expect.stringMatching(/^c_obama#/), expect.stringMatching(/^c_obama#/)]]);
    await settled();
    const [face] = tracker.predict(150);
    expect(face.label).toEqual({ status: 'matched', personId: obama.personId, name: obama.name, similarity: obama.similarity });
    expect(face.confidence).toBe(1);
  });

  it("leaves a stranger unknown when the fused answer names nobody, asking once per answer with the newest frames", async () => {
    const server = fakeServer(() => nobody('c_lookalike'));
    const tracker = trackerWith({ maxFrames: 3, askIntervalMs: 0 }, server.ask);
    const labels: string[] = [];
    for (let i = 0; i < 6; i++) {
      labels.push(labelText(tracker.update([below(box(100, 100), 'c_lookalike', 2.3)], i * 100)[0].label));
      await settled();
    }
    expect(labels).toEqual(Array(6).fill('unknown'));
    // From the second answer on, one question each, with at most `maxFrames` tokens, the newest last.
    expect(server.calls.map((c) => c.length)).toEqual([2, 3, 3, 3, 3]);
    expect(server.calls[4][2]).toBe(`c_lookalike#${sealed - 1}`);
  });

  it('asks again only with a new frame and never while a question is on its way', async () => {
    const server = fakeServer();
    server.hold();
    const tracker = trackerWith({ askIntervalMs: 0 }, server.ask);
    tracker.update([stranger(box(100, 100))], 0);
    tracker.update([stranger(box(100, 100))], 100);
    tracker.update([stranger(box(100, 100))], 200); // on its way: no second question
    expect(server.calls).toHaveLength(1);
    server.answer(0, nobody('c_nearest'));
    await settled();
    tracker.update([], 300); // the frame of 200 ms was not asked about yet
    expect(server.calls.map((c) => c.length)).toEqual([2, 3]);
    server.answer(1, nobody('c_nearest'));
    await settled();
    tracker.update([], 400); // nothing new since
    expect(server.calls).toHaveLength(2);
  });

  it('rechecks a named track about once a second, and drops the name when the fused answer no longer names them', async () => {
    let deleted = false;
    const server = fakeServer((e) => (deleted ? nobody('c_someone-else') : byMajority(e)));
    const tracker = trackerWith({ recheckMs: 1000 }, server.ask);
    for (let i = 0; i < 10; i++) {
      tracker.update([below(box(100, 100), obama.token, 2.0)], i * 100);
      await settled();
    }
    // Asked at 100 ms (unnamed), then named: again only once a second had passed.
    expect(server.calls).toHaveLength(1);
    expect(labelText(tracker.predict(900)[0].label)).toBe('Barack Obama');
    tracker.update([below(box(100, 100), obama.token, 2.0)], 1100);
    expect(server.calls).toHaveLength(2);
    // Deleted: the next recheck answers nobody, and the track turns unknown.
    deleted = true;
    await settled();
    tracker.update([below(box(100, 100), 'c_someone-else', -0.5)], 2100);
    await settled();
    expect(labelText(tracker.predict(2150)[0].label)).toBe('unknown');
  });

  it("shows a frame's own name at once even after a fused 'nobody', until the next fused answer", async () => {
    const server = fakeServer();
    server.hold();
    const tracker = trackerWith({ recheckMs: 0 }, server.ask);
    tracker.update([below(box(100, 100), obama.token, 1.0)], 0);
    tracker.update([below(box(100, 100), obama.token, 1.0)], 100);
    server.answer(0, nobody(obama.token));
    await settled();
    expect(labelText(tracker.predict(150)[0].label)).toBe('unknown');
    // The server names the next frame on its own: shown at once.
    expect(labelText(tracker.update([named(box(100, 100), obama)], 200)[0].label)).toBe('Barack Obama');
    expect(server.calls).toHaveLength(2);
    // The fused answer covering that frame says nobody: the name goes.
    server.answer(1, nobody(obama.token));
    await settled();
    expect(labelText(tracker.predict(250)[0].label)).toBe('unknown');
  });

  it('applies no answer that is older than the one shown, nor one for a track that is gone', async () => {
    const server = fakeServer();
    server.hold();
    const tracker = trackerWith({ recheckMs: 0 }, server.ask);
    tracker.update([below(box(100, 100), obama.token, 1.0)], 0);
    tracker.update([below(box(100, 100), obama.token, 1.0)], 100); // question 0
    server.answer(0, byMajority([`${obama.token}#x`]));
    await settled();
    tracker.update([below(box(100, 100), obama.token, 1.0)], 200); // question 1, named track (recheck 0)
    tracker.reset();
    server.answer(1, nobody(obama.token));
    await settled();
    expect(tracker.predict(250)).toHaveLength(0);
    // A new track in the same place starts without any verdict.
    expect(labelText(tracker.update([below(box(100, 100), obama.token, 1.0)], 300)[0].label)).toBe('unknown');
  });

  it('starts at most `maxAsksPerAnswer` questions per answer, the longest-waiting tracks first', async () => {
    const server = fakeServer(() => null);
    const tracker = trackerWith({ maxAsksPerAnswer: 2, askIntervalMs: 0 }, server.ask);
    const crowd = () => [0, 200, 400, 600].map((x) => stranger(box(x, 100)));
    tracker.update(crowd(), 0);
    tracker.update(crowd(), 100);
    expect(server.calls).toHaveLength(2);
    await settled();
    tracker.update(crowd(), 200);
    expect(server.calls).toHaveLength(4);
    // The two tracks not asked at 100 ms were asked now (tokens of their own frames).
    expect(new Set(server.calls.slice(2).map((c) => c[0]))).not.toContain(server.calls[0][0]);
  });

  it('asks for an unnamed track at most every `askIntervalMs`, however fast the answers come', async () => {
    const server = fakeServer(() => nobody('c_nearest'));
    const tracker = trackerWith({ askIntervalMs: 500 }, server.ask);
    for (let i = 0; i <= 20; i++) {
      tracker.update([stranger(box(100, 100))], i * 100); // 10 answers a second for 2 s
      await settled();
    }
    // Asked at 100, 600, 1100, 1600 ms.
    expect(server.calls).toHaveLength(4);
  });

  it('never sends evidence older than the server accepts', () => {
    const server = fakeServer(() => null);
    const tracker = trackerWith({ maxEvidenceAgeMs: 1000, maxAgeMs: 10_000 }, server.ask);
    tracker.update([stranger(box(100, 100))], 0);
    tracker.update([stranger(box(100, 100))], 5000);
    expect(server.calls).toHaveLength(0); // one fresh frame only
    tracker.update([stranger(box(100, 100))], 5100);
    expect(server.calls.map((c) => c.length)).toEqual([2]);
  });

  it('keeps a named track and its id under an unknown frame; a frame named someone else shows that name', () => {
    const tracker = trackerWith();
    for (let i = 0; i < 4; i++) tracker.update([named(box(100 + i, 100), obama)], i * 100);
    const [face] = tracker.update([stranger(box(104, 100))], 400);
    expect([labelText(face.label), face.id]).toEqual(['Barack Obama', 1]);
    const [renamed] = tracker.update([named(box(104, 100), biden)], 500);
    expect([labelText(renamed.label), renamed.id]).toEqual(['Joe Biden', 1]);
  });

  it('without fused answers, keeps a name while a frame of the window carries it', () => {
    const tracker = trackerWith({ maxFrames: 3 });
    const labels = labelsOf(tracker, [named(box(100, 100), obama), stranger(box(100, 100)), stranger(box(100, 100)), stranger(box(100, 100))]);
    expect(labels).toEqual(['Barack Obama', 'Barack Obama', 'Barack Obama', 'unknown']);
  });

  it('shows the newest name and similarity the server sent for the person (a rename shows at once)', () => {
    const tracker = trackerWith();
    tracker.update([named(box(100, 100), obama)], 0);
    tracker.update([named(box(100, 100), { ...obama, name: 'Barack H. Obama', similarity: 0.8 })], 100);
    const [face] = tracker.update([below(box(100, 100), obama.token, 2.3)], 200);
    expect(face.label).toEqual({ status: 'matched', personId: obama.personId, name: 'Barack H. Obama', similarity: 0.8 });
  });

  it('names nobody before anyone is enrolled, and asks nothing for faces without evidence', () => {
    const server = fakeServer();
    const tracker = trackerWith({}, server.ask);
    const empty: Observation = { box: box(100, 100), match: null, decision: { candidate: null, score: null }, quality: 0.9 };
    expect(labelsOf(tracker, [empty, empty, empty])).toEqual(['unknown', 'unknown', 'unknown']);
    expect(server.calls).toHaveLength(0);
  });

  it('reports as confidence the share of frame weight that agrees with the label', () => {
    const tracker = trackerWith();
    for (let i = 0; i < 4; i++) tracker.update([named(box(100, 100), obama)], i * 100);
    const [face] = tracker.update([stranger(box(100, 100))], 400);
    expect(labelText(face.label)).toBe('Barack Obama');
    expect(face.confidence).toBeCloseTo(0.8);
    const unknown = trackerWith();
    unknown.update([stranger(box(100, 100))], 0);
    expect(unknown.update([stranger(box(100, 100))], 100)[0].confidence).toBe(1);
  });
});

describe('FaceTracker boxes and lifetimes', () => {
  it('drops a face seen in one answer only (a false detection) at once', () => {
    const tracker = trackerWith({ minHits: 2, maxMissed: 2 });
    tracker.update([stranger(box(100, 100))], 0);
    tracker.update([stranger(box(100, 100)), stranger(box(400, 100), 0.6)], 100);
    const faces = tracker.update([stranger(box(100, 100))], 200);
    expect(faces.map((f) => f.id)).toEqual([1]);
  });

  it('keeps the ids and names of two faces that cross each other', () => {
    const tracker = trackerWith();
    // A moves right, B moves left, 40 px per answer; they overlap completely mid-way.
    const ids = new Map<string, Set<number>>([['a', new Set()], ['b', new Set()]]);
    for (let i = 0; i <= 10; i++) {
      const ax = 100 + 40 * i;
      const bx = 500 - 40 * i;
      const faces = tracker.update([named(box(ax, 200), obama), named(box(bx, 205), biden)], i * 100);
      expect(faces).toHaveLength(2);
      for (const f of faces) {
        const cx = f.box.x + 50;
        const nearA = Math.abs(cx - (ax + 50)) <= Math.abs(cx - (bx + 50));
        if (i !== 5) ids.get(nearA ? 'a' : 'b')!.add(f.id); // at i=5 they are at the same place
      }
    }
    expect([...ids.get('a')!]).toEqual([1]);
    expect([...ids.get('b')!]).toEqual([2]);
    const final = tracker.update([named(box(540, 200), obama), named(box(60, 205), biden)], 1100);
    expect(final.find((f) => f.id === 1)!.label).toMatchObject({ name: 'Barack Obama' });
    expect(final.find((f) => f.id === 2)!.label).toMatchObject({ name: 'Joe Biden' });
  });

  it('ties a face to the track of the same candidate when both fit equally, even below the bar', () => {
    const tracker = trackerWith({ sameIdentityBonus: 0.1 });
    // Two strangers side by side, each with their own (stable) nearest candidate.
    tracker.update([below(box(100, 100), 'c_a', 0.5), below(box(160, 100), 'c_b', 0.5)], 0);
    // Next answer: a face exactly half-way between both tracks, carrying b's candidate.
    const faces = tracker.update([below(box(130, 100), 'c_b', 0.5)], 100);
    const seenAgain = faces.find((f) => f.missed === 0)!;
    expect(seenAgain.id).toBe(2);
  });

  it('keeps the ids of two unknown faces crossing, from their velocity alone', () => {
    const tracker = trackerWith();
    for (let i = 0; i <= 10; i++) {
      const rightToLeft = 500 - 40 * i;
      const leftToRight = 100 + 40 * i;
      const faces = tracker.update([stranger(box(rightToLeft, 200)), stranger(box(leftToRight, 200))], i * 100);
      expect(faces.map((f) => f.id).sort()).toEqual([1, 2]);
      if (i === 5) continue; // same place
      // Track 1 started on the right and keeps moving left; track 2 the other way.
      const one = faces.find((f) => f.id === 1)!.box.x;
      expect(Math.abs(one - rightToLeft)).toBeLessThan(Math.abs(one - leftToRight));
    }
  });

  it('starts a new track for a face far from every track', () => {
    const tracker = trackerWith();
    tracker.update([named(box(0, 0), obama)], 0);
    const faces = tracker.update([named(box(0, 0), obama), stranger(box(400, 0))], 100);
    expect(faces.map((f) => f.id).sort()).toEqual([1, 2]);
  });

  it('coasts a missing confirmed face for a couple of answers, then drops it', () => {
    const tracker = trackerWith({ maxMissed: 2, minHits: 2 });
    tracker.update([named(box(100, 100), obama)], 0);
    tracker.update([named(box(100, 100), obama)], 100);
    const [coasting] = tracker.update([], 200);
    expect(labelText(coasting.label)).toBe('Barack Obama');
    expect(tracker.update([], 300)[0].missed).toBe(2);
    expect(tracker.update([], 400)).toHaveLength(0);
    // A face in the same place is a new track now.
    expect(tracker.update([named(box(100, 100), obama)], 500)[0].id).toBe(2);
  });

  it('expires tracks by age when no answers come (server unreachable)', () => {
    const tracker = trackerWith({ maxAgeMs: 1000 });
    tracker.update([named(box(100, 100), obama)], 0);
    expect(tracker.predict(900)).toHaveLength(1);
    expect(tracker.predict(1100)).toHaveLength(0);
    // The next answer, long after, also finds it gone.
    expect(tracker.update([named(box(100, 100), obama)], 5000)[0].id).toBe(2);
  });

  it('keeps tracks alive between slow answers, and still expires them when answers stop', () => {
    const tracker = trackerWith({ maxAgeMs: 1500, maxAgeAnswers: 2.5 });
    // Answers every 1.2 s: the next one is due 2.4 s after the last frame it saw.
    for (let i = 0; i < 4; i++) tracker.update([named(box(100, 100), obama)], i * 1200);
    expect(tracker.maxAgeMs()).toBeCloseTo(3000);
    expect(tracker.predict(3600 + 2300)).toHaveLength(1);
    expect(tracker.predict(3600 + 3100)).toHaveLength(0);
  });

  it('extrapolates a moving box between answers, up to the prediction horizon', () => {
    const tracker = trackerWith({ maxPredictMs: 200, boxGain: 1 });
    tracker.update([stranger(box(100, 100))], 0);
    tracker.update([stranger(box(110, 100))], 100); // 0.1 px/ms to the right
    expect(tracker.predict(150)[0].box.x).toBeCloseTo(115);
    expect(tracker.predict(1000)[0].box.x).toBeCloseTo(130); // capped at 200 ms ahead
    expect(tracker.predict(150)[0].box.y).toBeCloseTo(100);
  });

  it('smooths a jittery box towards the measurements', () => {
    const tracker = trackerWith({ boxGain: 0.5, velocityGain: 0 });
    tracker.update([stranger(box(100, 100))], 0);
    const [face] = tracker.update([stranger(box(120, 100))], 100);
    expect(face.box.x).toBeCloseTo(110);
  });

  it('ignores an answer for a frame older than the last one', () => {
    const tracker = trackerWith();
    tracker.update([named(box(100, 100), obama)], 1000);
    const faces = tracker.update([named(box(400, 400), biden)], 500);
    expect(faces).toHaveLength(1);
    expect(faces[0].box.x).toBe(100);
    expect(labelText(faces[0].label)).toBe('Barack Obama');
  });

  it('returns copies: changing a result changes neither the box nor the label of the track', () => {
    const tracker = trackerWith();
    const [face] = tracker.update([named(box(100, 100), obama)], 0);
    face.box.x = 999;
    if (face.label.status === 'matched') face.label.name = 'Someone';
    const [again] = tracker.predict(0);
    expect(again.box.x).toBe(100);
    expect(labelText(again.label)).toBe('Barack Obama');
  });

  it('forgets everything on reset but never reuses an id', () => {
    const tracker = trackerWith();
    tracker.update([named(box(100, 100), obama)], 0);
    tracker.reset();
    expect(tracker.predict(0)).toHaveLength(0);
    expect(tracker.update([named(box(100, 100), obama)], 0)[0].id).toBe(2);
  });
});
