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
  | ({ warm: true } & WarmReport);

/** What a worker says once its models are loaded and warmed. */
export interface WarmReport {
  loadMs: number;
  /** The runtime in words, e.g. "onnxruntime-node (cpu)". */
  runtime: string;
  /** Why the configured execution provider is not in use, when it is not. */
  fallback?: string;
  /** Models converted in memory at load because `npm run build` had not written them. */
  convertedAtLoad?: string[];
}

let pipeline: Promise<FacePipeline> | undefined;

function loadPipeline(): Promise<FacePipeline> {
  pipeline ??= (async () => {
    const settings = (workerData as { pipeline?: Partial<PipelineSettings> } | null)?.pipeline ?? {};
    const p = new FacePipeline(settings);
    await p.load();
    await p.warmup();
    return p;
  })();
  return pipeline;
}

export default async function run(task: WorkerTask): Promise<WorkerAnswer> {
  if (task.kind === 'warmup') {
    const t0 = performance.now();
    const p = await loadPipeline();
    const report = p.onnxReport;
    return {
      warm: true,
      loadMs: performance.now() - t0,
      runtime: p.runtime,
      ...(report?.fallback ? { fallback: report.fallback } : {}),
      ...(report?.convertedAtLoad.length ? { convertedAtLoad: report.convertedAtLoad } : {}),
    };
  }
  const p = await loadPipeline();
  try {
    return { result: await p.analyze(task.bytes, task.options) };
  } catch (e) {
    if (isVisionError(e)) return { visionError: { code: e.code, message: e.message } };
    throw e;
  }
}
