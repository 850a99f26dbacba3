/**
 * Accuracy evaluation on labelled pairs (LFW protocol), shared by `facerec eval` and
 * `npm run bench:accuracy`. Each distinct image is embedded once (its largest face).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  acceptRate, assignFolds, cosineSimilarity, crossValidatedAccuracy, rocAuc, thresholdAtFmr,
  type FoldedPair,
} from './match';
import type { AnalyzeOptions, FacePipeline } from './pipeline';

export interface PairRow {
  pathA: string;
  pathB: string;
  same: boolean;
  fold?: number;
}

/** Reads `path_a,path_b,same[,fold]` with a header line. */
export function readPairsCsv(file: string): PairRow[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.split(',').map((h) => h.trim());
  if (!header || header[0] !== 'path_a' || header[1] !== 'path_b' || header[2] !== 'same') {
    throw new Error(`${file}: expected a header "path_a,path_b,same[,fold]"`);
  }
  const foldAt = header.indexOf('fold');
  return lines.map((line, i) => {
    const cols = line.split(',');
    const same = cols[2]?.trim();
    if (cols.length < 3 || (same !== '0' && same !== '1')) throw new Error(`${file}:${i + 2}: malformed pair line`);
    const fold = foldAt >= 0 ? Number(cols[foldAt]) : undefined;
    return { pathA: cols[0].trim(), pathB: cols[1].trim(), same: same === '1', ...(fold !== undefined && Number.isFinite(fold) ? { fold } : {}) };
  });
}

/** Reads `path,identity` with a header line. */
export function readIdentitiesCsv(file: string): { path: string; identity: string }[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  lines.shift();
  return lines.map((l) => {
    const [p, identity] = l.split(',');
    return { path: p.trim(), identity: (identity ?? '').trim() };
  });
}

export interface EmbedSetResult {
  embeddings: Map<string, Float32Array>;
  /** Images in which no face was found. */
  noFace: string[];
  /** Milliseconds per image, pipeline total (decode included). */
  msPerImage: number[];
}

/** Embeds the largest face of each image; progress goes to `onProgress`. */
export async function embedImages(
  pipeline: FacePipeline,
  root: string,
  relPaths: string[],
  options: Partial<AnalyzeOptions>,
  onProgress?: (done: number, total: number) => void,
): Promise<EmbedSetResult> {
  const embeddings = new Map<string, Float32Array>();
  const noFace: string[] = [];
  const msPerImage: number[] = [];
  let done = 0;
  for (const rel of relPaths) {
    const bytes = await fs.promises.readFile(path.resolve(root, rel));
    const result = await pipeline.analyze(bytes, { ...options, maxFaces: 5 });
    msPerImage.push(result.timings.total);
    if (result.faces.length === 0) noFace.push(rel);
    else embeddings.set(rel, result.faces[0].embedding);
    onProgress?.(++done, relPaths.length);
  }
  return { embeddings, noFace, msPerImage };
}

export interface PairEvaluation {
  pairs: number;
  /** Cross-validated accuracy (threshold chosen on the other folds), mean over folds. */
  accuracy: number;
  accuracyStd: number;
  auc: number;
  /** True-accept rate at the threshold whose false-match rate on the impostor pairs is <= 1e-3. */
  tarAtFmr1e3: number;
  /** That threshold (cosine similarity). */
  threshold: number;
  noFaceImages: number;
  perFold: { fold: number; accuracy: number; threshold: number; pairs: number }[];
}

/**
 * Scores pairs from embeddings. A pair with an image where no face was found scores -1 (it
 * counts as "different"): the honest cost of a missed detection.
 */
export function scorePairs(rows: PairRow[], embeddings: Map<string, Float32Array>, noFaceImages: number): PairEvaluation {
  const folded = assignFolds(rows);
  const scored: FoldedPair[] = folded.map((r) => {
    const a = embeddings.get(r.pathA), b = embeddings.get(r.pathB);
    return { similarity: a && b ? cosineSimilarity(a, b) : -1, same: r.same, fold: r.fold };
  });
  const cv = crossValidatedAccuracy(scored);
  const impostors = scored.filter((p) => !p.same).map((p) => p.similarity);
  const genuine = scored.filter((p) => p.same).map((p) => p.similarity);
  const threshold = impostors.length ? thresholdAtFmr(impostors, 1e-3) : NaN;
  return {
    pairs: rows.length,
    accuracy: cv.mean,
    accuracyStd: cv.std,
    auc: rocAuc(scored),
    tarAtFmr1e3: genuine.length ? acceptRate(genuine, threshold) : NaN,
    threshold,
    noFaceImages,
    perFold: cv.perFold,
  };
}

export interface FmrCalibration {
  fmr: number;
  threshold: number;
  impostorPairs: number;
  genuinePairs: number;
  /** Share of all same-identity image pairs accepted at the threshold. */
  tar: number;
}

/**
 * Calibrates thresholds on *all* cross-identity image pairs of a labelled set (millions of
 * impostor pairs for lfw-dev, so an FMR of 1e-3 or 1e-4 is well resolved), and reports the
 * true-accept rate over all same-identity pairs at each.
 */
export function calibrateOnIdentities(
  items: { identity: string; embedding: Float32Array }[],
  fmrs: number[],
): FmrCalibration[] {
  const n = items.length;
  const dim = n ? items[0].embedding.length : 0;
  const flat = new Float32Array(n * dim);
  items.forEach((it, i) => flat.set(it.embedding, i * dim));
  const impostors: number[] = [];
  const genuine: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      const oi = i * dim, oj = j * dim;
      for (let d = 0; d < dim; d++) s += flat[oi + d] * flat[oj + d];
      (items[i].identity === items[j].identity ? genuine : impostors).push(s);
    }
  }
  const imp = Float32Array.from(impostors);
  return fmrs.map((fmr) => {
    const threshold = thresholdAtFmr(imp, fmr);
    return { fmr, threshold, impostorPairs: imp.length, genuinePairs: genuine.length, tar: acceptRate(genuine, threshold) };
  });
}
