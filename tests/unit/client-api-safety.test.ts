import { ApiClientError, createApiClient } from '@/lib/client/api';

describe('client api: no path games, no redirects', () => {
  function recordingClient() {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetchImpl = (async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(url), init: init ?? {} });
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    return { calls, api: createApiClient({ fetchImpl }) };
  }

  it('never sends "." or ".." as an id (the browser would resolve it into another path)', async () => {
    const { calls, api } = recordingClient();
    const P = '6f4f73da-12a1-4720-b6d7-723de44715b1';
    for (const send of [() => api.deleteFace(P, '..'), () => api.deleteFace(P, '.'), () => api.deletePerson('..'), () => api.getPerson(''), () => api.faceCrop('..', P)]) {
      const e = await send().then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(ApiClientError);
      expect((e as ApiClientError).code).toBe('invalid_path');
    }
    expect(calls).toHaveLength(0);
  });

  it('asks fetch to fail on a redirect instead of following it, for every method', async () => {
    const { calls, api } = recordingClient();
    const P = '6f4f73da-12a1-4720-b6d7-723de44715b1';
    await api.deletePerson(P);
    await api.deleteFace(P, P);
    await api.updatePerson(P, { name: 'A' }).catch(() => undefined);
    await api.createPerson({ name: 'A' }).catch(() => undefined);
    await api.info().catch(() => undefined);
    expect(calls.map((c) => c.init.method ?? 'GET')).toEqual(['DELETE', 'DELETE', 'PATCH', 'POST', 'GET']);
    for (const c of calls) expect(c.init.redirect).toBe('error');
  });
});
