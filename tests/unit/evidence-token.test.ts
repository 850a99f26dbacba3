/**
 * Evidence tokens: a face's embedding sealed for the caller it was answered to. They open for that
 * caller, secret and model within a minute, give back the embedding to int8 precision, and refuse
 * tampering, other callers, other secrets or models, and age.
 */
import { EVIDENCE_TTL_MS, EvidenceError, dequantize, openEvidence, quantize, sealEvidence, type EvidenceScope } from '@/lib/server/evidence-token';
import { l2Normalize } from '@/lib/math/vector';
import { seededRandom } from '@/lib/vision/open-set-fit';

const t0 = 1_800_000_000_000;
const scope: EvidenceScope = { secret: 'a shared secret of 16+', caller: 'key-1', modelId: 'resnet34-dlibchip150-v1', nowMs: t0 };

function unitVector(seed: number): Float32Array {
  const random = seededRandom(seed);
  return l2Normalize(Float32Array.from({ length: 128 }, () => random() - 0.5));
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] * a[i], nb + b[i] * b[i]];
  return dot / Math.sqrt(na * nb);
}

function faultOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof EvidenceError) return e.fault;
    throw e;
  }
  return 'opened';
}

describe('evidence tokens', () => {
  it('round-trip the embedding (int8), the quality and the time for the same caller', () => {
    const e = unitVector(1);
    const token = sealEvidence(e, 0.73, scope);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const opened = openEvidence(token, { ...scope, nowMs: t0 + 5_000 });
    expect(opened.issuedAtMs).toBe(t0);
    expect(opened.quality).toBeCloseTo(0.73, 4);
    expect(cosine(opened.embedding, e)).toBeGreaterThan(1 - 1e-4);
    // Dequantised values stay within half a step of the originals.
    const q = quantize(e);
    const back = dequantize(q);
    for (let i = 0; i < e.length; i++) expect(Math.abs(back[i] - e[i])).toBeLessThanOrEqual(q.scale / 2 + 1e-7);
  });

  it('never carries the embedding in the clear, and differs every time it is sealed', () => {
    const e = unitVector(2);
    const a = sealEvidence(e, 0.5, scope);
    const b = sealEvidence(e, 0.5, scope);
    expect(a).not.toBe(b);
    const plainInt8 = Buffer.from(quantize(e).values.buffer).toString('base64url').slice(0, 12);
    expect(a).not.toContain(plainInt8);
  });

  it('refuses a token with any byte changed', () => {
    const token = sealEvidence(unitVector(3), 0.5, scope);
    const raw = Buffer.from(token, 'base64url');
    for (const at of [1, 20, raw.length - 20, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[at] ^= 0x01;
      expect(faultOf(() => openEvidence(bad.toString('base64url'), scope))).toBe('foreign');
    }
    expect(faultOf(() => openEvidence(token.slice(0, 40), scope))).toBe('malformed');
    expect(faultOf(() => openEvidence('not base64url!', scope))).toBe('malformed');
    expect(faultOf(() => openEvidence('', scope))).toBe('malformed');
  });

  it("refuses another caller's, another secret's and another model's token", () => {
    const token = sealEvidence(unitVector(4), 0.5, scope);
    expect(faultOf(() => openEvidence(token, scope))).toBe('opened');
    expect(faultOf(() => openEvidence(token, { ...scope, caller: 'key-2' }))).toBe('foreign');
    expect(faultOf(() => openEvidence(token, { ...scope, secret: 'another secret of 16+' }))).toBe('foreign');
    expect(faultOf(() => openEvidence(token, { ...scope, secret: undefined }))).toBe('foreign');
    expect(faultOf(() => openEvidence(token, { ...scope, modelId: 'another-model' }))).toBe('foreign');
  });

  it('expires after the time to live (injected clock), in either direction', () => {
    const token = sealEvidence(unitVector(5), 0.5, scope);
    expect(faultOf(() => openEvidence(token, { ...scope, nowMs: t0 + EVIDENCE_TTL_MS }))).toBe('opened');
    expect(faultOf(() => openEvidence(token, { ...scope, nowMs: t0 + EVIDENCE_TTL_MS + 1 }))).toBe('expired');
    expect(faultOf(() => openEvidence(token, { ...scope, nowMs: t0 - EVIDENCE_TTL_MS - 1 }))).toBe('expired');
  });

  it('uses a per-process key when no secret is configured', () => {
    const own = { ...scope, secret: undefined };
    const token = sealEvidence(unitVector(6), 0.5, own);
    expect(faultOf(() => openEvidence(token, own))).toBe('opened');
    expect(faultOf(() => openEvidence(token, scope))).toBe('foreign');
  });
});
