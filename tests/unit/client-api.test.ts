import { ApiClientError, createApiClient, parseRetryAfter } from '@/lib/client/api';

type Call = { url: string; init: RequestInit };

function fakeFetch(answer: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const impl = (async (url: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(url), init: init ?? {} };
    calls.push(call);
    return answer(call);
  }) as typeof fetch;
  return { impl, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const caught = async (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => e);

describe('client api', () => {
  it('sends the key as a Bearer token, and none when there is no key', async () => {
    let key: string | null = 'secret-key';
    const f = fakeFetch(() => json({ people: [], next: null }));
    const api = createApiClient({ fetchImpl: f.impl, getKey: () => key });
    await api.listPeople({ limit: 20, q: ' obama ' });
    expect(f.calls[0].url).toBe('/api/v1/people?limit=20&q=obama');
    expect(new Headers(f.calls[0].init.headers).get('authorization')).toBe('Bearer secret-key');
    key = null;
    await api.listPeople();
    expect(f.calls[1].url).toBe('/api/v1/people');
    expect(new Headers(f.calls[1].init.headers).has('authorization')).toBe(false);
  });

  it('maps a catalogued error to ApiClientError with status, code and Retry-After', async () => {
    const f = fakeFetch(() => json({ error: { code: 'rate_limited', message: 'Too many requests; retry later.' } }, 429, { 'retry-after': '7' }));
    const api = createApiClient({ fetchImpl: f.impl });
    const e = await caught(api.recognize(new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' })));
    expect(e).toBeInstanceOf(ApiClientError);
    const err = e as ApiClientError;
    expect([err.status, err.code, err.retryAfterS, err.busy, err.needsKey, err.unreachable]).toEqual([429, 'rate_limited', 7, true, false, false]);
    expect(err.message).toBe('Too many requests; retry later.');
  });

  it('keeps the status when an error body is not JSON', async () => {
    const f = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const err = (await caught(createApiClient({ fetchImpl: f.impl }).info())) as ApiClientError;
    expect([err.status, err.code, err.message]).toEqual([502, 'http_502', 'Bad Gateway']);
  });

  it('reports an unreachable server as status 0, code network', async () => {
    const f = fakeFetch(() => {
      throw new TypeError('fetch failed');
    });
    const err = (await caught(createApiClient({ fetchImpl: f.impl }).info())) as ApiClientError;
    expect([err.status, err.code, err.unreachable]).toEqual([0, 'network', true]);
  });

  it('times out a request that gets no answer', async () => {
    const never = fakeFetch(
      ({ init }) =>
        new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    );
    const err = (await caught(createApiClient({ fetchImpl: never.impl, timeoutMs: 20 }).info())) as ApiClientError;
    expect([err.status, err.code]).toEqual([0, 'timeout']);
  });

  it("rethrows the caller's abort unchanged", async () => {
    const never = fakeFetch(
      ({ init }) =>
        new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    );
    const controller = new AbortController();
    const pending = caught(createApiClient({ fetchImpl: never.impl }).info({ signal: controller.signal }));
    controller.abort();
    const e = await pending;
    expect(e).not.toBeInstanceOf(ApiClientError);
    expect((e as Error).name).toBe('AbortError');
  });

  it('posts a frame as the raw JPEG body', async () => {
    const f = fakeFetch(() => json({ faces: [], width: 640, height: 480, threshold: 0.5, model: 'm', timings: {} }));
    const frame = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
    const result = await createApiClient({ fetchImpl: f.impl }).recognize(frame);
    expect(result.width).toBe(640);
    expect(f.calls[0].init.method).toBe('POST');
    expect(new Headers(f.calls[0].init.headers).get('content-type')).toBe('image/jpeg');
    expect(f.calls[0].init.body).toBe(frame);
  });

  it('uploads faces as multipart `image` fields with the source', async () => {
    const f = fakeFetch(() => json({ person: { id: 'p1' }, results: [] }));
    const a = new File([new Uint8Array([1])], 'a.jpg', { type: 'image/jpeg' });
    const b = new Blob([new Uint8Array([2])], { type: 'image/jpeg' });
    await createApiClient({ fetchImpl: f.impl }).addFaces('p/1', [a, b], 'upload');
    expect(f.calls[0].url).toBe('/api/v1/people/p%2F1/faces?source=upload');
    const form = f.calls[0].init.body as FormData;
    const files = form.getAll('image') as File[];
    expect(files.map((x) => x.name)).toEqual(['a.jpg', 'image-2.jpg']);
  });

  it('sends JSON for person changes and accepts an empty 204 on delete', async () => {
    const f = fakeFetch(({ init }) => (init.method === 'DELETE' ? new Response(null, { status: 204 }) : json({ id: 'p1', name: 'New' })));
    const api = createApiClient({ fetchImpl: f.impl });
    await api.updatePerson('p1', { name: 'New' });
    expect(f.calls[0].init.method).toBe('PATCH');
    expect(JSON.parse(String(f.calls[0].init.body))).toEqual({ name: 'New' });
    await expect(api.deletePerson('p1')).resolves.toBeUndefined();
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });
});
