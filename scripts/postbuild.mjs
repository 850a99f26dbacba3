// Completes the standalone output so `.next/standalone` runs on its own (as the Dockerfile
// deploys it): Next leaves static assets and public/ out, and cannot see what the inference
// worker loads, since the worker is a separate bundle (dist/vision-worker.js) that requires
// Human's and face-api's build files by computed path and reads model weights and tfjs' .wasm
// from disk. Those are traced here with @vercel/nft (the tracer Next uses) and copied.
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
  'node_modules/@vladmandic/human/dist/human.node-wasm.js',
  'node_modules/@vladmandic/face-api/dist/face-api.node-wasm.js',
  'node_modules/@tensorflow/tfjs-converter/dist/tf-converter.node.js',
  'node_modules/sharp/dist/index.cjs',
  'node_modules/piscina/dist/worker.js',
];
// Data files read from disk: weights of the models in lib/vision/models.ts, tfjs' wasm.
const dataGlobs = [
  ['node_modules/@vladmandic/human/models', /^(blazeface|facemesh)\.(json|bin)$/],
  ['node_modules/@vladmandic/face-api/model', /^face_(landmark_68|recognition)_model/],
  ['node_modules/@tensorflow/tfjs-backend-wasm/dist', /\.wasm$/],
  ['node_modules/@vladmandic/human', /^package\.json$/],
  ['node_modules/@vladmandic/face-api', /^package\.json$/],
];

const { fileList } = await nodeFileTrace(entries, { base: process.cwd() });
const files = new Set(fileList);
for (const [dir, pattern] of dataGlobs) {
  for (const name of fs.readdirSync(dir)) if (pattern.test(name)) files.add(path.join(dir, name));
}
let n = 0;
for (const file of files) {
  if (file.startsWith('..') || path.isAbsolute(file)) continue;
  const target = path.join(out, file);
  if (fs.statSync(file).isDirectory()) continue;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(file, target);
  n++;
}
console.log(`postbuild: standalone completed (${n} worker files traced and copied)`);
