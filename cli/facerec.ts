/**
 * facerec command line: detect, verify, eval. JSON on stdout with --json, progress on stderr.
 * Exit codes: 0 ok, 1 internal failure, 2 bad input (missing file, not an image, no face).
 */
import fs from 'node:fs';
import path from 'node:path';
import { isVisionError } from '../lib/vision/errors';
import { embedImages, readPairsCsv, scorePairs } from '../lib/vision/evaluate';
import { cosineSimilarity } from '../lib/vision/match';
import { EMBEDDING_MODEL } from '../lib/vision/models';
import { FacePipeline } from '../lib/vision/pipeline';
import type { AnalyzeResult } from '../lib/vision/types';

const USAGE = `usage:
  facerec detect IMAGE [--json]
  facerec verify IMAGE_A IMAGE_B [--json] [--threshold T]
  facerec eval --pairs PAIRS.csv [--root DIR] [--no-flip] [--json]`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2);
      if (v !== undefined) flags.set(k, v);
      else if (['pairs', 'root', 'threshold'].includes(k)) {
        if (i + 1 >= argv.length) throw new UsageError(`--${k} needs a value`);
        flags.set(k, argv[++i]);
      } else flags.set(k, true);
    } else positional.push(a);
  }
  return { positional, flags };
}

function readImage(file: string): Uint8Array {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  if (!fs.statSync(file).isFile()) throw new UsageError(`not a file: ${file}`);
  return fs.readFileSync(file);
}

async function analyzeFile(pipeline: FacePipeline, file: string, flip: boolean): Promise<AnalyzeResult> {
  try {
    return await pipeline.analyze(readImage(file), { flip });
  } catch (e) {
    if (isVisionError(e)) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

async function withPipeline<T>(fn: (p: FacePipeline) => Promise<T>): Promise<T> {
  const pipeline = new FacePipeline();
  await pipeline.load();
  try {
    return await fn(pipeline);
  } finally {
    await pipeline.dispose();
  }
}

async function detect(args: Parsed, out: (s: string) => void): Promise<number> {
  const [file] = args.positional;
  if (!file) throw new UsageError('detect needs an IMAGE');
  const result = await withPipeline((p) => analyzeFile(p, file, false));
  const faces = result.faces.map((f) => ({
    box: { x: round(f.box.x, 1), y: round(f.box.y, 1), width: round(f.box.width, 1), height: round(f.box.height, 1) },
    score: round(f.score),
    quality: { ...f.quality, score: round(f.quality.score), sharpness: round(f.quality.sharpness, 1), eyeDistancePx: round(f.quality.eyeDistancePx, 1) },
  }));
  if (args.flags.has('json')) out(JSON.stringify({ width: result.width, height: result.height, faces, timings: result.timings }));
  else {
    out(`${file}: ${faces.length} face(s) in ${result.width}x${result.height}`);
    faces.forEach((f, i) => out(`  #${i + 1} box=${f.box.x},${f.box.y} ${f.box.width}x${f.box.height} score=${f.score} quality=${f.quality.score}${f.quality.reasons.length ? ` (${f.quality.reasons.join(', ')})` : ''}`));
  }
  return 0;
}

async function verify(args: Parsed, out: (s: string) => void): Promise<number> {
  const [a, b] = args.positional;
  if (!a || !b) throw new UsageError('verify needs IMAGE_A and IMAGE_B');
  const thresholdFlag = args.flags.get('threshold');
  const threshold = typeof thresholdFlag === 'string' ? Number(thresholdFlag) : EMBEDDING_MODEL.threshold;
  if (!Number.isFinite(threshold)) throw new UsageError('--threshold must be a number');
  const similarity = await withPipeline(async (p) => {
    const [ra, rb] = [await analyzeFile(p, a, true), await analyzeFile(p, b, true)];
    if (!ra.faces[0]) throw new UsageError(`${a}: no face found`);
    if (!rb.faces[0]) throw new UsageError(`${b}: no face found`);
    return cosineSimilarity(ra.faces[0].embedding, rb.faces[0].embedding);
  });
  const result = { similarity: round(similarity), match: similarity >= threshold, threshold, model: EMBEDDING_MODEL.id };
  if (args.flags.has('json')) out(JSON.stringify(result));
  else out(`${result.match ? 'same person' : 'different people'} (similarity ${result.similarity}, threshold ${threshold})`);
  return 0;
}

async function evaluate(args: Parsed, out: (s: string) => void): Promise<number> {
  const pairsFile = args.flags.get('pairs');
  if (typeof pairsFile !== 'string') throw new UsageError('eval needs --pairs PAIRS.csv');
  if (!fs.existsSync(pairsFile)) throw new UsageError(`no such file: ${pairsFile}`);
  const rootFlag = args.flags.get('root');
  const root = typeof rootFlag === 'string' ? rootFlag : path.dirname(pairsFile);
  let rows;
  try {
    rows = readPairsCsv(pairsFile);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const images = [...new Set(rows.flatMap((r) => [r.pathA, r.pathB]))];
  for (const img of images) if (!fs.existsSync(path.resolve(root, img))) throw new UsageError(`no such file: ${path.resolve(root, img)}`);
  const flip = !args.flags.has('no-flip');
  const embedded = await withPipeline((p) =>
    embedImages(p, root, images, { flip }, (done, total) => {
      if (done % 100 === 0 || done === total) process.stderr.write(`embedded ${done}/${total}\n`);
    }),
  );
  const result = scorePairs(rows, embedded.embeddings, embedded.noFace.length);
  if (args.flags.has('json')) out(JSON.stringify(result));
  else out(`${result.pairs} pairs: accuracy ${(100 * result.accuracy).toFixed(2)}% ± ${(100 * result.accuracyStd).toFixed(2)}, AUC ${result.auc.toFixed(4)}, TAR@FMR1e-3 ${(100 * result.tarAtFmr1e3).toFixed(2)}%, no face in ${result.noFaceImages} image(s)`);
  return 0;
}

const COMMANDS: Record<string, (args: Parsed, out: (s: string) => void) => Promise<number>> = { detect, verify, eval: evaluate };

/** Runs one command; returns the process exit code. */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const run = command ? COMMANDS[command] : undefined;
    if (!run) throw new UsageError(command ? `unknown command: ${command}` : 'no command given');
    return await run(parseArgs(rest), out);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`facerec: ${e.message}\n${e.message.startsWith('unknown command') || e.message === 'no command given' ? `${USAGE}\n` : ''}`);
      return 2;
    }
    throw e;
  }
}
