/**
 * npm run bench:load [-- --clients 50 --seconds 30]
 *
 * Starts the production server (like the API tests), then N concurrent clients post 640x480
 * single-face JPEG frames to /api/v1/recognize for a fixed time, each sending its next frame
 * when the previous answer arrives. Reports throughput, latency p50/p99 of answered frames,
 * 503 (backpressure) and other error counts, and the server's RSS before and after. A first
 * phase with one client gives the per-frame service time to compare against.
 * Prints JSON and appends to docs/benchmarks.md. Traffic goes to 127.0.0.1 only.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { startServer } from '../tests/helpers/server';
import { appendToBenchmarks, DATASETS_DIR, percentile } from './report';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** CPU seconds (user + system) a process has used so far, all threads or (`thread`) one. */
function cpuSeconds(pid: number, thread?: number): number {
  // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks, counted after the ')' of the name.
  const file = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  const fields = fs.readFileSync(file, 'utf8').split(')').pop()!.trim().split(/\s+/);
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

const STAGES = ['decode', 'detect', 'landmarks', 'align', 'embed', 'quality', 'search', 'total'] as const;

/**
 * How long a client waits after a 503: the server's Retry-After (1 s), as a well-behaved client
 * does, unless `--backoff-ms` says otherwise (the entries before 2026-12-02 18:00 used 50 ms).
 */
const BACKOFF_MS = process.argv.includes('--backoff-ms') ? arg('backoff-ms', 50) : undefined;

async function phase(url: string, frame: Buffer, clients: number, seconds: number, serverPid: number) {
  const latencies: number[] = [];
  // The server's own per-stage timings of each answered frame (the answer carries them).
  const stages = Object.fromEntries(STAGES.map((s) => [s, [] as number[]])) as Record<(typeof STAGES)[number], number[]>;
  // Round trip minus the server's total: queue wait, worker hand-off, HTTP and Next.js.
  const outside: number[] = [];
  const statuses = new Map<number, number>();
  const serverCpu0 = cpuSeconds(serverPid);
  // The main thread's id is the process id: HTTP, Next.js and the route; the rest is the workers.
  const mainCpu0 = cpuSeconds(serverPid, serverPid);
  const ownCpu0 = process.cpuUsage();
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        let status = 0;
        try {
          const res = await fetch(`${url}/api/v1/recognize`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: frame as BodyInit });
          status = res.status;
          const body = (await res.json()) as { timings?: Record<string, number> };
          if (status === 200 && body.timings) {
            const ms = performance.now() - t;
            for (const st of STAGES) stages[st].push(body.timings[st] ?? 0);
            outside.push(ms - (body.timings.total ?? 0));
          }
          if (status === 503) {
            const ms = BACKOFF_MS ?? Number(res.headers.get('retry-after') ?? 1) * 1000;
            await new Promise((r) => setTimeout(r, Math.min(ms, end - Date.now())));
          }
        } catch {
          status = -1;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) latencies.push(performance.now() - t);
      }
    }),
  );
  const own = process.cpuUsage(ownCpu0);
  const serverCpu = cpuSeconds(serverPid) - serverCpu0;
  const mainCpu = cpuSeconds(serverPid, serverPid) - mainCpu0;
  const requests = [...statuses.values()].reduce((a, b) => a + b, 0);
  return {
    clients,
    seconds,
    // Cores busy on average: the server (main thread and workers) and this load generator.
    serverCores: serverCpu / seconds,
    loadGeneratorCores: (own.user + own.system) / 1e6 / seconds,
    // Answers per CPU-second the server got: what the server does with a core, whatever else
    // the shared machine runs (the wall-clock rate depends on how many cores it was given).
    answersPerServerCpuS: latencies.length / serverCpu,
    // CPU ms per request (answered or refused) on the main thread, and per answer in the workers.
    mainThreadMsPerRequest: (mainCpu * 1000) / requests,
    workerMsPerAnswer: ((serverCpu - mainCpu) * 1000) / latencies.length,
    serverStagesP50Ms: Object.fromEntries(STAGES.map((st) => [st, percentile(stages[st], 50)])),
    outsideP50Ms: percentile(outside, 50),
    answered: latencies.length,
    throughputPerS: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    statuses: Object.fromEntries(statuses),
  };
}

async function main() {
  const clients = arg('clients', 50);
  const seconds = arg('seconds', 30);
  const frame = await sharp(path.join(DATASETS_DIR, 'fr-examples/images/obama/examples__obama.jpg'))
    .resize(640, 480, { fit: 'contain', background: '#202020' }).jpeg({ quality: 85 }).toBuffer();
  const workers = arg('workers', 0);
  // Flip-averaged live embeddings are the product default (a measured accuracy choice); `--flip 0` measures without.
  const flip = arg('flip', 1) !== 0;
  const server = await startServer({
    env: { FACEREC_PUBLIC_RECOGNITION: 'true', FACEREC_WORKERS: String(workers), FACEREC_FLIP_LIVE: String(flip), FACEREC_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  try {
    const pid = server.process.pid!;
    // Warm both workers.
    await phase(server.url, frame, 2, 3, pid);
    const rssBefore = rssMb(pid);
    const single = await phase(server.url, frame, 1, Math.min(10, seconds), pid);
    const loaded = await phase(server.url, frame, clients, seconds, pid);
    const rssAfter = rssMb(pid);
    // A second loaded phase tells warm-up growth (first phase only) from a leak (both).
    const again = await phase(server.url, frame, clients, seconds, pid);
    const rssAfterAgain = rssMb(pid);
    // Details (the worker count) need a key since issue 12.
    const ready = await (await fetch(`${server.url}/api/v1/ready`, { headers: { authorization: `Bearer ${server.adminKey}` } })).json();
    const report = { workers: ready.workers, flip, single, loaded, again, rssBeforeMb: rssBefore, rssAfterMb: rssAfter, rssAfterAgainMb: rssAfterAgain };
    console.log(JSON.stringify(report, null, 2));
    const fiveXXOf = (p: { statuses: Record<string, number> }) =>
      Object.entries(p.statuses).filter(([s]) => Number(s) >= 500 && Number(s) !== 503).reduce((n, [, c]) => n + c, 0);
    appendToBenchmarks(
      `bench:load, ${clients} clients x ${seconds} s, 640x480 one-face frames`,
      [
        `Command: \`npm run bench:load -- --clients ${clients} --seconds ${seconds}${workers ? ` --workers ${workers}` : ''}${flip ? '' : ' --flip 0'}${BACKOFF_MS === undefined ? '' : ` --backoff-ms ${BACKOFF_MS}`}\` (clients wait ${BACKOFF_MS === undefined ? "the server's Retry-After" : `${BACKOFF_MS} ms`} after a 503; server: production build, ${ready.workers} inference workers, ${flip ? 'flip-averaged' : 'single (no flip)'} live embeddings)`,
        '',
        '| phase | clients | answered/s | p50 ms | p99 ms | 503 | other 5xx | errors |',
        '|---|---|---|---|---|---|---|---|',
        ...[single, loaded, again].map((p, i) => `| ${['single client', 'loaded', 'loaded again'][i]} | ${p.clients} | ${p.throughputPerS.toFixed(1)} | ${p.p50Ms.toFixed(0)} | ${p.p99Ms.toFixed(0)} | ${p.statuses[503] ?? 0} | ${fiveXXOf(p)} | ${p.statuses[-1] ?? 0} |`),
        '',
        'Where the time goes, answered frames, p50 ms (server-side stage timings from the answers; "outside" = round trip minus the server\'s total: queue wait, worker hand-off, HTTP and Next.js), and cores busy on average:',
        '',
        `| phase | ${STAGES.join(' | ')} | outside | server cores | load generator cores | answers per server CPU-s | main thread CPU ms / request | worker CPU ms / answer |`,
        `|---|${STAGES.map(() => '---').join('|')}|---|---|---|---|---|---|`,
        ...[single, loaded, again].map((p, i) => `| ${['single client', 'loaded', 'loaded again'][i]} | ${STAGES.map((st) => p.serverStagesP50Ms[st].toFixed(1)).join(' | ')} | ${p.outsideP50Ms.toFixed(1)} | ${p.serverCores.toFixed(2)} | ${p.loadGeneratorCores.toFixed(2)} | ${p.answersPerServerCpuS.toFixed(1)} | ${p.mainThreadMsPerRequest.toFixed(1)} | ${p.workerMsPerAnswer.toFixed(1)} |`),
        '',
        `Server RSS (main thread and workers): ${rssBefore.toFixed(0)} MB before the loaded phases, ${rssAfter.toFixed(0)} MB after the first, ${rssAfterAgain.toFixed(0)} MB after the second. The load generator shares the 2 cores with the server.`,
      ].join('\n'),
    );
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
