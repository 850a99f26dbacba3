/**
 * npx tsx bench/enrollment-gate.ts [--faces FILE] [--degrade [PHOTOS]]
 *
 * Calibrates the enrollment gate by what each check costs recognition, on lfw-dev's people.csv
 * (docs/models.md, "Enrollment gate"). Every face of every photo (up to 5) is analysed once by
 * the product pipeline and kept in FILE (default bench/.cache/enrollment-faces-lfw-dev.jsonl;
 * one JSON line per photo: path, identity, width, height, faces [{box, score, landmarks,
 * quality, embedding}]); then, with no model:
 *
 * - what a photo is worth as the one enrolled template of its person: the share of that
 *   person's other photos a search names correctly (best-score rule, at the threshold where 1%
 *   of the strangers are named against a gallery of everyone's first photo), and its mean
 *   genuine similarity;
 * - per check, those figures by bins of the check's measure, over photos that pass every other
 *   check, on each half of the identities (alternate in sorted order), and the cut each half's
 *   data gives by the stated criterion: the worst-side bin, walking from the good side, whose
 *   named share falls below 3/4 of that of the photos the gate accepts;
 * - the gate's acceptance (first or second photo, gallery people) and what the enrolled
 *   templates are worth, with the current rules and with the previous ones.
 * With --degrade, also the same good photos (every 5th gallery person's first frontal, sharp,
 * single-face photo) shrunk to set eye distances and blurred, analysed by the pipeline again:
 * the size check's evidence, since LFW's faces are all about one size. Prints JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { readIdentitiesCsv } from '../lib/vision/evaluate';
import { FacePipeline } from '../lib/vision/pipeline';
import { ENROLLMENT_QUALITY, estimatePose, judgeQuality, type QualityThresholds } from '../lib/vision/quality';
import { ENROLLMENT_ANALYSIS, judgeEnrollment } from '../lib/vision/register';
import type { Box, FaceAnalysis, FaceQuality, Point, Pose } from '../lib/vision/types';
import { DATASETS_DIR } from './report';

interface CachedFace {
  box: Box;
  score: number;
  landmarks?: [number, number][];
  quality: FaceQuality;
  embedding: number[];
}
interface CachedPhoto {
  path: string;
  identity: string;
  width: number;
  height: number;
  faces: CachedFace[];
}

/** The gate before this calibration: thresholds, the pitch formula, and the second-face rule. */
const PREVIOUS_QUALITY: QualityThresholds = { minEyeDistancePx: 28, minSharpness: 25, maxAbsYawDeg: 30, maxAbsPitchDeg: 25, minDetectorScore: 0.7 };
function previousPitchDeg(lm: Point[]): number {
  const m = (pts: Point[]) => ({ x: pts.reduce((s, p) => s + p.x, 0) / pts.length, y: pts.reduce((s, p) => s + p.y, 0) / pts.length });
  const l = m(lm.slice(36, 42)), r = m(lm.slice(42, 48)), eye = { x: (l.x + r.x) / 2, y: (l.y + r.y) / 2 };
  const mouth = m([lm[48], lm[54]]), n = lm[30];
  const ax = mouth.x - eye.x, ay = mouth.y - eye.y;
  const t = ((n.x - eye.x) * ax + (n.y - eye.y) * ay) / Math.max(1e-6, ax * ax + ay * ay);
  return (Math.asin(Math.max(-1, Math.min(1, (t - 0.53) * 2))) * 180) / Math.PI;
}

async function analysePeople(root: string, file: string): Promise<void> {
  const rows = readIdentitiesCsv(path.join(root, 'people.csv'));
  const pipeline = new FacePipeline();
  await pipeline.load();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = fs.createWriteStream(file);
  for (const [i, row] of rows.entries()) {
    const r = await pipeline.analyze(fs.readFileSync(path.join(root, row.path)), { ...ENROLLMENT_ANALYSIS, keepChips: false });
    const faces = r.faces.map((f) => ({
      box: f.box, score: f.score, quality: f.quality,
      landmarks: f.landmarks.map((p) => [+p.x.toFixed(2), +p.y.toFixed(2)]),
      embedding: Array.from(f.embedding, (x) => +x.toFixed(6)),
    }));
    out.write(JSON.stringify({ ...row, width: r.width, height: r.height, faces }) + '\n');
    if ((i + 1) % 500 === 0) process.stderr.write(`analysed ${i + 1}/${rows.length}\n`);
  }
  await new Promise((resolve) => out.end(resolve));
  await pipeline.dispose();
}

const dot = (a: Float32Array, b: Float32Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN; };
const round = (x: number, d = 3) => +x.toFixed(d);

interface Face { box: Box; score: number; landmarks: Point[]; embedding: Float32Array; eyeDistancePx: number; sharpness: number; cutOff: boolean }
interface Photo { path: string; identity: string; width: number; height: number; faces: Face[] }

/** A face as a gate sees it: measures from the cache, pose and reasons recomputed. */
function judged(f: Face, thresholds: QualityThresholds, pose: Pose): FaceAnalysis {
  const quality = judgeQuality({ eyeDistancePx: f.eyeDistancePx, sharpness: f.sharpness, pose, detectorScore: f.score, cutOff: f.cutOff }, thresholds);
  return { box: f.box, score: f.score, landmarks: f.landmarks, quality, embedding: f.embedding };
}
const gateNow = (p: Photo) => judgeEnrollment({ width: p.width, height: p.height, faces: p.faces.map((f) => judged(f, ENROLLMENT_QUALITY, estimatePose(f.landmarks))) });
function gateBefore(p: Photo) {
  const faces = p.faces.map((f) => judged(f, PREVIOUS_QUALITY, { ...estimatePose(f.landmarks), pitchDeg: previousPitchDeg(f.landmarks) }));
  // The previous rule: any second face with at least half the largest one's eye distance refused the photo.
  if (faces[1] && faces[1].quality.eyeDistancePx >= 0.5 * faces[0].quality.eyeDistancePx) return { accepted: false as const, reasons: ['several-faces'] };
  return judgeEnrollment({ faces: faces.slice(0, 1) });
}

async function main() {
  const args = process.argv.slice(2);
  const root = path.join(DATASETS_DIR, 'lfw-dev');
  const file = args.includes('--faces') ? args[args.indexOf('--faces') + 1] : path.join(__dirname, '.cache', 'enrollment-faces-lfw-dev.jsonl');
  if (!fs.existsSync(file)) await analysePeople(root, file);
  // Sorted by path: the protocol's photo order (a cache may be written in any order).
  const photos: Photo[] = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const p = JSON.parse(l) as CachedPhoto;
    return {
      ...p,
      faces: p.faces.map((f) => ({
        box: f.box, score: f.score, landmarks: (f.landmarks ?? []).map(([x, y]) => ({ x, y })),
        embedding: Float32Array.from(f.embedding), eyeDistancePx: f.quality.eyeDistancePx, sharpness: f.quality.sharpness,
        cutOff: f.quality.reasons.includes('cut-off'),
      })),
    };
  }).sort((a, b) => (a.path < b.path ? -1 : 1));
  // Photos analysed without landmarks (a partial cache) cannot be judged; they still serve as probes.
  const judgeable = (p: Photo) => p.faces.length > 0 && p.faces.every((f) => f.landmarks.length === 68);

  const byId = new Map<string, number[]>();
  photos.forEach((p, i) => byId.set(p.identity, [...(byId.get(p.identity) ?? []), i]));
  const galleryIds = [...byId.keys()].filter((id) => byId.get(id)!.length >= 2).sort();
  const half = new Map(galleryIds.map((id, k) => [id, k % 2]));
  const emb = (i: number) => photos[i].faces[0]?.embedding;
  const withFace = (ids: number[]) => ids.filter((i) => emb(i));
  const gallery = galleryIds.map((id) => emb(withFace(byId.get(id)!)[0])!);
  const strangers = [...byId.values()].filter((v) => v.length === 1).map((v) => emb(v[0])).filter((e): e is Float32Array => !!e);
  const strangerBest = strangers.map((s) => Math.max(...gallery.map((g) => dot(s, g)))).sort((a, b) => a - b);
  const threshold = strangerBest[Math.floor(0.99 * strangerBest.length)];
  // Per probe: the best score of anyone else in the gallery.
  const bestOther = new Map<number, number>();
  galleryIds.forEach((id, gi) => {
    for (const i of withFace(byId.get(id)!)) bestOther.set(i, Math.max(...gallery.map((g, k) => (k === gi ? -1 : dot(emb(i)!, g)))));
  });
  /** What an embedding is worth as the one template of photo x's person, searched by the person's other photos. */
  const worthOf = (e: Float32Array, x: number) => {
    const probes = withFace(byId.get(photos[x].identity)!).filter((y) => y !== x);
    const s = probes.map((y) => dot(e, emb(y)!));
    return { named: mean(s.map((v, k) => (v >= Math.max(threshold, bestOther.get(probes[k])!) ? 1 : 0))), genuine: mean(s) };
  };
  const worth = new Map<number, { named: number; genuine: number }>();
  for (const id of galleryIds) for (const x of withFace(byId.get(id)!)) worth.set(x, worthOf(emb(x)!, x));

  // Per-check calibration over photos whose other checks pass.
  const t = ENROLLMENT_QUALITY;
  const measures = (i: number) => {
    const f = photos[i].faces[0];
    const pose = estimatePose(f.landmarks);
    return { sharpness: f.sharpness, eyeDistancePx: f.eyeDistancePx, yawDeg: Math.abs(pose.yawDeg), pitchDeg: Math.abs(pose.pitchDeg), detectorScore: f.score };
  };
  type Measure = keyof ReturnType<typeof measures>;
  const checks: { measure: Measure; low: boolean; edges: number[]; cut: number }[] = [
    { measure: 'sharpness', low: true, edges: [0, 5, 10, 15, 20, 25, 30, 40, 60, 1e9], cut: t.minSharpness },
    { measure: 'eyeDistancePx', low: true, edges: [0, 20, 24, 28, 32, 36, 40, 44, 1e9], cut: t.minEyeDistancePx },
    { measure: 'yawDeg', low: false, edges: [0, 10, 20, 25, 30, 35, 40, 45, 50, 90], cut: t.maxAbsYawDeg },
    { measure: 'pitchDeg', low: false, edges: [0, 10, 15, 20, 25, 30, 35, 40, 90], cut: t.maxAbsPitchDeg },
    { measure: 'detectorScore', low: true, edges: [0, 0.7, 0.9, 0.99, 1.01], cut: t.minDetectorScore },
  ];
  const single = [...worth.keys()].filter((i) => judgeable(photos[i]) && photos[i].faces.length === 1 && !photos[i].faces[0].cutOff);
  const m = new Map(single.map((i) => [i, measures(i)]));
  const passes = (v: ReturnType<typeof measures>, except: Measure) =>
    checks.every((c) => c.measure === except || (c.low ? v[c.measure] >= c.cut : v[c.measure] <= c.cut));
  const calibration = checks.map((c) => ({
    measure: c.measure,
    shipped: c.cut,
    halves: [0, 1].map((h) => {
      const sel = single.filter((i) => half.get(photos[i].identity) === h && passes(m.get(i)!, c.measure));
      const accepted = sel.filter((i) => passes(m.get(i)!, 'none' as Measure));
      const refNamed = mean(accepted.map((i) => worth.get(i)!.named));
      // Bins from the good side to the bad side, each merged with the next worse one until it
      // holds 20 photos; a smaller remainder at the bad end joins the bin before it.
      const bins: [number, number][] = c.edges.slice(0, -1).map((lo, k) => [lo, c.edges[k + 1]]);
      if (c.low) bins.reverse();
      const value = (i: number) => m.get(i)![c.measure];
      const groups: { lo: number; hi: number; members: number[] }[] = [];
      let open: { lo: number; hi: number; members: number[] } | null = null;
      for (const [lo, hi] of bins) {
        open = open ? { lo: Math.min(open.lo, lo), hi: Math.max(open.hi, hi), members: open.members } : { lo, hi, members: [] };
        open.members.push(...sel.filter((i) => value(i) >= lo && value(i) < hi));
        if (open.members.length >= 20) { groups.push(open); open = null; }
      }
      if (open?.members.length) {
        const last = groups.pop();
        groups.push(last ? { lo: Math.min(last.lo, open.lo), hi: Math.max(last.hi, open.hi), members: [...last.members, ...open.members] } : open);
      }
      let cut: number | null = null;
      const rows = groups.map(({ lo, hi, members }) => {
        const named = mean(members.map((i) => worth.get(i)!.named));
        if (cut === null && named < 0.75 * refNamed) cut = c.low ? hi : lo;
        return { from: lo, to: hi, n: members.length, named: round(named), genuineMedian: round(median(members.map((i) => worth.get(i)!.genuine)), 4) };
      });
      return { half: h, acceptedNamed: round(refNamed), cut, rows };
    }),
  }));

  // Acceptance, protocol: the first photo, else the second; and what the enrolled templates are worth.
  const acceptance = (gate: (p: Photo) => { accepted: boolean; reasons?: string[] }) => {
    let people = 0, enrolled = 0;
    const refused: Record<string, number> = {};
    const templates: number[] = [];
    const templateOf = new Map<string, number>();
    for (const id of galleryIds) {
      const firstTwo = byId.get(id)!.slice(0, 2);
      if (!firstTwo.every((i) => judgeable(photos[i]) || photos[i].faces.length === 0)) continue;
      people++;
      const verdicts = firstTwo.map((i) => (photos[i].faces.length ? gate(photos[i]) : { accepted: false, reasons: ['no-face'] }));
      verdicts.forEach((v) => { if (!v.accepted) for (const r of v.reasons ?? []) refused[r] = (refused[r] ?? 0) + 1; });
      const k = verdicts.findIndex((v) => v.accepted);
      if (k >= 0) { enrolled++; templateOf.set(id, firstTwo[k]); if (worth.has(firstTwo[k])) templates.push(firstTwo[k]); }
    }
    return {
      people, enrolled, share: round(enrolled / people, 4), refusalsAmongFirstTwoPhotos: refused,
      templates: worthOfTemplates(templates), templateOf,
    };
  };
  function worthOfTemplates(templates: number[]) {
    const w = templates.filter((i) => worth.has(i)).map((i) => worth.get(i)!);
    return { n: w.length, named: round(mean(w.map((x) => x.named))), genuineMean: round(mean(w.map((x) => x.genuine)), 4) };
  }
  const allJudgeable = photos.map((_, i) => i).filter((i) => worth.has(i) && judgeable(photos[i]));
  const severalBefore = allJudgeable.filter((i) => { const v = gateBefore(photos[i]); return !v.accepted && v.reasons.includes('several-faces'); });
  const rescued = severalBefore.filter((i) => { const v = gateNow(photos[i]); return v.accepted || !v.reasons.includes('several-faces'); });
  const before = acceptance(gateBefore), now = acceptance(gateNow);
  const both = [...now.templateOf.keys()].filter((id) => before.templateOf.has(id));
  const onlyNow = [...now.templateOf.keys()].filter((id) => !before.templateOf.has(id));
  const report = {
    photos: photos.length, judgeable: photos.filter(judgeable).length, galleryPeople: galleryIds.length,
    strangers: strangers.length, thresholdAtFpir1pc: round(threshold, 4), thresholds: ENROLLMENT_QUALITY,
    calibration,
    acceptance: {
      before: { ...before, templateOf: undefined },
      now: { ...now, templateOf: undefined },
      // The same people's templates under both gates, and the people only the new gate enrolls.
      enrolledByBoth: { people: both.length, before: worthOfTemplates(both.map((id) => before.templateOf.get(id)!)), now: worthOfTemplates(both.map((id) => now.templateOf.get(id)!)) },
      enrolledOnlyNow: { people: onlyNow.length, ...worthOfTemplates(onlyNow.map((id) => now.templateOf.get(id)!)) },
    },
    severalFaces: {
      galleryPhotosRefusedBefore: severalBefore.length,
      noLongerRefusedForIt: rescued.length,
      rescuedNamed: round(mean(rescued.map((i) => worth.get(i)!.named))),
      rescuedGenuineMean: round(mean(rescued.map((i) => worth.get(i)!.genuine)), 4),
    },
  };
  const degradePhotos = Number(args[args.indexOf('--degrade') + 1]) || Infinity;
  const degraded = args.includes('--degrade') ? await degrade(root, photos, single, m, worthOf, degradePhotos) : undefined;
  console.log(JSON.stringify({ ...report, degraded }, null, 1));
}

/** Shrink and blur levels of the degradation check: target eye distances (px) and Gaussian sigmas (px). */
const SHRINK_EYE_PX = [14, 18, 22, 26, 30, 34];
const BLUR_SIGMA_PX = [0.7, 1, 1.3, 1.6, 2, 2.5];

async function degrade(
  root: string,
  photos: Photo[],
  single: number[],
  m: Map<number, { sharpness: number; eyeDistancePx: number; yawDeg: number; pitchDeg: number }>,
  worthOf: (e: Float32Array, x: number) => { named: number; genuine: number },
  maxPhotos: number,
) {
  const firstGood = new Map<string, number>();
  for (const i of single) {
    const v = m.get(i)!;
    if (v.sharpness >= 40 && v.yawDeg < 20 && v.pitchDeg < 15 && v.eyeDistancePx >= 40 && !firstGood.has(photos[i].identity)) firstGood.set(photos[i].identity, i);
  }
  const chosen = [...firstGood.values()].sort((a, b) => a - b).filter((_, k) => k % 5 === 0).slice(0, maxPhotos);
  const pipeline = new FacePipeline();
  await pipeline.load();
  const results: { kind: string; level: number; measured: number; named: number; genuine: number }[] = [];
  for (const i of chosen) {
    const src = fs.readFileSync(path.join(root, photos[i].path));
    const eye = photos[i].faces[0].eyeDistancePx;
    const variants: [string, number, () => Promise<Buffer>][] = [
      ...SHRINK_EYE_PX.map((e): [string, number, () => Promise<Buffer>] => ['shrink', e, () => sharp(src).resize(Math.round((photos[i].width * e) / eye)).jpeg({ quality: 90 }).toBuffer()]),
      ...BLUR_SIGMA_PX.map((b): [string, number, () => Promise<Buffer>] => ['blur', b, () => sharp(src).blur(b).jpeg({ quality: 90 }).toBuffer()]),
    ];
    for (const [kind, level, make] of variants) {
      const [f] = (await pipeline.analyze(await make(), { ...ENROLLMENT_ANALYSIS, keepChips: false })).faces;
      const w = f ? worthOf(f.embedding, i) : { named: 0, genuine: NaN };
      results.push({ kind, level, measured: f ? (kind === 'shrink' ? f.quality.eyeDistancePx : f.quality.sharpness) : NaN, ...w });
    }
  }
  await pipeline.dispose();
  const originals = chosen.map((i) => worthOf(photos[i].faces[0].embedding, i));
  const refNamed = mean(originals.map((w) => w.named));
  const levels = (kind: string) => [...new Set(results.filter((r) => r.kind === kind).map((r) => r.level))].map((level) => {
    const rs = results.filter((r) => r.kind === kind && r.level === level);
    return { level, n: rs.length, measuredMedian: round(median(rs.map((r) => r.measured).filter(Number.isFinite)), 1), named: round(mean(rs.map((r) => r.named))), genuineMedian: round(median(rs.map((r) => r.genuine).filter(Number.isFinite)), 4) };
  });
  // Sharpness by its measured value (each blurred photo lands where it lands), bins of 5.
  const blurred = results.filter((r) => r.kind === 'blur' && Number.isFinite(r.measured));
  const sharpnessBins = [0, 5, 10, 15, 20, 25, 30, 40, 1e9].slice(0, -1).map((lo, k, a) => {
    const hi = k + 1 < a.length ? a[k + 1] : 1e9;
    const rs = blurred.filter((r) => r.measured >= lo && r.measured < hi);
    return { from: lo, to: hi, n: rs.length, named: round(mean(rs.map((r) => r.named))) };
  });
  return { photos: chosen.length, originals: { named: round(refNamed), genuineMedian: round(median(originals.map((w) => w.genuine)), 4) }, shrink: levels('shrink'), blur: levels('blur'), sharpnessBins };
}

void main();
