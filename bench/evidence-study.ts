/**
 * npx tsx bench/evidence-study.ts (after `npm run bench:openset -- --landmarks plain` and
 * `-- --landmarks mirror`, which fill bench/.cache)
 *
 * LFW pair accuracy of lfw-dev (pairs.csv, its 5 folds, threshold chosen on the other folds, as
 * bench:accuracy scores it) from the embeddings bench:openset cached for each landmark variant
 * (same detections, largest face, flip-averaged: what bench:accuracy embeds), so the alignment
 * variants are compared on all 5 folds without embedding the set again. Also the asymmetric
 * pairing enrollment makes: one side's jittered template against the other side's plain
 * embedding (both orders averaged).
 */
import fs from 'node:fs';
import path from 'node:path';
import { readPairsCsv, scorePairs, type PairRow } from '../lib/vision/evaluate';
import { EMBEDDING_MODEL } from '../lib/vision/models';
import { DATASETS_DIR } from './report';

const root = path.join(DATASETS_DIR, 'lfw-dev');
const cacheDir = path.join(__dirname, '.cache');

function load(landmarks: 'plain' | 'mirror'): { embedding: Map<string, Float32Array>; template: Map<string, Float32Array> } | null {
  const suffix = `-landmarks-${landmarks}-lfw-dev.jsonl`;
  const files = fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((f) => f.startsWith(`openset-${EMBEDDING_MODEL.id}-`) && f.endsWith(suffix)) : [];
  if (!files.length) return null;
  const newest = files.map((f) => path.join(cacheDir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  const embedding = new Map<string, Float32Array>(), template = new Map<string, Float32Array>();
  for (const line of fs.readFileSync(newest, 'utf8').split('\n')) {
    if (!line) continue;
    const p = JSON.parse(line);
    if (p.embedding) embedding.set(p.path, Float32Array.from(p.embedding));
    if (p.template) template.set(p.path, Float32Array.from(p.template));
  }
  return { embedding, template };
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const pairs = readPairsCsv(path.join(root, 'pairs.csv'));
const swapped: PairRow[] = pairs.map((p) => ({ ...p, pathA: p.pathB, pathB: p.pathA }));
for (const landmarks of ['plain', 'mirror'] as const) {
  const cached = load(landmarks);
  if (!cached) {
    console.log(`landmarks ${landmarks}: no cache (run npm run bench:openset -- --landmarks ${landmarks})`);
    continue;
  }
  const plain = scorePairs(pairs, cached.embedding, 0);
  // Template on side A, plain embedding on side B, then the other way round; keys are "A|path".
  const mixed = new Map<string, Float32Array>();
  for (const [k, v] of cached.template) mixed.set(`A|${k}`, v);
  for (const [k, v] of cached.embedding) mixed.set(`B|${k}`, v);
  const asA = (rows: PairRow[]) => rows.map((r) => ({ ...r, pathA: `A|${r.pathA}`, pathB: `B|${r.pathB}` }));
  const templ = [scorePairs(asA(pairs), mixed, 0), scorePairs(asA(swapped), mixed, 0)];
  console.log(JSON.stringify({
    landmarks,
    plain: { accuracy: pct(plain.accuracy), std: pct(plain.accuracyStd), tarAtFmr1e3: pct(plain.tarAtFmr1e3), perFold: plain.perFold.map((f) => pct(f.accuracy)) },
    templateVsPlain: templ.map((t) => ({ accuracy: pct(t.accuracy), std: pct(t.accuracyStd), tarAtFmr1e3: pct(t.tarAtFmr1e3) })),
  }));
}
