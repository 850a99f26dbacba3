/**
 * Open-set identification (pure): the decision rule, its threshold by gallery size, track
 * evidence, and a calibration fitted on one set of synthetic people that keeps its promise on
 * another.
 */
import { EMBEDDING_MODEL } from '@/lib/vision/models';
import {
  decideIdentity, judgeTrack, normalizedScore, openSetThreshold, rankCandidates, trackBars,
  type OpenSetCalibration, type PersonScore,
} from '@/lib/vision/open-set';
import { cosineSimilarity } from '@/lib/vision/match';
import { centroid, crowdingIn, fitOpenSet, seededRandom, type FitPerson } from '@/lib/vision/open-set-fit';

const cal = EMBEDDING_MODEL.openSet;
const person = (id: string, similarity: number, templates = 1, crowding: number | null = null): PersonScore => ({ personId: id, name: id, similarity, templates, crowding });

describe('the shipped calibration', () => {
  it('belongs to the embedding model and covers galleries from 1 to 1000 people', () => {
    expect(cal.modelId).toBe(EMBEDDING_MODEL.id);
    expect(cal.galleryPeople[0]).toBe(1);
    expect(cal.galleryPeople[cal.galleryPeople.length - 1]).toBeGreaterThanOrEqual(500);
    expect(cal.trackThresholds.length).toBeGreaterThanOrEqual(2);
  });

  it('raises the bar as the target FPIR falls, at every gallery size, and interpolates between sizes', () => {
    for (const n of [1, 3, 10, 100, 764, 1000, 10_000]) {
      const loose = openSetThreshold(cal, n, 0.03);
      const strict = openSetThreshold(cal, n, 0.001);
      expect(loose).toBeGreaterThan(1); // a stranger needs at least a standard deviation above the impostor mean
      expect(strict).toBeGreaterThan(loose);
    }
    // Beyond the table, its edge: the noisiest segment is not extrapolated.
    const largest = cal.galleryPeople[cal.galleryPeople.length - 1];
    expect(openSetThreshold(cal, 100 * largest, 0.01)).toBeCloseTo(openSetThreshold(cal, largest, 0.01), 10);
    const [a, b] = [openSetThreshold(cal, 200, 0.01), openSetThreshold(cal, 500, 0.01)];
    const between = openSetThreshold(cal, 300, 0.01);
    expect(between).toBeGreaterThanOrEqual(Math.min(a, b) - 1e-9);
    expect(between).toBeLessThanOrEqual(Math.max(a, b) + 1e-9);
  });

  it('sets a stricter bar for a centroid of several photos than for one photo at the same similarity', () => {
    expect(normalizedScore(cal, person('a', 0.93, 3))).toBeLessThan(normalizedScore(cal, person('a', 0.93, 1)));
  });
});

describe('decideIdentity', () => {
  const at = { galleryPeople: 500, targetFpir: 0.01 };
  const bar = openSetThreshold(cal, 500, 0.01);
  const stats = cal.impostorByTemplates[0];
  /** The similarity whose normalised score is `z`. */
  const sim = (z: number) => stats.mean + z * stats.std;

  it('names a face close to one person and far from the rest', () => {
    const d = decideIdentity(cal, [person('far', sim(0)), person('close', sim(bar + 2)), person('other', sim(-1))], at);
    expect(d.match?.personId).toBe('close');
    expect(d.reason).toBeNull();
    expect(d.score).toBeGreaterThanOrEqual(d.threshold);
  });

  it('keeps a face unknown when its best person is below the bar, but says who it was nearest', () => {
    const d = decideIdentity(cal, [person('a', sim(bar - 1)), person('b', sim(0))], at);
    expect(d.match).toBeNull();
    expect(d.reason).toBe('below-threshold');
    expect(d.candidate?.personId).toBe('a');
  });

  it('calls a face ambiguous when others resemble it almost as much as the best', () => {
    const d = decideIdentity(cal, [person('a', sim(bar + 0.2)), person('b', sim(bar + 0.1)), person('c', sim(bar))], at);
    expect(d.match).toBeNull();
    expect(d.reason).toBe('ambiguous');
  });

  it('holds a look-alike-prone person to a stricter bar', () => {
    const s = sim(bar + 0.5);
    expect(decideIdentity(cal, [person('a', s, 1, null)], at).match).not.toBeNull();
    expect(decideIdentity(cal, [person('a', s, 1, sim(6))], at).match).toBeNull();
  });

  it('has nobody to name in an empty gallery', () => {
    expect(decideIdentity(cal, [], at)).toMatchObject({ match: null, candidate: null, reason: 'empty-gallery' });
  });

  it('ranks by the normalised score, not the raw similarity', () => {
    // Strangers score higher against a 3-photo centroid, so 'three' is more similar in raw terms
    // yet less far above its own impostors than 'one'.
    const [one, three] = [cal.impostorByTemplates[0], cal.impostorByTemplates[2]];
    expect(three.mean).toBeGreaterThan(one.mean);
    const oneSim = one.mean + 2 * one.std;
    const threeSim = Math.max(oneSim + 0.001, three.mean + 1.9 * three.std);
    expect(normalizedScore(cal, person('three', threeSim, 3))).toBeLessThan(normalizedScore(cal, person('one', oneSim, 1)));
    const [best] = rankCandidates(cal, [person('three', threeSim, 3), person('one', oneSim, 1)]);
    expect(best.person.personId).toBe('one');
  });
});

describe('judgeTrack', () => {
  const bars = [3, 2.5, 2.2];

  it('names a track whose frames together clear the bar for that many frames, one frame clearing the single-frame bar', () => {
    const v = judgeTrack([{ candidate: 'x', score: 3.1, weight: 1 }, { candidate: 'x', score: 2, weight: 1 }, { candidate: 'x', score: 1.8, weight: 1 }], bars);
    expect(v).toMatchObject({ candidate: 'x', named: true, bar: 2.2 });
  });

  it('never names a track that no single frame justified, however many frames agree', () => {
    const frames = Array.from({ length: 5 }, () => ({ candidate: 'x', score: 2.9, weight: 1 }));
    expect(judgeTrack(frames, bars)).toMatchObject({ candidate: 'x', named: false });
  });

  it('counts a frame won by someone else against the leader', () => {
    const v = judgeTrack([{ candidate: 'x', score: 3.2, weight: 1 }, { candidate: 'y', score: 1, weight: 1 }, { candidate: 'x', score: 2.4, weight: 1 }], bars);
    expect(v?.candidate).toBe('x');
    expect(v?.score).toBeCloseTo((3.2 + 0 + 2.4) / 3, 6);
    expect(v?.named).toBe(false);
  });

  it('holds tracks to the shipped bars: lower for more frames, never below what one frame needs at half the FPIR', () => {
    const b = trackBars(cal, 200, 0.01);
    expect(b.length).toBe(cal.trackThresholds.length + 1);
    expect(b[2]).toBeLessThan(b[0]);
    expect(b.every(Number.isFinite)).toBe(true);
  });
});

describe('fitOpenSet on synthetic people', () => {
  // Identities are random directions in a 32-d cone (as face embeddings are: all similar to
  // each other); photos are noisy copies. Fitted on one population, checked on another.
  function population(seed: number, people: number): FitPerson[] {
    const random = seededRandom(seed);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const dim = 32;
    const common = Float32Array.from({ length: dim }, (_, j) => (j === 0 ? 3 : 0));
    return Array.from({ length: people }, (_, i) => {
      const centre = Float32Array.from({ length: dim }, (_, j) => common[j] + gauss());
      const photos = 1 + Math.floor(random() * 4);
      const embeddings = Array.from({ length: photos }, () => centroid([Float32Array.from(centre, (c) => c + 0.6 * gauss())]));
      return { identity: `p${seed}-${i}`, embeddings, weights: embeddings.map(() => 1) };
    });
  }

  it('promises an FPIR that strangers from another population keep', () => {
    const fitted: OpenSetCalibration = fitOpenSet(population(1, 400), {
      modelId: 'synthetic', source: 'test', galleryPeople: [1, 5, 20, 50], fpir: [0.1, 0.03, 0.01], searchesPerSize: 3000, maxTrackFrames: 3,
    });
    const fresh = population(2, 400);
    const gallery = fresh.slice(0, 50);
    const strangers = fresh.slice(50).flatMap((p) => p.embeddings);
    const vectors = gallery.map((g) => g.embeddings[0]);
    const named = strangers.filter((e) => {
      const candidates = gallery.map((g, i) => ({ personId: String(i), name: '', similarity: cosineSimilarity(e, g.embeddings[0]), templates: 1, crowding: crowdingIn(g.embeddings[0], vectors, fitted.crowdingNeighbours) }));
      return decideIdentity(fitted, candidates, { galleryPeople: 50, targetFpir: 0.1 }).match !== null;
    }).length / strangers.length;
    expect(named).toBeGreaterThan(0.05);
    expect(named).toBeLessThan(0.15);
  });

  it('enrolls the templates it is given and searches with the embeddings, as enrollment and recognition differ', () => {
    // Templates pulled half way to the population's mean: strangers come closer to every
    // enrolled person, so the impostor statistics the fit measures must rise.
    const people = population(3, 300);
    const mean = centroid(people.flatMap((p) => p.embeddings));
    const pulled: FitPerson[] = people.map((p) => ({ ...p, templates: p.embeddings.map((e) => centroid([e, mean])) }));
    const options = { modelId: 'synthetic', source: 'test', galleryPeople: [1, 20], fpir: [0.1, 0.01], searchesPerSize: 2000, maxTrackFrames: 2 };
    const plain = fitOpenSet(people, options);
    const asEnrolled = fitOpenSet(pulled, options);
    expect(asEnrolled.impostorByTemplates[0].mean).toBeGreaterThan(plain.impostorByTemplates[0].mean + 0.05);
  });

  it('enrolls only photos the gate accepted, while strangers search with any photo', () => {
    // Each person's first photo is a generic one (pulled half way to the population's mean) that
    // the gate refused: a gallery must skip it, so strangers score lower against its people.
    const people = population(4, 300);
    const mean = centroid(people.flatMap((p) => p.embeddings));
    const withRefused: FitPerson[] = people.map((p) => ({ ...p, embeddings: [centroid([p.embeddings[0], mean]), ...p.embeddings], weights: [1, ...p.weights] }));
    const options = { modelId: 'synthetic', source: 'test', galleryPeople: [1, 20], fpir: [0.1, 0.01], searchesPerSize: 2000, maxTrackFrames: 2 };
    const unaware = fitOpenSet(withRefused, options);
    const gated = fitOpenSet(withRefused.map((p) => ({ ...p, enrollable: p.embeddings.map((_, i) => i > 0) })), options);
    expect(gated.impostorByTemplates[0].mean).toBeLessThan(unaware.impostorByTemplates[0].mean - 0.05);
    expect(gated.thresholds).not.toEqual(unaware.thresholds);
    // Every photo accepted: the same fit as without verdicts, draw for draw.
    expect(fitOpenSet(withRefused.map((p) => ({ ...p, enrollable: p.embeddings.map(() => true) })), options)).toEqual(unaware);
    // Galleries no larger than the people who can be enrolled at all (here 15 of 300).
    const fewAccepted = withRefused.map((p, i) => ({ ...p, enrollable: p.embeddings.map(() => i < 15) }));
    expect(fitOpenSet(fewAccepted, options).galleryPeople).toEqual([1]);
  });
});
