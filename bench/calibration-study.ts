/**
 * npx tsx bench/calibration-study.ts [--splits 4] [--gallery accepted|any]
 *
 * Does the open-set calibration land where it promises? On bench:openset's cached embeddings
 * (one photo enrolled, issue 8's protocol, searched in memory as the registry would): the bar
 * the calibration sets for the gallery's size, the FPIR the strangers show at it (with a
 * bootstrap interval over the strangers), where the strangers' own 1% point lies, and TPIR at
 * both; with the calibration fitted on everyone (in-sample) and on one half of the people,
 * tested on the other (`--splits` halvings, both ways). `--gallery any` fits as before
 * 2026-12-03, simulated galleries enrolled with any photo rather than only photos the
 * enrollment gate accepts. Prints JSON; appends nothing.
 */
import { EMBEDDING_MODEL } from '../lib/vision/models';
import { thresholdAtFmr } from '../lib/vision/match';
import { fitOpenSet, seededRandom, type FitPerson } from '../lib/vision/open-set-fit';
import type { OpenSetCalibration } from '../lib/vision/open-set';
import { identify } from '../lib/vision/recognize';
import { fitPeople, half, loadPhotos, memoryGallery, PRODUCT_VARIANT, type Photo } from './track-mode';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const splits = Number(flag('--splits') ?? 4);
const galleryOf = flag('--gallery') ?? 'accepted';
if (galleryOf !== 'accepted' && galleryOf !== 'any') throw new Error(`--gallery accepted|any, not ${galleryOf}`);

const fitOn = (people: Map<string, Photo[]>): FitPerson[] =>
  fitPeople(people).map((p) => (galleryOf === 'any' ? { ...p, enrollable: undefined } : p));

function protocol(people: Map<string, Photo[]>) {
  const gallery: [string, Float32Array][] = [];
  const mated: Photo[] = [];
  const strangers: Photo[] = [];
  for (const [identity, photos] of people) {
    if (photos.length === 1) { strangers.push(photos[0]); continue; }
    const first = photos.slice(0, 2).findIndex((p) => p.enrollable);
    if (first < 0) continue;
    gallery.push([identity, photos[first].template]);
    mated.push(...photos.slice(first + 1, first + 4));
  }
  return { gallery, mated, strangers };
}

function measure(people: Map<string, Photo[]>, cal: OpenSetCalibration) {
  const p = protocol(people);
  const g = memoryGallery(p.gallery, cal.crowdingNeighbours);
  const at = { calibration: cal, targetFpir: 0.01 };
  const m = p.mated.map((ph) => ({ d: identify(g, ph.embedding, at), truth: ph.identity }));
  const s = p.strangers.map((ph) => identify(g, ph.embedding, at));
  const bar = s[0].threshold;
  const tpirAt = (t: number) => m.filter((x) => x.d.score >= t && x.d.candidate?.personId === x.truth).length / m.length;
  const sScores = s.map((d) => d.score);
  const exact = thresholdAtFmr(sScores, 0.01);
  // Bootstrap the strangers: how far the FPIR at a fixed bar moves by which strangers came.
  const random = seededRandom(7);
  const boots: number[] = [];
  for (let b = 0; b < 400; b++) {
    let named = 0;
    for (let i = 0; i < sScores.length; i++) if (sScores[Math.floor(random() * sScores.length)] >= bar) named++;
    boots.push(named / sScores.length);
  }
  boots.sort((a, b) => a - b);
  return {
    people: p.gallery.length, strangers: s.length, bar: +bar.toFixed(3), exact1pct: +exact.toFixed(3),
    fpir: sScores.filter((x) => x >= bar).length / s.length, fpirCI: [boots[10], boots[389]],
    tpir: tpirAt(bar), tpirAtExact1pct: tpirAt(exact),
  };
}

const people = loadPhotos('lfw-dev', PRODUCT_VARIANT);
const source = 'calibration-study';
const rows: Record<string, unknown>[] = [];
const t0 = Date.now();
const all = fitOpenSet(fitOn(people), { modelId: EMBEDDING_MODEL.id, source });
rows.push({ fit: 'all (this run)', ...measure(people, all) });
rows.push({ fit: 'shipped', ...measure(people, EMBEDDING_MODEL.openSet) });
for (let split = 0; split < splits; split++) {
  for (const test of [0, 1] as const) {
    const fitting = new Map([...people].filter(([n]) => half(n, split) !== test));
    const testOn = new Map([...people].filter(([n]) => half(n, split) === test));
    const cal = fitOpenSet(fitOn(fitting), { modelId: EMBEDDING_MODEL.id, source });
    rows.push({ fit: `split ${split} half ${1 - test}`, ...measure(testOn, cal) });
  }
  process.stderr.write(`split ${split} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}
console.log(JSON.stringify({ gallery: galleryOf, rows }, null, 1));
const cv = rows.slice(2);
const mean = (k: string) => cv.reduce((a, r) => a + (r[k] as number), 0) / cv.length;
console.log(`cross-validated mean: FPIR ${(100 * mean('fpir')).toFixed(2)}%, TPIR ${(100 * mean('tpir')).toFixed(1)}%, TPIR at the half's own 1% ${(100 * mean('tpirAtExact1pct')).toFixed(1)}%`);
