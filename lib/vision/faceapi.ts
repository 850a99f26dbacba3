/**
 * The one file that imports `@vladmandic/face-api`: its 68-point landmark net and its port of
 * dlib's ResNet-34 face descriptor. face-api runs on the same tfjs engine that `human.ts`
 * set up (both builds require the same `@tensorflow/tfjs-core` module).
 */
import path from 'node:path';
import { detectTfRuntime } from './human';
import { EMBEDDER, LANDMARKS, packageDir } from './models';
import { runtimeRequire } from './runtime-require';
import type { RgbImage } from './types';

type Tensor = { dispose(): void; data(): Promise<Float32Array>; shape: number[] };
interface FaceApiTf {
  tensor3d(values: Float32Array | Uint8Array, shape: [number, number, number], dtype: 'float32' | 'int32'): Tensor;
}
interface FaceApiNet {
  loadFromDisk(dir: string): Promise<void>;
  forward(input: Tensor[]): Promise<Tensor>;
  dispose(): void;
  isLoaded: boolean;
}
interface FaceApiModule {
  tf: FaceApiTf;
  nets: { faceLandmark68Net: FaceApiNet; faceRecognitionNet: FaceApiNet };
}


export class FaceApiNets {
  private faceapi: FaceApiModule | undefined;

  async load(): Promise<void> {
    if (this.faceapi) return;
    const dist = path.join(packageDir(LANDMARKS.packageName), 'dist');
    const build = detectTfRuntime() === 'tfjs-node' ? 'face-api.node.js' : 'face-api.node-wasm.js';
    const faceapi = runtimeRequire(/* turbopackIgnore: true */ path.join(dist, build)) as FaceApiModule;
    const modelDir = (file: string) => path.dirname(path.join(packageDir(LANDMARKS.packageName), file));
    await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir(LANDMARKS.files[0]));
    await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir(EMBEDDER.files[0]));
    this.faceapi = faceapi;
  }

  private get api(): FaceApiModule {
    if (!this.faceapi) throw new Error('FaceApiNets used before load()');
    return this.faceapi;
  }

  private toTensors(images: RgbImage[]): Tensor[] {
    return images.map((img) => this.api.tf.tensor3d(img.data, [img.height, img.width, 3], 'int32'));
  }

  private async run(net: FaceApiNet, images: RgbImage[]): Promise<Float32Array> {
    const inputs = this.toTensors(images);
    try {
      const out = await net.forward(inputs);
      try {
        return await out.data();
      } finally {
        out.dispose();
      }
    } finally {
      for (const t of inputs) t.dispose();
    }
  }

  /**
   * 68 landmarks for each square crop, as (x, y) pairs relative to the crop (0..1), all crops in
   * one batch: result[i * 136 + 2 * k] is x of point k of crop i.
   */
  async landmarks(crops: RgbImage[]): Promise<Float32Array> {
    if (crops.length === 0) return new Float32Array(0);
    return this.run(this.api.nets.faceLandmark68Net, crops);
  }

  /** Raw (unnormalised) 128-d descriptors of 150x150 chips, one batch: row i at [i*128, i*128+128). */
  async describe(chips: RgbImage[]): Promise<Float32Array> {
    if (chips.length === 0) return new Float32Array(0);
    return this.run(this.api.nets.faceRecognitionNet, chips);
  }

  async dispose(): Promise<void> {
    if (!this.faceapi) return;
    // face-api's nets are module singletons: another instance may have disposed them already.
    for (const net of [this.faceapi.nets.faceLandmark68Net, this.faceapi.nets.faceRecognitionNet]) if (net.isLoaded) net.dispose();
    this.faceapi = undefined;
  }
}
