/**
 * npm run bench:match [-- --sizes 10000,100000,1000000 --dims 128,512 --ann 10000x128,10000x512,100000x128
 *                        --queries 200 --query-seconds 8 --sqlite-load 100000 --ef-construction 100 --ef-search 128 --no-append]
 *
 * 1:N search cost of the registry's in-memory index (lib/registry/search-index.ts) on random unit
 * vectors, one query at a time on the main thread, as the server runs it:
 * - exact search (the default): build time, memory, per-query p50/p99;
 * - approximate search (HNSW) for the size x dim pairs in --ann (its build is single-threaded
 *   and long: about 1 ms per vector at 128-d on this 2-core machine, so 1M is opt-in):
 *   build time, p50/p99, and recall@1 against exact search, for two query kinds:
 *     probe  - a gallery vector plus noise (cosine ~0.89 to it): a second photo of an enrolled face;
 *     random - a fresh random vector: nothing in the gallery is near, the worst case for HNSW.
 * - one SQLite load: opening a registry file of --sqlite-load templates (128-d) into the index.
 * Galleries hold 2 templates per person. Prints JSON and appends a table to docs/benchmarks.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { l2Normalize } from '../lib/math/vector';
import { ANN_DEFAULTS, type AnnOptions } from '../lib/registry/ann-index';
import { SearchIndex } from '../lib/registry/search-index';
import { createRegistry } from '../lib/registry';
import { embeddingToBytes, nowIso } from '../lib/registry/validate';
import { gaussian, seededRng, type Rng } from '../tests/registry/vectors';
import { appendToBenchmarks, percentile } from './report';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const SIZES = arg('sizes', '10000,100000,1000000').split(',').map(Number);
const DIMS = arg('dims', '128,512').split(',').map(Number);
const ANN_PAIRS = new Set(arg('ann', '10000x128,10000x512,100000x128').split(',').filter(Boolean));
/** Queries per kind and measurement, fewer when a query is slow (see QUERY_SECONDS). */
const QUERIES = Number(arg('queries', '200'));
const QUERY_SECONDS = Number(arg('query-seconds', '8'));
const MIN_QUERIES = 30;
const SQLITE_LOAD = Number(arg('sqlite-load', '100000'));
const ANN: AnnOptions = {
  m: Number(arg('m', String(ANN_DEFAULTS.m))),
  efConstruction: Number(arg('ef-construction', String(ANN_DEFAULTS.efConstruction))),
  efSearch: Number(arg('ef-search', String(ANN_DEFAULTS.efSearch))),
};
const APPEND = !process.argv.includes('--no-append');
/** Noise added to a gallery vector to make a probe (cosine to it ~ 1/sqrt(1 + 0.5^2) = 0.89). */
const PROBE_NOISE = 0.5;
const TEMPLATES_PER_PERSON = 2;
const K = 5;

function fillUnit(out: Float32Array, rng: Rng): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = gaussian(rng);
  return l2Normalize(out);
}

function rssMb(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

interface Timing {
  queries: number;
  p50Ms: number;
  p99Ms: number;
  /** Fastest query: close to the cost on an idle machine when others compete for CPU and memory bandwidth. */
  minMs: number;
}

/** Times `search` over `queries` (stopping early, after MIN_QUERIES, once QUERY_SECONDS are spent). */
function timeQueries(queries: Float32Array[], search: (q: Float32Array) => string | undefined): { timing: Timing; top: (string | undefined)[] } {
  const ms: number[] = [];
  const top: (string | undefined)[] = [];
  const started = performance.now();
  for (const q of queries) {
    const t = performance.now();
    top.push(search(q));
    ms.push(performance.now() - t);
    if (ms.length >= MIN_QUERIES && performance.now() - started > QUERY_SECONDS * 1000) break;
  }
  return { timing: { queries: ms.length, p50Ms: round(percentile(ms, 50)), p99Ms: round(percentile(ms, 99)), minMs: round(Math.min(...ms)) }, top };
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits));
}

interface SizeResult {
  dim: number;
  size: number;
  people: number;
  exact: { buildMs: number; indexMb: number; rssGrowthMb: number } & Timing;
  approximate: null | {
    buildMs: number;
    rssGrowthMb: number;
    probe: Timing & { recallAt1: number };
    random: Timing & { recallAt1: number };
  };
}

async function benchSize(size: number, dim: number, withAnn: boolean): Promise<SizeResult> {
  const rng = seededRng(size * 31 + dim);
  const rss0 = rssMb();
  // Build: people of two templates each, straight into the index as the registry's load does.
  const index = new SearchIndex({ dim, initialRows: size });
  const queryCount = QUERIES;
  const sourceRows = new Set(Array.from({ length: queryCount }, () => Math.floor(rng() * size)));
  const sources: Float32Array[] = [];
  const v = new Float32Array(dim);
  let t = performance.now();
  let personId = '';
  for (let row = 0; row < size; row++) {
    if (row % TEMPLATES_PER_PERSON === 0) {
      personId = randomUUID();
      index.upsertPerson(personId, `person ${row / TEMPLATES_PER_PERSON}`);
    }
    fillUnit(v, rng);
    index.addTemplate(personId, randomUUID(), v);
    if (sourceRows.has(row)) sources.push(v.slice());
  }
  const buildMs = performance.now() - t;
  const rss1 = rssMb();
  const probes = sources.map((s) => {
    const noise = fillUnit(new Float32Array(dim), rng);
    return normaliseCopy(s.map((x, i) => x + PROBE_NOISE * noise[i]));
  });
  const randoms = Array.from({ length: queryCount }, () => fillUnit(new Float32Array(dim), rng));
  const top1 = (q: Float32Array) => index.search(q, K, -1)[0]?.personId;
  index.search(probes[0], K, -1); // warm-up (JIT)
  const exactProbe = timeQueries(probes, top1);
  const exactRandom = timeQueries(randoms.slice(0, exactProbe.timing.queries), top1);
  const exactAll = timeQueriesMerge(exactProbe.timing, exactRandom.timing);
  const result: SizeResult = {
    dim,
    size,
    people: size / TEMPLATES_PER_PERSON,
    exact: { buildMs: Math.round(buildMs), indexMb: round(index.byteLength() / 2 ** 20, 1), rssGrowthMb: Math.round(rss1 - rss0), ...exactAll },
    approximate: null,
  };
  log(`exact ${size} x ${dim}: build ${Math.round(buildMs)} ms, p50 ${exactAll.p50Ms} ms, p99 ${exactAll.p99Ms} ms`);
  if (withAnn) {
    t = performance.now();
    index.setAnnMinTemplates(0);
    await index.whenReady();
    const annBuildMs = performance.now() - t;
    const rss2 = rssMb();
    index.search(probes[0], K, -1);
    const annProbe = timeQueries(probes, top1);
    const annRandom = timeQueries(randoms, top1);
    const recall = (approx: (string | undefined)[], exact: (string | undefined)[]) => {
      const n = Math.min(approx.length, exact.length);
      let hits = 0;
      for (let i = 0; i < n; i++) if (approx[i] === exact[i]) hits++;
      return round(hits / n, 4);
    };
    result.approximate = {
      buildMs: Math.round(annBuildMs),
      rssGrowthMb: Math.round(rss2 - rss1),
      probe: { ...annProbe.timing, recallAt1: recall(annProbe.top, exactProbe.top) },
      random: { ...annRandom.timing, recallAt1: recall(annRandom.top, exactRandom.top) },
    };
    log(
      `approximate ${size} x ${dim}: build ${Math.round(annBuildMs)} ms, probe p50 ${annProbe.timing.p50Ms} ms recall@1 ${result.approximate.probe.recallAt1}, ` +
        `random p50 ${annRandom.timing.p50Ms} ms recall@1 ${result.approximate.random.recallAt1}`,
    );
  }
  index.dispose();
  return result;
}

function normaliseCopy(v: Float32Array): Float32Array {
  return l2Normalize(Float32Array.from(v));
}

function timeQueriesMerge(a: Timing, b: Timing): Timing {
  // Exact search costs the same whatever the query; report the slower percentile of the two sets.
  return { queries: a.queries + b.queries, p50Ms: Math.max(a.p50Ms, b.p50Ms), p99Ms: Math.max(a.p99Ms, b.p99Ms), minMs: Math.min(a.minMs, b.minMs) };
}

async function benchSqliteLoad(size: number): Promise<{ size: number; dim: number; fileMb: number; openMs: number; p50Ms: number }> {
  const dim = 128;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-bench-'));
  try {
    // Schema by the registry itself; rows in bulk, bypassing per-person transactions (that is the enrollment path, not loading).
    await (await createRegistry({ dataDir, modelId: 'bench-model', dim })).close();
    const db = new Database(path.join(dataDir, 'facerec.db'));
    const rng = seededRng(99);
    const now = nowIso();
    const v = new Float32Array(dim);
    const insertPerson = db.prepare("INSERT INTO person (id, name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)");
    const insertTemplate = db.prepare("INSERT INTO template (id, person_id, model_id, embedding, quality, source, created_at) VALUES (?, ?, 'bench-model', ?, 0.9, 'api', ?)");
    db.transaction(() => {
      let personId = '';
      for (let row = 0; row < size; row++) {
        if (row % TEMPLATES_PER_PERSON === 0) {
          personId = randomUUID();
          insertPerson.run(personId, `person ${row}`, `person ${row}`, now, now);
        }
        insertTemplate.run(randomUUID(), personId, embeddingToBytes(fillUnit(v, rng)), now);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const t = performance.now();
    const registry = await createRegistry({ dataDir, modelId: 'bench-model', dim });
    const openMs = performance.now() - t;
    const q = fillUnit(new Float32Array(dim), rng);
    const { timing } = timeQueries(Array.from({ length: 50 }, () => q), (query) => registry.search(query, K, -1)[0]?.personId);
    if (registry.size().templates !== size) throw new Error(`loaded ${registry.size().templates} templates, expected ${size}`);
    await registry.close();
    const fileMb = fs.statSync(path.join(dataDir, 'facerec.db')).size / 2 ** 20;
    log(`sqlite load ${size} x ${dim}: open ${Math.round(openMs)} ms, file ${fileMb.toFixed(0)} MB`);
    return { size, dim, fileMb: round(fileMb, 1), openMs: Math.round(openMs), p50Ms: timing.p50Ms };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function markdown(results: SizeResult[], sqlite: Awaited<ReturnType<typeof benchSqliteLoad>> | null, wallS: number, loadAverage: number[]): string {
  const rows = results.map((r) => {
    const a = r.approximate;
    const approx = a
      ? `${(a.buildMs / 1000).toFixed(1)} s | ${a.probe.p50Ms} / ${a.probe.p99Ms} | ${a.probe.recallAt1} | ${a.random.p50Ms} / ${a.random.p99Ms} | ${a.random.recallAt1}`
      : 'not built | | | |';
    return `| ${r.size.toLocaleString('en')} | ${r.dim} | ${(r.exact.buildMs / 1000).toFixed(1)} s | ${r.exact.indexMb} | ${r.exact.p50Ms} / ${r.exact.p99Ms} (${r.exact.minMs}) | ${approx} |`;
  });
  const lines = [
    `Command: \`npm run bench:match -- ${process.argv.slice(2).join(' ')}\`; one query at a time, k = ${K}, ${TEMPLATES_PER_PERSON} templates per person; ` +
      `HNSW m ${ANN.m}, efConstruction ${ANN.efConstruction}, efSearch ${ANN.efSearch}; total ${Math.round(wallS)} s; ` +
      `1-min load average ${loadAverage[0]} at the start, ${loadAverage[1]} at the end (on ${os.availableParallelism()} cores).`,
    '',
    '| templates | dim | exact build | index MB | exact p50 / p99 (min) ms | HNSW build | probe p50 / p99 ms | probe recall@1 | random p50 / p99 ms | random recall@1 |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ];
  if (sqlite) {
    lines.push('', `SQLite load: ${sqlite.size.toLocaleString('en')} templates x ${sqlite.dim} (${sqlite.fileMb} MB file) opened into the index in ${sqlite.openMs} ms; exact search p50 ${sqlite.p50Ms} ms.`);
  }
  lines.push('', 'Recall@1: the approximate top person equals the exact one. Random queries have no true neighbour (all similarities ~0.1-0.4): the worst case for HNSW, not how probes of enrolled faces behave.');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  // Timings depend on what else the machine runs: record its load at the start and the end.
  const loadBefore = os.loadavg()[0];
  const results: SizeResult[] = [];
  for (const dim of DIMS) {
    for (const size of SIZES) results.push(await benchSize(size, dim, ANN_PAIRS.has(`${size}x${dim}`)));
  }
  const sqlite = SQLITE_LOAD > 0 ? await benchSqliteLoad(SQLITE_LOAD) : null;
  const wallS = (performance.now() - started) / 1000;
  const loadAverage = [round(loadBefore, 1), round(os.loadavg()[0], 1)];
  const report = {
    bench: 'match',
    date: new Date().toISOString(),
    cpus: os.availableParallelism(),
    loadAverage,
    node: process.version,
    ann: ANN,
    k: K,
    results,
    sqliteLoad: sqlite,
    wallS: Math.round(wallS),
  };
  console.log(JSON.stringify(report, null, 2));
  if (APPEND) appendToBenchmarks('bench:match, 1:N search of the registry index', markdown(results, sqlite, wallS, loadAverage));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
