/**
 * The one file that configures tfjs and Human (STYLE: one file per ML runtime).
 *
 * Runtime choice, in one place: `@tensorflow/tfjs-node` (native libtensorflow) when it is
 * installed, otherwise tfjs on its WebAssembly backend, whose .wasm files ship inside
 * `@tensorflow/tfjs-backend-wasm`. The wasm path is the default because tfjs-node's install
 * script downloads libtensorflow, which an offline install cannot do.
 *
 * Human's npm `exports` map does not expose its node-wasm build by subpath and its default
 * entry requires tfjs-node, so the build file is required by absolute path. Models are read
 * from disk through a `file://` load router: tfjs' http loader would try `fetch`, which has no
 * file scheme in Node.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DETECTOR, packageDir } from './models';
import { runtimeRequire } from './runtime-require';
import type { Detection, RgbImage } from './types';

// Minimal structural types for what we use of tfjs and Human; their own typings reference
// browser globals and differ between builds.
type Tensor = { dispose(): void; shape: number[] };
interface Tf {
  tensor4d(values: Uint8Array | Int32Array | Float32Array, shape: [number, number, number, number], dtype: 'int32' | 'float32'): Tensor;
  getBackend(): string;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  memory(): { numTensors: number; numBytes: number };
  io: {
    registerLoadRouter(router: (url: string | string[]) => unknown): void;
    getModelArtifactsForJSON(json: unknown, loadWeights: (manifest: WeightGroup[]) => Promise<[unknown[], ArrayBuffer]>): Promise<unknown>;
  };
}
interface WeightGroup { paths: string[]; weights: unknown[] }
interface HumanFace { box: [number, number, number, number]; boxScore: number; faceScore: number; score: number; mesh: [number, number, number?][] }
interface HumanInstance {
  load(): Promise<void>;
  detect(input: Tensor): Promise<{ face: HumanFace[]; error?: string | null }>;
  tf: Tf;
}
type HumanCtor = new (config: Record<string, unknown>) => HumanInstance;

export type TfRuntime = 'tfjs-node' | 'wasm';


function isInstalled(name: string): boolean {
  try {
    runtimeRequire.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Which tfjs runtime this process uses: tfjs-node if a user installed it, wasm otherwise. */
export function detectTfRuntime(): TfRuntime {
  return isInstalled('@tensorflow/tfjs-node') ? 'tfjs-node' : 'wasm';
}

function loadTf(): Tf {
  return runtimeRequire(/* turbopackIgnore: true */ '@tensorflow/tfjs-core') as Tf;
}

let routerRegistered = false;

/** Lets tfjs load `file://` model URLs from disk (graph models and layers weights alike). */
function registerFileLoader(tf: Tf): void {
  if (routerRegistered) return;
  routerRegistered = true;
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const modelJson = url.slice('file://'.length);
    return {
      load: async () => {
        const json = JSON.parse(await fs.promises.readFile(modelJson, 'utf8'));
        return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
          const specs: unknown[] = [];
          const parts: Buffer[] = [];
          for (const group of manifest) {
            for (const p of group.paths) parts.push(await fs.promises.readFile(path.join(path.dirname(modelJson), p)));
            specs.push(...group.weights);
          }
          const all = Buffer.concat(parts);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
        });
      },
    };
  });
}

export interface DetectorOptions {
  /** Most faces returned per image. */
  maxFaces: number;
  /** BlazeFace score below which a candidate is dropped before verification. */
  minScore: number;
  /** Overlap (IoU) above which two candidates are the same face. */
  iouThreshold: number;
  /**
   * Verify each candidate with Human's face-mesh model and keep it only when the mesh's own
   * face confidence reaches `minFaceScore`. BlazeFace alone cannot separate small real faces
   * (scores 0.2-0.5 in group photos) from cat faces, clocks and logos (up to 0.83); the mesh's
   * confidence separates them cleanly (measured on multi-face and no-face, docs/models.md).
   */
  verify: boolean;
  minFaceScore: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = { maxFaces: 50, minScore: 0.2, iouThreshold: 0.3, verify: true, minFaceScore: 0.5 };

/** Human configured as a face detector only: BlazeFace boxes and keypoints, nothing else. */
export class HumanDetector {
  private human: HumanInstance | undefined;
  private tf: Tf | undefined;
  runtime: TfRuntime = 'wasm';

  constructor(private readonly options: DetectorOptions = DEFAULT_DETECTOR_OPTIONS) {}

  async load(): Promise<void> {
    if (this.human) return;
    this.runtime = detectTfRuntime();
    const humanDist = path.join(packageDir('@vladmandic/human'), 'dist');
    const build = this.runtime === 'tfjs-node' ? 'human.node.js' : 'human.node-wasm.js';
    const { Human } = runtimeRequire(/* turbopackIgnore: true */ path.join(humanDist, build)) as { Human: HumanCtor };
    const tf = loadTf();
    registerFileLoader(tf);
    const models = path.join(packageDir(DETECTOR.packageName), 'models');
    const wasmDir = path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
    this.human = new Human({
      backend: this.runtime === 'tfjs-node' ? 'tensorflow' : 'wasm',
      wasmPath: `${wasmDir}${path.sep}`,
      modelBasePath: `file://${models}${path.sep}`,
      debug: false,
      async: false,
      warmup: 'none',
      // Every frame is a fresh image: no result caching, no temporal smoothing inside Human.
      cacheSensitivity: 0,
      filter: { enabled: false },
      face: {
        enabled: true,
        detector: {
          modelPath: path.basename(DETECTOR.files[0]),
          rotation: false,
          maxDetected: this.options.maxFaces,
          minConfidence: this.options.minScore,
          iouThreshold: this.options.iouThreshold,
          return: false,
        },
        mesh: { enabled: this.options.verify, keepInvalid: false },
        attention: { enabled: false },
        iris: { enabled: false },
        description: { enabled: false },
        emotion: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
    });
    await this.human.load();
    this.tf = tf;
  }

  /** Every face in the image: box (pixels), score, and BlazeFace's 6 keypoints. */
  async detect(image: RgbImage): Promise<Detection[]> {
    if (!this.human || !this.tf) throw new Error('HumanDetector.detect() before load()');
    const input = this.tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32');
    try {
      const result = await this.human.detect(input);
      if (result.error) throw new Error(`Human detection failed: ${result.error}`);
      const faces = this.options.verify ? result.face.filter((f) => f.faceScore >= this.options.minFaceScore) : result.face;
      return faces.map((f) => ({
        box: { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] },
        score: this.options.verify ? f.faceScore : f.boxScore,
        keypoints: f.mesh.map(([x, y]) => ({ x, y })),
        boxSource: this.options.verify ? 'mesh' : 'detector',
      }));
    } finally {
      input.dispose();
    }
  }

  /** Tensor count of the shared tfjs engine: lets tests prove nothing leaks per image. */
  tensorCount(): number {
    return this.tf?.memory().numTensors ?? 0;
  }

  async dispose(): Promise<void> {
    this.human = undefined;
  }
}
