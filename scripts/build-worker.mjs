// Bundles lib/vision/worker.ts into dist/vision-worker.js, a plain CommonJS file that
// worker_threads can start in dev, in tests and in the standalone server alike. The ML
// packages (onnxruntime-node with its native binding among them) and sharp stay external:
// they load from node_modules at run time.
import { build } from 'esbuild';

await build({
  entryPoints: ['lib/vision/worker.ts'],
  outfile: 'dist/vision-worker.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['@vladmandic/*', '@tensorflow/*', 'sharp', 'onnxruntime-node'],
});
