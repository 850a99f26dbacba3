/**
 * register: the enrolment quality gate. Each image must hold exactly one clear, large enough,
 * roughly frontal face; accepted faces become templates (flip-averaged embeddings), refused
 * ones come back with reasons a person can act on.
 */
import { isVisionError } from './errors';
import { EMBEDDING_MODEL } from './models';
import { ENROLMENT_QUALITY } from './quality';
import type { Analyzer } from './recognize';
import type { TemplateSource } from '@/lib/registry/registry';
import type { AnalyzeResult, FaceQuality, QualityReason, RgbImage } from './types';

export type RejectReason = 'no-face' | 'several-faces' | QualityReason;

export type EnrollmentCheck =
  | { accepted: true; embedding: Float32Array; modelId: string; quality: FaceQuality; chip?: RgbImage }
  | { accepted: false; reasons: RejectReason[]; quality?: FaceQuality };

/**
 * A second face counts as "several faces" when its eyes are at least this share of the
 * largest face's eye distance: small faces far in the background do not block enrolment.
 */
const SECOND_FACE_RATIO = 0.5;

/** The analysis options the enrolment gate judges (flip-averaged embeddings, enrolment thresholds). */
export const ENROLLMENT_ANALYSIS = { flip: true, quality: ENROLMENT_QUALITY, maxFaces: 5 } as const;

/** The enrolment gate, pure: judges an image's analysis (made with `ENROLLMENT_ANALYSIS`). */
export function judgeEnrollment(analysis: Pick<AnalyzeResult, 'faces'>): EnrollmentCheck {
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

export async function checkEnrollmentImage(
  analyzer: Analyzer,
  bytes: Uint8Array,
  opts: { keepChip?: boolean } = {},
): Promise<EnrollmentCheck> {
  return judgeEnrollment(await analyzer.analyze(bytes, { ...ENROLLMENT_ANALYSIS, keepChips: opts.keepChip ?? false }));
}

/** Where accepted templates go (the registry), as enrolment sees it. All or none. */
export interface TemplateSink {
  addTemplates(
    personId: string,
    templates: { embedding: Float32Array; modelId: string; quality: number; source: TemplateSource; crop?: Uint8Array }[],
  ): Promise<{ id: string }[]>;
}

export type RegisterResult =
  | { index: number; accepted: true; faceId: string; quality: FaceQuality }
  | { index: number; accepted: false; reasons: (RejectReason | 'unreadable')[]; quality?: FaceQuality; message?: string };

/**
 * register: runs every image through the quality gate and writes the accepted ones as
 * templates of `personId` in one transaction. An unreadable image is refused on its own;
 * the others still count.
 */
export async function registerFaces(
  analyzer: Analyzer,
  sink: TemplateSink,
  personId: string,
  images: Uint8Array[],
  opts: { source: TemplateSource; keepCrops: boolean; encodeCrop: (chip: RgbImage) => Promise<Uint8Array> },
): Promise<RegisterResult[]> {
  const checks = await Promise.all(
    images.map(async (bytes) => {
      try {
        return await checkEnrollmentImage(analyzer, bytes, { keepChip: opts.keepCrops });
      } catch (e) {
        if (isVisionError(e) && e.code !== 'overloaded') return { unreadable: e.message };
        throw e;
      }
    }),
  );
  const accepted: { index: number; check: Extract<EnrollmentCheck, { accepted: true }> }[] = [];
  checks.forEach((check, index) => {
    if ('accepted' in check && check.accepted) accepted.push({ index, check });
  });
  const templates = await Promise.all(
    accepted.map(async ({ check }) => ({
      embedding: check.embedding,
      modelId: check.modelId,
      quality: check.quality.score,
      source: opts.source,
      ...(opts.keepCrops && check.chip ? { crop: await opts.encodeCrop(check.chip) } : {}),
    })),
  );
  const written = templates.length ? await sink.addTemplates(personId, templates) : [];
  const faceIdByIndex = new Map(accepted.map(({ index }, i) => [index, written[i].id]));
  return checks.map((check, index): RegisterResult => {
    if ('unreadable' in check) return { index, accepted: false, reasons: ['unreadable'], message: check.unreadable };
    if (check.accepted) return { index, accepted: true, faceId: faceIdByIndex.get(index)!, quality: check.quality };
    return { index, accepted: false, reasons: check.reasons, ...(check.quality ? { quality: check.quality } : {}) };
  });
}
