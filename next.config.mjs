/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'standalone',
  poweredByHeader: false,
  // Native and wasm packages load from node_modules at run time instead of being bundled.
  serverExternalPackages: [
    '@vladmandic/human',
    '@vladmandic/face-api',
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-converter',
    '@tensorflow/tfjs-backend-wasm',
    'sharp',
    'better-sqlite3',
    'pg',
    'piscina',
    'hnswlib-node',
    'pino',
  ],
  // The vision code requires Human's and face-api's build files, model weights and tfjs' .wasm
  // by computed paths, which the standalone trace cannot follow: name them.
  outputFileTracingIncludes: {
    '/**': [
      './node_modules/@vladmandic/human/dist/human.node-wasm.js',
      './node_modules/@vladmandic/human/models/blazeface.*',
      './node_modules/@vladmandic/face-api/dist/face-api.node-wasm.js',
      './node_modules/@vladmandic/face-api/model/face_landmark_68_model*',
      './node_modules/@vladmandic/face-api/model/face_recognition_model*',
      './node_modules/@tensorflow/**/*.{js,json,wasm}',
    ],
  },
};

export default nextConfig;
