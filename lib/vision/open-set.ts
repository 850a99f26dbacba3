/**
 * Open-set identification, pure and dependency-free (the page's tracker uses it too): is a
 * face one of the enrolled people, which one, or nobody?
 *
 * A stranger is compared with every enrolled person, so a threshold set for a false-match
 * rate per comparison names more strangers the larger the gallery grows (about 1 - (1 - FMR)^N).
 * The operating point here is a target false-positive identification rate (FPIR: the share of
 * strangers named as anyone), and the decision works on people, not templates:
 *
 * 1. Person score: cosine similarity of the probe to the person's centroid (the mean of their
 *    unit templates, renormalised); with three photos this names far more mated searches than
 *    the best single template at the same FPIR (docs/models.md).
 * 2. Normalised by template count: a centroid of k photos sits nearer the middle of face space,
 *    so strangers score higher against it; each score is expressed in standard deviations of
 *    the impostor scores of k-template people (measured on dev identities), which puts people
 *    with 1 and 5 templates on one scale.
 * 3. Look-alike-prone people get a stricter bar: each person's score is lowered by a share of
 *    their crowding (how close their centroid is to their nearest other enrolled people, in the
 *    same units), since strangers who resemble that crowd resemble them too.
 * 4. Against the gallery itself: the decision score is the best person's normalised score minus
 *    a share of the mean of the next `runnersUp` people's. A probe that resembles many
 *    enrolled people (a "generic" face, the typical stranger who gets named) is held back; a
 *    probe close to one person and far from the rest is not.
 * 5. The threshold follows the gallery's size: a table measured by simulation on dev
 *    identities (strangers against random galleries of 1 .. 1000 people) gives the decision
 *    score that a target share of strangers exceeds; sizes in between are interpolated in
 *    log N, larger ones extrapolated along the last segment.
 *
 * Every number in the calibration comes from `npm run bench:openset -- --calibrate`, fitted on
 * one set of people and checked on others (docs/models.md): nothing here is tuned by hand.
 */

export interface OpenSetCalibration {
  /** Embedding recipe this calibration was measured with (scores of other recipes mean nothing here). */
  modelId: string;
  /**
   * Mean and standard deviation of strangers' similarity to a person's centroid, by the
   * person's template count: index 0 for one template; the last entry serves any larger count.
   */
  impostorByTemplates: { mean: number; std: number }[];
  /** Share of a person's crowding taken off their normalised score. */
  crowdingWeight: number;
  /** Nearest other people whose mean similarity is a person's crowding. */
  crowdingNeighbours: number;
  /** Weight of the runners-up's mean in the decision score. */
  runnerUpWeight: number;
  /** How many runners-up (2nd, 3rd, ... best person) are averaged; missing ones count as 0. */
  runnersUp: number;
  /** Gallery sizes (people) of the threshold table's rows, ascending. */
  galleryPeople: number[];
  /** Target FPIRs of its columns, descending. */
  fpir: number[];
  /** thresholds[i][j]: decision score exceeded by a share fpir[j] of strangers against galleryPeople[i] people. */
  thresholds: number[][];
  /**
   * The same for tracks of n = 2, 3, ... frames (index n - 2), on the track's evidence
   * (`trackEvidence`); longer tracks use the last table.
   */
  trackThresholds: number[][][];
  /** How it was made: command, dataset, date. */
  source: string;
}

/** A person as a gallery search returns them: similarity of the probe to their centroid. */
export interface PersonScore {
  personId: string;
  name: string;
  /** Cosine similarity to the person's centroid, -1..1. */
  similarity: number;
  /** Templates behind the centroid. */
  templates: number;
  /** Mean similarity of the person's centroid to their `crowdingNeighbours` nearest other people (null: nobody else). */
  crowding?: number | null;
}

export type UnknownReason =
  /** Nobody is enrolled. */
  | 'empty-gallery'
  /** The best person is not close enough for this gallery's size. */
  | 'below-threshold'
  /** The best person alone would pass, but the next resembles the face almost as much (within one impostor standard deviation). */
  | 'ambiguous';

export interface IdentityDecision {
  /** The person named, or null: unknown. */
  match: PersonScore | null;
  /** The best person even when not named (for evidence across frames; never shown as a name). */
  candidate: PersonScore | null;
  /** Decision score of the candidate, in impostor standard deviations (-Infinity when none). */
  score: number;
  /** The bar `score` had to reach. */
  threshold: number;
  reason: UnknownReason | null;
}

/**
 * A person's similarity in standard deviations above the impostor mean for their template
 * count, less `crowdingWeight` x their crowding in the same units.
 */
export function normalizedScore(cal: OpenSetCalibration, person: Pick<PersonScore, 'similarity' | 'templates' | 'crowding'>): number {
  const stats = cal.impostorByTemplates[Math.min(Math.max(1, person.templates), cal.impostorByTemplates.length) - 1];
  const crowding = person.crowding === null || person.crowding === undefined ? 0 : (person.crowding - stats.mean) / stats.std;
  return (person.similarity - stats.mean) / stats.std - cal.crowdingWeight * crowding;
}

/**
 * The decision score of each candidate, best first: its normalised score minus
 * `runnerUpWeight` x the mean normalised score of the next `runnersUp` people.
 * `candidates` may come in any order; at least `runnersUp + 1` of the gallery's best are needed.
 */
export function rankCandidates(cal: OpenSetCalibration, candidates: PersonScore[]): { person: PersonScore; normalized: number; score: number }[] {
  const ranked = candidates
    .map((person) => ({ person, normalized: normalizedScore(cal, person) }))
    .sort((a, b) => b.normalized - a.normalized);
  return ranked.map((r, i) => {
    // The best `runnersUp` people other than this one; missing ones (small galleries) count as 0.
    let runners = 0;
    for (let j = 0, taken = 0; j < ranked.length && taken < cal.runnersUp; j++) {
      if (j === i) continue;
      runners += ranked[j].normalized;
      taken++;
    }
    return { ...r, score: r.normalized - (cal.runnerUpWeight * runners) / cal.runnersUp };
  });
}

/** Linear interpolation of `ys` over ascending `xs` at `x` (callers keep `x` within `xs`). */
function interpolate(xs: number[], ys: number[], x: number): number {
  if (xs.length === 1) return ys[0];
  let i = 1;
  while (i < xs.length - 1 && x > xs[i]) i++;
  const t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys[i - 1] + t * (ys[i] - ys[i - 1]);
}

/** A threshold table's bar for `people` at `targetFpir`: interpolated in log N and log FPIR, edges held. */
function tableThreshold(cal: OpenSetCalibration, table: number[][], people: number, targetFpir: number): number {
  const logF = Math.log(Math.min(cal.fpir[0], Math.max(cal.fpir[cal.fpir.length - 1], targetFpir)));
  const fpirAsc = cal.fpir.map(Math.log).reverse();
  const byRow = table.map((row) => interpolate(fpirAsc, [...row].reverse(), logF));
  const sizes = cal.galleryPeople;
  const n = Math.min(sizes[sizes.length - 1], Math.max(sizes[0], people));
  return interpolate(sizes.map(Math.log), byRow, Math.log(n));
}

/**
 * The decision-score threshold for a gallery of `people` people at a target FPIR. Interpolated
 * in log N and log FPIR; FPIRs and gallery sizes outside the table take its edge (the table
 * spans what the dev data can resolve; past its largest gallery the bar on this score changed
 * little between 200 and 1000 people, and extrapolating its noisiest segment would not help).
 */
export function openSetThreshold(cal: OpenSetCalibration, people: number, targetFpir: number): number {
  return tableThreshold(cal, cal.thresholds, people, targetFpir);
}

/**
 * Share of the frame's target FPIR that the evidence of several frames is held to: a name on a
 * track stays on screen for as long as the person does. Calibrated and measured for one
 * judgement of n independent photos (bench:openset, track mode); the page judges a sliding
 * window at every answer, so a stranger who stays long in view gets many, correlated,
 * judgements, each also needing a frame that clears the one-frame bar.
 */
export const TRACK_FPIR_SHARE = 0.5;

/**
 * Bars for tracks of 1, 2, ... frames (index n - 1): what a page needs to judge its tracks.
 * One frame: the frame's bar at `targetFpir`; longer tracks: at `targetFpir * TRACK_FPIR_SHARE`.
 */
export function trackBars(cal: OpenSetCalibration, people: number, targetFpir: number): number[] {
  return [
    openSetThreshold(cal, people, targetFpir),
    ...cal.trackThresholds.map((table) => tableThreshold(cal, table, people, targetFpir * TRACK_FPIR_SHARE)),
  ];
}

/** Normalised-score gap (impostor standard deviations) under which two people are "almost as close". */
const AMBIGUOUS_WITHIN = 1;

/**
 * Names the best candidate when its decision score reaches the threshold for a gallery of
 * `galleryPeople` people at `targetFpir`; otherwise unknown, with the reason. `barOffset`
 * raises the bar (in the same units) for faces that need stronger evidence.
 */
export function decideIdentity(
  cal: OpenSetCalibration,
  candidates: PersonScore[],
  opts: { galleryPeople: number; targetFpir: number; barOffset?: number },
): IdentityDecision {
  const threshold = openSetThreshold(cal, opts.galleryPeople, opts.targetFpir) + (opts.barOffset ?? 0);
  const [best, second] = rankCandidates(cal, candidates);
  if (!best) return { match: null, candidate: null, score: -Infinity, threshold, reason: 'empty-gallery' };
  if (best.score >= threshold) return { match: best.person, candidate: best.person, score: best.score, threshold, reason: null };
  return {
    match: null,
    candidate: best.person,
    score: best.score,
    threshold,
    reason: best.normalized >= threshold && second !== undefined && second.normalized >= best.normalized - AMBIGUOUS_WITHIN ? 'ambiguous' : 'below-threshold',
  };
}

/** One frame's evidence about a track: the answer's best candidate and its decision score. */
export interface FrameEvidence {
  /** Opaque id of the best candidate, or null when the gallery was empty. */
  candidate: string | null;
  score: number;
  /** Weight of the frame, 0..1 (the face's quality score). */
  weight: number;
}

/**
 * Evidence of a track's frames for their leading candidate (the one that was best in the most
 * weight of frames): the weighted mean of decision scores, where a frame whose best candidate
 * was someone else counts min(score, 0), since the leader scored below that frame's best.
 * Returns null without frames.
 */
export function trackEvidence(frames: FrameEvidence[]): { candidate: string; score: number; frames: number } | null {
  const weightBy = new Map<string, number>();
  for (const f of frames) if (f.candidate !== null) weightBy.set(f.candidate, (weightBy.get(f.candidate) ?? 0) + Math.max(1e-3, f.weight));
  let leader: string | null = null;
  let leaderWeight = -1;
  for (const [candidate, w] of weightBy) if (w > leaderWeight) [leader, leaderWeight] = [candidate, w];
  if (leader === null) return null;
  let sum = 0;
  let total = 0;
  for (const f of frames) {
    const w = Math.max(1e-3, f.weight);
    sum += w * (f.candidate === leader ? f.score : Math.min(f.score, 0));
    total += w;
  }
  return { candidate: leader, score: sum / total, frames: frames.length };
}

/**
 * Whether a track's frames name its leading candidate: the evidence must clear the bar for that
 * many frames (`bars` from `trackBars`; longer tracks use the last), and at least one frame of
 * the leader must clear the one-frame bar on its own, so a track never shows a name that no
 * single frame justified (frames of a still face are nearly the same frame, not new evidence).
 */
export function judgeTrack(frames: FrameEvidence[], bars: number[]): { candidate: string; score: number; bar: number; named: boolean } | null {
  const evidence = trackEvidence(frames);
  if (!evidence || bars.length === 0) return null;
  const bar = bars[Math.min(frames.length, bars.length) - 1];
  const justified = frames.some((f) => f.candidate === evidence.candidate && f.score >= bars[0]);
  return { candidate: evidence.candidate, score: evidence.score, bar, named: justified && evidence.score >= bar };
}
