/**
 * docs/api.md against the contract's OpenAPI document: every operation is documented, every
 * documented endpoint exists, and the error table is the catalogue.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ACTOR_KINDS, AUDIT_ACTIONS, CONTRACT_ROUTES, ERRORS, buildOpenApi, openApiPath } from '@/lib/contract';

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

  it('documents each operation in the section of its tag', () => {
    // The nearest `## ` heading above a table row names the section; it starts with the tag.
    let section = '';
    const sectionOf = new Map<string, string>();
    for (const line of docs.split('\n')) {
      if (line.startsWith('## ')) section = line.slice(3);
      const cells = line.startsWith('|') ? line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()) : [];
      if (/^(GET|POST|PATCH|DELETE)$/.test(cells[0] ?? '')) sectionOf.set(`${cells[0]} ${documentedPath(cells[1])}`, section);
    }
    for (const r of CONTRACT_ROUTES) {
      expect([r.operationId, sectionOf.get(`${r.method} ${openApiPath(r.path)}`)]).toEqual([r.operationId, expect.stringMatching(new RegExp(`^${r.tag}\\b`))]);
    }
  });

  it("spells out the audit trail's words as the contract has them", () => {
    const entry = /type AuditEntry = \{[\s\S]*?\n\};/.exec(docs)?.[0] ?? '';
    const words = (field: string) => [...(new RegExp(`${field}: ((?:'[^']+'\\s*\\|?\\s*)+)`).exec(entry)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(words('action')).toEqual([...AUDIT_ACTIONS]);
    expect(words('kind')).toEqual([...ACTOR_KINDS]);
  });

  it('lists exactly the catalogued error codes, each with its status', () => {
    const listed = rows.filter(([code]) => /^`[a-z_]+`$/.test(code)).map(([code, status]) => [code.slice(1, -1), Number(status)]);
    expect(listed.sort()).toEqual(Object.entries(ERRORS).map(([code, e]) => [code, e.status]).sort());
  });
});
