/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'standalone',
  poweredByHeader: false,
  // Types are checked by `npm run check` (app, tests and scripts together, in CI); the build
  // does not check them a second time.
  typescript: { ignoreBuildErrors: true },
  // Native and wasm packages load from node_modules at run time instead of being bundled.
  serverExternalPackages: [
    '@vladmandic/human',
    '@vladmandic/face-api',
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-converter',
    '@tensorflow/tfjs-backend-wasm',
    'onnxruntime-node',
    'sharp',
    'better-sqlite3',
    'pg',
    'piscina',
    'hnswlib-node',
    'pino',
  ],
  // The inference worker (dist/vision-worker.js) and what it loads are traced and copied into
  // the standalone output by scripts/postbuild.mjs; Next's tracer cannot follow them.
  // The registry's native addons are found through `bindings` at run time:
  outputFileTracingIncludes: {
    '/**': [
      './node_modules/hnswlib-node/build/Release/*.node',
      './node_modules/better-sqlite3/build/Release/*.node',
    ],
  },
};

export default nextConfig;
