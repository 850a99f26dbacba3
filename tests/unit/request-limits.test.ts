import { exceedsJsonDepth, readJson } from '@/lib/server/http';
import { createPersonSchema } from '@/lib/server/schemas';
import { ApiError } from '@/lib/server/errors';

const nested = (levels: number) => '{"name":"A","metadata":' + '{"a":'.repeat(levels) + '1' + '}'.repeat(levels) + '}';
const jsonRequest = (body: string) => new Request('http://localhost/api/v1/people', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('JSON bodies within depth limits, checked without recursion', () => {
  it('refuses 10 000 levels of nested metadata with a clean validation error, not a stack overflow', async () => {
    const e = await readJson(jsonRequest(nested(10_000)), createPersonSchema).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('validation_failed');
    expect((e as ApiError).message).toMatch(/nested deeper than 32 levels/);
  });

  it('measures 30 000 nested arrays without overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(30_000) + ']'.repeat(30_000));
    expect(exceedsJsonDepth(deep, 32)).toBe(true);
    expect(exceedsJsonDepth({ a: [1, { b: null }] }, 3)).toBe(false);
    expect(exceedsJsonDepth({ a: [1, { b: {} }] }, 3)).toBe(true);
  });

  it('still accepts ordinary metadata', async () => {
    await expect(readJson(jsonRequest(nested(3)), createPersonSchema)).resolves.toMatchObject({ name: 'A' });
  });
});

describe('JSON bodies in UTF-8', () => {
  it('refuses bytes that are not UTF-8 instead of storing replacement characters', async () => {
    const body = Uint8Array.from([...Buffer.from('{"name":"'), 0xff, 0xfe, ...Buffer.from('"}')]);
    const req = new Request('http://localhost/api/v1/people', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const e = await readJson(req, createPersonSchema).then(() => null, (err: unknown) => err);
    expect((e as ApiError).code).toBe('invalid_json');
  });
});
