/**
 * Where the shared face datasets are: `FACEREC_DATASETS` or `../shared/datasets` from the
 * project root. Tests read images from there; none are copied into the repository.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DATASETS_DIR = path.resolve(process.env.FACEREC_DATASETS ?? path.join(__dirname, '..', '..', '..', 'shared', 'datasets'));

export function datasetPath(...parts: string[]): string {
  const p = path.join(DATASETS_DIR, ...parts);
  if (!fs.existsSync(p)) throw new Error(`dataset file missing: ${p} (set FACEREC_DATASETS to the datasets folder)`);
  return p;
}

export function readDataset(...parts: string[]): Buffer {
  return fs.readFileSync(datasetPath(...parts));
}

/** Rows of a dataset CSV with a header line, as objects keyed by the header's names. */
export function readCsv(...parts: string[]): Record<string, string>[] {
  const [header, ...lines] = fs.readFileSync(datasetPath(...parts), 'utf8').split(/\r?\n/).filter((l) => l.trim());
  const keys = header.split(',');
  return lines.map((l) => {
    const cols = l.split(',');
    return Object.fromEntries(keys.map((k, i) => [k, cols[i] ?? '']));
  });
}
