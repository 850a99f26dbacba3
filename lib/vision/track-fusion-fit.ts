/**
 * Fitting the fused-track bars (lib/vision/track-fusion.ts) from labelled face embeddings, pure:
 * `npm run bench:tracks -- --calibrate` runs it on dev identities and writes the JSON the
 * model ships with; the benchmark also fits it on one half of the people and tests on the other.
 *
 * Strangers' tracks are simulated as the one-frame bars are (lib/vision/open-set-fit.ts):
 * random galleries of N people, one photo each (the noisiest case; the first the enrollment gate
 * accepts, where its verdicts are given), and every person outside the
 * gallery with n or more photos makes one track of their first n photos, fused into one probe
 * and searched as the product searches (the gallery's `CANDIDATES` nearest centroids, ranked by
 * the one-frame rule). The decision scores of those probes give the bar that a target share of
 * stranger tracks exceeds. Galleries are redrawn until each size has `tracksPerSize` tracks of 2
 * frames (longer tracks come from fewer people: LFW has 152 people with 5 photos or more, so
 * the 5-frame table and its smallest FPIRs are the least certain).
 */
import { cosineSimilarity, thresholdAtFmr } from './match';
import { rankCandidates, type OpenSetCalibration, type PersonScore } from './open-set';
import { crowdingIn, enrolled, enrollablePeople, FIT_DEFAULTS, sample, seededRandom, type FitPerson } from './open-set-fit';
import { CANDIDATES } from './recognize';
import { fuseEmbeddings, type TrackCalibration } from './track-fusion';

export interface TrackFitOptions {
  modelId: string;
  source: string;
  galleryPeople: number[];
  fpir: number[];
  /** Longest track with its own table (2..maxFrames). */
  maxFrames: number;
  /** Stranger tracks of 2 frames wanted per gallery size. */
  tracksPerSize: number;
  seed: number;
}

export const TRACK_FIT_DEFAULTS: Omit<TrackFitOptions, 'modelId' | 'source'> = {
  galleryPeople: FIT_DEFAULTS.galleryPeople,
  fpir: FIT_DEFAULTS.fpir,
  // The track's evidence tokens the page keeps (LIMITS.trackFramesMax).
  maxFrames: 5,
  tracksPerSize: 20_000,
  seed: 20261203,
};

/** A simulated gallery: each member's first enrollable photo (its enrollment template where given) as their one template, crowding as the registry computes it. */
interface SimulatedGallery {
  vectors: Float32Array[];
  crowding: (number | null)[];
}

function simulatedGallery(people: FitPerson[], members: number[], neighbours: number): SimulatedGallery {
  const vectors = members.map((i) => enrolled(people[i])[0]);
  return { vectors, crowding: vectors.map((v) => crowdingIn(v, vectors, neighbours)) };
}

/** The `k` members nearest to `probe` by cosine, as the registry's search returns them. */
function searchGallery(gallery: SimulatedGallery, probe: Float32Array, k: number): PersonScore[] {
  const top: PersonScore[] = [];
  gallery.vectors.forEach((v, i) => {
    const similarity = cosineSimilarity(probe, v);
    if (top.length === k && similarity <= top[k - 1].similarity) return;
    let at = top.length;
    while (at > 0 && top[at - 1].similarity < similarity) at--;
    top.splice(at, 0, { personId: String(i), name: '', similarity, templates: 1, crowding: gallery.crowding[i] });
    if (top.length > k) top.pop();
  });
  return top;
}

/** Decision score of the best person for a fused probe of `photos`, as `identify` ranks them. */
function fusedScore(cal: OpenSetCalibration, gallery: SimulatedGallery, photos: Float32Array[]): number {
  const [best] = rankCandidates(cal, searchGallery(gallery, fuseEmbeddings(photos), Math.max(CANDIDATES, cal.runnersUp + 1)));
  return best.score;
}

/**
 * Fused-track bars by gallery size x target FPIR x frames, for the one-frame calibration `cal`
 * (its scores, crowding and runners-up; fitted on the same people or others).
 */
export function fitTrackFusion(people: FitPerson[], cal: OpenSetCalibration, options: Partial<TrackFitOptions> & Pick<TrackFitOptions, 'modelId' | 'source'>): TrackCalibration {
  const opts = { ...TRACK_FIT_DEFAULTS, ...options };
  const random = seededRandom(opts.seed);
  const enrollable = enrollablePeople(people);
  const galleryPeople = opts.galleryPeople.filter((n) => n < Math.min(people.length / 2, enrollable.length));
  const tables: number[][][] = Array.from({ length: opts.maxFrames - 1 }, () => []);
  for (const size of galleryPeople) {
    const scores: number[][] = Array.from({ length: opts.maxFrames - 1 }, () => []);
    while (scores[0].length < opts.tracksPerSize) {
      const members = sample(enrollable.length, size, random).map((j) => enrollable[j]);
      const inGallery = new Set(members);
      const gallery = simulatedGallery(people, members, cal.crowdingNeighbours);
      for (let i = 0; i < people.length; i++) {
        if (inGallery.has(i)) continue;
        const photos = people[i].embeddings;
        for (let n = 2; n <= Math.min(opts.maxFrames, photos.length); n++) scores[n - 2].push(fusedScore(cal, gallery, photos.slice(0, n)));
      }
    }
    scores.forEach((s, k) => tables[k].push(opts.fpir.map((f) => thresholdAtFmr(s, f))));
  }
  return { modelId: opts.modelId, galleryPeople, fpir: opts.fpir, thresholds: tables, source: opts.source };
}
