/**
 * The one file that imports ONNX Runtime (`onnxruntime-node`, whose CPU library ships inside
 * the package). A session runs on one intra-op thread with spinning off: the pool already
 * runs one worker per core, and spinning threads would burn the cores the other workers need.
 *
 * Execution provider, in one place: `cpu` by default; `cuda` when asked, which needs the CUDA
 * provider library that onnxruntime-node's install script would download (skipped here, see
 * .npmrc) and CUDA/cuDNN on the machine. When it cannot load, the session falls back to the
 * CPU and says so in `fallback`.
 */
import * as ort from 'onnxruntime-node';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface SessionSettings {
  executionProvider: ExecutionProvider;
  /** Threads one network may use for one call. */
  intraOpThreads: number;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = { executionProvider: 'cpu', intraOpThreads: 1 };

export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

function sessionOptions(provider: ExecutionProvider, settings: SessionSettings): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    intraOpNumThreads: settings.intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

export class OnnxSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** The provider the session runs on. */
    readonly provider: ExecutionProvider,
    /** Why the requested provider was not used, when it was not. */
    readonly fallback: string | undefined,
  ) {}

  static async create(model: Uint8Array, settings: SessionSettings = DEFAULT_SESSION_SETTINGS): Promise<OnnxSession> {
    if (settings.executionProvider !== 'cpu') {
      try {
        const s = await ort.InferenceSession.create(model, sessionOptions(settings.executionProvider, settings));
        return new OnnxSession(s, settings.executionProvider, undefined);
      } catch (e) {
        const why = `${settings.executionProvider} execution provider unavailable (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); running on cpu`;
        const s = await ort.InferenceSession.create(model, sessionOptions('cpu', settings));
        return new OnnxSession(s, 'cpu', why);
      }
    }
    return new OnnxSession(await ort.InferenceSession.create(model, sessionOptions('cpu', settings)), 'cpu', undefined);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** Runs the network on float32 inputs; returns the named float32 outputs. */
  async run(inputs: Record<string, FloatTensor>, outputNames?: string[]): Promise<Record<string, FloatTensor>> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(inputs)) feeds[name] = new ort.Tensor('float32', t.data, t.dims);
    const results = outputNames ? await this.session.run(feeds, outputNames) : await this.session.run(feeds);
    const out: Record<string, FloatTensor> = {};
    for (const [name, t] of Object.entries(results)) out[name] = { data: t.data as Float32Array, dims: [...t.dims] };
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
