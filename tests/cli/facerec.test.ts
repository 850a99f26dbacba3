import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { datasetPath } from '../helpers/datasets';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'facerec.js');

/** Runs the real `facerec` command; resolves with its exit code and output. */
async function facerec(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 120_000 });
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
    ['an image without a face', ['verify', obama('examples__obama.jpg'), datasetPath('no-face', 'images', 'skimage_coffee.png')], /no face found/],
    ['an unknown command', ['frobnicate'], /unknown command/],
  ])('exits with 2 and one clear line for %s', async (_what, args, message) => {
    const out = await facerec(...args);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
  });
});
