/**
 * Study of the track rule (issue 8, tracks target), not part of the product: which way of
 * judging a track of 3 photos names more enrolled tracks when its bar is calibrated on simulated
 * stranger tracks (target FPIR x TRACK_FPIR_SHARE) like the one-frame tables? Cross-validated:
 * the bar is simulated on one half of lfw-dev's people (FNV half, as bench:openset) and the rule
 * tested on the other half's track mode; "all" is in-sample. Uses bench:openset's embedding cache
 * (run `npm run bench:openset` once first) and the shipped calibration's normalisation.
 *
 *   npx tsx bench/openset-tracks-study.ts            # frames cached in bench/.cache/track-study.json
 *   npx tsx bench/openset-tracks-study.ts 0.5        # share of the target FPIR (default 0.5)
 *
 * Findings: docs/models.md, "Tracks".
 */
import fs from 'node:fs';
import path from 'node:path';
import { cosineSimilarity, thresholdAtFmr } from '../lib/vision/match';
import { EMBEDDING_MODEL } from '../lib/vision/models';
import { rankCandidates, trackEvidence, type FrameEvidence, type PersonScore } from '../lib/vision/open-set';
import { crowdingIn, seededRandom } from '../lib/vision/open-set-fit';

interface Photo { path: string; identity: string; embedding: Float32Array | null; quality: { score: number } | null; enrollable: boolean }
const cacheDir = path.join(__dirname, '.cache');
const cacheFile = fs.readdirSync(cacheDir).filter((f) => f.startsWith(`openset-${EMBEDDING_MODEL.id}-`) && f.endsWith('-lfw-dev.jsonl')).map((f) => path.join(cacheDir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
const photos: Photo[] = fs.readFileSync(cacheFile, 'utf8').split('\n').filter(Boolean).map((l) => { const p = JSON.parse(l); return { ...p, embedding: p.embedding ? Float32Array.from(p.embedding) : null }; });
const all = new Map<string, Photo[]>();
for (const p of photos) if (p.embedding) all.set(p.identity, [...(all.get(p.identity) ?? []), p]);
for (const l of all.values()) l.sort((a, b) => (a.path < b.path ? -1 : 1));
function half(identity: string): 0 | 1 { let h = 0x811c9dc5; for (let i = 0; i < identity.length; i++) h = Math.imul(h ^ identity.charCodeAt(i), 0x01000193); return ((h >>> 0) % 2) as 0 | 1; }
const cal = EMBEDDING_MODEL.openSet;
type F = FrameEvidence;
type G = { id: string; v: Float32Array; crowding: number | null }[];
function mkGallery(entries: [string, Float32Array][]): G { const g = entries.map(([id, v]) => ({ id, v, crowding: null as number | null })); const vs = g.map((x) => x.v); for (const x of g) x.crowding = crowdingIn(x.v, vs, cal.crowdingNeighbours); return g; }
function frame(g: G, p: Photo): F { const c: PersonScore[] = g.map((x) => ({ personId: x.id, name: x.id, similarity: cosineSimilarity(p.embedding!, x.v), templates: 1, crowding: x.crowding })); const [b] = rankCandidates(cal, c); return { candidate: b.person.personId, score: b.score, weight: p.quality!.score }; }

// Track mode on one set of people (as bench trackMode).
function trackMode(people: Map<string, Photo[]>) {
  const runs = [];
  for (const parity of [0, 1]) {
    const gallery: [string, Float32Array][] = []; const mated: { truth: string; t: Photo[] }[] = []; const strangers: Photo[][] = [];
    let turn = 0;
    for (const [identity, ps] of [...people].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (ps.length < 2) continue;
      if (ps.length >= 3 && turn++ % 2 === parity) { strangers.push(ps.slice(0, 3)); continue; }
      const first = ps.slice(0, 2).find((p) => p.enrollable) ?? ps[0];
      gallery.push([identity, first.embedding!]);
      const rest = ps.slice(ps.indexOf(first) + 1);
      if (rest.length >= 3) mated.push({ truth: identity, t: rest.slice(0, 3) });
    }
    const g = mkGallery(gallery);
    runs.push({ size: g.length, mated: mated.map((m) => ({ truth: m.truth, frames: m.t.map((p) => frame(g, p)) })), strangers: strangers.map((t) => t.map((p) => frame(g, p))) });
  }
  return runs;
}
// Simulated stranger tracks: galleries of `size` people (first photo) from `people`, outsiders with >= 3 photos.
function simulate(people: Map<string, Photo[]>, size: number, want: number, seed: number) {
  const list = [...people.values()]; const random = seededRandom(seed);
  const oneFrame: number[] = [];
  const tr: F[][] = [];
  while (tr.length < want) {
    const idx = list.map((_, i) => i); for (let i = 0; i < size; i++) { const j = i + Math.floor(random() * (idx.length - i)); [idx[i], idx[j]] = [idx[j], idx[i]]; }
    const members = new Set(idx.slice(0, size));
    const g = mkGallery([...members].map((i) => [String(i), list[i][0].embedding!]));
    const early = oneFrame.length < 30000;
    list.forEach((ps, i) => { if (members.has(i)) return; if (early) oneFrame.push(frame(g, ps[0]).score); if (ps.length >= 3) tr.push(ps.slice(0, 3).map((p) => frame(g, p))); });
  }
  return { tracks: tr, oneFrame };
}
const cache = path.join(cacheDir, 'track-study.json');
let data: Record<string, { tm: ReturnType<typeof trackMode>; sim: ReturnType<typeof simulate> }>;
if (fs.existsSync(cache)) data = JSON.parse(fs.readFileSync(cache, 'utf8'));
else {
  data = {};
  for (const test of [0, 1]) {
    const testPeople = new Map([...all].filter(([n]) => half(n) === test));
    const fitPeople = new Map([...all].filter(([n]) => half(n) !== test));
    const tm = trackMode(testPeople);
    const sim = simulate(fitPeople, tm[0].size, 20000, 7 + test);
    data[test] = { tm, sim };
    process.stderr.write(`fold ${test}: gallery ${tm[0].size}, sim tracks ${sim.tracks.length}\n`);
  }
  // in-sample: all people
  const tm = trackMode(all);
  data.all = { tm, sim: simulate(all, tm[0].size, 30000, 11) };
  fs.writeFileSync(cache, JSON.stringify(data));
}

const W = (f: F) => Math.max(1e-3, f.weight);
function leaderOf(fr: F[]) { return trackEvidence(fr)!.candidate; }
type Ctx = { bar1: (fpir: number) => number };
type Rule = (fr: F[], ctx: Ctx) => { cand: string; score: number };
const NEG = -Infinity;
const top1 = (fr: F[], c: string) => fr.filter((f) => f.candidate === c).length;
const maxLead = (fr: F[], c: string) => Math.max(...fr.filter((f) => f.candidate === c).map((f) => f.score));
const rules: Record<string, Rule> = {
  'shipped mean, frame>=bar1(1%)': (fr, x) => { const e = trackEvidence(fr)!; return { cand: e.candidate, score: maxLead(fr, e.candidate) >= x.bar1(0.01) ? e.score : NEG }; },
  'mean': (fr) => { const e = trackEvidence(fr)!; return { cand: e.candidate, score: e.score }; },
  'mean, majority top1': (fr) => { const e = trackEvidence(fr)!; return { cand: e.candidate, score: top1(fr, e.candidate) * 2 > fr.length ? e.score : NEG }; },
  'mean, all top1': (fr) => { const e = trackEvidence(fr)!; return { cand: e.candidate, score: top1(fr, e.candidate) === fr.length ? e.score : NEG }; },
  'mean, majority, frame>=bar1(3%)': (fr, x) => { const e = trackEvidence(fr)!; return { cand: e.candidate, score: top1(fr, e.candidate) * 2 > fr.length && maxLead(fr, e.candidate) >= x.bar1(0.03) ? e.score : NEG }; },
  'mean, majority, frame>=bar1(10%)': (fr, x) => { const e = trackEvidence(fr)!; return { cand: e.candidate, score: top1(fr, e.candidate) * 2 > fr.length && maxLead(fr, e.candidate) >= x.bar1(0.1) ? e.score : NEG }; },
  'unweighted mean, others min(s,0), majority': (fr) => { const c = leaderOf(fr); const s = fr.reduce((a, f) => a + (f.candidate === c ? f.score : Math.min(0, f.score)), 0) / fr.length; return { cand: c, score: top1(fr, c) * 2 > fr.length ? s : NEG }; },
  'weighted, others 0, majority': (fr) => { const c = leaderOf(fr); const tw = fr.reduce((a, f) => a + W(f), 0); const s = fr.reduce((a, f) => a + W(f) * (f.candidate === c ? f.score : 0), 0) / tw; return { cand: c, score: top1(fr, c) * 2 > fr.length ? s : NEG }; },
  'weighted, others own score, majority': (fr) => { const c = leaderOf(fr); const tw = fr.reduce((a, f) => a + W(f), 0); const s = fr.reduce((a, f) => a + W(f) * f.score, 0) / tw; return { cand: c, score: top1(fr, c) * 2 > fr.length ? s : NEG }; },
  'mean of leader frames, majority': (fr) => { const c = leaderOf(fr); const l = fr.filter((f) => f.candidate === c); const tw = l.reduce((a, f) => a + W(f), 0); return { cand: c, score: top1(fr, c) * 2 > fr.length ? l.reduce((a, f) => a + W(f) * f.score, 0) / tw : NEG }; },
  'max of leader frames, majority': (fr) => { const c = leaderOf(fr); return { cand: c, score: top1(fr, c) * 2 > fr.length ? maxLead(fr, c) : NEG }; },
  'leader mean, majority, frame>=bar1(1%)': (fr, x) => { const c = leaderOf(fr); const l = fr.filter((f) => f.candidate === c); const tw = l.reduce((a, f) => a + W(f), 0); return { cand: c, score: top1(fr, c) * 2 > fr.length && maxLead(fr, c) >= x.bar1(0.01) ? l.reduce((a, f) => a + W(f) * f.score, 0) / tw : NEG }; },
  'own score, majority, frame>=bar1(1%)': (fr, x) => { const c = leaderOf(fr); const tw = fr.reduce((a, f) => a + W(f), 0); const s = fr.reduce((a, f) => a + W(f) * f.score, 0) / tw; return { cand: c, score: top1(fr, c) * 2 > fr.length && maxLead(fr, c) >= x.bar1(0.01) ? s : NEG }; },
  'min frame, all top1': (fr) => { const c = leaderOf(fr); return { cand: c, score: top1(fr, c) === fr.length ? Math.min(...fr.map((f) => f.score)) : NEG }; },
  'second-best leader frame, majority': (fr) => { const c = leaderOf(fr); const l = fr.filter((f) => f.candidate === c).map((f) => f.score).sort((a, b) => b - a); return { cand: c, score: l.length >= 2 ? l[1] : NEG }; },
};
const share = Number(process.argv[2] ?? 0.5);
const target = 0.01 * share;
for (const fold of Object.keys(data)) {
  const { tm, sim } = data[fold];
  const memo = new Map<number, number>(); const ctx: Ctx = { bar1: (f) => { if (!memo.has(f)) memo.set(f, thresholdAtFmr(sim.oneFrame, f)); return memo.get(f)!; } };
  console.log(`\n== fold ${fold} (test gallery ${tm[0].size}/${tm[1].size}; sim stranger tracks ${sim.tracks.length}; mated ${tm[0].mated.length + tm[1].mated.length}; strangers ${tm[0].strangers.length + tm[1].strangers.length}) target ${target}`);
  for (const [name, rule] of Object.entries(rules)) {
    const simScores = sim.tracks.map((fr: F[]) => rule(fr, ctx).score);
    const bar = thresholdAtFmr(simScores.filter(Number.isFinite).concat(simScores.filter((s: number) => !Number.isFinite(s)).map(() => -1e9)), target);
    let ok = 0, mis = 0, n = 0, sn = 0, snamed = 0;
    for (const run of tm) {
      for (const m of run.mated) { n++; const v = rule(m.frames, ctx); if (v.score >= bar) { if (v.cand === m.truth) ok++; else mis++; } }
      for (const s of run.strangers) { sn++; if (rule(s, ctx).score >= bar) snamed++; }
    }
    console.log(`${name.padEnd(44)} bar ${bar.toFixed(3).padStart(6)}  mated ${(100 * ok / n).toFixed(1)}% mis ${mis}  strangers ${snamed}/${sn} (${(100 * snamed / sn).toFixed(2)}%)`);
  }
}
