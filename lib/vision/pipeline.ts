/**
 * The face pipeline: decode -> detect -> landmarks -> align -> embed -> quality, one table of
 * stages over a shared context, each stage timed. An instance owns its models (`load()`,
 * `dispose()`); several faces in one image go through each network as one batch.
 */
import { applySimilarity, CHIP_SIZE_PX, dlibChipTransform, landmarkBox, squareCropTransform, warpImage } from './align';
import { detectFaces } from './detect';
import { embedChips } from './embed';
import { FaceApiNets } from './faceapi';
import { DEFAULT_DETECTOR_OPTIONS, HumanDetector, type DetectorOptions, type TfRuntime } from './human';
import { decodeImage, DEFAULT_DECODE_LIMITS, type DecodeLimits } from './image';
import { LANDMARKS } from './models';
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
}

export const DEFAULT_ANALYZE_OPTIONS: AnalyzeOptions = {
  flip: true,
  keepChips: false,
  quality: RECOGNITION_QUALITY,
  maxFaces: 20,
};

export interface PipelineSettings {
  detector: DetectorOptions;
  decode: DecodeLimits;
  /** Extra growth of the landmark box around the detector's (1 = the measured SSD-like box). */
  landmarkBoxGrow: number;
}

export const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = {
  detector: DEFAULT_DETECTOR_OPTIONS,
  decode: DEFAULT_DECODE_LIMITS,
  landmarkBoxGrow: 1,
};

interface Context {
  image: DecodedImage;
  options: AnalyzeOptions;
  detections: Detection[];
  landmarks: Point[][];
  chips: RgbImage[];
  embeddings: Float32Array[];
  qualities: FaceQuality[];
}

type Stage = (ctx: Context) => Promise<void> | void;

export class FacePipeline {
  private readonly detector: HumanDetector;
  private readonly nets = new FaceApiNets();
  private loaded = false;
  readonly settings: PipelineSettings;

  constructor(settings: Partial<PipelineSettings> = {}) {
    this.settings = { ...DEFAULT_PIPELINE_SETTINGS, ...settings };
    this.detector = new HumanDetector(this.settings.detector);
  }

  get runtime(): TfRuntime {
    return this.detector.runtime;
  }

  async load(): Promise<void> {
    if (this.loaded) return;
    await this.detector.load();
    await this.nets.load();
    this.loaded = true;
  }

  async dispose(): Promise<void> {
    await this.nets.dispose();
    await this.detector.dispose();
    this.loaded = false;
  }

  /** Live tfjs tensors; constant across calls when nothing leaks. */
  tensorCount(): number {
    return this.detector.tensorCount();
  }

  private readonly stages: [StageName, Stage][] = [
    ['detect', async (ctx) => {
      ctx.detections = (await detectFaces(this.detector, ctx.image)).slice(0, ctx.options.maxFaces);
    }],
    ['landmarks', async (ctx) => {
      const boxes = ctx.detections.map((d) => landmarkBox(d, this.settings.landmarkBoxGrow));
      const transforms = boxes.map((b) => squareCropTransform(b, LANDMARKS.inputPx));
      const crops = boxes.map((b, i) => warpImage(ctx.image, transforms[i], LANDMARKS.inputPx, b));
      const rel = await this.nets.landmarks(crops);
      ctx.landmarks = transforms.map((t, i) => {
        const pts: Point[] = [];
        for (let k = 0; k < 68; k++) {
          const u = rel[i * 136 + 2 * k] * LANDMARKS.inputPx;
          const v = rel[i * 136 + 2 * k + 1] * LANDMARKS.inputPx;
          pts.push(applySimilarity(t, { x: u, y: v }));
        }
        return pts;
      });
    }],
    ['align', (ctx) => {
      ctx.chips = ctx.landmarks.map((pts) => warpImage(ctx.image, dlibChipTransform(pts), CHIP_SIZE_PX));
    }],
    ['embed', async (ctx) => {
      ctx.embeddings = await embedChips(this.nets, ctx.chips, ctx.options.flip);
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
    if (!this.loaded) throw new Error('FacePipeline.analyze() before load()');
    const ctx: Context = {
      image,
      options: { ...DEFAULT_ANALYZE_OPTIONS, ...options },
      detections: [], landmarks: [], chips: [], embeddings: [], qualities: [],
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
      ...(ctx.options.keepChips ? { chip: ctx.chips[i] } : {}),
    }));
    return { faces, width: image.originalWidth, height: image.originalHeight, timings };
  }
}
