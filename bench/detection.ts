/**
 * npm run bench:detection [-- multi-face no-face ...] [-- --look '{"maxBoxShare":0.34}']
 * npm run bench:detection -- --shape-bar [lfw-dev stock-portraits]
 *
 * `--look` overrides fields of DEFAULT_SECOND_LOOK, to measure a variant against the first look
 * (`{"maxMirrorKeypointError":null}`: without the shape check).
 * The detector alone (ONNX, one thread, in this process), run twice on every image of the
 * shared datasets: with the first look only and with the second look (lib/vision/detect.ts).
 * Per set: faces per image both ways, images with two or more faces, the images whose faces
 * changed (each added or removed box, to look at), whether the largest face moved, and the
 * detection time; on multi-face also the recall against manifest.csv's counts. Prints JSON and
 * appends to docs/benchmarks.md.
 *
 * `--shape-bar` measures the second look's shape check on real faces only: each image's largest
 * first-look face, looked at as a second look would (the window, the face found there, its mirror
 * agreement), and prints the keypoint error's percentiles, the 99.5th fitted on each half of the
 * people (alternate names in sorted order) and how many of the other half lie above it.
 *
 * A change to the detector must leave no-face at 0 faces and should not add faces elsewhere
 * that are not there: the count of two-face images on lfw-dev is what makes enrollment photos
 * "several faces".
 */
import fs from 'node:fs';
import path from 'node:path';
import { bestMatch, DEFAULT_SECOND_LOOK, detectFaces, facesInWindow, mirrorAgreement, type SecondLookOptions } from '../lib/vision/detect';
import { decodeImage } from '../lib/vision/image';
import { OnnxDetector, type OnnxLoadReport } from '../lib/vision/onnx-nets';
import type { Detection, RgbImage } from '../lib/vision/types';
import { appendToBenchmarks, DATASETS_DIR, percentile } from './report';

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
    const image = await readImage(file);
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

async function readImage(file: string): Promise<RgbImage> {
  const bytes = fs.readFileSync(file);
  return file.endsWith('.pgm') ? readPgm(bytes) : decodeImage(bytes);
}

/** The mirror keypoint error of every image's largest first-look face, keyed by the person (its folder). */
async function shapeErrors(detector: OnnxDetector, set: string, look: SecondLookOptions): Promise<{ person: string; error: number }[]> {
  const out: { person: string; error: number }[] = [];
  for (const file of imagesUnder(path.join(DATASETS_DIR, set, 'images')).sort()) {
    const image = await readImage(file);
    const [primary] = await detectFaces(detector, image, { ...look, zoom: 0 });
    if (!primary) continue;
    const seen = bestMatch(await facesInWindow(detector, image, primary.box, look.zoom), primary.box, look.minSameIou);
    if (!seen) continue;
    const mirror = await mirrorAgreement(detector, image, primary.box, seen, look.zoom);
    out.push({ person: `${set}/${path.basename(path.dirname(file))}`, error: mirror.iou >= look.minSameIou ? mirror.keypointError : Infinity });
  }
  return out;
}

async function measureShapeBar(detector: OnnxDetector, sets: string[], look: SecondLookOptions) {
  const all: { person: string; error: number }[] = [];
  for (const set of sets) all.push(...(await shapeErrors(detector, set, look)));
  const errors = all.map((e) => e.error);
  const people = [...new Set(all.map((e) => e.person))].sort();
  const half = new Map(people.map((p, i) => [p, i % 2]));
  const halves = [0, 1].map((h) => {
    const fit = all.filter((e) => half.get(e.person) === h).map((e) => e.error);
    const held = all.filter((e) => half.get(e.person) !== h).map((e) => e.error);
    const bar = percentile(fit, 99.5);
    return { fitFaces: fit.length, bar, heldOutFaces: held.length, heldOutAbove: held.filter((e) => e > bar).length };
  });
  return {
    sets,
    faces: errors.length,
    percentiles: Object.fromEntries([50, 90, 99, 99.5, 99.9].map((p) => [p, percentile(errors, p)])),
    bar: percentile(errors, 99.5),
    halves,
  };
}

async function main() {
  const args = process.argv.slice(2);
  const lookAt = args.indexOf('--look');
  const look: SecondLookOptions = { ...DEFAULT_SECOND_LOOK, ...(lookAt >= 0 ? (JSON.parse(args[lookAt + 1]) as Partial<SecondLookOptions>) : {}) };
  // JSON has no Infinity: `"maxMirrorKeypointError":null` turns the shape check off (and prints as null).
  if ((look.maxMirrorKeypointError as number | null) === null) look.maxMirrorKeypointError = Infinity;
  const shapeBar = args.includes('--shape-bar');
  const named = args.filter((a, i) => a !== '--shape-bar' && (lookAt < 0 || (i !== lookAt && i !== lookAt + 1)));
  const sets = named.length ? named : shapeBar ? ['lfw-dev', 'stock-portraits'] : SETS;
  const detector = new OnnxDetector();
  const report: OnnxLoadReport = { executionProvider: 'cpu', convertedAtLoad: [] };
  await detector.load({ session: { executionProvider: 'cpu', intraOpThreads: 1 } }, report);
  if (shapeBar) {
    const r = await measureShapeBar(detector, sets, look);
    await detector.dispose();
    console.log(JSON.stringify({ look, ...r }, null, 2));
    const f = (v: number) => v.toFixed(3);
    appendToBenchmarks('bench:detection --shape-bar, the shape check on real faces', [
      `Command: \`npm run bench:detection -- ${args.join(' ')}\` (window ${look.zoom}x, same-face IoU ${look.minSameIou})`,
      '',
      `Largest first-look face of every image of ${sets.join(', ')}: ${r.faces} faces. Mirror keypoint error (eye distances; none found mirrored counts as infinite): ` +
        Object.entries(r.percentiles).map(([p, v]) => `p${p} ${f(v)}`).join(', ') + `. **Bar (p99.5): ${f(r.bar)}**.`,
      '',
      ...r.halves.map((h, i) => `- fitted on half ${i + 1} of the people (${h.fitFaces} faces): ${f(h.bar)}; above it in the other half: ${h.heldOutAbove} of ${h.heldOutFaces} (${((100 * h.heldOutAbove) / h.heldOutFaces).toFixed(2)}%)`),
    ].join('\n'));
    return;
  }
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
