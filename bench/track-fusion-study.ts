/**
 * npx tsx bench/track-fusion-study.ts [--landmarks plain|mirror] [--templates plain|jittered] [--weights | --normalisation]
 *
 * What loses the enrolled tracks the fused probe does not name, and whether changes to how a
 * fused probe is scored name more of them (docs/models.md, "Tracks"). Every variant has its bars
 * fitted the same way (lib/vision/track-fusion-fit.ts: simulated stranger tracks, 3 frames) and
 * is measured on issue 8's track mode (bench/track-mode.ts) cross-validated: bars fitted on one
 * half of the people, track mode on the other, both ways, pooled. A scoring weight is chosen on
 * one half (its own track mode, bars fitted on it) and checked on the other.
 * The one-frame calibration is the shipped one (bench:tracks measured the same cross-validated
 * figures with it refitted per half). Prints JSON; appends nothing.
 */
import { EMBEDDING_MODEL } from '../lib/vision/models';
import { openSetThreshold, rankCandidates, type OpenSetCalibration } from '../lib/vision/open-set';
import { cosineSimilarity } from '../lib/vision/match';
import { FIT_DEFAULTS, seededRandom } from '../lib/vision/open-set-fit';
import { CANDIDATES, type Gallery } from '../lib/vision/recognize';
import { fuseEmbeddings, type TrackCalibration } from '../lib/vision/track-fusion';
import { fitTrackFusion } from '../lib/vision/track-fusion-fit';
import { fitPeople, loadPhotos, peopleOfHalf, trackRuns, variantFrom, type Photo, type TrackRun } from './track-mode';

const TARGET_FPIR = 0.01;
const TRACK_FPIR = TARGET_FPIR / 2;
const FRAMES = 3;

/** How a fused probe is scored: the one-frame rule's weights (and impostor statistics) for it. */
type Scoring = Pick<OpenSetCalibration, 'crowdingWeight' | 'runnerUpWeight' | 'runnersUp' | 'impostorByTemplates'>;

const shipped = EMBEDDING_MODEL.openSet;
const asCal = (s: Scoring): OpenSetCalibration => ({ ...shipped, ...s });

/** Bars for fused 3-frame probes scored with `s`, fitted on `people` (at track mode's gallery size, ~300 people: one size keeps a fit to ~8 s). */
function fitBars(people: Map<string, Photo[]>, s: Scoring): TrackCalibration {
  return fitTrackFusion(fitPeople(people), asCal(s), { modelId: EMBEDDING_MODEL.id, source: 'study', galleryPeople: [300], maxFrames: FRAMES });
}

interface Outcome {
  identity: string;
  stranger: boolean;
  named: boolean;
  correct: boolean;
  score: number;
  bar: number;
  /** One-frame rule's decision score of the fused probe, and the one-frame bar (the floor). */
  frameScore: number;
  frameBar: number;
  /** Rank (1 = best) of the right person by decision score among the searched candidates (0: not among them). */
  rightRank: number;
  best: string;
  bestSimilarity: number;
  rightSimilarity: number;
  rightCrowding: number | null;
  runnersUp: number[];
}

function judge(g: Gallery, track: Photo[], s: Scoring, bars: TrackCalibration, stranger: boolean): Outcome {
  const cal = asCal(s);
  const probe = fuseEmbeddings(track.slice(0, FRAMES).map((p) => p.embedding));
  const candidates = g.searchPeople(probe, Math.max(CANDIDATES, cal.runnersUp + 1, shipped.runnersUp + 1), { crowding: cal.crowdingNeighbours });
  const ranked = rankCandidates(cal, candidates).sort((a, b) => b.score - a.score);
  const [frameBest] = rankCandidates(shipped, candidates).sort((a, b) => b.score - a.score);
  const people = g.searchablePeople();
  const bar = openSetThreshold({ ...cal, galleryPeople: bars.galleryPeople, fpir: bars.fpir, thresholds: bars.thresholds[FRAMES - 2] }, people, TRACK_FPIR);
  const frameBar = openSetThreshold(shipped, people, TARGET_FPIR);
  const best = ranked[0];
  // The floor, as the product applies it: never named on less than one frame would be.
  const named = best.score >= bar && frameBest.person.personId === best.person.personId && frameBest.score >= frameBar;
  const identity = track[0].identity;
  const right = ranked.findIndex((r) => r.person.personId === identity);
  return {
    identity,
    stranger,
    named,
    correct: named && best.person.personId === identity,
    score: best.score,
    bar,
    frameScore: frameBest.score,
    frameBar,
    rightRank: right + 1,
    best: best.person.personId,
    bestSimilarity: best.person.similarity,
    rightSimilarity: right >= 0 ? ranked[right].person.similarity : NaN,
    rightCrowding: right >= 0 ? (ranked[right].person.crowding ?? null) : null,
    runnersUp: ranked.slice(1, 3).map((r) => r.normalized),
  };
}

function run(runs: TrackRun[], s: Scoring, bars: TrackCalibration): Outcome[] {
  return runs.flatMap(({ gallery, mated, strangers }) => [...mated.map((t) => judge(gallery, t, s, bars, false)), ...strangers.map((t) => judge(gallery, t, s, bars, true))]);
}

function tally(outcomes: Outcome[]) {
  const mated = outcomes.filter((o) => !o.stranger);
  const strangers = outcomes.filter((o) => o.stranger);
  return { named: mated.filter((o) => o.correct).length, enrolled: mated.length, misidentified: mated.filter((o) => o.named && !o.correct).length, strangersNamed: strangers.filter((o) => o.named).length, strangers: strangers.length };
}

/**
 * Mean and deviation of strangers' similarity to one-photo people for fused probes of FRAMES
 * frames (each person with that many photos against a random other person's enrolled photo), as
 * impostorStatistics measures them for single photos.
 */
function fusedImpostorStatistics(people: Map<string, Photo[]>, pairs = 200_000): { mean: number; std: number } {
  const random = seededRandom(20261203);
  const list = [...people.values()];
  const probes = list.map((ps, owner) => ({ owner, ps })).filter((x) => x.ps.length >= FRAMES).map((x) => ({ owner: x.owner, v: fuseEmbeddings(x.ps.slice(0, FRAMES).map((p) => p.embedding)) }));
  let sum = 0, sumSq = 0, n = 0;
  for (let t = 0; t < pairs; t++) {
    const probe = probes[Math.floor(random() * probes.length)];
    const owner = Math.floor(random() * list.length);
    if (owner === probe.owner) continue;
    const sim = cosineSimilarity(probe.v, list[owner][0].template);
    sum += sim; sumSq += sim * sim; n++;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(sumSq / n - mean * mean) };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

function main() {
  const args = process.argv.slice(2);
  const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const people = loadPhotos('lfw-dev', variantFrom(flag));
  const halves = [peopleOfHalf(people, 0), peopleOfHalf(people, 1)];
  const runsOf = halves.map((h) => trackRuns(h, shipped.crowdingNeighbours));
  const base: Scoring = { crowdingWeight: shipped.crowdingWeight, runnerUpWeight: shipped.runnerUpWeight, runnersUp: shipped.runnersUp, impostorByTemplates: shipped.impostorByTemplates };
  const barsCache = new Map<string, TrackCalibration>();
  const barsFor = (fitHalf: 0 | 1, s: Scoring) => {
    const key = `${fitHalf}:${JSON.stringify(s)}`;
    if (!barsCache.has(key)) barsCache.set(key, fitBars(halves[fitHalf], s));
    return barsCache.get(key)!;
  };
  /** Bars fitted on the other half, tested on `test` (cross-validated). */
  const heldOut = (test: 0 | 1, s: Scoring) => run(runsOf[test], s, barsFor((1 - test) as 0 | 1, s));
  /** Bars fitted on the same half, tested on it (for choosing on one half). */
  const own = (h: 0 | 1, s: Scoring) => run(runsOf[h], s, barsFor(h, s));

  // 1. The misses of the shipped scoring, cross-validated.
  const baseline = ([0, 1] as const).map((t) => heldOut(t, base));
  const misses = baseline.flat().filter((o) => !o.stranger && !o.correct).map((o) => ({
    identity: o.identity,
    score: round(o.score), bar: round(o.bar), short: round(o.bar - o.score),
    frameScore: round(o.frameScore), frameBar: round(o.frameBar),
    rightRank: o.rightRank, best: o.best === o.identity ? '(right)' : o.best,
    rightSimilarity: round(o.rightSimilarity), bestSimilarity: round(o.bestSimilarity), rightCrowding: o.rightCrowding === null ? null : round(o.rightCrowding),
    runnersUp: o.runnersUp.map(round),
  }));
  const strangersNamed = baseline.flat().filter((o) => o.stranger && o.named).map((o) => ({ identity: o.identity, as: o.best, score: round(o.score), bar: round(o.bar), similarity: round(o.bestSimilarity) }));
  const namedMated = baseline.flat().filter((o) => !o.stranger && o.correct);
  const meanOf = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length);
  // Where the distance comes from: each frame against the enrolled photo (sorted), the frames'
  // least similar pair, and the enrolled photo's quality.
  const missed = new Set(misses.map((m) => m.identity));
  const anatomy = (miss: boolean) => {
    const rows = runsOf.flat().flatMap((r) => r.mated.filter((t) => missed.has(t[0].identity) === miss).map((t) => {
      const enrolled = r.enrolled.get(t[0].identity)!;
      const frames = t.slice(0, FRAMES);
      const perFrame = frames.map((p) => cosineSimilarity(p.embedding, enrolled.template)).sort((a, b) => a - b);
      const pairs = frames.flatMap((a, i) => frames.slice(i + 1).map((b) => cosineSimilarity(a.embedding, b.embedding)));
      return { perFrame, leastPair: Math.min(...pairs), quality: enrolled.quality.score };
    }));
    return {
      tracks: rows.length,
      perFrameToEnrolled: [0, 1, 2].map((k) => meanOf(rows.map((x) => x.perFrame[k]))),
      leastSimilarFramePair: meanOf(rows.map((x) => x.leastPair)),
      enrolledQuality: meanOf(rows.map((x) => x.quality)),
    };
  };
  const profile = {
    named: { crowding: meanOf(namedMated.map((o) => o.rightCrowding ?? 0)), similarity: meanOf(namedMated.map((o) => o.rightSimilarity)), runnersUp: meanOf(namedMated.map((o) => (o.runnersUp[0] + o.runnersUp[1]) / 2)), ...anatomy(false) },
    missed: { crowding: meanOf(misses.map((o) => o.rightCrowding ?? 0)), similarity: meanOf(misses.map((o) => o.rightSimilarity)), runnersUp: meanOf(misses.map((o) => (o.runnersUp[0] + o.runnersUp[1]) / 2)), ...anatomy(true) },
  };

  if (args.includes('--normalisation')) {
    // Fused probes scored in deviations of fused probes' impostors (fitted on the fitting half), bars refitted likewise.
    const folds = ([0, 1] as const).map((test) => {
      const stats = fusedImpostorStatistics(halves[1 - test]);
      const fused: Scoring = { ...base, impostorByTemplates: [stats, ...base.impostorByTemplates.slice(1)] };
      return { testedOn: `half ${test}`, oneFrameStatistics: base.impostorByTemplates[0], fusedStatistics: stats, shipped: tally(heldOut(test, base)), fusedNormalisation: tally(heldOut(test, fused)) };
    });
    console.log(JSON.stringify({ variant: variantFrom(flag), normalisation: folds }, null, 2));
    return;
  }
  if (!args.includes('--weights')) {
    console.log(JSON.stringify({ variant: variantFrom(flag), baseline: baseline.map(tally), misses, strangersNamed, profile }, null, 2));
    return;
  }

  // 2. Weights for fused probes: chosen on one half's own track mode, checked on the other.
  // One weight at a time around the shipped point (each variant costs two fits of ~8 s).
  const grid: Scoring[] = [
    base,
    ...[0, 0.15, 0.45, 0.6].map((runnerUpWeight) => ({ ...base, runnerUpWeight })),
    ...[0, 0.15, 0.45, 0.6].map((crowdingWeight) => ({ ...base, crowdingWeight })),
    { ...base, runnersUp: 5 },
  ];
  const label = (s: Scoring) => `crowding ${s.crowdingWeight}, runners-up ${s.runnerUpWeight} x mean of ${s.runnersUp}`;
  const weights = ([0, 1] as const).map((h) => {
    const other = (1 - h) as 0 | 1;
    // Bars fitted on this half serve both its own track mode (choosing) and the other half's (checking).
    const scored = grid.map((s) => ({ s, own: tally(own(h, s)), other: tally(heldOut(other, s)) }));
    // Most enrolled tracks named on its own half; ties keep the shipped weights (first). Its own
    // stranger tracks are too few to choose by (0.5% of ~200 is one track): the bars hold that rate.
    const choice = scored.reduce((a, b) => (b.own.named > a.own.named ? b : a));
    process.stderr.write(`chosen on half ${h}: ${label(choice.s)} (${choice.own.named} of ${choice.own.enrolled})\n`);
    return {
      chosenOn: `half ${h}`,
      choice: label(choice.s),
      onOwnHalf: { chosen: choice.own, shipped: scored[0].own },
      onOtherHalf: { chosen: choice.other, shipped: scored[0].other },
      grid: scored.map((x) => `${label(x.s)}: own half ${x.own.named}/${x.own.enrolled}, strangers ${x.own.strangersNamed}; other half ${x.other.named}/${x.other.enrolled}, strangers ${x.other.strangersNamed}`),
    };
  });

  console.log(JSON.stringify({ variant: variantFrom(flag), baseline: baseline.map(tally), misses, strangersNamed, profile, weights, fitDefaults: { crowding: FIT_DEFAULTS.crowdingWeight, runnersUp: FIT_DEFAULTS.runnerUpWeight } }, null, 2));
}

main();
