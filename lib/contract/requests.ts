/**
 * What clients send: JSON bodies and query strings, as zod schemas the routes parse with. Text
 * lengths are code points and metadata is measured in UTF-8 bytes (limits.ts), the same rules
 * the registry applies, so a request either passes both layers or is refused by the first.
 */
import { z } from 'zod';
import { LIMITS, codePointLength, utf8ByteLength } from './limits';
import { AUDIT_ACTIONS, ROLES, TEMPLATE_SOURCES } from './vocabulary';

/** A trimmed string of 1..max code points (JSON Schema's maxLength counts code points too). */
function text(max: number, what = 'characters') {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .refine((s) => codePointLength(s) <= max, `must be at most ${max} ${what}`)
    .meta({ maxLength: max });
}

/** Counted after NFC, as the registry stores it. */
export const personNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((s) => codePointLength(s.normalize('NFC')) <= LIMITS.nameMaxCodePoints, `must be at most ${LIMITS.nameMaxCodePoints} characters`)
  .meta({
    maxLength: LIMITS.nameMaxCodePoints,
    description: `NFC, trimmed, 1..${LIMITS.nameMaxCodePoints} characters (code points); no control characters, no invisible direction or zero-width characters.`,
  });

export const externalIdSchema = text(LIMITS.externalIdMaxCodePoints).nullable().meta({ description: 'Your own id for the person, unique; null clears it.' });

export const metadataSchema = z
  .record(z.string(), z.unknown())
  .nullable()
  .refine((m) => m === null || utf8ByteLength(JSON.stringify(m)) <= LIMITS.metadataMaxBytes, `must be at most ${LIMITS.metadataMaxBytes} bytes as JSON (UTF-8)`)
  .meta({ description: `A JSON object, at most ${LIMITS.metadataMaxBytes} bytes as UTF-8 JSON and ${LIMITS.metadataMaxDepth} levels deep; null clears it.` });

export const createPersonSchema = z
  .strictObject({ name: personNameSchema, externalId: externalIdSchema.optional(), metadata: metadataSchema.optional() })
  .meta({ id: 'CreatePerson' });
export type CreatePersonInput = z.input<typeof createPersonSchema>;

export const updatePersonSchema = z
  .strictObject({ name: personNameSchema.optional(), externalId: externalIdSchema.optional(), metadata: metadataSchema.optional() })
  .refine((p) => Object.keys(p).length > 0, 'send at least one of name, externalId, metadata')
  .meta({ id: 'UpdatePerson' });
export type UpdatePersonInput = z.input<typeof updatePersonSchema>;

export const listPeopleQuery = z.object({
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().max(LIMITS.cursorMaxChars).optional().meta({ description: '`next` of the previous page.' }),
  q: z
    .string()
    .refine((s) => codePointLength(s) <= LIMITS.searchMaxCodePoints, `must be at most ${LIMITS.searchMaxCodePoints} characters`)
    .optional()
    .meta({ maxLength: LIMITS.searchMaxCodePoints, description: 'Case- and accent-insensitive part of the name, or an exact external id.' }),
});

export const sightingsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(LIMITS.sightingsPageMax).default(LIMITS.sightingsPageDefault),
  cursor: z.string().max(LIMITS.cursorMaxChars).optional().meta({ description: '`next` of the previous page.' }),
});

/** Filters of the audit trail; the registry checks them again (cursor form, times). */
export const auditQuery = z.object({
  personId: z.uuid().optional(),
  actor: z
    .union([z.literal('admin'), z.literal('system'), z.uuid()])
    .optional()
    .meta({ description: 'A key id, `admin` (the configured FACEREC_ADMIN_KEY) or `system` (CLI, first start).' }),
  action: z.enum(AUDIT_ACTIONS).optional(),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: 'Entries at or after; ISO 8601 with `Z` or an offset.' }),
  until: z.iso.datetime({ offset: true }).optional().meta({ description: 'Entries before.' }),
  cursor: z.string().max(LIMITS.auditCursorMaxChars).optional().meta({ description: '`nextCursor` of the previous page.' }),
  limit: z.coerce.number().int().min(1).max(LIMITS.auditPageMax).default(LIMITS.auditPageDefault),
});

export const facesQuery = z.object({ source: z.enum(TEMPLATE_SOURCES).default('api') });

export const createKeySchema = z.strictObject({ name: text(LIMITS.keyNameMaxCodePoints), role: z.enum(ROLES) }).meta({ id: 'CreateKey' });
export type CreateKeyInput = z.input<typeof createKeySchema>;

// ---- Image bodies (the routes read them with lib/server/http.ts; these describe them) -----

const imageFile = z.string().meta({ format: 'binary', description: 'JPEG, PNG or WebP bytes; the type is read from the bytes.' });

export const recognizeTrackSchema = z
  .strictObject({
    evidence: z
      .array(z.string().min(1).max(LIMITS.evidenceTokenMaxChars))
      .min(1)
      .max(LIMITS.trackFramesMax)
      .meta({ description: `1..${LIMITS.trackFramesMax} \`evidence\` tokens of one face's frames, from this caller's /recognize answers of the last minute.` }),
  })
  .meta({ id: 'RecognizeTrack' });

export const imageForm = z.object({ image: imageFile }).meta({ id: 'ImageForm' });
export const enrollmentForm = z
  .object({ image: z.array(imageFile).min(1).max(LIMITS.imagesPerEnrollment) })
  .meta({ id: 'EnrollmentForm', description: `1..${LIMITS.imagesPerEnrollment} files in fields named \`image\`.` });
export const verifyForm = z
  .object({ image_a: imageFile.optional(), image_b: imageFile.optional(), image: imageFile.optional(), personId: z.string().optional() })
  .meta({ id: 'VerifyForm', description: '`image_a` and `image_b`, or `image` and `personId`.' });
