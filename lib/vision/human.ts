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
import type { DetectorOptions, DetectorOutput } from './detect';
import { DEFAULT_DETECTOR_OPTIONS, passesVerification } from './detect';
import { DETECTOR, MESH, packageDir } from './models';
import { runtimeRequire } from './runtime-require';
import type { Detection, RgbImage } from './types';

/** Human's models this project never runs: off in both the pipeline's and the reference's config. */
const OTHER_MODELS_OFF = {
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
} as const;

// Minimal structural types for what we use of tfjs and Human; their own typings reference
// browser globals and differ between builds.
type Tensor = { dispose(): void; shape: number[]; data(): Promise<Float32Array> };
interface GraphModel {
  execute(input: Tensor): Tensor | Tensor[];
  dispose(): void;
}
interface Tf {
  image: { cropAndResize(image: Tensor, boxes: number[][], boxInd: number[], cropSize: [number, number]): Tensor };
  div(a: Tensor, b: number): Tensor;
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
interface HumanFace { box: [number, number, number, number]; boxScore: number; score: number; mesh: number[][] }
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


/**
 * Human configured as a face detector only (BlazeFace boxes, nothing else), with the face-mesh
 * model run beside it for its face confidence, which verifies BlazeFace's candidates.
 */
export class HumanDetector {
  private human: HumanInstance | undefined;
  private tf: Tf | undefined;
  private mesh: GraphModel | undefined;
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
        mesh: { enabled: false },
        attention: { enabled: false },
        iris: { enabled: false },
        description: { enabled: false },
        emotion: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      },
      ...OTHER_MODELS_OFF,
    });
    await this.human.load();
    const converter = runtimeRequire(/* turbopackIgnore: true */ '@tensorflow/tfjs-converter') as {
      loadGraphModel(url: string): Promise<GraphModel>;
    };
    this.mesh = await converter.loadGraphModel(`file://${path.join(packageDir(MESH.packageName), MESH.files[0])}`);
    this.tf = tf;
  }

  /** Face-mesh confidence (0..1) for each box, each crop prepared as Human prepares it. */
  private async meshScores(input: Tensor, image: RgbImage, boxes: [number, number, number, number][]): Promise<number[]> {
    const tf = this.tf!;
    const scores: number[] = [];
    for (const [x, y, w, h] of boxes) {
      const crop = tf.image.cropAndResize(input, [[y / image.height, x / image.width, (y + h) / image.height, (x + w) / image.width]], [0], [MESH.inputPx, MESH.inputPx]);
      const norm = tf.div(crop, 255);
      crop.dispose();
      const outputs = this.mesh!.execute(norm);
      norm.dispose();
      const list = Array.isArray(outputs) ? outputs : [outputs];
      const confidence = list.find((t) => t.shape[t.shape.length - 1] === 1);
      scores.push(confidence ? (await confidence.data())[0] : 0);
      for (const t of list) t.dispose();
    }
    return scores;
  }

  /** Every candidate in the image, split by the verification rule: box (pixels) and score. */
  async detect(image: RgbImage): Promise<DetectorOutput> {
    if (!this.human || !this.tf) throw new Error('HumanDetector.detect() before load()');
    const input = this.tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32');
    try {
      const result = await this.human.detect(input);
      if (result.error) throw new Error(`Human detection failed: ${result.error}`);
      const faceScores = result.face.length ? await this.meshScores(input, image, result.face.map((f) => f.box)) : [];
      const output: DetectorOutput = { faces: [], doubtful: [] };
      result.face.forEach((f, i) => {
        const detection: Detection = {
          box: { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] },
          score: Math.max(faceScores[i], f.boxScore),
          detectorScore: f.boxScore,
          // With the mesh off, Human's mesh is BlazeFace's 6 keypoints in image pixels.
          keypoints: f.mesh.map(([x, y]) => ({ x, y })),
        };
        (passesVerification(this.options, f.boxScore, faceScores[i]) ? output.faces : output.doubtful).push(detection);
      });
      return output;
    } finally {
      input.dispose();
    }
  }

  /**
   * Runs one of Human's graph models (by its model.json) on this detector's tfjs engine, on a
   * float32 NHWC batch: the reference the converted ONNX networks are tested against.
   */
  async runGraphModel(modelJson: string, input: Float32Array, shape: [number, number, number, number]): Promise<{ shape: number[]; data: Float32Array }[]> {
    if (!this.tf) throw new Error('HumanDetector.runGraphModel() before load()');
    const converter = runtimeRequire(/* turbopackIgnore: true */ '@tensorflow/tfjs-converter') as { loadGraphModel(url: string): Promise<GraphModel> };
    const model = await converter.loadGraphModel(`file://${modelJson}`);
    const x = this.tf.tensor4d(input, shape, 'float32');
    try {
      const outputs = model.execute(x);
      const list = Array.isArray(outputs) ? outputs : [outputs];
      const result = await Promise.all(list.map(async (t) => ({ shape: t.shape, data: await t.data() })));
      for (const t of list) t.dispose();
      return result;
    } finally {
      x.dispose();
      model.dispose();
    }
  }

  /** Tensor count of the shared tfjs engine: lets tests prove nothing leaks per image. */
  tensorCount(): number {
    return this.tf?.memory().numTensors ?? 0;
  }

  async dispose(): Promise<void> {
    this.mesh?.dispose();
    this.mesh = undefined;
    this.human = undefined;
  }
}

/** Human's own pipeline, run as a new user would: the reference of the side-by-side bench. */
export interface HumanReference {
  /** `human.detect()` on one image; the faces it found. */
  detect(image: RgbImage): Promise<number>;
  dispose(): void;
}

/**
 * Human 3.x with its default face pipeline (BlazeFace, face mesh, faceres descriptor) on this
 * process's tfjs runtime, everything else off. Only two defaults change, both so that it does
 * the work on every call: the frame cache (`cacheSensitivity`, which skips a frame that looks
 * like the previous one) and the detector's frame skipping are off; a warm-up is left to the caller.
 */
export async function loadHumanReference(): Promise<HumanReference> {
  const runtime = detectTfRuntime();
  const humanDist = path.join(packageDir('@vladmandic/human'), 'dist');
  const { Human } = runtimeRequire(/* turbopackIgnore: true */ path.join(humanDist, runtime === 'tfjs-node' ? 'human.node.js' : 'human.node-wasm.js')) as { Human: HumanCtor };
  const tf = loadTf();
  registerFileLoader(tf);
  const models = path.join(packageDir(DETECTOR.packageName), 'models');
  const wasmDir = path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  const human = new Human({
    backend: runtime === 'tfjs-node' ? 'tensorflow' : 'wasm',
    wasmPath: `${wasmDir}${path.sep}`,
    modelBasePath: `file://${models}${path.sep}`,
    debug: false,
    warmup: 'none',
    cacheSensitivity: 0,
    face: {
      enabled: true,
      detector: { skipFrames: 0, skipTime: 0 },
      mesh: { enabled: true },
      description: { enabled: true, skipFrames: 0, skipTime: 0 },
      iris: { enabled: false },
      emotion: { enabled: false },
      attention: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    ...OTHER_MODELS_OFF,
  });
  await human.load();
  return {
    async detect(image) {
      const input = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32');
      try {
        const result = await human.detect(input);
        if (result.error) throw new Error(`Human detection failed: ${result.error}`);
        return result.face.length;
      } finally {
        input.dispose();
      }
    },
    dispose() {
      // Human keeps its models for the process' lifetime; nothing else to free.
    },
  };
}
