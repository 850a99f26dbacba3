/**
 * Tracks judged on one fused probe (pure): the fusion, the shipped fused-track bars, the
 * decision for one frame and for several, and a fit on synthetic people that keeps its promise
 * on another population.
 */
import { cosineSimilarity } from '@/lib/vision/match';
import { EMBEDDING_MODEL } from '@/lib/vision/models';
import { decideIdentity, openSetThreshold, TRACK_FPIR_SHARE, type PersonScore } from '@/lib/vision/open-set';
import { centroid, crowdingIn, seededRandom, type FitPerson } from '@/lib/vision/open-set-fit';
import { fuseEmbeddings, fusedTrackThreshold, judgeFusedTrack } from '@/lib/vision/track-fusion';
import { fitTrackFusion } from '@/lib/vision/track-fusion-fit';

const cal = EMBEDDING_MODEL.openSet;
const tracks = EMBEDDING_MODEL.fusedTracks;
const person = (id: string, similarity: number): PersonScore => ({ personId: id, name: id, similarity, templates: 1, crowding: 0.85 });

describe('fuseEmbeddings', () => {
  it('is the unit mean of the frames, in any order; one frame is itself', () => {
    const a = Float32Array.from([1, 0, 0]);
    const b = Float32Array.from([0, 1, 0]);
    const fused = fuseEmbeddings([a, b]);
    expect(Array.from(fused)).toEqual([Math.SQRT1_2, Math.SQRT1_2, 0].map((x) => Math.fround(x)));
    expect(fuseEmbeddings([b, a])).toEqual(fused);
    expect(fuseEmbeddings([a])).toEqual(a);
  });

  it('refuses no frames, frames of different lengths and frames that cancel out', () => {
    expect(() => fuseEmbeddings([])).toThrow(/no frames/);
    expect(() => fuseEmbeddings([Float32Array.from([1, 0]), Float32Array.from([1, 0, 0])])).toThrow(/lengths/);
    expect(() => fuseEmbeddings([Float32Array.from([1, 0]), Float32Array.from([-1, 0])])).toThrow(/cancel/);
  });
});

describe('the shipped fused-track bars', () => {
  it('belong to the embedding model, cover 2..5 frames and galleries from 1 to 1000 people', () => {
    expect(tracks.modelId).toBe(EMBEDDING_MODEL.id);
    expect(tracks.thresholds).toHaveLength(4);
    expect(tracks.galleryPeople[0]).toBe(1);
    expect(tracks.galleryPeople[tracks.galleryPeople.length - 1]).toBe(1000);
    for (const table of tracks.thresholds) for (const row of table) expect(row).toHaveLength(tracks.fpir.length);
  });

  it('are stricter at a lower FPIR, one frame is the one-frame bar, longer tracks take the last table', () => {
    for (const n of [1, 10, 300, 1000]) {
      for (const frames of [2, 3, 5]) expect(fusedTrackThreshold(cal, tracks, n, 0.001, frames)).toBeGreaterThan(fusedTrackThreshold(cal, tracks, n, 0.03, frames));
      expect(fusedTrackThreshold(cal, tracks, n, 0.01, 1)).toBe(openSetThreshold(cal, n, 0.01));
      expect(fusedTrackThreshold(cal, tracks, n, 0.01, 9)).toBe(fusedTrackThreshold(cal, tracks, n, 0.01, 5));
    }
    // Tracks are held to a share of the target: the 3-frame bar at 1% is the table's at 0.5%.
    const at = (frames: number, fpir: number) => fusedTrackThreshold(cal, tracks, 300, fpir, frames);
    expect(at(3, 0.01)).toBeGreaterThan(at(3, 0.01 / TRACK_FPIR_SHARE));
  });
});

describe('the floor: a fused probe is never named on less than one frame would be', () => {
  it('holds for a table that came out lower than the one-frame bar (a refit on other data)', () => {
    const low = { ...tracks, thresholds: tracks.thresholds.map((t) => t.map((row) => row.map(() => -5))) };
    for (const n of [1, 10, 300, 1000]) {
      for (const frames of [2, 3, 5]) expect(fusedTrackThreshold(cal, low, n, 0.01, frames)).toBe(openSetThreshold(cal, n, 0.01));
    }
    // A candidate just under the one-frame bar stays unknown whatever the table says.
    const bar = openSetThreshold(cal, 300, 0.01);
    const d = judgeFusedTrack(cal, low, [person('a', 0.95), person('b', 0.86), person('c', 0.85)], { galleryPeople: 300, targetFpir: 0.01, frames: 3 });
    expect(d.threshold).toBeCloseTo(bar, 10);
    expect(d.match === null).toBe(d.score < bar);
  });
});

describe('judgeFusedTrack', () => {
  const candidates = [person('a', 0.95), person('b', 0.86), person('c', 0.85)];

  it('decides one frame exactly as one frame is decided', () => {
    expect(judgeFusedTrack(cal, tracks, candidates, { galleryPeople: 300, targetFpir: 0.01, frames: 1 })).toEqual(
      decideIdentity(cal, candidates, { galleryPeople: 300, targetFpir: 0.01 }),
    );
  });

  it('decides several frames with the same scores against the bar for that many frames', () => {
    const one = decideIdentity(cal, candidates, { galleryPeople: 300, targetFpir: 0.01 });
    const three = judgeFusedTrack(cal, tracks, candidates, { galleryPeople: 300, targetFpir: 0.01, frames: 3 });
    expect(three.score).toBe(one.score);
    expect(three.threshold).toBe(fusedTrackThreshold(cal, tracks, 300, 0.01, 3));
    expect(three.match === null).toBe(three.score < three.threshold);
    expect(judgeFusedTrack(cal, tracks, [], { galleryPeople: 0, targetFpir: 0.01, frames: 3 }).reason).toBe('empty-gallery');
  });
});

describe('fitTrackFusion on synthetic people', () => {
  // As in open-set.test.ts: identities are random directions in a 32-d cone, photos noisy copies.
  function population(seed: number, people: number): FitPerson[] {
    const random = seededRandom(seed);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Array.from({ length: people }, (_, i) => {
      const centre = Float32Array.from({ length: 32 }, (_, j) => (j === 0 ? 3 : 0) + gauss());
      const photos = 1 + Math.floor(random() * 4);
      const embeddings = Array.from({ length: photos }, () => centroid([Float32Array.from(centre, (c) => c + 0.6 * gauss())]));
      return { identity: `p${seed}-${i}`, embeddings, weights: embeddings.map(() => 1) };
    });
  }

  it('enrolls the simulated galleries with the templates where given, of photos the gate accepted', () => {
    // bench:tracks --templates jittered relies on it: gallery people enrolled with their photo's
    // jittered template, stranger tracks made of plain embeddings (as FitPerson.templates does for one frame).
    const synthetic = { ...cal, modelId: 'synthetic', impostorByTemplates: [{ mean: 0.9, std: 0.03 }] };
    const opts = { modelId: 'synthetic', source: 'test', galleryPeople: [5, 20], fpir: [0.1, 0.03], tracksPerSize: 1000, maxFrames: 3 };
    const people = population(3, 300);
    const plain = fitTrackFusion(people, synthetic, opts);
    // Templates equal to the embeddings: the same fit, draw for draw.
    expect(fitTrackFusion(people.map((p) => ({ ...p, templates: p.embeddings })), synthetic, opts)).toEqual(plain);
    // Templates of another photo of the same person (the next one, where there is one): the
    // galleries change and so do the bars, while the tracks searched stay the same.
    const moved = people.map((p) => ({ ...p, templates: p.embeddings.map((_, i) => p.embeddings[(i + 1) % p.embeddings.length]) }));
    expect(fitTrackFusion(moved, synthetic, opts).thresholds).not.toEqual(plain.thresholds);
    // The gate's verdicts: all accepted changes nothing; the first photo refused enrolls the next.
    expect(fitTrackFusion(people.map((p) => ({ ...p, enrollable: p.embeddings.map(() => true) })), synthetic, opts)).toEqual(plain);
    const firstRefused = people.map((p) => ({ ...p, enrollable: p.embeddings.map((_, i) => i > 0 || p.embeddings.length === 1) }));
    expect(fitTrackFusion(firstRefused, synthetic, opts).thresholds).not.toEqual(plain.thresholds);
  });

  it("promises a share of stranger tracks named that another population's tracks keep", () => {
    // Its one-frame bars (the real model's) mean nothing for these people: set low, so that the
    // floor at one frame's bar does not hide what the fitted track bars promise.
    const synthetic = { ...cal, modelId: 'synthetic', impostorByTemplates: [{ mean: 0.9, std: 0.03 }], thresholds: cal.thresholds.map((row) => row.map(() => -10)) };
    const fitted = fitTrackFusion(population(1, 400), synthetic, { modelId: 'synthetic', source: 'test', galleryPeople: [1, 5, 20, 50], fpir: [0.1, 0.03], tracksPerSize: 2000, maxFrames: 3 });
    expect(fitted.thresholds).toHaveLength(2);
    const fresh = population(2, 600);
    const gallery = fresh.slice(0, 50);
    const vectors = gallery.map((g) => g.embeddings[0]);
    const crowding = vectors.map((v) => crowdingIn(v, vectors, synthetic.crowdingNeighbours));
    const strangerTracks = fresh.slice(50).filter((p) => p.embeddings.length >= 2).map((p) => p.embeddings.slice(0, 2));
    const named = strangerTracks.filter((t) => {
      const probe = fuseEmbeddings(t);
      const candidates = vectors.map((v, i) => ({ personId: String(i), name: '', similarity: cosineSimilarity(probe, v), templates: 1, crowding: crowding[i] }));
      // Target 0.2: the tracks' share (0.5) of it is the fitted 10% column.
      return judgeFusedTrack(synthetic, fitted, candidates, { galleryPeople: 50, targetFpir: 0.2, frames: 2 }).match !== null;
    }).length / strangerTracks.length;
    expect(strangerTracks.length).toBeGreaterThan(200);
    expect(named).toBeGreaterThan(0.04);
    expect(named).toBeLessThan(0.18);
  });
});
