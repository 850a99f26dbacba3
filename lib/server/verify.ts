/**
 * 1:1 verification, the one service behind `POST /api/v1/verify` and `facerec verify`: the
 * route hands it the worker pool, the CLI an in-process pipeline, and both get the same limits,
 * the same face choice and the same `decideMatch` rule.
 */
import { isVisionError, VisionError } from '../vision/errors';
import { cosineSimilarity, decideMatch } from '../vision/match';
import { EMBEDDING_MODEL } from '../vision/models';
import type { Analyzer } from '../vision/recognize';
import type { Config } from './config';
import { ApiError } from './errors';

/** Faces analysed per image: verify compares the largest, the rest only cost time. */
export const VERIFY_MAX_FACES = 5;

export interface VerifyLimits {
  /** Largest image, in bytes (the server's body limit: a file the API would refuse, the CLI refuses too). */
  maxImageBytes: number;
  /** Faces analysed per image (the largest first). */
  maxFaces: number;
}

export interface VerifyOptions extends VerifyLimits {
  /** Cosine similarity at or above which the two faces are one person. */
  threshold: number;
}

export interface VerifyAnswer {
  /** Rounded to 4 decimals; `match` is decided on the exact value. */
  similarity: number;
  match: boolean;
  threshold: number;
  model: string;
}

/** The similarity threshold of 1:1 verify: the configured override, else the model's (FMR 1e-3). */
export function verifyThreshold(config: Pick<Config, 'FACEREC_MATCH_THRESHOLD'>): number {
  return config.FACEREC_MATCH_THRESHOLD ?? EMBEDDING_MODEL.threshold;
}

/** Verify's options from the config; the image's pixel limit is the analyzer's (its decode limits). */
export function verifyOptions(config: Pick<Config, 'FACEREC_MATCH_THRESHOLD' | 'FACEREC_MAX_BODY_BYTES'>): VerifyOptions {
  return { threshold: verifyThreshold(config), maxImageBytes: config.FACEREC_MAX_BODY_BYTES, maxFaces: VERIFY_MAX_FACES };
}

/** The embedding of the largest face in `bytes`; `label` names the image in errors. */
export async function mainFace(analyzer: Analyzer, bytes: Uint8Array, label: string, limits: VerifyLimits): Promise<Float32Array> {
  if (bytes.byteLength > limits.maxImageBytes) {
    throw new ApiError('payload_too_large', `${label} is ${bytes.byteLength} bytes; the limit is ${limits.maxImageBytes}.`);
  }
  let faces;
  try {
    // Verify always flip-averages: +~0.7 point LFW accuracy for one more embedding pass.
    ({ faces } = await analyzer.analyze(bytes, { flip: true, maxFaces: limits.maxFaces }));
  } catch (e) {
    // Two images in one request: say which one was refused (the code stays the analyzer's).
    if (isVisionError(e) && e.code !== 'overloaded' && e.code !== 'models_not_loaded') throw new VisionError(e.code, `${label}: ${e.message}`);
    throw e;
  }
  if (!faces[0]) throw new ApiError('no_face', `No face was found in ${label}.`);
  return faces[0].embedding;
}

/** Scores a similarity against the threshold with the same rule as every match decision. */
export function verifyAnswer(similarity: number, threshold: number): VerifyAnswer {
  return {
    similarity: Math.round(similarity * 10_000) / 10_000,
    match: decideMatch({ similarity }, threshold) !== null,
    threshold,
    model: EMBEDDING_MODEL.id,
  };
}

/** Are the largest faces of two images the same person? */
export async function verifyFaces(
  analyzer: Analyzer,
  imageA: { bytes: Uint8Array; label: string },
  imageB: { bytes: Uint8Array; label: string },
  opts: VerifyOptions,
): Promise<VerifyAnswer> {
  const [a, b] = await Promise.all([mainFace(analyzer, imageA.bytes, imageA.label, opts), mainFace(analyzer, imageB.bytes, imageB.label, opts)]);
  return verifyAnswer(cosineSimilarity(a, b), opts.threshold);
}
