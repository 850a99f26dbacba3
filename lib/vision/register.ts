/**
 * register: the enrollment quality gate. Each image must show one clear, large enough, roughly
 * frontal face (the clear subject when there are several); accepted faces become templates
 * (flip-averaged embeddings), refused ones come back with reasons a person can act on.
 */
import { isVisionError } from './errors';
import { EMBEDDING_MODEL } from './models';
import { ENROLLMENT_QUALITY } from './quality';
import type { Analyzer } from './recognize';
import type { TemplateSource } from '@/lib/registry/registry';
import type { RejectReason as ContractRejectReason } from '../contract/vocabulary';
import type { AnalyzeResult, Box, FaceAnalysis, FaceQuality, RgbImage } from './types';
import type { ChipJitter } from './align';
import type { AnalyzeOptions } from './pipeline';

/** The contract's enrollment refusal reasons, less 'unreadable' (which registerFaces adds for an image it cannot decode). */
export type RejectReason = Exclude<ContractRejectReason, 'unreadable'>;

export type EnrollmentCheck =
  | { accepted: true; embedding: Float32Array; modelId: string; quality: FaceQuality; chip?: RgbImage }
  | { accepted: false; reasons: RejectReason[]; quality?: FaceQuality };

/**
 * Several faces: the largest face is enrolled when it is clearly the subject, otherwise the
 * photo is refused (we cannot tell whom the person meant). Shares of the largest face's eye
 * distance, and of the image's width and height.
 */
export const SUBJECT_RULE = {
  /** Every other face at most this share: they are far behind, wherever the subject stands. */
  backgroundFaceRatio: 0.5,
  /**
   * Every other face at most this share and the largest face the one nearest the centre, inside
   * the central half: bystanders. 0.7 ~ cos 45 deg, so a face that is only turned away, not
   * farther, still counts as the same size and the photo is refused.
   */
  bystanderFaceRatio: 0.7,
  /** Centre of the subject's box at most this far from the image centre, per axis. */
  maxCentreOffset: 0.25,
} as const;

type Analysed = Pick<AnalyzeResult, 'faces'> & Partial<Pick<AnalyzeResult, 'width' | 'height'>>;

/** How far a box's centre is from the image centre, the larger of the two axes' shares. */
function centreOffset(box: Box, width: number, height: number): number {
  return Math.max(Math.abs((box.x + box.width / 2) / width - 0.5), Math.abs((box.y + box.height / 2) / height - 0.5));
}

/**
 * The face to enroll (the largest, `faces[0]`), or null when another face is too close in size
 * to tell whom the photo shows. Without the image size only the background rule applies.
 */
export function enrollmentSubject(analysis: Analysed): FaceAnalysis | null {
  const [main, ...others] = analysis.faces;
  if (!main || others.length === 0) return main ?? null;
  const ratio = Math.max(...others.map((f) => f.quality.eyeDistancePx)) / main.quality.eyeDistancePx;
  if (ratio < SUBJECT_RULE.backgroundFaceRatio) return main;
  const { width, height } = analysis;
  if (ratio >= SUBJECT_RULE.bystanderFaceRatio || !width || !height) return null;
  const offset = centreOffset(main.box, width, height);
  const central = offset <= SUBJECT_RULE.maxCentreOffset && others.every((f) => centreOffset(f.box, width, height) > offset);
  return central ? main : null;
}

/**
 * Re-framings of an enrolled chip whose embeddings are averaged into its template, dlib's
 * `jitter_image` made deterministic: rotation +-3 deg, shift +-2% of the side, each at the 1.02
 * zoom that dlib's 0.97-0.99 face height gives on average.
 */
export const TEMPLATE_JITTERS: readonly ChipJitter[] = [
  { rotationDeg: -3, shiftX: 0, shiftY: 0, zoom: 1.02 },
  { rotationDeg: 3, shiftX: 0, shiftY: 0, zoom: 1.02 },
  { rotationDeg: 0, shiftX: -0.02, shiftY: 0, zoom: 1.02 },
  { rotationDeg: 0, shiftX: 0.02, shiftY: 0, zoom: 1.02 },
  { rotationDeg: 0, shiftX: 0, shiftY: -0.02, zoom: 1.02 },
  { rotationDeg: 0, shiftX: 0, shiftY: 0.02, zoom: 1.02 },
];

/**
 * The analysis options the enrollment gate judges (flip-averaged embeddings, enrollment
 * thresholds), and what an enrolled face becomes: a template averaged over re-framed chips
 * (`TEMPLATE_JITTERS`), which lowered FNIR at FPIR 1% on every held-out half of lfw-dev's people
 * (docs/models.md, "Per-frame evidence"), for ~70 ms more per enrolled face and nothing at
 * recognition. The calibration is fitted on the same asymmetry (templates enrolled, plain
 * embeddings searched: `npm run bench:openset -- --calibrate`).
 */
export const ENROLLMENT_ANALYSIS: Partial<AnalyzeOptions> = { flip: true, quality: ENROLLMENT_QUALITY, maxFaces: 5, templateJitters: TEMPLATE_JITTERS };

/**
 * The enrollment gate, pure: judges an image's analysis (made with `ENROLLMENT_ANALYSIS`; pass
 * its width and height too, so a centred subject can be told from bystanders).
 */
export function judgeEnrollment(analysis: Analysed): EnrollmentCheck {
  if (analysis.faces.length === 0) return { accepted: false, reasons: ['no-face'] };
  const main = enrollmentSubject(analysis);
  if (!main) return { accepted: false, reasons: ['several-faces'], quality: analysis.faces[0].quality };
  if (!main.quality.ok) return { accepted: false, reasons: main.quality.reasons, quality: main.quality };
  return {
    accepted: true,
    // The jittered template when the analysis made one (see ENROLLMENT_ANALYSIS).
    embedding: main.template ?? main.embedding,
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

/** Where accepted templates go (the registry), as enrollment sees it. All or none. */
export interface TemplateSink {
  addTemplates(
    personId: string,
    templates: { embedding: Float32Array; modelId: string; quality: number; source: TemplateSource; crop?: Uint8Array }[],
  ): Promise<{ id: string }[]>;
}

export type RegisterResult =
  | { index: number; accepted: true; faceId: string; quality: FaceQuality }
  | { index: number; accepted: false; reasons: ContractRejectReason[]; quality?: FaceQuality; message?: string };

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
