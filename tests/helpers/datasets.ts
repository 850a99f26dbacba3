/**
 * The face images the tests use: small subsets of the shared datasets, committed under
 * `tests/fixtures` (sources and terms in its README), so a fresh clone runs `npm test` with
 * nothing beside it. The large sets (lfw-dev and the full folders) are for `npm run bench:*` only.
 */
import fs from 'node:fs';
import path from 'node:path';

export const FIXTURES_DIR = path.resolve(__dirname, '..', 'fixtures');

export function datasetPath(...parts: string[]): string {
  const p = path.join(FIXTURES_DIR, ...parts);
  if (!fs.existsSync(p)) throw new Error(`fixture missing: ${p} (tests read only tests/fixtures)`);
  return p;
}

export function readDataset(...parts: string[]): Buffer {
  return fs.readFileSync(datasetPath(...parts));
}

/** Rows of a fixture CSV with a header line, as objects keyed by the header's names. */
export function readCsv(...parts: string[]): Record<string, string>[] {
  const [header, ...lines] = fs.readFileSync(datasetPath(...parts), 'utf8').split(/\r?\n/).filter((l) => l.trim());
  const keys = header.split(',');
  return lines.map((l) => {
    const cols = l.split(',');
    return Object.fromEntries(keys.map((k, i) => [k, cols[i] ?? '']));
  });
}
