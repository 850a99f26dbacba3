// Completes the standalone output so `.next/standalone` runs on its own (as the Dockerfile
// deploys it): Next leaves static assets and public/ out, and cannot see what the inference
// worker loads, since the worker is a separate bundle (dist/vision-worker.js) that loads
// onnxruntime-node and reads the converted models (dist/models, written by
// `npm run build:worker`) from disk. Those are traced here with @vercel/nft (the tracer Next
// uses) and copied; onnxruntime-node's native library for linux x64 and arm64 only (the
// package carries every platform's binaries, ~290 MB). The tfjs reference runtime (Human,
// face-api, tfjs, their weights and .wasm) is for tests and benchmarks and stays out.
import fs from 'node:fs';
import path from 'node:path';
import { nodeFileTrace } from '@vercel/nft';

const out = '.next/standalone';
const copy = (from, to) => {
  if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true, force: true, dereference: true });
};
copy('.next/static', `${out}/.next/static`);
copy('public', `${out}/public`);

// Entry points the worker reaches at run time, besides its own bundle.
const entries = [
  'dist/vision-worker.js',
  'node_modules/sharp/dist/index.cjs',
  'node_modules/piscina/dist/worker.js',
  'node_modules/onnxruntime-node/dist/index.js',
];
// Data files read from disk: the converted models, ONNX Runtime's native library.
const dataGlobs = [
  ['dist/models', /\.onnx$/],
  // The CUDA provider libraries are there only where a user installed them (docs/models.md, GPU).
  ['node_modules/onnxruntime-node/bin/napi-v6/linux/x64', /^(libonnxruntime\.so\.1|onnxruntime_binding\.node|libonnxruntime_providers_\w+\.so)$/],
  ['node_modules/onnxruntime-node/bin/napi-v6/linux/arm64', /^(libonnxruntime\.so\.1|onnxruntime_binding\.node)$/],
  ['node_modules/onnxruntime-node', /^package\.json$/],
];
// onnxruntime-node's binaries for other systems are never copied, whatever the tracer found,
// nor the tfjs reference runtime the worker bundle can name but the server never loads.
const leftOut = [/^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/(?!linux\/(x64|arm64)\/)/, /^node_modules\/(@vladmandic|@tensorflow)\//];

const { fileList } = await nodeFileTrace(entries, { base: process.cwd() });
const files = new Set(fileList);
for (const [dir, pattern] of dataGlobs) {
  for (const name of fs.readdirSync(dir)) if (pattern.test(name)) files.add(path.join(dir, name));
}
let n = 0;
for (const file of files) {
  if (file.startsWith('..') || path.isAbsolute(file) || leftOut.some((p) => p.test(file))) continue;
  const target = path.join(out, file);
  if (fs.statSync(file).isDirectory()) continue;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(file, target);
  n++;
}
console.log(`postbuild: standalone completed (${n} worker files traced and copied)`);
