/**
 * npm run bench:accuracy [-- --no-flip] [--folds 1,2]
 *
 * lfw-dev, LFW protocol: every image embedded once by the product pipeline (a worker pool,
 * one thread per core), 5-fold cross-validated accuracy over the 3000 pairs, AUC, TAR at
 * FMR 1e-3 on the pairs, and the threshold calibration the app ships: thresholds at FMR 1e-3 /
 * 1e-4 / 1e-5 over *all* cross-identity image pairs (about 7 million), with the TAR over all
 * same-identity pairs. Then detection: recall on the multi-face group photos (faces found, up
 * to the count in manifest.csv, over all counted faces) and faces reported on no-face images.
 * Prints JSON and appends to docs/benchmarks.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { calibrateOnIdentities, readIdentitiesCsv, readPairsCsv, scorePairs } from '../lib/vision/evaluate';
import { EMBEDDING_MODEL } from '../lib/vision/models';
import { InferencePool } from '../lib/vision/pool';
import { appendToBenchmarks, DATASETS_DIR, percentile } from './report';

/** Multi-face recall (against manifest.csv's counts) and false faces on the no-face set. */
async function measureDetection(pool: InferencePool) {
  const multi = path.join(DATASETS_DIR, 'multi-face');
  const rows = fs.readFileSync(path.join(multi, 'manifest.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
  let counted = 0, found = 0;
  const missed: string[] = [];
  for (const [rel, , approx] of rows) {
    const n = (await pool.analyze(fs.readFileSync(path.join(multi, rel)), { maxFaces: 50 })).faces.length;
    counted += Number(approx);
    found += Math.min(n, Number(approx));
    if (n < Number(approx)) missed.push(`${path.basename(rel)} ${n}/${approx}`);
  }
  const noFaceDir = path.join(DATASETS_DIR, 'no-face', 'images');
  const noFace = fs.readdirSync(noFaceDir);
  let noFaceFaces = 0;
  for (const f of noFace) noFaceFaces += (await pool.analyze(fs.readFileSync(path.join(noFaceDir, f)), { maxFaces: 50 })).faces.length;
  return { multiFaceRecall: found / counted, found, counted, missed, noFaceImages: noFace.length, noFaceFaces };
}

async function main() {
  const args = process.argv.slice(2);
  const flip = !args.includes('--no-flip');
  const foldsArg = args.includes('--folds') ? args[args.indexOf('--folds') + 1] : undefined;
  const folds = foldsArg ? foldsArg.split(',').map(Number) : undefined;
  const root = path.join(DATASETS_DIR, 'lfw-dev');
  const pairs = readPairsCsv(path.join(root, 'pairs.csv')).filter((p) => !folds || folds.includes(p.fold ?? 0));
  const identities = readIdentitiesCsv(path.join(root, 'identities.csv'));
  const wanted = new Set(pairs.flatMap((p) => [p.pathA, p.pathB]));
  const images = folds ? [...wanted] : identities.map((i) => i.path);

  const pool = new InferencePool({ maxQueue: Number.POSITIVE_INFINITY });
  const t0 = performance.now();
  await pool.warmup();
  const embeddings = new Map<string, Float32Array>();
  const noFace: string[] = [];
  const perImageMs: number[] = [];
  let done = 0;
  let next = 0;
  // Keep every worker busy with a small backlog each; results arrive in any order.
  await Promise.all(
    Array.from({ length: pool.threads * 2 }, async () => {
      while (next < images.length) {
        const rel = images[next++];
        const result = await pool.analyze(fs.readFileSync(path.join(root, rel)), { flip, maxFaces: 5 });
        perImageMs.push(result.timings.total);
        if (result.faces[0]) embeddings.set(rel, result.faces[0].embedding);
        else noFace.push(rel);
        if (++done % 250 === 0) process.stderr.write(`embedded ${done}/${images.length}\n`);
      }
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  const detection = await measureDetection(pool);
  await pool.dispose();

  const evaluation = scorePairs(pairs, embeddings, noFace.filter((p) => wanted.has(p)).length);
  const byPath = new Map(identities.map((i) => [i.path, i.identity]));
  const calibration = calibrateOnIdentities(
    [...embeddings].map(([p, embedding]) => ({ identity: byPath.get(p) ?? p, embedding })),
    [1e-3, 1e-4, 1e-5],
  );
  const report = {
    model: EMBEDDING_MODEL.id,
    flip,
    folds: folds ?? [1, 2, 3, 4, 5],
    images: images.length,
    facesFound: embeddings.size,
    facesFoundRate: embeddings.size / images.length,
    noFaceExamples: noFace.slice(0, 10),
    ...evaluation,
    calibration,
    detection,
    msPerImageP50: percentile(perImageMs, 50),
    msPerImageP95: percentile(perImageMs, 95),
    wallSeconds: wallS,
  };
  console.log(JSON.stringify(report, null, 2));

  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  appendToBenchmarks(
    `bench:accuracy, lfw-dev${folds ? ` folds ${folds.join(',')}` : ''}, ${flip ? 'flip-averaged' : 'single'} embedding`,
    [
      `Command: \`npm run bench:accuracy${flip ? '' : ' -- --no-flip'}${folds ? ` -- --folds ${folds.join(',')}` : ''}\` (model \`${EMBEDDING_MODEL.id}\`)`,
      '',
      '| images | faces found | pairs | accuracy (CV) | AUC | TAR@FMR1e-3 (pairs) | ms/image p50 (p95) |',
      '|---|---|---|---|---|---|---|',
      `| ${images.length} | ${embeddings.size} (${pct(report.facesFoundRate)}) | ${evaluation.pairs} | ${pct(evaluation.accuracy)} ± ${pct(evaluation.accuracyStd)} | ${evaluation.auc.toFixed(4)} | ${pct(evaluation.tarAtFmr1e3)} | ${report.msPerImageP50.toFixed(0)} (${report.msPerImageP95.toFixed(0)}) |`,
      '',
      'Threshold calibration over all image pairs of the set:',
      '',
      '| FMR | threshold (cosine) | impostor pairs | TAR (all genuine pairs) |',
      '|---|---|---|---|',
      ...calibration.map((c) => `| ${c.fmr} | ${c.threshold.toFixed(4)} | ${c.impostorPairs} | ${pct(c.tar)} |`),
      '',
      `Detection: multi-face recall ${pct(detection.multiFaceRecall)} (${detection.found} of ${detection.counted} counted faces; missed: ${detection.missed.join(', ') || 'none'}); no-face: ${detection.noFaceFaces} faces on ${detection.noFaceImages} images.`,
    ].join('\n'),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
