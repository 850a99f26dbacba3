/**
 * POST /recognize/track over HTTP (production build, real models, SQLite): a track's evidence
 * tokens from /recognize answers, fused and judged as one probe, name an enrolled person and
 * leave a stranger unknown; tokens of another caller or secret, tampered ones and malformed
 * bodies are refused.
 */
import { recognizeResponse, recognizeTrackResponse } from '@/lib/contract';
import { sealEvidence } from '@/lib/server/evidence-token';
import { call, imageForm } from '../helpers/http';
import { readDataset } from '../helpers/datasets';
import { startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let camera: string;
let otherCamera: string;

const photo = (who: string, f: string) => readDataset('fr-examples', 'images', who, f);

beforeAll(async () => {
  server = await startServer({ env: { FACEREC_CANDIDATE_SECRET: 'a test secret of at least 16' } });
  const admin = server.adminKey;
  camera = (await call(server.url, 'POST', '/keys', { key: admin, json: { name: 'camera', role: 'recognize' } })).body.key;
  otherCamera = (await call(server.url, 'POST', '/keys', { key: admin, json: { name: 'camera 2', role: 'recognize' } })).body.key;
  for (const [name, who, files] of [
    ['Barack Obama', 'obama', ['examples__obama.jpg']],
    ['Joe Biden', 'biden', ['examples__biden.jpg']],
    ['Alex Lacamoire', 'alex_lacamoire', ['examples__alex-lacamoire.png']],
  ] as const) {
    const { body: person } = await call(server.url, 'POST', '/people', { key: admin, json: { name } });
    const faces = await call(server.url, 'POST', `/people/${person.id}/faces`, { key: admin, form: imageForm('image', files.map((f) => photo(who, f))) });
    expect(faces.body.accepted).toBe(files.length);
  }
});
afterAll(() => server?.stop());

/** The evidence token of the largest face of each photo, as `key` was answered. */
async function evidenceOf(key: string, photos: Uint8Array[]): Promise<string[]> {
  const tokens: string[] = [];
  for (const bytes of photos) {
    const res = await call(server.url, 'POST', '/recognize', { key, body: bytes, contentType: 'image/jpeg' });
    expect(res.status).toBe(200);
    const answer = recognizeResponse.parse(res.body);
    tokens.push(answer.faces[0].evidence);
  }
  return tokens;
}

async function judge(key: string, evidence: unknown) {
  return call(server.url, 'POST', '/recognize/track', { key, json: { evidence } });
}

describe('POST /recognize/track', () => {
  it('names an enrolled person from two frames of theirs, and answers what the contract says', async () => {
    const tokens = await evidenceOf(camera, [photo('obama', 'examples__obama2.jpg'), photo('obama', 'tests__test_images__obama3.jpg')]);
    const res = await judge(camera, tokens);
    expect(res.status).toBe(200);
    const answer = recognizeTrackResponse.parse(res.body);
    expect(answer.match?.name).toBe('Barack Obama');
    expect(answer.frames).toBe(2);
    expect(answer.decision.score!).toBeGreaterThanOrEqual(answer.threshold);
    expect(answer.decision.candidate).toMatch(/^c_/);
    // One token is the one-frame rule: the same bar /recognize answers.
    const one = await judge(camera, tokens.slice(0, 1));
    const frame = recognizeResponse.parse((await call(server.url, 'POST', '/recognize', { key: camera, body: photo('obama', 'examples__obama2.jpg'), contentType: 'image/jpeg' })).body);
    expect(one.body.threshold).toBeCloseTo(frame.threshold, 4);
    expect(one.body.threshold).not.toBe(answer.threshold);
  });

  it("leaves a stranger's track unknown", async () => {
    const tokens = await evidenceOf(camera, [
      photo('kit_harington', 'examples__knn_examples__train__kit_harington__john1.jpeg'),
      photo('kit_harington', 'examples__knn_examples__train__kit_harington__john2.jpeg'),
      photo('kit_harington', 'examples__knn_examples__test__johnsnow_test1.jpg'),
    ]);
    const res = await judge(camera, tokens);
    expect(res.status).toBe(200);
    const answer = recognizeTrackResponse.parse(res.body);
    expect(answer.match).toBeNull();
    expect(answer.frames).toBe(3);
    expect(answer.decision.score!).toBeLessThan(answer.threshold);
  });

  it("refuses another caller's token, another secret's, and a tampered one", async () => {
    const [mine] = await evidenceOf(camera, [photo('obama', 'examples__obama2.jpg')]);
    const foreign = await judge(otherCamera, [mine]);
    expect([foreign.status, foreign.body.error.code]).toEqual([400, 'invalid_evidence']);
    expect(foreign.body.error.message).toMatch(/^evidence\[0\]/);
    const forged = sealEvidence(new Float32Array(128).fill(1 / Math.sqrt(128)), 1, { secret: 'not the server secret!', caller: 'anyone', modelId: 'resnet34-dlibchip150-v1', nowMs: Date.now() });
    expect((await judge(camera, [mine, forged])).body.error.code).toBe('invalid_evidence');
    const raw = Buffer.from(mine, 'base64url');
    raw[30] ^= 0x40;
    expect((await judge(camera, [raw.toString('base64url')])).body.error.code).toBe('invalid_evidence');
    expect((await judge(camera, ['not a token'])).body.error.code).toBe('invalid_evidence');
  });

  it('refuses malformed bodies: no tokens, too many, not strings, not JSON', async () => {
    const [mine] = await evidenceOf(camera, [photo('obama', 'examples__obama2.jpg')]);
    for (const body of [[], Array(6).fill(mine), [42], 'abc']) {
      const res = await judge(camera, body);
      expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
    }
    expect((await call(server.url, 'POST', '/recognize/track', { key: camera, json: {} })).body.error.code).toBe('validation_failed');
    const notJson = await call(server.url, 'POST', '/recognize/track', { key: camera, body: '{', contentType: 'application/json' });
    expect([notJson.status, notJson.body.error.code]).toEqual([400, 'invalid_json']);
    expect((await call(server.url, 'POST', '/recognize/track', { json: { evidence: [mine] } })).status).toBe(401);
  });
});
