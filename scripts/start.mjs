// `npm start`: runs the standalone server that `npm run build` produced, in this process.
// The standalone server changes into its own folder, so relative paths from the environment
// are resolved against the directory `npm start` was run from first.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const server = path.resolve('.next/standalone/server.js');
if (!fs.existsSync(server)) {
  console.error('facerec: no build found (.next/standalone/server.js); run `npm run build` first.');
  process.exit(1);
}
process.env.FACEREC_DATA_DIR = path.resolve(process.env.FACEREC_DATA_DIR ?? 'data');
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.PORT ??= '3000';
process.env.HOSTNAME ??= '0.0.0.0';
await import(pathToFileURL(server).href);
