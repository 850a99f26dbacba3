/**
 * Inference worker (one per pool thread): owns one FacePipeline with its own models, so the
 * server's event loop never runs a model. Built to dist/vision-worker.js by
 * scripts/build-worker.mjs; the pool in pool.ts starts it.
 */
import { workerData } from 'node:worker_threads';
import { isVisionError, type VisionErrorCode } from './errors';
import { FacePipeline, type AnalyzeOptions, type PipelineSettings } from './pipeline';
import type { AnalyzeResult } from './types';

export type WorkerTask =
  | { kind: 'warmup' }
  | { kind: 'analyze'; bytes: Uint8Array; options?: Partial<AnalyzeOptions> };

/** Errors do not keep their type across threads, so a refused image comes back as a value. */
export type WorkerAnswer =
  | { result: AnalyzeResult }
  | { visionError: { code: VisionErrorCode; message: string } }
  | { warm: true; loadMs: number; runtime: string };

let pipeline: Promise<FacePipeline> | undefined;

function loadPipeline(): Promise<FacePipeline> {
  pipeline ??= (async () => {
    const settings = (workerData as { pipeline?: Partial<PipelineSettings> } | null)?.pipeline ?? {};
    const p = new FacePipeline(settings);
    await p.load();
    // One small run compiles the wasm kernels, so the first real request is not slow.
    const grey = new Uint8Array(64 * 64 * 3).fill(128);
    await p.analyzeDecoded({ data: grey, width: 64, height: 64, originalWidth: 64, originalHeight: 64, scale: 1, format: 'png' });
    return p;
  })();
  return pipeline;
}

export default async function run(task: WorkerTask): Promise<WorkerAnswer> {
  if (task.kind === 'warmup') {
    const t0 = performance.now();
    const p = await loadPipeline();
    return { warm: true, loadMs: performance.now() - t0, runtime: p.runtime };
  }
  const p = await loadPipeline();
  try {
    return { result: await p.analyze(task.bytes, task.options) };
  } catch (e) {
    if (isVisionError(e)) return { visionError: { code: e.code, message: e.message } };
    throw e;
  }
}
