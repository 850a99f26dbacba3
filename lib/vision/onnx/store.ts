/**
 * Where converted models live: `dist/models/` under the working directory, written by
 * `npm run build:worker` (scripts/convert-models.ts) and copied into the standalone output by
 * scripts/postbuild.mjs. A model missing there is converted in memory instead (about a second
 * for all four), so tests and a fresh checkout still run; the loader says which happened.
 */
import fs from 'node:fs';
import path from 'node:path';
import { convertModel, onnxFileName, type OnnxModelName } from './convert';

export function defaultModelDir(): string {
  return path.join(/* turbopackIgnore: true */ process.cwd(), 'dist', 'models');
}

export interface LoadedModel {
  bytes: Uint8Array;
  source: 'file' | 'converted';
}

export function loadOnnxModel(name: OnnxModelName, dir: string = defaultModelDir()): LoadedModel {
  const file = path.join(/* turbopackIgnore: true */ dir, onnxFileName(name));
  if (fs.existsSync(/* turbopackIgnore: true */ file)) return { bytes: fs.readFileSync(/* turbopackIgnore: true */ file), source: 'file' };
  return { bytes: convertModel(name), source: 'converted' };
}

/** Converts every model into `dir` (build time); returns the files written. */
export function writeOnnxModels(dir: string, names: OnnxModelName[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return names.map((name) => {
    const file = path.join(dir, onnxFileName(name));
    fs.writeFileSync(file, convertModel(name));
    return file;
  });
}
