/** Shared by the benchmarks: where datasets are, machine facts, and appending to docs/benchmarks.md. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DATASETS_DIR = path.resolve(process.env.FACEREC_DATASETS ?? path.join(__dirname, '..', '..', 'shared', 'datasets'));

export function machine(): string {
  return `${os.cpus()[0]?.model ?? 'cpu'} x${os.availableParallelism()}, node ${process.version}`;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const BENCH_DOC = path.join(__dirname, '..', 'docs', 'benchmarks.md');

/** Appends a dated section to docs/benchmarks.md (created with a heading when missing). */
export function appendToBenchmarks(title: string, markdown: string): void {
  if (!fs.existsSync(BENCH_DOC)) {
    fs.mkdirSync(path.dirname(BENCH_DOC), { recursive: true });
    fs.writeFileSync(BENCH_DOC, '# Benchmarks\n\nAppended by `npm run bench:*`; newest last. Machine and command are named in each entry.\n');
  }
  const stamp = new Date().toISOString().replace('T', ' ').slice(0, 16);
  fs.appendFileSync(BENCH_DOC, `\n## ${title} (${stamp} UTC)\n\n${machine()}\n\n${markdown.trim()}\n`);
}
