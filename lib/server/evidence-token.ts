/**
 * Evidence tokens: a face's embedding sealed for the caller it was answered to, so the page can
 * hand a track's frames back to POST /recognize/track without ever holding an embedding (a
 * biometric: it never leaves the server in the clear).
 *
 * AES-256-GCM under a key derived from FACEREC_CANDIDATE_SECRET (or, when unset, a random key
 * of this process, so tokens die with it, as candidate ids do), with the caller and the embedding
 * model as additional data: another caller's token, or one made for another model, does not
 * open. The embedding is quantised to int8 with one float32 scale (148 bytes of plaintext
 * instead of 526): the fused probe of 3 lfw-dev photos moved by a cosine of at most 2e-5
 * (bench/track-fusion.ts). A token is good for `EVIDENCE_TTL_MS` after it was issued.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** How long a token can be used: a track's frames are seconds apart; a minute covers a slow camera. */
export const EVIDENCE_TTL_MS = 60_000;

/** First byte of every token: the layout below. */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Plaintext header: issued-at ms (float64), quality (uint16, 0..1 in 1/65535), scale (float32). */
const HEADER_BYTES = 8 + 2 + 4;

/** Whose answers a token belongs to, and when it is read. */
export interface EvidenceScope {
  /** FACEREC_CANDIDATE_SECRET; unset: the process's own secret. */
  secret?: string;
  /** The caller (API key id, or client address without one): tokens open only for them. */
  caller: string;
  /** Embedding model id: tokens of another model do not open. */
  modelId: string;
  nowMs: number;
}

/** What a token carries. */
export interface Evidence {
  /** Unit embedding (dequantised). */
  embedding: Float32Array;
  /** The face's quality score, 0..1. */
  quality: number;
  issuedAtMs: number;
}

/** Why a token was refused (all answered as `invalid_evidence`). */
export type EvidenceFault = 'malformed' | 'foreign' | 'expired';

export class EvidenceError extends Error {
  constructor(readonly fault: EvidenceFault) {
    super(
      fault === 'expired'
        ? `The evidence token is older than ${EVIDENCE_TTL_MS / 1000} s.`
        : fault === 'foreign'
          ? 'The evidence token was not issued to this caller by this server.'
          : 'The evidence token is malformed.',
    );
    this.name = 'EvidenceError';
  }
}

const PROCESS_KEY = randomBytes(32);

/** Key for sealing: a hash of the secret with its own label, so it is never the HMAC key of candidate ids. */
function keyOf(secret: string | undefined): Buffer {
  return secret === undefined ? PROCESS_KEY : createHash('sha256').update('facerec evidence v1\n').update(secret).digest();
}

function additionalData(scope: EvidenceScope): Buffer {
  return Buffer.from(`${scope.modelId}\n${scope.caller}`, 'utf8');
}

/** int8 with one scale: `q[i] = round(127 * v[i] / max|v|)`. */
export function quantize(v: Float32Array): { scale: number; values: Int8Array } {
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  const scale = max > 0 ? max / 127 : 1;
  return { scale, values: Int8Array.from(v, (x) => Math.round(x / scale)) };
}

export function dequantize(q: { scale: number; values: Int8Array }): Float32Array {
  return Float32Array.from(q.values, (x) => x * q.scale);
}

/** Seals a face's embedding and quality for `scope.caller`, issued at `scope.nowMs`; base64url. */
export function sealEvidence(embedding: Float32Array, quality: number, scope: EvidenceScope): string {
  const q = quantize(embedding);
  const plain = Buffer.alloc(HEADER_BYTES + q.values.length);
  plain.writeDoubleLE(scope.nowMs, 0);
  plain.writeUInt16LE(Math.round(Math.min(1, Math.max(0, quality)) * 65535), 8);
  plain.writeFloatLE(q.scale, 10);
  Buffer.from(q.values.buffer, q.values.byteOffset, q.values.byteLength).copy(plain, HEADER_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(scope.secret), iv);
  cipher.setAAD(additionalData(scope));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/**
 * Opens a token sealed for `scope.caller` with the same secret and model, issued within
 * `EVIDENCE_TTL_MS` before `scope.nowMs`; throws EvidenceError otherwise.
 */
export function openEvidence(token: string, scope: EvidenceScope): Evidence {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new EvidenceError('malformed');
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= 1 + IV_BYTES + HEADER_BYTES + TAG_BYTES || raw[0] !== VERSION) throw new EvidenceError('malformed');
  const iv = raw.subarray(1, 1 + IV_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keyOf(scope.secret), iv);
  decipher.setAAD(additionalData(scope));
  decipher.setAuthTag(tag);
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
  } catch {
    // Tampered, or sealed for another caller, model or secret: GCM cannot tell which.
    throw new EvidenceError('foreign');
  }
  const issuedAtMs = plain.readDoubleLE(0);
  // A token from the future is as suspect as an old one (clock moved back: let it go, by the TTL).
  if (!(scope.nowMs - issuedAtMs <= EVIDENCE_TTL_MS && issuedAtMs - scope.nowMs <= EVIDENCE_TTL_MS)) throw new EvidenceError('expired');
  const values = new Int8Array(plain.length - HEADER_BYTES);
  for (let i = 0; i < values.length; i++) values[i] = plain.readInt8(HEADER_BYTES + i);
  return { embedding: dequantize({ scale: plain.readFloatLE(10), values }), quality: plain.readUInt16LE(8) / 65535, issuedAtMs };
}
