/**
 * npm run bench:latency [-- --runtime tfjs]
 *
 * Per-stage latency of the product pipeline on one core (in this process), for 640x480
 * webcam-like frames with one face and with five faces, with and without the flip-averaged
 * embedding; cold start (a fresh process: start -> models loaded -> first result) and that
 * process's peak RSS. Prints JSON and appends to docs/benchmarks.md. `--runtime tfjs` measures
 * the tfjs reference (Human + face-api on wasm) instead of ONNX Runtime, in process only.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../lib/vision/image';
import { FacePipeline } from '../lib/vision/pipeline';
import type { StageName } from '../lib/vision/types';
import type { VisionRuntime } from '../lib/vision/pipeline';
import { appendToBenchmarks, DATASETS_DIR, percentile } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);

/** A photo fitted into a 640x480 frame (letterboxed), as a webcam JPEG would arrive. */
async function frame(file: string): Promise<Buffer> {
  return sharp(path.join(DATASETS_DIR, file))
    .rotate()
    .resize(640, 480, { fit: 'contain', background: '#202020' })
    .jpeg({ quality: 85 })
    .toBuffer();
}

function coldStart(bytesFile: string): { coldStartMs: number; peakRssMb: number; faces: number } {
  // The bundled worker is exactly what a server thread loads; run it in a fresh process.
  const script = `
    const t0 = Date.now();
    const run = require(${JSON.stringify(path.resolve('dist/vision-worker.js'))}).default;
    const bytes = require('fs').readFileSync(${JSON.stringify(bytesFile)});
    run({ kind: 'analyze', bytes }).then((a) => {
      console.log(JSON.stringify({ ms: Date.now() - performance.timeOrigin, faces: a.result.faces.length, maxRssKb: process.resourceUsage().maxRSS }));
    });`;
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  return { coldStartMs: r.ms, peakRssMb: r.maxRssKb / 1024, faces: r.faces };
}

async function main() {
  const args = process.argv.slice(2);
  const runtime: VisionRuntime = args.includes('--runtime') && args[args.indexOf('--runtime') + 1] === 'tfjs' ? 'tfjs' : 'onnx';
  const frames = {
    oneFace: await frame('fr-examples/images/obama/examples__obama.jpg'),
    fiveFaces: await frame('multi-face/images/faceapi_bbt3.jpg'),
  };
  const pipeline = new FacePipeline({ runtime });
  await pipeline.load();
  const stages: StageName[] = ['decode', 'detect', 'landmarks', 'align', 'embed', 'quality'];
  const results: Record<string, unknown> = {};
  const rows: string[] = [];
  for (const [name, bytes] of Object.entries(frames)) {
    for (const flip of [false, true]) {
      const decoded = await decodeImage(bytes);
      for (let i = 0; i < 5; i++) await pipeline.analyze(bytes, { flip }); // warm
      const per: Record<string, number[]> = { total: [], core: [] };
      let faces = 0;
      for (let i = 0; i < RUNS; i++) {
        const r = await pipeline.analyze(bytes, { flip });
        faces = r.faces.length;
        for (const s of stages) (per[s] ??= []).push(r.timings[s] ?? 0);
        per.total.push(r.timings.total);
        // detect + align + embed as the issue counts it: everything after decode.
        per.core.push(r.timings.total - (r.timings.decode ?? 0));
      }
      const summary = Object.fromEntries(Object.entries(per).map(([k, v]) => [k, { p50: percentile(v, 50), p95: percentile(v, 95) }]));
      results[`${name}${flip ? '+flip' : ''}`] = { faces, width: decoded.width, height: decoded.height, ...summary };
      const f = (k: string) => `${summary[k].p50.toFixed(1)} / ${summary[k].p95.toFixed(1)}`;
      rows.push(`| ${name} (${faces} found) | ${flip ? 'yes' : 'no'} | ${stages.map(f).join(' | ')} | **${f('core')}** | ${f('total')} |`);
    }
  }
  const runtimeName = pipeline.runtime;
  await pipeline.dispose();

  // The worker bundle loads the product runtime; the tfjs reference is measured in process only.
  const tmp = path.join(fs.mkdtempSync('/tmp/facerec-bench-'), 'frame.jpg');
  fs.writeFileSync(tmp, frames.oneFace);
  const cold = runtime === 'onnx' ? coldStart(tmp) : undefined;
  const report = { runtime: runtimeName, runs: RUNS, frames: results, ...cold };
  console.log(JSON.stringify(report, null, 2));
  appendToBenchmarks(
    `bench:latency, 640x480 frames, one core, ${runtimeName}`,
    [
      `Command: \`npm run bench:latency${runtime === 'tfjs' ? ' -- --runtime tfjs' : ''}\` (${RUNS} runs after 5 warm-up runs; milliseconds p50 / p95)`,
      '',
      `| frame | flip | ${stages.join(' | ')} | detect..quality | total |`,
      `|---|---|${stages.map(() => '---').join('|')}|---|---|`,
      ...rows,
      ...(cold ? ['', `Cold start (fresh process: load models, first frame analysed): ${cold.coldStartMs.toFixed(0)} ms; peak RSS ${cold.peakRssMb.toFixed(0)} MB.`] : []),
    ].join('\n'),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
