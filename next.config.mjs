/**
 * Set on every answer (pages, API, static files, redirects, 404s). The pages' Content-Security-Policy
 * carries a per-request nonce and is set by proxy.ts; the API's is fixed (API_CONTENT_SECURITY_POLICY
 * in lib/server/security-headers.ts, repeated here because this file cannot import TypeScript).
 */
const SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Permissions-Policy', value: 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()' },
  // For browsers without CSP frame-ancestors.
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'standalone',
  poweredByHeader: false,
  async headers() {
    return [
      { source: '/:path*', headers: SECURITY_HEADERS },
      {
        source: '/api/:path*',
        headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" }],
      },
    ];
  },
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
