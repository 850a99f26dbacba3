/**
 * npm run bench:vs-human [-- --runs 40]
 *
 * Issue 9's side-by-side target: the server's round trip for one 640x480 one-face JPEG frame
 * (production build, POST /api/v1/recognize, flip-averaged live embeddings as configured by
 * default) against Human's own default face pipeline (BlazeFace + mesh + faceres on tfjs wasm,
 * lib/vision/human.ts `loadHumanReference`) run in this process on the same frame, in the same
 * run. The two alternate in blocks of `--block` calls (10), one call at a time, so each has the
 * machine's two cores to itself and both see the same background load. Prints JSON and appends to docs/benchmarks.md.
 */
import path from 'node:path';
import sharp from 'sharp';
import { startServer } from '../tests/helpers/server';
import { loadHumanReference } from '../lib/vision/human';
import { decodeImage } from '../lib/vision/image';
import { appendToBenchmarks, DATASETS_DIR, percentile } from './report';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const runs = arg('runs', 40);
  // Calls in a row before switching sides. 1 alternates call by call: each side then starts cold,
  // its weights pushed out of the shared caches by the other's (server round trip p50 +2-30 ms in
  // paired runs and far noisier, 2026-12-02). Blocks of 10 leave each side warm as in steady use, in the same minute.
  const block = Math.max(1, arg('block', 10));
  const frame = await sharp(path.join(DATASETS_DIR, 'fr-examples/images/obama/examples__obama.jpg'))
    .resize(640, 480, { fit: 'contain', background: '#202020' }).jpeg({ quality: 85 }).toBuffer();
  const human = await loadHumanReference();
  const server = await startServer({ env: { FACEREC_PUBLIC_RECOGNITION: 'true', FACEREC_WORKERS: '0', FACEREC_RATE_LIMIT_PER_MINUTE: '1000000' } });
  try {
    const serverCall = async () => {
      const t = performance.now();
      const res = await fetch(`${server.url}/api/v1/recognize`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: frame as BodyInit });
      const body = (await res.json()) as { faces?: unknown[]; timings?: { total?: number } };
      if (res.status !== 200) throw new Error(`recognize answered ${res.status}: ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, pipelineMs: body.timings?.total ?? NaN, faces: body.faces?.length ?? 0 };
    };
    const humanCall = async () => {
      const t0 = performance.now();
      // Human gets decoded pixels (sharp, as the server decodes); its decode is timed apart.
      const image = await decodeImage(frame);
      const t1 = performance.now();
      const faces = await human.detect(image);
      const t2 = performance.now();
      return { decodeMs: t1 - t0, detectMs: t2 - t1, faces };
    };
    for (let i = 0; i < 5; i++) {
      await serverCall();
      await humanCall();
    }
    const serverMs: number[] = [];
    // The server's own total (decode .. search, in the worker) and the rest: HTTP, Next.js, hand-off.
    const pipelineMs: number[] = [];
    const outsideMs: number[] = [];
    const humanDetectMs: number[] = [];
    const humanWithDecodeMs: number[] = [];
    let serverFaces = 0;
    let humanFaces = 0;
    for (let done = 0; done < runs; done += block) {
      const n = Math.min(block, runs - done);
      for (let i = 0; i < n; i++) {
        const s = await serverCall();
        serverMs.push(s.ms);
        pipelineMs.push(s.pipelineMs);
        outsideMs.push(s.ms - s.pipelineMs);
        serverFaces = s.faces;
      }
      for (let i = 0; i < n; i++) {
        const h = await humanCall();
        humanDetectMs.push(h.detectMs);
        humanWithDecodeMs.push(h.decodeMs + h.detectMs);
        humanFaces = h.faces;
      }
    }
    const p = (v: number[]) => ({ p50: percentile(v, 50), p95: percentile(v, 95) });
    const report = {
      runs,
      block,
      serverRoundTripMs: p(serverMs),
      serverPipelineMs: p(pipelineMs),
      serverOutsidePipelineMs: p(outsideMs),
      humanDetectMs: p(humanDetectMs),
      humanDecodeAndDetectMs: p(humanWithDecodeMs),
      ratio: percentile(serverMs, 50) / percentile(humanDetectMs, 50),
      ratioWithDecode: percentile(serverMs, 50) / percentile(humanWithDecodeMs, 50),
      serverFaces,
      humanFaces,
    };
    console.log(JSON.stringify(report, null, 2));
    const f = (x: { p50: number; p95: number }) => `${x.p50.toFixed(1)} / ${x.p95.toFixed(1)}`;
    appendToBenchmarks(
      'bench:vs-human, one 640x480 one-face frame: server round trip vs Human in process',
      [
        `Command: \`npm run bench:vs-human -- --runs ${runs} --block ${block}\` (one call at a time, alternating in blocks of ${block} calls after 5 warm-up pairs; milliseconds p50 / p95)`,
        '',
        '| pipeline | faces | ms p50 / p95 |',
        '|---|---|---|',
        `| server round trip (production build, POST /api/v1/recognize, flip-averaged) | ${serverFaces} | ${f(report.serverRoundTripMs)} |`,
        `| of which the server's pipeline (decode .. search, its own timing) | | ${f(report.serverPipelineMs)} |`,
        `| of which outside it (HTTP, Next.js, worker hand-off) | | ${f(report.serverOutsidePipelineMs)} |`,
        `| Human \`detect()\` in process (blazeface + mesh + faceres, tfjs wasm) | ${humanFaces} | ${f(report.humanDetectMs)} |`,
        `| Human, sharp decode + \`detect()\` | ${humanFaces} | ${f(report.humanDecodeAndDetectMs)} |`,
        '',
        `Ratio of p50s, server / Human \`detect()\`: **${report.ratio.toFixed(2)}x** (target <= 0.4x); server / Human decode + detect: ${report.ratioWithDecode.toFixed(2)}x.`,
      ].join('\n'),
    );
  } finally {
    await server.stop();
    human.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
