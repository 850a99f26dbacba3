/**
 * npm run bench:detection [-- multi-face no-face ...] [-- --look '{"maxBoxShare":0.34}']
 *
 * `--look` overrides fields of DEFAULT_SECOND_LOOK, to measure a variant against the first look.
 * The detector alone (ONNX, one thread, in this process), run twice on every image of the
 * shared datasets: with the first look only and with the second look (lib/vision/detect.ts).
 * Per set: faces per image both ways, images with two or more faces, the images whose faces
 * changed (each added or removed box, to look at), whether the largest face moved, and the
 * detection time; on multi-face also the recall against manifest.csv's counts. Prints JSON and
 * appends to docs/benchmarks.md.
 *
 * A change to the detector must leave no-face at 0 faces and should not add faces elsewhere
 * that are not there: the count of two-face images on lfw-dev is what makes enrollment photos
 * "several faces".
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SECOND_LOOK, detectFaces, type SecondLookOptions } from '../lib/vision/detect';
import { decodeImage } from '../lib/vision/image';
import { OnnxDetector, type OnnxLoadReport } from '../lib/vision/onnx-nets';
import type { Detection, RgbImage } from '../lib/vision/types';
import { appendToBenchmarks, DATASETS_DIR } from './report';

const SETS = ['multi-face', 'no-face', 'stock-portraits', 'fr-examples', 'bbt-cast', 'orl', 'lfw-dev'];

function imagesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? imagesUnder(path.join(dir, e.name)) : /\.(jpe?g|png|webp|pgm)$/i.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

/** ORL's binary greymaps (P5), which the product's decoder does not take, as RGB. */
function readPgm(bytes: Buffer): RgbImage {
  const header = /^P5\s+(\d+)\s+(\d+)\s+\d+\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not a binary PGM');
  const width = Number(header[1]), height = Number(header[2]), offset = header[0].length;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.fill(bytes[offset + i], 3 * i, 3 * i + 3);
  return { data, width, height };
}

const boxKey = (d: Detection) => `${d.box.x},${d.box.y},${d.box.width}x${d.box.height}`;

function histogram(counts: number[]): Record<number, number> {
  const h: Record<number, number> = {};
  for (const n of counts) h[n] = (h[n] ?? 0) + 1;
  return h;
}

async function measureSet(detector: OnnxDetector, set: string, look: SecondLookOptions) {
  const files = imagesUnder(path.join(DATASETS_DIR, set, 'images'));
  const manifestFile = path.join(DATASETS_DIR, set, 'manifest.csv');
  const expected = new Map<string, number>(
    fs.existsSync(manifestFile)
      ? fs.readFileSync(manifestFile, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')).map(([rel, , n]) => [path.join(DATASETS_DIR, set, rel), Number(n)])
      : [],
  );
  const first: number[] = [], second: number[] = [];
  const changes: string[] = [];
  // Added faces whose box side exceeds half the largest face's: those make an enrollment photo
  // "several faces" (lib/vision/register.ts), the smaller background faces do not change it.
  let largeAdded = 0;
  let largestMoved = 0, firstMs = 0, secondMs = 0, counted = 0, foundFirst = 0, foundSecond = 0;
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    const image = file.endsWith('.pgm') ? readPgm(bytes) : await decodeImage(bytes);
    let t = performance.now();
    const before = await detectFaces(detector, image, { ...look, zoom: 0 });
    firstMs += performance.now() - t;
    t = performance.now();
    const after = await detectFaces(detector, image, look);
    secondMs += performance.now() - t;
    first.push(before.length);
    second.push(after.length);
    const n = expected.get(file);
    if (n !== undefined) {
      counted += n;
      foundFirst += Math.min(n, before.length);
      foundSecond += Math.min(n, after.length);
    }
    if (before[0] && after[0] && boxKey(before[0]) !== boxKey(after[0])) largestMoved++;
    const was = new Set(before.map(boxKey)), is = new Set(after.map(boxKey));
    const added = after.filter((d) => !was.has(boxKey(d))), removed = before.filter((d) => !is.has(boxKey(d)));
    const largestSide = Math.max(0, ...after.map((d) => Math.max(d.box.width, d.box.height)));
    largeAdded += added.filter((d) => Math.max(d.box.width, d.box.height) > largestSide / 2).length;
    if (added.length || removed.length) {
      changes.push(`${path.relative(path.join(DATASETS_DIR, set), file)} ${before.length} -> ${after.length}` +
        `${added.length ? `, added ${added.map((d) => `${boxKey(d)} (BlazeFace ${d.detectorScore.toFixed(2)}, score ${d.score.toFixed(2)})`).join(', ')}` : ''}` +
        `${removed.length ? `, removed ${removed.map(boxKey).join(', ')}` : ''}`);
    }
  }
  const twoOrMore = (counts: number[]) => counts.filter((c) => c >= 2).length;
  return {
    set,
    images: files.length,
    facesFirstLook: first.reduce((a, b) => a + b, 0),
    facesSecondLook: second.reduce((a, b) => a + b, 0),
    perImageFirstLook: histogram(first),
    perImageSecondLook: histogram(second),
    twoOrMoreFirstLook: twoOrMore(first),
    twoOrMoreSecondLook: twoOrMore(second),
    largestMoved,
    largeAdded,
    changes,
    msPerImageFirstLook: firstMs / files.length,
    msPerImageSecondLook: secondMs / files.length,
    ...(counted ? { recallFirstLook: foundFirst / counted, recallSecondLook: foundSecond / counted, foundFirstLook: foundFirst, foundSecondLook: foundSecond, counted } : {}),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const lookAt = args.indexOf('--look');
  const look: SecondLookOptions = { ...DEFAULT_SECOND_LOOK, ...(lookAt >= 0 ? (JSON.parse(args[lookAt + 1]) as Partial<SecondLookOptions>) : {}) };
  const named = args.filter((_, i) => lookAt < 0 || (i !== lookAt && i !== lookAt + 1));
  const sets = named.length ? named : SETS;
  const detector = new OnnxDetector();
  const report: OnnxLoadReport = { executionProvider: 'cpu', convertedAtLoad: [] };
  await detector.load({ session: { executionProvider: 'cpu', intraOpThreads: 1 } }, report);
  const results = [];
  for (const set of sets) {
    const r = await measureSet(detector, set, look);
    process.stderr.write(`${set}: ${r.images} images, ${r.changes.length} changed\n`);
    results.push(r);
  }
  await detector.dispose();
  console.log(JSON.stringify({ look, results }, null, 2));

  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  appendToBenchmarks('bench:detection, first look vs second look', [
    `Command: \`npm run bench:detection${args.length ? ` -- ${args.map((a) => (a.startsWith('{') ? `'${a}'` : a)).join(' ')}` : ''}\` (second look ${JSON.stringify(look)})`,
    '',
    '| set | images | faces (first / second look) | images with >= 2 faces | images changed | largest face moved | added faces > half the largest | ms per image | multi-face recall |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.set} | ${r.images} | ${r.facesFirstLook} / ${r.facesSecondLook} | ${r.twoOrMoreFirstLook} / ${r.twoOrMoreSecondLook} | ${r.changes.length} | ${r.largestMoved} | ${r.largeAdded} | ${r.msPerImageFirstLook.toFixed(0)} / ${r.msPerImageSecondLook.toFixed(0)} | ${r.counted ? `${pct(r.recallFirstLook!)} (${r.foundFirstLook}/${r.counted}) / ${pct(r.recallSecondLook!)} (${r.foundSecondLook}/${r.counted})` : ''} |`),
    '',
    ...results.flatMap((r) => r.changes.map((c) => `- ${r.set}/${c}`)),
  ].join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
