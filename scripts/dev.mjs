// `npm run dev`: builds the inference worker, runs `next dev`, and rebuilds the worker when
// lib/vision changes. Next recompiles the routes by itself, but the worker pool's threads
// loaded dist/vision-worker.js when they started and never retire (lib/vision/pool.ts), and the
// pool lives on globalThis across Next's reloads: so after a rebuild `next dev` is restarted and
// the first request starts a fresh pool on the new bundle. A build that fails leaves the running
// server as it was. Arguments after `--` go to `next dev` (`npm run dev -- -p 3001`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const WATCHED = 'lib/vision';
/** Editors save in bursts (temp file, rename, chmod): one rebuild per burst. */
const DEBOUNCE_MS = 300;
const nextArgs = process.argv.slice(2);

const log = (line) => process.stdout.write(`dev: ${line}\n`);

/** Runs `npm run build:worker`; resolves true when it succeeded. */
function buildWorker() {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'build:worker'], { stdio: 'inherit' });
    child.on('exit', (code) => resolve(code === 0));
    child.on('error', () => resolve(false));
  });
}

let next = null;

function startNext() {
  // Its own process group, so stopping it stops the server process it starts too.
  next = spawn(path.join('node_modules', '.bin', 'next'), ['dev', ...nextArgs], { stdio: 'inherit', detached: true });
  const child = next;
  child.on('exit', (code, signal) => {
    if (next === child && !stopping) {
      log(`next dev exited (${signal ?? code}); stopping`);
      process.exit(code ?? 1);
    }
  });
}

function stopNext() {
  const child = next;
  next = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

let stopping = false;
let timer = null;
let building = false;
let again = false;
const changed = new Set();

async function rebuild() {
  if (building) {
    again = true;
    return;
  }
  building = true;
  const files = [...changed];
  changed.clear();
  log(`${files.slice(0, 3).join(', ')}${files.length > 3 ? ` and ${files.length - 3} more` : ''} changed: rebuilding the inference worker`);
  const t0 = performance.now();
  const ok = await buildWorker();
  if (ok && !stopping) {
    log(`worker rebuilt in ${Math.round(performance.now() - t0)} ms; restarting next dev so the pool loads it`);
    await stopNext();
    if (!stopping) startNext();
  } else if (!ok) {
    log('worker build failed; the running server keeps the previous worker');
  }
  building = false;
  if (again) {
    again = false;
    await rebuild();
  }
}

async function shutdown() {
  stopping = true;
  clearTimeout(timer);
  await stopNext();
  process.exit(0);
}

process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

if (!(await buildWorker())) process.exit(1);
startNext();
fs.watch(WATCHED, { recursive: true }, (_event, file) => {
  if (!file || /(^|\/)\.|~$|\.swp$/.test(file)) return;
  changed.add(path.join(WATCHED, file));
  clearTimeout(timer);
  timer = setTimeout(rebuild, DEBOUNCE_MS);
});
log(`watching ${WATCHED} for changes to the inference worker`);
