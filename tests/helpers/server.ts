/**
 * Starts the production build (`.next/standalone/server.js`, what `npm run build` makes and the
 * Dockerfile deploys) as a child process on a free port with its own data folder, and waits
 * until /api/v1/ready answers 200. Tests talk to it over real HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const STANDALONE_SERVER = path.resolve(__dirname, '..', '..', '.next', 'standalone', 'server.js');

export interface RunningServer {
  url: string;
  port: number;
  adminKey: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM, then wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash), then wait for exit. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
  port?: number;
  adminKey?: string;
  /** How long to wait for readiness. */
  readyTimeoutMs?: number;
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  if (!fs.existsSync(STANDALONE_SERVER)) {
    throw new Error(`${STANDALONE_SERVER} is missing: run \`npm run build\` first (npm test does it in pretest).`);
  }
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-test-'));
  const adminKey = opts.adminKey ?? `test-admin-${crypto.randomBytes(12).toString('hex')}`;
  const child = spawn(process.execPath, [STANDALONE_SERVER], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      FACEREC_DATA_DIR: dataDir,
      FACEREC_ADMIN_KEY: adminKey,
      FACEREC_WORKERS: '1',
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/api/v1/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${opts.readyTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    // Next's graceful close waits for open keep-alive connections; do not wait forever.
    const forced = setTimeout(() => child.kill('SIGKILL'), 8000);
    await exited;
    clearTimeout(forced);
  };
  return { url, port, adminKey, dataDir, process: child, output: () => output, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}
