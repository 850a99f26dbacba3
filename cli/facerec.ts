/**
 * facerec command line: detect, verify, eval, export, import. JSON on stdout with --json,
 * progress on stderr. Exit codes: 0 ok, 1 internal failure, 2 bad input (missing file, not an
 * image, no face, a bad import line). It reads the server's settings (lib/server/config.ts):
 * verify uses the server's limits and threshold, export/import open the server's registry
 * (FACEREC_DATA_DIR or FACEREC_DATABASE_URL).
 */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createRegistry } from '../lib/registry';
import { isRegistryError, type Registry } from '../lib/registry/registry';
import { getConfig } from '../lib/server/config';
import { ApiError } from '../lib/server/errors';
import { registryOptions } from '../lib/server/registry-options';
import { exportRegistry, importRegistry } from '../lib/server/transfer';
import { verifyFaces, verifyOptions } from '../lib/server/verify';
import { isVisionError } from '../lib/vision/errors';
import { embedImages, readPairsCsv, scorePairs } from '../lib/vision/evaluate';
import { DEFAULT_DECODE_LIMITS } from '../lib/vision/image';
import { FacePipeline } from '../lib/vision/pipeline';
import type { AnalyzeResult } from '../lib/vision/types';

const USAGE = `usage:
  facerec detect IMAGE [--json]
  facerec verify IMAGE_A IMAGE_B [--json] [--threshold T]
  facerec eval --pairs PAIRS.csv [--root DIR] [--no-flip] [--json]
  facerec export FILE [--json]     the registry as JSON Lines (FILE - : stdout)
  facerec import FILE [--json]     all or nothing, into the registry of FACEREC_DATA_DIR / FACEREC_DATABASE_URL`;

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
  // The server's pixel limit (its pool decodes with the same settings).
  const pipeline = new FacePipeline({ decode: { ...DEFAULT_DECODE_LIMITS, maxPixels: getConfig().FACEREC_MAX_IMAGE_PIXELS } });
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
  const opts = verifyOptions(getConfig());
  const thresholdFlag = args.flags.get('threshold');
  if (typeof thresholdFlag === 'string') opts.threshold = Number(thresholdFlag);
  if (!Number.isFinite(opts.threshold)) throw new UsageError('--threshold must be a number');
  const images = [{ bytes: readImage(a), label: a }, { bytes: readImage(b), label: b }] as const;
  const result = await withPipeline(async (p) => {
    try {
      return await verifyFaces(p, images[0], images[1], opts);
    } catch (e) {
      if (isVisionError(e)) throw new UsageError(e.message);
      if (e instanceof ApiError && e.status < 500) throw new UsageError(e.message);
      throw e;
    }
  });
  if (args.flags.has('json')) out(JSON.stringify(result));
  else out(`${result.match ? 'same person' : 'different people'} (similarity ${result.similarity}, threshold ${result.threshold})`);
  return 0;
}

/** The server's registry, from the same settings the server reads. */
async function withRegistry<T>(fn: (r: Registry) => Promise<T>): Promise<T> {
  const registry = await createRegistry(registryOptions(getConfig()));
  try {
    return await fn(registry);
  } finally {
    await registry.close();
  }
}

/** Writes all of `lines` to `file` or nothing: a temp file beside it, renamed when complete. */
async function writeLines(file: string, lines: AsyncIterable<string>): Promise<number> {
  if (file === '-') {
    let n = 0;
    for await (const line of lines) {
      n++;
      if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
    }
    return n;
  }
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UsageError(`no such folder: ${dir}`);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const stream = fs.createWriteStream(temp, { flags: 'wx' });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (!stream.write(`${line}\n`)) await once(stream, 'drain');
    }
    await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const fd = fs.openSync(temp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(temp, file);
  } catch (e) {
    stream.destroy();
    fs.rmSync(temp, { force: true });
    throw e;
  }
  return n;
}

async function exportCommand(args: Parsed, out: (s: string) => void): Promise<number> {
  const [file] = args.positional;
  if (!file) throw new UsageError('export needs a FILE (or - for stdout)');
  const lines = await withRegistry((r) => writeLines(file, exportRegistry(r)));
  const people = lines - 1;
  // With FILE -, stdout is the export: the summary goes to stderr.
  const say = file === '-' ? (s: string) => process.stderr.write(`${s}\n`) : out;
  if (args.flags.has('json')) say(JSON.stringify({ people, file }));
  else say(`exported ${people} people to ${file}`);
  return 0;
}

async function importCommand(args: Parsed, out: (s: string) => void): Promise<number> {
  const [file] = args.positional;
  if (!file) throw new UsageError('import needs a FILE');
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  if (!fs.statSync(file).isFile()) throw new UsageError(`not a file: ${file}`);
  const counts = await withRegistry(async (r) => {
    const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    try {
      return await importRegistry(r, lines);
    } catch (e) {
      // A bad line, or an id already in the registry: nothing was imported.
      if (isRegistryError(e) && (e.code === 'invalid_input' || e.code === 'conflict')) throw new UsageError(`${file}: ${e.message} (nothing imported)`);
      throw e;
    } finally {
      lines.close();
    }
  });
  if (args.flags.has('json')) out(JSON.stringify(counts));
  else out(`imported ${counts.people} people, ${counts.templates} templates from ${file}`);
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

const COMMANDS: Record<string, (args: Parsed, out: (s: string) => void) => Promise<number>> = { detect, verify, eval: evaluate, export: exportCommand, import: importCommand };

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
