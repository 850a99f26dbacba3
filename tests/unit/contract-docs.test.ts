/**
 * docs/api.md against the contract's OpenAPI document: every operation is documented, every
 * documented endpoint exists, and the error table is the catalogue.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ERRORS, buildOpenApi } from '@/lib/contract';

const docs = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'api.md'), 'utf8');
const rows = docs.split('\n').filter((line) => line.startsWith('|')).map((line) => line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()));

/** `/people/:id/faces?source=...` -> `/api/v1/people/{id}/faces`. */
function documentedPath(cell: string): string {
  const inTicks = /`([^`]+)`/.exec(cell)?.[1] ?? cell;
  return `/api/v1${inTicks.split('?')[0].replace(/:(\w+)/g, '{$1}')}`;
}

describe('docs/api.md', () => {
  it('documents every operation of the OpenAPI document, and no other', () => {
    const doc = buildOpenApi() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    const documented = rows.filter(([method]) => /^(GET|POST|PATCH|DELETE)$/.test(method)).map(([method, p]) => `${method} ${documentedPath(p)}`);
    expect(new Set(documented).size).toBe(documented.length);
    expect(documented.sort()).toEqual(operations.sort());
  });

  it('lists exactly the catalogued error codes, each with its status', () => {
    const listed = rows.filter(([code]) => /^`[a-z_]+`$/.test(code)).map(([code, status]) => [code.slice(1, -1), Number(status)]);
    expect(listed.sort()).toEqual(Object.entries(ERRORS).map(([code, e]) => [code, e.status]).sort());
  });
});
