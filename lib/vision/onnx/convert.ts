/**
 * The model converter: the four networks of the pipeline as ONNX files, built from the weight
 * files inside `@vladmandic/human` and `@vladmandic/face-api` (see models.ts). Pure: reads the
 * packages, returns bytes; `scripts/convert-models.ts` writes them at build time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DETECTOR, EMBEDDER, LANDMARKS, MESH, packageDir, type ModelSpec } from '../models';
import { buildLandmark68, buildResnet34 } from './faceapi-graphs';
import { convertTfGraph, type TfGraphModelJson } from './tfjs-graph';
import { readWeights, type ManifestGroup } from './weights';

/**
 * Bump when the converter's output changes, so converted files from an older build are not
 * taken for current ones.
 */
export const CONVERTER_VERSION = 1;

export type OnnxModelName = 'blazeface' | 'facemesh' | 'landmark68' | 'resnet34';

export const ONNX_MODELS: Record<OnnxModelName, ModelSpec> = {
  blazeface: DETECTOR,
  facemesh: MESH,
  landmark68: LANDMARKS,
  resnet34: EMBEDDER,
};

/** File name of a converted model; carries the source model's id and version and the converter's version. */
export function onnxFileName(name: OnnxModelName): string {
  const spec = ONNX_MODELS[name];
  return `${spec.id}-${spec.version}-c${CONVERTER_VERSION}.onnx`;
}

function sourceFile(spec: ModelSpec, index: number): string {
  return path.join(packageDir(spec.packageName), spec.files[index]);
}

function readFaceApi(spec: ModelSpec) {
  const manifestFile = sourceFile(spec, 0);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as ManifestGroup[];
  return readWeights(manifest, path.dirname(manifestFile));
}

function readGraphModel(spec: ModelSpec): { json: TfGraphModelJson; weights: ReturnType<typeof readWeights> } {
  const jsonFile = sourceFile(spec, 0);
  const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as TfGraphModelJson;
  return { json, weights: readWeights(json.weightsManifest, path.dirname(jsonFile)) };
}

/**
 * BlazeFace's four heads, named by what they hold: per anchor, a face logit and 16 regressors
 * (box centre offset, size, then 6 keypoints as x, y), for the 512 anchors of the 16x16 grid
 * (stride 16, 2 per cell) and the 384 of the 8x8 grid (stride 32, 6 per cell).
 */
export const BLAZEFACE_OUTPUTS = { logits512: 'logits_512', logits384: 'logits_384', boxes512: 'regressors_512', boxes384: 'regressors_384' } as const;

export function convertModel(name: OnnxModelName): Uint8Array {
  const spec = ONNX_MODELS[name];
  const doc = `${spec.description}; converted by facerec (converter v${CONVERTER_VERSION}) from ${spec.packageName}@${spec.version} ${spec.files.join(', ')}`;
  switch (name) {
    case 'landmark68':
      return buildLandmark68(readFaceApi(spec));
    case 'resnet34':
      return buildResnet34(readFaceApi(spec));
    case 'blazeface': {
      const { json, weights } = readGraphModel(spec);
      return convertTfGraph(json, weights, spec.id, [
        { node: 'Identity', name: BLAZEFACE_OUTPUTS.logits512, shape: ['N', 512, 1] },
        { node: 'Identity_1', name: BLAZEFACE_OUTPUTS.logits384, shape: ['N', 384, 1] },
        { node: 'Identity_2', name: BLAZEFACE_OUTPUTS.boxes512, shape: ['N', 512, 16] },
        { node: 'Identity_3', name: BLAZEFACE_OUTPUTS.boxes384, shape: ['N', 384, 16] },
      ], doc);
    }
    case 'facemesh': {
      const { json, weights } = readGraphModel(spec);
      // Only the face flag: the pipeline uses the mesh model as a face/non-face check.
      return convertTfGraph(json, weights, spec.id, [{ node: 'Identity_1', name: 'faceflag', shape: ['N', 1] }], doc);
    }
  }
}
