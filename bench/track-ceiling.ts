/**
 * npx tsx bench/track-ceiling.ts [--landmarks plain|mirror] [--templates plain|jittered]
 *
 * How many enrolled tracks could any bar name, at a given number of stranger tracks named?
 * Issue 8's track mode (bench/track-mode.ts, both runs pooled), each 3-photo track fused into one
 * probe and scored as the product scores it (the one-frame rule's decision score of its best
 * person), and, for comparison, by the plain best cosine. The bar is set with hindsight just
 * above the k-th highest stranger track, so these are ceilings of the score, not results: a
 * calibrated bar can only do worse. `--weights-grid` does the same for every pair of the rule's
 * weights (runners-up x crowding, 0..0.6): whether any weighting would leave room for more.
 * Reads bench:openset's cache; prints tables; appends nothing.
 */
import { EMBEDDING_MODEL } from '../lib/vision/models';
import { rankCandidates, type OpenSetCalibration } from '../lib/vision/open-set';
import { CANDIDATES } from '../lib/vision/recognize';
import { fuseEmbeddings } from '../lib/vision/track-fusion';
import { loadPhotos, trackRuns, variantFrom, type Photo } from './track-mode';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const cal = EMBEDDING_MODEL.openSet;
const runs = trackRuns(loadPhotos('lfw-dev', variantFrom(flag)), cal.crowdingNeighbours);

type Scored = { decision: number; cosine: number; decisionRight: boolean; cosineRight: boolean };

/** Every enrolled and stranger track of both runs, scored with the rule's weights in `rule`. */
function scoreAll(rule: OpenSetCalibration): { mated: Scored[]; strangers: Scored[] } {
  const mated: Scored[] = [];
  const strangers: Scored[] = [];
  for (const run of runs) {
    const score = (track: Photo[]): Scored => {
      const candidates = run.gallery.searchPeople(fuseEmbeddings(track.map((p) => p.embedding)), Math.max(CANDIDATES, rule.runnersUp + 1), { crowding: rule.crowdingNeighbours });
      const [best] = rankCandidates(rule, candidates).sort((a, b) => b.score - a.score);
      const identity = track[0].identity;
      return { decision: best.score, cosine: candidates[0].similarity, decisionRight: best.person.personId === identity, cosineRight: candidates[0].personId === identity };
    };
    mated.push(...run.mated.map(score));
    strangers.push(...run.strangers.map(score));
  }
  return { mated, strangers };
}

/** Enrolled tracks named correctly by a bar just above the `k`-th highest stranger track. */
function ceiling(scored: { mated: Scored[]; strangers: Scored[] }, k: number, key: 'decision' | 'cosine'): number {
  const right = key === 'decision' ? 'decisionRight' : 'cosineRight';
  const tail = scored.strangers.map((s) => s[key]).sort((a, b) => b - a);
  return scored.mated.filter((m) => m[key] > tail[k] && m[right]).length;
}

const shipped = scoreAll(cal);
const total = shipped.mated.length;
const strangerTracks = shipped.strangers.length;
const share = (n: number, of: number) => `${n} of ${of} (${((100 * n) / of).toFixed(of === total ? 1 : 2)}%)`;
const rows = [];
for (const [label, key] of [['decision score (shipped rule)', 'decision'], ['best cosine', 'cosine']] as const) {
  for (let k = 0; k <= 4; k++) rows.push(`| ${label} | ${share(k, strangerTracks)} | ${share(ceiling(shipped, k, key), total)} |`);
}
console.log(['| score of the fused probe | stranger tracks named | enrolled tracks named correctly, at best |', '|---|---|---|', ...rows].join('\n'));

if (args.includes('--weights-grid')) {
  const grid = [0, 0.15, 0.3, 0.45, 0.6];
  const lines = [];
  for (const runnerUpWeight of grid) {
    for (const crowdingWeight of grid) {
      const scored = scoreAll({ ...cal, runnerUpWeight, crowdingWeight });
      lines.push(`| ${runnerUpWeight} | ${crowdingWeight} | ${ceiling(scored, 1, 'decision')} | ${ceiling(scored, 2, 'decision')} | ${ceiling(scored, 4, 'decision')} |`);
    }
  }
  console.log(['', `| runners-up weight | crowding weight | named at best (of ${total}), 1 stranger track | 2 | 4 |`, '|---|---|---|---|---|', ...lines].join('\n'));
}
