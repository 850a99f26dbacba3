/**
 * What the server answers, as zod schemas: the presenters (lib/server/present.ts) are typed by
 * them, the browser's client (lib/client/api.ts) derives its types from them, and
 * tests/api/openapi.test.ts parses real answers with them. Objects are strict: a field the
 * server sends but the contract lacks fails that test. Pixels are of the uploaded image after
 * EXIF rotation, rounded to 0.1; scores to 4 decimals.
 */
import { z } from 'zod';
import { ACTOR_KINDS, AUDIT_ACTIONS, QUALITY_REASONS, REJECT_REASONS, ROLES, TEMPLATE_SOURCES, UNKNOWN_REASONS } from './vocabulary';

const uuid = z.string().meta({ format: 'uuid' });
const timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601 UTC with milliseconds.' });

export const boxSchema = z.strictObject({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).meta({ id: 'Box' });
export const pointSchema = z.strictObject({ x: z.number(), y: z.number() }).meta({ id: 'Point' });

export const qualitySchema = z
  .strictObject({
    score: z.number().meta({ description: '0..1, higher is better.' }),
    ok: z.boolean().meta({ description: 'No reason applies.' }),
    reasons: z.array(z.enum(QUALITY_REASONS)),
    eyeDistancePx: z.number(),
    sharpness: z.number(),
    pose: z.strictObject({ yawDeg: z.number(), pitchDeg: z.number(), rollDeg: z.number() }),
  })
  .meta({ id: 'Quality' });

export const detectedFaceSchema = z
  .strictObject({ box: boxSchema, landmarks: z.array(pointSchema), score: z.number(), quality: qualitySchema })
  .meta({ id: 'DetectedFace' });

export const matchSchema = z
  .strictObject({ personId: uuid, name: z.string(), similarity: z.number().meta({ description: "Cosine to the person's centroid, -1..1." }) })
  .meta({ id: 'Match' });

export const decisionSchema = z
  .strictObject({
    candidate: z.string().nullable().meta({ description: 'Opaque id of the best person for this caller and hour; never a name or person id. null: nobody enrolled.' }),
    score: z.number().nullable().meta({ description: 'Decision score of that person, in impostor standard deviations.' }),
    threshold: z.number().meta({ description: 'The bar `score` had to reach for this gallery at the target FPIR.' }),
    reason: z.enum(UNKNOWN_REASONS).nullable(),
  })
  .meta({ id: 'Decision', description: 'Why a face is named or unknown; below the bar it names nobody.' });

export const faceSchema = detectedFaceSchema
  .extend({
    match: matchSchema.nullable().meta({ description: 'null: unknown.' }),
    decision: decisionSchema,
    evidence: z.string().meta({
      description: 'The face sealed for this caller (encrypted; opaque to the client), usable for one minute: send several of one track to POST /recognize/track.',
    }),
  })
  .meta({ id: 'Face' });

const timings = z.record(z.string(), z.number()).meta({ description: 'Milliseconds per stage.' });

export const recognizeResponse = z
  .strictObject({
    faces: z.array(faceSchema).meta({ description: 'Largest first.' }),
    width: z.number(),
    height: z.number(),
    threshold: z.number().meta({ description: 'The one-frame bar on the decision score.' }),
    trackBars: z.array(z.number()).meta({ description: '`trackBars[n - 1]`: the bar on the score-level evidence of a track of n frames (judgeTrack); the page judges tracks with POST /recognize/track instead.' }),
    model: z.string(),
    timings,
  })
  .meta({ id: 'RecognizeResult' });

export const recognizeTrackResponse = z
  .strictObject({
    match: matchSchema.nullable().meta({ description: 'The person the track is, once the fused evidence clears the bar; null: unknown.' }),
    decision: z.strictObject({
      candidate: z.string().nullable().meta({ description: 'Opaque id of the best person, as in /recognize answers of this caller and hour. null: nobody enrolled.' }),
      score: z.number().nullable().meta({ description: 'Decision score of the fused probe for that person, in impostor standard deviations.' }),
      reason: z.enum(UNKNOWN_REASONS).nullable(),
    }),
    threshold: z.number().meta({ description: 'The bar for a track of this many frames in this gallery (one frame: the one-frame bar).' }),
    frames: z.number().meta({ description: 'Evidence tokens fused.' }),
  })
  .meta({ id: 'RecognizeTrackResult' });

export const detectResponse = z
  .strictObject({ faces: z.array(detectedFaceSchema), width: z.number(), height: z.number(), timings })
  .meta({ id: 'DetectResult' });

export const verifyResponse = z
  .strictObject({
    similarity: z.number().optional().meta({ description: 'Absent for a caller without a key verifying against a personId.' }),
    match: z.boolean(),
    threshold: z.number(),
    model: z.string(),
  })
  .meta({ id: 'VerifyResult' });

export const personSchema = z
  .strictObject({
    id: uuid,
    name: z.string(),
    externalId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    templateCount: z.number().int().meta({ description: 'All templates of the person, of any model.' }),
    lastSeenAt: timestamp
      .nullable()
      .optional()
      .meta({ description: 'GET /people only, while sightings are recorded (FACEREC_SIGHTINGS): when last seen; null: not yet, or purged.' }),
  })
  .meta({ id: 'Person' });

export const templateSchema = z
  .strictObject({
    id: uuid,
    personId: uuid,
    modelId: z.string(),
    quality: z.number(),
    source: z.enum(TEMPLATE_SOURCES),
    createdAt: timestamp,
    hasCrop: z.boolean(),
  })
  .meta({ id: 'Template' });

export const personDetailSchema = personSchema.extend({ templates: z.array(templateSchema) }).meta({ id: 'PersonDetail' });

export const peoplePageSchema = z
  .strictObject({ people: z.array(personSchema), next: z.string().nullable().meta({ description: 'Cursor of the next page; null on the last.' }) })
  .meta({ id: 'PeoplePage' });

export const faceResultSchema = z
  .discriminatedUnion('accepted', [
    z.strictObject({ index: z.number().int(), accepted: z.literal(true), faceId: uuid, quality: qualitySchema }),
    z.strictObject({
      index: z.number().int(),
      accepted: z.literal(false),
      reasons: z.array(z.enum(REJECT_REASONS)),
      quality: qualitySchema.optional(),
      message: z.string().optional(),
    }),
  ])
  .meta({ id: 'FaceResult', description: 'One per image, in the order sent: a new template, or refused with reasons.' });

export const addFacesResponse = z
  .strictObject({ person: personSchema, accepted: z.number().int(), results: z.array(faceResultSchema) })
  .meta({ id: 'AddFacesResult' });

export const keyInfoSchema = z
  .strictObject({ id: uuid, name: z.string(), role: z.enum(ROLES), createdAt: timestamp, lastUsedAt: timestamp.nullable() })
  .meta({ id: 'KeyInfo' });

export const createdKeySchema = keyInfoSchema.extend({ key: z.string().meta({ description: 'Shown this once; only its hash is stored.' }) }).meta({ id: 'CreatedKey' });

export const keyListSchema = z.strictObject({ keys: z.array(keyInfoSchema) }).meta({ id: 'KeyList' });

export const sightingSchema = z
  .strictObject({
    id: uuid,
    personId: uuid,
    keyId: z.string().nullable().meta({ description: 'The API key whose answers named the person (`env-admin`: FACEREC_ADMIN_KEY); null: public recognition.' }),
    firstSeenAt: timestamp,
    lastSeenAt: timestamp,
    bestSimilarity: z.number().meta({ description: 'Highest similarity of the answers merged into this sighting, -1..1.' }),
    answers: z.number().int().meta({ description: 'Recognition answers merged into this sighting (one track).' }),
  })
  .meta({ id: 'Sighting' });

export const sightingsPageSchema = z
  .strictObject({
    sightings: z.array(sightingSchema).meta({ description: 'Newest first (by first seen).' }),
    next: z.string().nullable().meta({ description: 'Cursor of the next page; null on the last.' }),
    recording: z.boolean().meta({ description: 'Whether new sightings are written now (FACEREC_SIGHTINGS); rows kept from earlier are listed either way.' }),
    retentionDays: z.number().meta({ description: 'FACEREC_SIGHTINGS_RETENTION_DAYS.' }),
  })
  .meta({ id: 'SightingsPage' });

export const auditEntrySchema = z
  .strictObject({
    id: z.string().meta({ description: 'Opaque, increasing.' }),
    at: timestamp,
    action: z.enum(AUDIT_ACTIONS),
    actor: z.strictObject({
      kind: z.enum(ACTOR_KINDS).meta({ description: '`admin`: the configured FACEREC_ADMIN_KEY; `system`: the CLI, first start.' }),
      keyId: uuid.nullable(),
      name: z.string().meta({ description: "A key's name; `admin` or `system` otherwise." }),
    }),
    personId: uuid.nullable(),
    faceId: uuid.nullable(),
    keyId: uuid.nullable(),
    address: z.string().nullable().meta({ description: "The request's client address." }),
    details: z.record(z.string(), z.unknown()).nullable().meta({ description: "Small; never an embedding, an image or a person's name." }),
  })
  .meta({ id: 'AuditEntry' });

export const auditPageSchema = z
  .strictObject({
    entries: z.array(auditEntrySchema).meta({ description: 'Newest first.' }),
    nextCursor: z.string().nullable().meta({ description: 'Cursor of the next page; null on the last.' }),
  })
  .meta({ id: 'AuditPage' });

/** A person's data on request (GET /people/:id/export): everything held about them, no embeddings. */
export const personExportSchema = z
  .strictObject({
    format: z.literal('facerec-person'),
    version: z.literal(1),
    exportedAt: timestamp,
    person: personSchema,
    templates: z.array(
      z.strictObject({
        id: uuid,
        modelId: z.string(),
        quality: z.number(),
        source: z.enum(TEMPLATE_SOURCES),
        createdAt: timestamp,
        crop: z.string().nullable().meta({ description: 'The kept face crop, base64 JPEG (FACEREC_KEEP_CROPS); else null.' }),
      }),
    ),
    sightings: z.array(sightingSchema.omit({ personId: true })).meta({ description: 'Every sighting still kept, newest first.' }),
    audit: z.array(auditEntrySchema).meta({ description: 'The audit entries naming the person, oldest first.' }),
  })
  .meta({ id: 'PersonExport' });

/** What POST /admin/import imported (all or nothing). */
export const importCountsSchema = z.strictObject({ people: z.number().int(), templates: z.number().int() }).meta({ id: 'ImportCounts' });

export const healthSchema = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Health' });

/** Recognition's operating point; `galleryPeople` and `threshold` only for callers with a key. */
export const operatingPointSchema = z
  .strictObject({
    rule: z.string(),
    targetFpir: z.number(),
    calibration: z.string(),
    galleryPeople: z.number().int().optional(),
    threshold: z.number().optional().meta({ description: "The one-frame bar for today's gallery." }),
  })
  .meta({ id: 'OperatingPoint' });

export const readySchema = z
  .strictObject({
    status: z.literal('ready'),
    workers: z.number().int().optional(),
    queueDepth: z.number().int().optional(),
    recognition: operatingPointSchema.optional(),
    registry: z
      .strictObject({
        people: z.number().int(),
        templates: z.number().int(),
        staleTemplates: z.number().int(),
        index: z.strictObject({ kind: z.enum(['exact', 'approximate']), building: z.boolean() }),
      })
      .optional(),
  })
  .meta({ id: 'Ready', description: 'Without a key only `status`.' });

export const infoSchema = z
  .strictObject({
    model: z.string(),
    threshold: z.number().meta({ description: '1:1 verify: the cosine bar at `targetFmr`.' }),
    targetFmr: z.number(),
    recognition: operatingPointSchema,
    publicRecognition: z.boolean(),
    keepCrops: z.boolean(),
    version: z.string().nullable().optional().meta({ description: 'Only for callers with a key.' }),
  })
  .meta({ id: 'ServerInfo' });

export type Box = z.output<typeof boxSchema>;
export type Point = z.output<typeof pointSchema>;
export type Quality = z.output<typeof qualitySchema>;
export type DetectedFace = z.output<typeof detectedFaceSchema>;
export type Match = z.output<typeof matchSchema>;
export type Decision = z.output<typeof decisionSchema>;
export type Face = z.output<typeof faceSchema>;
export type RecognizeResult = z.output<typeof recognizeResponse>;
export type RecognizeTrackResult = z.output<typeof recognizeTrackResponse>;
export type DetectResult = z.output<typeof detectResponse>;
export type VerifyResult = z.output<typeof verifyResponse>;
export type Person = z.output<typeof personSchema>;
export type Template = z.output<typeof templateSchema>;
export type PersonDetail = z.output<typeof personDetailSchema>;
export type PeoplePage = z.output<typeof peoplePageSchema>;
export type FaceResult = z.output<typeof faceResultSchema>;
export type AddFacesResult = z.output<typeof addFacesResponse>;
export type KeyInfo = z.output<typeof keyInfoSchema>;
export type CreatedKey = z.output<typeof createdKeySchema>;
export type KeyList = z.output<typeof keyListSchema>;
export type OperatingPoint = z.output<typeof operatingPointSchema>;
export type Sighting = z.output<typeof sightingSchema>;
export type SightingsPage = z.output<typeof sightingsPageSchema>;
export type AuditEntry = z.output<typeof auditEntrySchema>;
export type AuditPage = z.output<typeof auditPageSchema>;
export type PersonExport = z.output<typeof personExportSchema>;
export type ImportCounts = z.output<typeof importCountsSchema>;
export type Ready = z.output<typeof readySchema>;
export type ServerInfo = z.output<typeof infoSchema>;
