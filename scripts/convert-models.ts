/**
 * Converts the four networks to ONNX into dist/models/ (run by `npm run build:worker`, so by
 * `npm run build`, `dev`, the benchmarks and `npm test`). At build time rather than at start-up:
 * the standalone output and the Docker image then carry finished files, no instance spends
 * its cold start converting, and nothing needs a writable application folder at run time.
 */
import { ONNX_MODELS, type OnnxModelName } from '../lib/vision/onnx/convert';
import { defaultModelDir, writeOnnxModels } from '../lib/vision/onnx/store';

const t0 = performance.now();
const files = writeOnnxModels(defaultModelDir(), Object.keys(ONNX_MODELS) as OnnxModelName[]);
console.log(`convert-models: ${files.length} ONNX models written to dist/models in ${Math.round(performance.now() - t0)} ms`);
