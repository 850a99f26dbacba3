/**
 * The four networks on ONNX Runtime: BlazeFace with our own decoding and the face-mesh
 * confidence as the detector, face-api's landmark68 and ResNet-34 as the face nets. Same
 * weights and the same inputs as the tfjs path (human.ts, faceapi.ts), which stays as the
 * reference the agreement tests compare against.
 */
import { blazeFaceAnchors, decodeBlazeFace, humanFaceBox } from './blazeface';
import { DEFAULT_DETECTOR_OPTIONS, passesVerification, type DetectorOptions, type DetectorOutput, type FaceDetector } from './detect';
import { DETECTOR, EMBEDDER, LANDMARKS, MESH } from './models';
import { batchOfImages, writeCropResized, writeResizedBilinear } from './network-input';
import { BLAZEFACE_OUTPUTS, type OnnxModelName } from './onnx/convert';
import { loadOnnxModel } from './onnx/store';
import { DEFAULT_SESSION_SETTINGS, OnnxSession, type SessionSettings } from './ort';
import type { Detection, RgbImage } from './types';

export interface OnnxSettings {
  session: SessionSettings;
}

export const DEFAULT_ONNX_SETTINGS: OnnxSettings = { session: DEFAULT_SESSION_SETTINGS };

/** What loading found: where each model came from and which provider runs it. */
export interface OnnxLoadReport {
  executionProvider: string;
  /** Set when the requested execution provider could not be used. */
  fallback?: string;
  /** Models converted in memory because no converted file was found. */
  convertedAtLoad: OnnxModelName[];
}

async function openModel(name: OnnxModelName, settings: OnnxSettings, report: OnnxLoadReport): Promise<OnnxSession> {
  const { bytes, source } = loadOnnxModel(name);
  if (source === 'converted') report.convertedAtLoad.push(name);
  const session = await OnnxSession.create(bytes, settings.session);
  report.executionProvider = session.provider;
  if (session.fallback) report.fallback = session.fallback;
  return session;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export class OnnxDetector implements FaceDetector {
  private blazeface: OnnxSession | undefined;
  /** The face-mesh model, for its face confidence only: verifies BlazeFace's candidates. */
  private mesh: OnnxSession | undefined;
  private readonly anchors = blazeFaceAnchors();

  constructor(private readonly options: DetectorOptions = DEFAULT_DETECTOR_OPTIONS) {}

  async load(settings: OnnxSettings, report: OnnxLoadReport): Promise<void> {
    this.blazeface = await openModel('blazeface', settings, report);
    this.mesh = await openModel('facemesh', settings, report);
    // One run each: the first call of a session allocates its buffers.
    const side = DETECTOR.inputPx;
    const grey: RgbImage = { data: new Uint8Array(side * side * 3).fill(128), width: side, height: side };
    await this.detect(grey);
    await this.meshScores(grey, [{ x: 64, y: 64, width: 128, height: 128 }]);
  }

  /** Face-mesh confidence (0..1) of every box, one batch; each crop as Human prepared it. */
  async meshScores(image: RgbImage, boxes: Detection['box'][]): Promise<Float32Array> {
    const side = MESH.inputPx;
    const per = side * side * 3;
    const input = new Float32Array(boxes.length * per);
    boxes.forEach((b, i) => {
      const crop = { y1: b.y / image.height, x1: b.x / image.width, y2: (b.y + b.height) / image.height, x2: (b.x + b.width) / image.width };
      writeCropResized(image, crop, side, input, i * per, 1 / 255);
    });
    const mesh = this.mesh;
    if (!mesh) throw new Error('OnnxDetector.meshScores() before load()');
    const out = await mesh.run({ [mesh.inputNames[0]]: { data: input, dims: [boxes.length, side, side, 3] } });
    return out.faceflag.data;
  }

  /** Every candidate in a (square) image, split by the verification rule: Human's box (pixels) and score. */
  async detect(image: RgbImage): Promise<DetectorOutput> {
    const net = this.blazeface;
    if (!net) throw new Error('OnnxDetector.detect() before load()');
    const side = DETECTOR.inputPx;
    const input = new Float32Array(side * side * 3);
    writeResizedBilinear(image, side, side, input, 0, 1 / 127.5, -1);
    const out = await net.run({ [net.inputNames[0]]: { data: input, dims: [1, side, side, 3] } });
    const heads = {
      logits: concat(out[BLAZEFACE_OUTPUTS.logits512].data, out[BLAZEFACE_OUTPUTS.logits384].data),
      regressors: concat(out[BLAZEFACE_OUTPUTS.boxes512].data, out[BLAZEFACE_OUTPUTS.boxes384].data),
    };
    const candidates = decodeBlazeFace(heads, this.anchors, this.options);
    const faces = candidates.flatMap((c) => humanFaceBox(c, image.width, image.height) ?? []);
    const result: DetectorOutput = { faces: [], doubtful: [] };
    if (faces.length === 0) return result;
    const meshScores = await this.meshScores(image, faces.map((f) => f.box));
    faces.forEach((f, i) => {
      const scored = { ...f, score: Math.max(meshScores[i], f.detectorScore) };
      (passesVerification(this.options, f.detectorScore, meshScores[i]) ? result.faces : result.doubtful).push(scored);
    });
    return result;
  }

  async dispose(): Promise<void> {
    await this.blazeface?.dispose();
    await this.mesh?.dispose();
    this.blazeface = this.mesh = undefined;
  }
}

/** face-api's landmark68 and ResNet-34 nets; every call is one batch. */
export class OnnxFaceNets {
  private landmarkNet: OnnxSession | undefined;
  private embedNet: OnnxSession | undefined;

  async load(settings: OnnxSettings, report: OnnxLoadReport): Promise<void> {
    this.landmarkNet = await openModel('landmark68', settings, report);
    this.embedNet = await openModel('resnet34', settings, report);
    // Warm with the batch sizes of a one-face frame: 1 crop, a chip and its mirror image.
    const grey = (side: number): RgbImage => ({ data: new Uint8Array(side * side * 3).fill(128), width: side, height: side });
    await this.landmarks([grey(LANDMARKS.inputPx)]);
    await this.describe([grey(EMBEDDER.inputPx), grey(EMBEDDER.inputPx)]);
  }

  private async run(net: OnnxSession | undefined, images: RgbImage[], side: number): Promise<Float32Array> {
    if (!net) throw new Error('OnnxFaceNets used before load()');
    if (images.length === 0) return new Float32Array(0);
    const out = await net.run({ input: { data: batchOfImages(images, side), dims: [images.length, side, side, 3] } });
    return out.output.data;
  }

  /** LANDMARKS.points landmarks per crop, (x, y) relative to the crop (0..1): result[(i * points + k) * 2] is x of point k of crop i. */
  landmarks(crops: RgbImage[]): Promise<Float32Array> {
    return this.run(this.landmarkNet, crops, LANDMARKS.inputPx);
  }

  /** Raw (unnormalised) descriptors of chips, EMBEDDER.dim values each: row i at [i * dim, (i + 1) * dim). */
  describe(chips: RgbImage[]): Promise<Float32Array> {
    return this.run(this.embedNet, chips, EMBEDDER.inputPx);
  }

  async dispose(): Promise<void> {
    await this.landmarkNet?.dispose();
    await this.embedNet?.dispose();
    this.landmarkNet = this.embedNet = undefined;
  }
}
