/**
 * Inference pool: worker threads (piscina), one FacePipeline each, and a bounded queue.
 * Past the queue the pool refuses at once with `overloaded`, so a burst turns into quick
 * 503s instead of ever-growing latency.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { VisionError } from './errors';
import type { AnalyzeOptions, PipelineSettings } from './pipeline';
import type { Analyzer } from './recognize';
import type { AnalyzeResult } from './types';
import type { WarmReport, WorkerAnswer, WorkerTask } from './worker';

export interface PoolOptions {
  /** Worker threads; 0 = one per core. */
  threads: number;
  /** Requests that may wait for a free worker; more are refused as overloaded. */
  maxQueue: number;
  /** The bundled worker (scripts/build-worker.mjs). */
  workerFile: string;
  /** Pipeline settings for every worker (image limits, detector). */
  pipeline: Partial<PipelineSettings>;
}

export function defaultWorkerFile(): string {
  return path.join(/* turbopackIgnore: true */ process.cwd(), 'dist', 'vision-worker.js');
}

export class InferencePool implements Analyzer {
  private readonly pool: Piscina;
  readonly threads: number;
  private warmed: Promise<WarmReport[]> | undefined;

  constructor(options: Partial<PoolOptions> = {}) {
    const workerFile = options.workerFile ?? defaultWorkerFile();
    if (!fs.existsSync(/* turbopackIgnore: true */ workerFile)) {
      throw new Error(`inference worker not built: ${workerFile} is missing (run \`npm run build:worker\`)`);
    }
    this.threads = options.threads || Math.max(1, os.availableParallelism());
    this.pool = new Piscina({
      filename: workerFile,
      minThreads: this.threads,
      maxThreads: this.threads,
      maxQueue: options.maxQueue ?? this.threads * 4,
      // Models take a second to load: never retire an idle worker.
      idleTimeout: Number.POSITIVE_INFINITY,
      // Each worker is one inference at a time, on one intra-op thread (lib/vision/ort.ts).
      concurrentTasksPerWorker: 1,
      workerData: { pipeline: options.pipeline ?? {} },
    });
  }

  /** Loads the models in every worker (all at once) and compiles their kernels. */
  warmup(): Promise<WarmReport[]> {
    this.warmed ??= Promise.all(
      Array.from({ length: this.threads }, () =>
        this.pool.run({ kind: 'warmup' } satisfies WorkerTask) as Promise<WarmReport>,
      ),
    );
    return this.warmed;
  }

  /** Requests waiting for a worker (not counting those running). */
  get queueDepth(): number {
    return this.pool.queueSize;
  }

  async analyze(bytes: Uint8Array, options?: Partial<AnalyzeOptions>): Promise<AnalyzeResult> {
    // Copy into a transferable buffer: the worker takes ownership, nothing is cloned twice.
    const copy = new Uint8Array(bytes);
    let answer: WorkerAnswer;
    try {
      const task: WorkerTask = { kind: 'analyze', bytes: copy, options };
      answer = (await this.pool.run(task, { transferList: [copy.buffer] })) as WorkerAnswer;
    } catch (e) {
      // piscina's two ways of saying "no room": queue full, or no queue and every worker busy.
      if (e instanceof Error && /^(Task queue is at limit|No task queue available)/.test(e.message)) {
        throw new VisionError('overloaded', 'All inference workers are busy and the queue is full; retry shortly.');
      }
      throw e;
    }
    if ('visionError' in answer) throw new VisionError(answer.visionError.code, answer.visionError.message);
    if ('result' in answer) return answer.result;
    throw new Error('inference worker answered an analyze task with a warm-up answer');
  }

  async dispose(): Promise<void> {
    await this.pool.destroy();
  }
}
