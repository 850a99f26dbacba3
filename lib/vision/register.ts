/**
 * register: the enrolment quality gate. Each image must hold exactly one clear, large enough,
 * roughly frontal face; accepted faces become templates (flip-averaged embeddings), refused
 * ones come back with reasons a person can act on.
 */
import { EMBEDDING_MODEL } from './models';
import { ENROLMENT_QUALITY } from './quality';
import type { Analyzer } from './recognize';
import type { FaceQuality, QualityReason, RgbImage } from './types';

export type RejectReason = 'no-face' | 'several-faces' | QualityReason;

export type EnrollmentCheck =
  | { accepted: true; embedding: Float32Array; modelId: string; quality: FaceQuality; chip?: RgbImage }
  | { accepted: false; reasons: RejectReason[]; quality?: FaceQuality };

/**
 * A second face counts as "several faces" when its eyes are at least this share of the
 * largest face's eye distance: small faces far in the background do not block enrolment.
 */
const SECOND_FACE_RATIO = 0.5;

export async function checkEnrollmentImage(
  analyzer: Analyzer,
  bytes: Uint8Array,
  opts: { keepChip?: boolean } = {},
): Promise<EnrollmentCheck> {
  const analysis = await analyzer.analyze(bytes, {
    flip: true,
    keepChips: opts.keepChip ?? false,
    quality: ENROLMENT_QUALITY,
    maxFaces: 5,
  });
  const [main, second] = analysis.faces;
  if (!main) return { accepted: false, reasons: ['no-face'] };
  if (second && second.quality.eyeDistancePx >= SECOND_FACE_RATIO * main.quality.eyeDistancePx) {
    return { accepted: false, reasons: ['several-faces'], quality: main.quality };
  }
  if (!main.quality.ok) return { accepted: false, reasons: main.quality.reasons, quality: main.quality };
  return {
    accepted: true,
    embedding: main.embedding,
    modelId: EMBEDDING_MODEL.id,
    quality: main.quality,
    ...(main.chip ? { chip: main.chip } : {}),
  };
}
