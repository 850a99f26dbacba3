import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import { parseConfig } from '@/lib/server/config';
import { verifyFaces, verifyOptions } from '@/lib/server/verify';
import { DEFAULT_DECODE_LIMITS } from '@/lib/vision/image';
import { EMBEDDING_MODEL } from '@/lib/vision/models';
import { InferencePool } from '@/lib/vision/pool';
import { datasetPath } from '../helpers/datasets';
import { fakeJpeg, randomUnit, seededRng, template } from '../registry/vectors';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'facerec.js');

/** Runs the real `facerec` command; resolves with its exit code and output. */
async function facerec(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return facerecWith({}, ...args);
}

/** Runs `facerec` with extra environment (the server's settings: data folder, limits). */
async function facerecWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 120_000, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const obama = (f: string) => datasetPath('fr-examples', 'images', 'obama', f);

describe('facerec command', () => {
  it('verify prints similarity, decision, threshold and model as JSON', async () => {
    const same = await facerec('verify', obama('examples__obama.jpg'), obama('tests__test_images__obama3.jpg'), '--json');
    expect(same.code).toBe(0);
    const result = JSON.parse(same.stdout);
    expect(Object.keys(result).sort()).toEqual(['match', 'model', 'similarity', 'threshold']);
    expect(result.match).toBe(true);
    const other = JSON.parse((await facerec('verify', obama('examples__obama.jpg'), datasetPath('fr-examples', 'images', 'biden', 'examples__biden.jpg'), '--json')).stdout);
    expect(other.match).toBe(false);
    expect(other.similarity).toBeLessThan(result.similarity);
  });

  it('detect finds every face of a group photo', async () => {
    const out = await facerec('detect', datasetPath('multi-face', 'images', 'faceapi_bbt4.jpg'), '--json');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).faces).toHaveLength(6);
  });

  it('eval scores a labelled pair list with the LFW protocol', async () => {
    const out = await facerec('eval', '--pairs', datasetPath('fr-examples', 'pairs.csv'), '--json');
    expect(out.code).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(r.pairs).toBe(36);
    expect(r.perFold.length).toBe(10);
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(r.auc).toBeGreaterThan(0.95);
    expect(r.noFaceImages).toBe(0);
  });

  it.each([
    ['a missing file', ['detect', '/nonexistent/photo.jpg'], /no such file/],
    ['a file that is not an image', ['detect', __filename], /not a JPEG, PNG or WebP/],
    ['verify given a file that is not an image, naming it', ['verify', obama('examples__obama.jpg'), __filename], /facerec\.test\.ts: .*not a JPEG, PNG or WebP/],
    ['an image without a face', ['verify', obama('examples__obama.jpg'), datasetPath('no-face', 'images', 'skimage_coffee.png')], /No face was found in .*skimage_coffee\.png/],
    ['an unknown command', ['frobnicate'], /unknown command/],
  ])('exits with 2 and one clear line for %s', async (_what, args, message) => {
    const out = await facerec(...args);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
  });
});

describe('facerec verify and POST /api/v1/verify', () => {
  let pool: InferencePool;
  const config = parseConfig({});

  beforeAll(async () => {
    // What the route runs: the worker pool, with the server's decode limits (lib/server/app.ts).
    pool = new InferencePool({ threads: 1, maxQueue: 4, pipeline: { decode: { ...DEFAULT_DECODE_LIMITS, maxPixels: config.FACEREC_MAX_IMAGE_PIXELS } } });
    await pool.warmup();
  });
  afterAll(() => pool.dispose());

  it.each([
    ['the same person', obama('examples__obama.jpg'), obama('tests__test_images__obama3.jpg')],
    ['two people', obama('examples__obama2.jpg'), datasetPath('fr-examples', 'images', 'biden', 'examples__biden.jpg')],
  ])('answer the same for %s: one service on the pool and on the in-process pipeline', async (_what, a, b) => {
    const cli = await facerec('verify', a, b, '--json');
    expect(cli.code).toBe(0);
    const pooled = await verifyFaces(pool, { bytes: fs.readFileSync(a), label: 'image_a' }, { bytes: fs.readFileSync(b), label: 'image_b' }, verifyOptions(config));
    expect(JSON.parse(cli.stdout)).toEqual(pooled);
  });

  it('refuses an image over the server body limit, as the route would', async () => {
    const a = obama('examples__obama.jpg');
    const out = await facerecWith({ FACEREC_MAX_BODY_BYTES: String(fs.statSync(a).size - 1) }, 'verify', a, a);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/bytes; the limit is/);
  });
});

describe('facerec export / import', () => {
  const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-cli-'));
  const open = (dataDir: string, keepCrops = true) => createRegistry({ dataDir, modelId: EMBEDDING_MODEL.id, dim: EMBEDDING_MODEL.dim, keepCrops });
  const lines = async (registry: Registry) => {
    const out: string[] = [];
    for await (const line of registry.export()) out.push(line);
    return out;
  };

  let source: string;
  let sourceLines: string[];

  beforeAll(async () => {
    source = tempDir();
    const registry = await open(source);
    const rng = seededRng(10);
    const tpl = (i: number) => template(randomUnit(EMBEDDING_MODEL.dim, rng), EMBEDDING_MODEL.id, { crop: fakeJpeg(i) });
    await registry.addPerson({ name: 'Ada Lovelace', externalId: 'emp-1', metadata: { team: 'engines' } }, [tpl(1), tpl(2)]);
    await registry.addPerson({ name: 'Émile' }, [tpl(3)]);
    await registry.addPerson({ name: 'No photos yet' });
    sourceLines = await lines(registry);
    await registry.close();
  });

  it('moves every person and template from one data folder into an empty one', async () => {
    const file = path.join(tempDir(), 'registry.jsonl');
    const exported = await facerecWith({ FACEREC_DATA_DIR: source }, 'export', file, '--json');
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual({ people: 3, file });

    const target = tempDir();
    const imported = await facerecWith({ FACEREC_DATA_DIR: target, FACEREC_KEEP_CROPS: 'true' }, 'import', file, '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ people: 3, templates: 3 });

    const copy = await open(target);
    try {
      // Same people, ids, times, embeddings and crops: only the header's time differs.
      expect((await lines(copy)).slice(1)).toEqual(sourceLines.slice(1));
      expect(copy.size()).toMatchObject({ people: 3, templates: 3 });
    } finally {
      await copy.close();
    }
  });

  it('imports nothing from a file with one bad line, and exits 2 naming the line', async () => {
    const file = path.join(tempDir(), 'broken.jsonl');
    const good = sourceLines.slice(0, 2);
    fs.writeFileSync(file, [...good, '{"id":"not a uuid"}', ''].join('\n'));
    const target = tempDir();
    const out = await facerecWith({ FACEREC_DATA_DIR: target }, 'import', file);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/import line 3: .*nothing imported/);
    const registry = await open(target);
    try {
      expect(registry.size().people).toBe(0);
    } finally {
      await registry.close();
    }
  });

  it('refuses to import people already there (same ids): all or nothing', async () => {
    const file = path.join(tempDir(), 'again.jsonl');
    fs.writeFileSync(file, `${sourceLines.join('\n')}\n`);
    const out = await facerecWith({ FACEREC_DATA_DIR: source }, 'import', file);
    expect(out.code).toBe(2);
    const registry = await open(source);
    try {
      expect(registry.size().people).toBe(3);
    } finally {
      await registry.close();
    }
  });

  it('exits 2 when the export cannot be written there', async () => {
    const out = await facerecWith({ FACEREC_DATA_DIR: source }, 'export', '/nonexistent-dir/registry.jsonl');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/no such folder/);
  });
});
