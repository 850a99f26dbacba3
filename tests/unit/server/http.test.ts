/**
 * Request limits (lib/server/http.ts): bodies counted as they stream and refused past the
 * limit, images as a raw body or multipart fields, JSON by type and schema. (Depth and UTF-8
 * of JSON: tests/unit/request-limits.test.ts.)
 */
import { z } from 'zod';
import { ApiError } from '@/lib/server/errors';
import { oneImage, readBody, readImages, readJson } from '@/lib/server/http';
import { requestLines } from '@/lib/server/transfer';

const URL_ = 'http://localhost/api/v1/x';

/** A body that arrives in `chunks` pieces and declares no length, as a chunked upload does. */
function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  return new Request(URL_, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

async function codeOf(p: Promise<unknown>): Promise<[string, number] | null> {
  return p.then(() => null, (e: ApiError) => [e.code, e.status]);
}

describe('readBody', () => {
  it('refuses a declared length over the limit before reading', async () => {
    const req = new Request(URL_, { method: 'POST', body: 'x'.repeat(10), headers: { 'content-length': '2000' } });
    await expect(codeOf(readBody(req, 1000))).resolves.toEqual(['payload_too_large', 413]);
  });

  it('refuses a stream that grows past the limit, whatever it declared', async () => {
    const kb = new Uint8Array(1024);
    await expect(codeOf(readBody(streamed([kb, kb, kb]), 2048))).resolves.toEqual(['payload_too_large', 413]);
  });

  it('returns every byte of a body at the limit', async () => {
    const bytes = await readBody(streamed([Uint8Array.of(1, 2), Uint8Array.of(3)]), 3);
    expect([...bytes]).toEqual([1, 2, 3]);
  });
});

describe('readImages', () => {
  const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xd9);

  it('takes a raw image body as field "image"', async () => {
    const input = await readImages(new Request(URL_, { method: 'POST', body: jpeg, headers: { 'content-type': 'image/jpeg' } }), 1024);
    expect([...oneImage(input)]).toEqual([...jpeg]);
  });

  it('takes images and text fields from a multipart form, several per field in order', async () => {
    const form = new FormData();
    form.append('image', new Blob([jpeg]), 'a.jpg');
    form.append('image', new Blob([Uint8Array.of(1)]), 'b.jpg');
    form.append('personId', 'p-1');
    const input = await readImages(new Request(URL_, { method: 'POST', body: form }), 4096);
    expect(input.images.get('image')?.map((b) => b.length)).toEqual([4, 1]);
    expect(input.fields.get('personId')).toBe('p-1');
    expect(() => oneImage(input)).toThrow('Send one image in field "image", not 2.');
    expect(() => oneImage(input, 'image_a')).toThrow('Missing image field "image_a".');
  });

  it('applies the body limit to multipart forms too', async () => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(5000)]), 'big.jpg');
    await expect(codeOf(readImages(new Request(URL_, { method: 'POST', body: form }), 4096))).resolves.toEqual(['payload_too_large', 413]);
  });

  it.each([
    ['a JSON body', { 'content-type': 'application/json' }, '{}', 'unsupported_media_type'],
    ['no content type', {}, 'abc', 'unsupported_media_type'],
    ['a broken multipart body', { 'content-type': 'multipart/form-data; boundary=xyz' }, 'not multipart at all', 'invalid_request'],
  ])('refuses %s', async (_what, headers, body, code) => {
    const req = new Request(URL_, { method: 'POST', body, headers: headers as Record<string, string> });
    await expect(codeOf(readImages(req, 4096))).resolves.toEqual([code, code === 'unsupported_media_type' ? 415 : 400]);
  });
});

describe('readJson', () => {
  const schema = z.object({ name: z.string().min(1) }).strict();
  const json = (body: string, type = 'application/json; charset=utf-8') => new Request(URL_, { method: 'POST', body, headers: { 'content-type': type } });

  it('parses and validates a body', async () => {
    await expect(readJson(json('{"name":"Ada"}'), schema)).resolves.toEqual({ name: 'Ada' });
  });

  it('refuses another content type, broken JSON and an oversized body with their codes', async () => {
    expect(await codeOf(readJson(json('{"name":"Ada"}', 'text/plain'), schema))).toEqual(['unsupported_media_type', 415]);
    expect(await codeOf(readJson(json('{"name":'), schema))).toEqual(['invalid_json', 400]);
    expect(await codeOf(readJson(json(JSON.stringify({ name: 'x'.repeat(65 * 1024) })), schema))).toEqual(['payload_too_large', 413]);
    expect(await codeOf(readJson(json(JSON.stringify({ name: 'x'.repeat(500) })), schema, 100))).toEqual(['payload_too_large', 413]);
  });

  it('answers a schema mismatch with every issue, by path, in message and details', async () => {
    const e = await readJson(json('{"name":"","extra":1}'), schema).then(() => null, (err: ApiError) => err);
    expect([e?.code, e?.status]).toEqual(['validation_failed', 400]);
    const details = e?.details as { path: string; message: string }[];
    expect(details.map((d) => d.path).sort()).toEqual(['', 'name']);
    expect(e?.message).toMatch(/name: /);
  });
});

describe('requestLines (admin import bodies)', () => {
  const lines = async (req: Request, maxBytes = 1024) => {
    const out: string[] = [];
    for await (const l of requestLines(req, maxBytes)) out.push(l);
    return out;
  };
  const enc = (s: string) => new TextEncoder().encode(s);

  it('splits lines across chunk boundaries, multi-byte characters included', async () => {
    const text = 'first\nÉmile ☃\nlast';
    const bytes = enc(text);
    // Cut inside "☃" (3 bytes in UTF-8) and inside a line.
    const cut = text.indexOf('☃') + 2;
    const req = streamed([bytes.slice(0, 3), bytes.slice(3, cut), bytes.slice(cut)], { 'content-length': String(bytes.length) });
    expect(await lines(req)).toEqual(['first', 'Émile ☃', 'last']);
  });

  it('needs a Content-Length, and the whole of it', async () => {
    expect(await codeOf(lines(streamed([enc('a\n')])))).toEqual(['invalid_request', 400]);
    const short = await lines(streamed([enc('a\n')], { 'content-length': '10' })).then(() => null, (e: ApiError) => e.message);
    expect(short).toMatch(/ended after 2 of its 10 bytes/);
    expect(await codeOf(lines(streamed([enc('abcdef')], { 'content-length': '3' })))).toEqual(['invalid_request', 400]);
  });

  it('refuses a declared length over the import limit before reading', async () => {
    expect(await codeOf(lines(streamed([enc('a')], { 'content-length': '5000' }), 1024))).toEqual(['payload_too_large', 413]);
  });

  it('refuses bytes that are not UTF-8', async () => {
    expect(await codeOf(lines(streamed([Uint8Array.of(0x61, 0xff, 0x0a)], { 'content-length': '3' })))).toEqual(['invalid_request', 400]);
  });
});
