/**
 * The face pipeline: decode -> detect -> landmarks -> align -> embed -> quality, one table of
 * stages over a shared context, each stage timed. An instance owns its models (`load()`,
 * `dispose()`); several faces in one image go through each network as one batch.
 */
import { applySimilarity, averageWithMirror, dlibChipTransform, flipHorizontal, jitterChipTransform, landmarkBox, squareCropTransform, warpImage, type ChipJitter, type Similarity } from './align';
import { DEFAULT_DETECTOR_OPTIONS, detectFaces, type DetectorOptions, type FaceDetector } from './detect';
import { embedChips, embedTemplates, type FaceNets } from './embed';
import { DEFAULT_ONNX_SETTINGS, OnnxDetector, OnnxFaceNets, type OnnxLoadReport, type OnnxSettings } from './onnx-nets';
import { decodeImage, DEFAULT_DECODE_LIMITS, type DecodeLimits } from './image';
import { EMBEDDER, LANDMARKS } from './models';
import { assessQuality, RECOGNITION_QUALITY, type QualityThresholds } from './quality';
import type { AnalyzeResult, DecodedImage, Detection, FaceAnalysis, FaceQuality, Point, RgbImage, StageName, StageTimings } from './types';

export interface AnalyzeOptions {
  /** Average each chip's embedding with its mirror image's (slower, more accurate). */
  flip: boolean;
  /** Return the aligned chips (only when templates keep crops; off by default for privacy). */
  keepChips: boolean;
  quality: QualityThresholds;
  /** Analyse at most this many faces (the largest). */
  maxFaces: number;
  /**
   * Average the landmarks found on the crop with those found on its mirror image (the landmark
   * net runs on both in one batch: +0.8 ms per face). Steadier alignment; the chip it defines is
   * the same dlib chip, so embeddings made before stay comparable (docs/models.md, "Per-frame evidence").
   */
  mirrorLandmarks: boolean;
  /**
   * Besides each face's embedding, a template: the unit mean of the embeddings of the chip and
   * of these re-framings of it (none: no template). Enrollment only; it costs a network run
   * per framing.
   */
  templateJitters: readonly ChipJitter[];
}

export const DEFAULT_ANALYZE_OPTIONS: AnalyzeOptions = {
  flip: true,
  keepChips: false,
  quality: RECOGNITION_QUALITY,
  maxFaces: 20,
  mirrorLandmarks: true,
  templateJitters: [],
};

/**
 * Which runtime runs the networks: ONNX Runtime (the product), or tfjs through Human and
 * face-api (the reference the converted networks are tested against, and the "before" of
 * the benchmarks).
 */
export type VisionRuntime = 'onnx' | 'tfjs';

export interface PipelineSettings {
  runtime: VisionRuntime;
  onnx: OnnxSettings;
  detector: DetectorOptions;
  decode: DecodeLimits;
}

export const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = {
  runtime: 'onnx',
  onnx: DEFAULT_ONNX_SETTINGS,
  detector: DEFAULT_DETECTOR_OPTIONS,
  decode: DEFAULT_DECODE_LIMITS,
};

interface Context {
  image: DecodedImage;
  options: AnalyzeOptions;
  detections: Detection[];
  landmarks: Point[][];
  /** Chip pixels -> image pixels, per face. */
  chipTransforms: Similarity[];
  chips: RgbImage[];
  embeddings: Float32Array[];
  templates: Float32Array[];
  qualities: FaceQuality[];
}

type Stage = (ctx: Context) => Promise<void> | void;

interface Models {
  detector: FaceDetector;
  nets: FaceNets & { landmarks(crops: RgbImage[]): Promise<Float32Array> };
  dispose(): Promise<void>;
  /** Live tfjs tensors (0 on ONNX Runtime); constant across calls when nothing leaks. */
  tensorCount(): number;
  describe: string;
}

async function loadOnnx(settings: PipelineSettings): Promise<Models & { report: OnnxLoadReport }> {
  const report: OnnxLoadReport = { executionProvider: settings.onnx.session.executionProvider, convertedAtLoad: [] };
  const detector = new OnnxDetector(settings.detector);
  const nets = new OnnxFaceNets();
  await detector.load(settings.onnx, report);
  await nets.load(settings.onnx, report);
  return {
    detector,
    nets,
    report,
    dispose: async () => { await nets.dispose(); await detector.dispose(); },
    tensorCount: () => 0,
    describe: `onnxruntime-node (${report.executionProvider})`,
  };
}

/** The tfjs reference, loaded only when asked for: Human and face-api are large. */
async function loadTfjs(settings: PipelineSettings): Promise<Models> {
  const { HumanDetector } = await import('./human');
  const { FaceApiNets } = await import('./faceapi');
  const detector = new HumanDetector(settings.detector);
  const nets = new FaceApiNets();
  await detector.load();
  await nets.load();
  return {
    detector,
    nets,
    dispose: async () => { await nets.dispose(); await detector.dispose(); },
    tensorCount: () => detector.tensorCount(),
    describe: `tfjs (${detector.runtime})`,
  };
}

export class FacePipeline {
  private models: Models | undefined;
  /** Set after load() on ONNX Runtime: provider in use, fallback, models converted at load. */
  onnxReport: OnnxLoadReport | undefined;
  readonly settings: PipelineSettings;

  constructor(settings: Partial<PipelineSettings> = {}) {
    this.settings = { ...DEFAULT_PIPELINE_SETTINGS, ...settings };
  }

  /** The runtime in words, e.g. "onnxruntime-node (cpu)". */
  get runtime(): string {
    return this.models?.describe ?? 'not loaded';
  }

  async load(): Promise<void> {
    if (this.models) return;
    if (this.settings.runtime === 'tfjs') {
      this.models = await loadTfjs(this.settings);
    } else {
      const onnx = await loadOnnx(this.settings);
      this.onnxReport = onnx.report;
      this.models = onnx;
    }
  }

  async dispose(): Promise<void> {
    await this.models?.dispose();
    this.models = undefined;
  }

  tensorCount(): number {
    return this.models?.tensorCount() ?? 0;
  }

  private get detector(): FaceDetector {
    if (!this.models) throw new Error('FacePipeline used before load()');
    return this.models.detector;
  }

  private get nets(): Models['nets'] {
    if (!this.models) throw new Error('FacePipeline used before load()');
    return this.models.nets;
  }

  private readonly stages: [StageName, Stage][] = [
    ['detect', async (ctx) => {
      ctx.detections = (await detectFaces(this.detector, ctx.image)).slice(0, ctx.options.maxFaces);
    }],
    ['landmarks', async (ctx) => {
      const boxes = ctx.detections.map((d) => landmarkBox(d.box));
      const transforms = boxes.map((b) => squareCropTransform(b, LANDMARKS.inputPx));
      const crops = boxes.map((b, i) => warpImage(ctx.image, transforms[i], LANDMARKS.inputPx, b));
      const mirror = ctx.options.mirrorLandmarks;
      const rel = await this.nets.landmarks(mirror ? [...crops, ...crops.map(flipHorizontal)] : crops);
      const { points, inputPx } = LANDMARKS;
      // Crop pixels of crop i's points (crop n + i is its mirror image).
      const cropPoints = (i: number): Point[] =>
        Array.from({ length: points }, (_, k) => ({ x: rel[(i * points + k) * 2] * inputPx, y: rel[(i * points + k) * 2 + 1] * inputPx }));
      ctx.landmarks = transforms.map((t, i) => {
        const pts = mirror ? averageWithMirror(cropPoints(i), cropPoints(crops.length + i), inputPx) : cropPoints(i);
        return pts.map((p) => applySimilarity(t, p));
      });
    }],
    ['align', (ctx) => {
      ctx.chipTransforms = ctx.landmarks.map((pts) => dlibChipTransform(pts));
      ctx.chips = ctx.chipTransforms.map((t) => warpImage(ctx.image, t, EMBEDDER.inputPx));
    }],
    ['embed', async (ctx) => {
      ctx.embeddings = await embedChips(this.nets, ctx.chips, ctx.options.flip);
      const jitters = ctx.options.templateJitters;
      if (jitters.length) {
        const sets = ctx.chipTransforms.map((t, i) => [ctx.chips[i], ...jitters.map((j) => warpImage(ctx.image, jitterChipTransform(t, j), EMBEDDER.inputPx))]);
        ctx.templates = await embedTemplates(this.nets, sets);
      }
    }],
    ['quality', (ctx) => {
      ctx.qualities = ctx.landmarks.map((pts, i) =>
        assessQuality(
          {
            landmarks68: pts,
            chip: ctx.chips[i],
            detectorScore: ctx.detections[i].score,
            imageWidth: ctx.image.width,
            imageHeight: ctx.image.height,
            pxToOriginal: 1 / ctx.image.scale,
          },
          ctx.options.quality,
        ),
      );
    }],
  ];

  /** One small run through every stage (the ONNX sessions warm themselves at load; tfjs compiles its wasm kernels here). */
  async warmup(): Promise<void> {
    const grey = new Uint8Array(64 * 64 * 3).fill(128);
    await this.analyzeDecoded({ data: grey, width: 64, height: 64, originalWidth: 64, originalHeight: 64, scale: 1, format: 'png' });
  }

  /** Decodes an image file's bytes and analyses every face in it. */
  async analyze(bytes: Uint8Array, options: Partial<AnalyzeOptions> = {}): Promise<AnalyzeResult> {
    const t0 = performance.now();
    const image = await decodeImage(bytes, this.settings.decode);
    const decodeMs = performance.now() - t0;
    const result = await this.analyzeDecoded(image, options);
    result.timings.decode = decodeMs;
    result.timings.total += decodeMs;
    return result;
  }

  /** Analyses an already decoded image (benchmarks, and callers that decode themselves). */
  async analyzeDecoded(image: DecodedImage, options: Partial<AnalyzeOptions> = {}): Promise<AnalyzeResult> {
    if (!this.models) throw new Error('FacePipeline.analyze() before load()');
    const ctx: Context = {
      image,
      options: { ...DEFAULT_ANALYZE_OPTIONS, ...options },
      detections: [], landmarks: [], chipTransforms: [], chips: [], embeddings: [], templates: [], qualities: [],
    };
    const timings: StageTimings = { total: 0 };
    for (const [name, stage] of this.stages) {
      const t = performance.now();
      await stage(ctx);
      const ms = performance.now() - t;
      timings[name] = ms;
      timings.total += ms;
      if (ctx.detections.length === 0) break;
    }
    const toOriginal = 1 / image.scale;
    const faces: FaceAnalysis[] = ctx.detections.map((d, i) => ({
      box: { x: d.box.x * toOriginal, y: d.box.y * toOriginal, width: d.box.width * toOriginal, height: d.box.height * toOriginal },
      score: d.score,
      landmarks: ctx.landmarks[i].map((p) => ({ x: p.x * toOriginal, y: p.y * toOriginal })),
      quality: ctx.qualities[i],
      embedding: ctx.embeddings[i],
      ...(ctx.templates.length ? { template: ctx.templates[i] } : {}),
      ...(ctx.options.keepChips ? { chip: ctx.chips[i] } : {}),
    }));
    return { faces, width: image.originalWidth, height: image.originalHeight, timings };
  }
}
