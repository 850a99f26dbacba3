import { call, imageForm } from '../helpers/http';
import { readDataset } from '../helpers/datasets';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { startServer, type RunningServer } from '../helpers/server';

const obama = (f: string) => readDataset('fr-examples', 'images', 'obama', f);

async function enrollObama(server: RunningServer): Promise<string> {
  const { body: person } = await call(server.url, 'POST', '/people', { key: server.adminKey, json: { name: 'Barack Obama' } });
  const faces = await call(server.url, 'POST', `/people/${person.id}/faces`, { key: server.adminKey, form: imageForm('image', [obama('examples__obama.jpg')]) });
  expect(faces.body.accepted).toBe(1);
  return person.id;
}

async function nameOf(server: RunningServer, bytes: Uint8Array): Promise<string | null> {
  const res = await call(server.url, 'POST', '/recognize', { key: server.adminKey, body: bytes, contentType: 'image/jpeg' });
  expect(res.status).toBe(200);
  return res.body.faces[0]?.match?.name ?? null;
}

describe('durability', () => {
  it('still knows an enrolled person after the server is killed with SIGKILL and restarted', async () => {
    const first = await startServer();
    try {
      await enrollObama(first);
    } finally {
      await first.kill();
    }
    const second = await startServer({ dataDir: first.dataDir, adminKey: first.adminKey });
    try {
      expect(await nameOf(second, obama('tests__test_images__obama3.jpg'))).toBe('Barack Obama');
    } finally {
      await second.stop();
    }
  });
});

describe('two instances on one PostgreSQL', () => {
  let pg: PostgresServer;
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase();
    a = await startServer({ env: { FACEREC_DATABASE_URL: url } });
    b = await startServer({ env: { FACEREC_DATABASE_URL: url }, adminKey: a.adminKey });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await pg?.stop();
  });

  it('recognises on one instance a person enrolled on the other within a second', async () => {
    const probe = obama('tests__test_images__obama3.jpg');
    expect(await nameOf(b, probe)).toBeNull();
    await enrollObama(a);
    const enrolledAt = Date.now();
    let name: string | null = null;
    while (Date.now() - enrolledAt < 1000 && name === null) name = await nameOf(b, probe);
    expect(name).toBe('Barack Obama');
  });
});
