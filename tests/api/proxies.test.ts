/**
 * Behind a trusted proxy (FACEREC_TRUSTED_PROXIES=127.0.0.1: the tests play the proxy on
 * loopback and write X-Forwarded-For as it would): limits and failed-authentication lockouts
 * follow the client the proxy names, never the hop the client wrote. Also: public verify does
 * not tell whether a person id exists.
 */
import crypto from 'node:crypto';
import { readDataset } from '../helpers/datasets';
import { call, imageForm } from '../helpers/http';
import { startServer, type RunningServer } from '../helpers/server';
import { rawRequest } from './raw-http';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ env: { FACEREC_TRUSTED_PROXIES: '127.0.0.1', FACEREC_RATE_LIMIT_PER_MINUTE: '60', FACEREC_PUBLIC_RECOGNITION: 'true' } });
});
afterAll(() => server?.stop());

/** A request as the proxy forwards it: the client's own header, then the address the proxy saw. */
const viaProxy = (clientWrote: string | null, clientAddress: string, headers: Record<string, string> = {}) =>
  rawRequest(server.url, 'GET', '/api/v1/info', { headers: { 'x-forwarded-for': [clientWrote, clientAddress].filter(Boolean).join(', '), ...headers } });

describe('trusted proxies', () => {
  it('limits the client the proxy names, whatever first hop the client writes', async () => {
    // 60 per minute: a burst of 10. The client changes its own first hop on every request.
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await viaProxy(`10.${i}.0.1`, '198.51.100.20')).status);
    expect(statuses).toContain(429);
    // Another client behind the same proxy has its own bucket.
    expect((await viaProxy(null, '198.51.100.21')).status).toBe(200);
  });

  it('locks out the address that keeps failing authentication, not its neighbours, and logs no key', async () => {
    const guess = (i: number, address: string) => viaProxy(`192.0.2.${i}`, address, { authorization: `Bearer guessed-key-${i}-abcdef` });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await guess(i, '198.51.100.30')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);
    const locked = await viaProxy(null, '198.51.100.30', { authorization: `Bearer ${server.adminKey}` });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await viaProxy(null, '198.51.100.31', { authorization: `Bearer ${server.adminKey}` })).status).toBe(200);
    const log = server.output();
    expect(log).toMatch(/"client":"198\.51\.100\.30".*"msg":"authentication failed"/);
    expect(log).not.toMatch(/guessed-key/);
  });
});

describe('public verify against a person id', () => {
  it('answers an unknown id exactly like a person whose face does not match', async () => {
    const person = await call(server.url, 'POST', '/people', { key: server.adminKey, json: { name: 'Joe Biden' } });
    const added = await call(server.url, 'POST', `/people/${person.body.id}/faces`, { key: server.adminKey, form: imageForm('image', [readDataset('fr-examples', 'images', 'biden', 'examples__biden.jpg')]) });
    expect(added.body.accepted).toBe(1);
    const probe = readDataset('fr-examples', 'images', 'obama', 'examples__obama.jpg');
    const verify = async (personId: string) => {
      const res = await call(server.url, 'POST', '/verify', { form: imageForm('image', [probe], { personId }), headers: { 'x-forwarded-for': '198.51.100.40' } });
      return [res.status, Object.keys(res.body).sort(), res.body.match];
    };
    const known = await verify(person.body.id);
    expect(known).toEqual([200, ['match', 'model', 'threshold'], false]);
    expect(await verify(crypto.randomUUID())).toEqual(known);
    expect(await verify('not-an-id')).toEqual(known);
  });
});
