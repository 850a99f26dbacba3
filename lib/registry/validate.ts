/**
 * Input rules of the registry, shared by both backends and by import. Every function either
 * returns the value as it will be stored or throws `RegistryError('invalid_input')`, so a
 * write that fails validation never reaches the database.
 */
import { LIMITS, codePointLength, utf8ByteLength } from '../contract/limits';
import { TEMPLATE_SOURCES, type TemplateSource } from '../contract/vocabulary';
import { l2NormalizeInto } from '../math/vector';
import { sniffImageFormat } from '../media/image-format';
import { RegistryError, type NewTemplate } from './registry';

// The limits are the wire contract's (lib/contract/limits.ts): names in code points, metadata in
// UTF-8 bytes, the same rules the server's request schemas apply.
export const NAME_MAX_CHARS = LIMITS.nameMaxCodePoints;
export const EXTERNAL_ID_MAX_CHARS = LIMITS.externalIdMaxCodePoints;
export const METADATA_MAX_BYTES = LIMITS.metadataMaxBytes;
export const METADATA_MAX_DEPTH = LIMITS.metadataMaxDepth;
export const TEMPLATES_MAX_PER_CALL = LIMITS.templatesMaxPerCall;
export const CROP_MAX_BYTES = LIMITS.cropMaxBytes;
export const MODEL_ID_MAX_CHARS = LIMITS.modelIdMaxChars;

const CONTROL_CHARS = /\p{Cc}/u;
/**
 * Characters that change how a name looks without being seen: bidirectional embeddings,
 * overrides, isolates and marks (U+202A-202E, U+2066-2069, U+200E, U+200F, U+061C) and
 * zero-width ones (U+200B-200D, U+2060, U+FEFF). With them two people can look identically named.
 */
const INVISIBLE_CHARS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function invalid(message: string): never {
  throw new RegistryError('invalid_input', message);
}

/** Lower-case canonical UUID, the only id form the registry issues or accepts. */
export function isUuid(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

/** NFC, trimmed of Unicode white space, 1..200 code points, no control characters. */
export function normaliseName(name: unknown): string {
  if (typeof name !== 'string') invalid('name must be a string');
  const trimmed = name.normalize('NFC').trim();
  const length = codePointLength(trimmed);
  if (length < 1) invalid('name must not be empty');
  if (length > NAME_MAX_CHARS) invalid(`name is ${length} characters long; at most ${NAME_MAX_CHARS} are allowed`);
  if (CONTROL_CHARS.test(trimmed)) invalid('name must not contain control characters');
  const hidden = INVISIBLE_CHARS.exec(trimmed);
  if (hidden) {
    const code = `U+${hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    invalid(`name must not contain invisible direction or zero-width characters (found ${code}): they make different names look the same`);
  }
  return trimmed;
}

/**
 * Key that orders and searches names: accents stripped, lower case. Computed here rather than
 * by SQL so SQLite and PostgreSQL (whatever its locale) order and match identically.
 */
export function nameKey(text: string): string {
  return text.normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase().normalize('NFC');
}

/** Opaque to the registry: kept exactly as given, 1..200 code points, no control characters. */
export function normaliseExternalId(externalId: unknown): string | null {
  if (externalId === undefined || externalId === null) return null;
  if (typeof externalId !== 'string') invalid('externalId must be a string or null');
  const length = codePointLength(externalId);
  if (length < 1 || length > EXTERNAL_ID_MAX_CHARS) invalid(`externalId must be 1..${EXTERNAL_ID_MAX_CHARS} characters`);
  if (CONTROL_CHARS.test(externalId)) invalid('externalId must not contain control characters');
  return externalId;
}

function checkJsonValue(value: unknown, depth: number, path: string): void {
  if (depth > METADATA_MAX_DEPTH) invalid(`metadata is nested deeper than ${METADATA_MAX_DEPTH} levels`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalid(`metadata${path} is not a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonValue(item, depth + 1, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkJsonValue(item, depth + 1, `${path}.${key}`);
    return;
  }
  invalid(`metadata${path} is not a JSON value`);
}

/** A plain JSON object (or null) of at most 16 KiB; returns its JSON text as stored. */
export function serialiseMetadata(metadata: unknown): string | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== 'object' || Array.isArray(metadata) || Object.getPrototypeOf(metadata) !== Object.prototype) {
    invalid('metadata must be a JSON object or null');
  }
  checkJsonValue(metadata, 1, '');
  const text = JSON.stringify(metadata);
  const bytes = utf8ByteLength(text);
  if (bytes > METADATA_MAX_BYTES) invalid(`metadata is ${bytes} bytes as JSON; at most ${METADATA_MAX_BYTES} are allowed`);
  return text;
}

/** Checks length and finiteness and returns a unit-length copy (inputs are never modified). */
export function normaliseEmbedding(embedding: unknown, dim: number): Float32Array {
  if (!(embedding instanceof Float32Array)) invalid('embedding must be a Float32Array');
  if (embedding.length !== dim) invalid(`embedding has ${embedding.length} values; this registry stores ${dim}`);
  for (let i = 0; i < dim; i++) if (!Number.isFinite(embedding[i])) invalid(`embedding value ${i} is not finite`);
  const unit = new Float32Array(dim);
  if (!l2NormalizeInto(embedding, unit, 1e-12)) invalid('embedding has zero (or overflowing) length');
  return unit;
}

export function checkModelId(modelId: unknown): string {
  if (typeof modelId !== 'string' || modelId.length < 1 || modelId.length > MODEL_ID_MAX_CHARS || CONTROL_CHARS.test(modelId)) {
    invalid(`model id must be a string of 1..${MODEL_ID_MAX_CHARS} characters`);
  }
  return modelId;
}

export function checkQuality(quality: unknown): number {
  if (typeof quality !== 'number' || !Number.isFinite(quality) || quality < 0 || quality > 1) {
    invalid('quality must be a number from 0 to 1');
  }
  return quality;
}

export function checkSource(source: unknown): TemplateSource {
  if (!(TEMPLATE_SOURCES as readonly unknown[]).includes(source)) invalid(`source must be one of ${TEMPLATE_SOURCES.join(', ')}`);
  return source as TemplateSource;
}

/** JPEG bytes (they start with the SOI marker FF D8 FF), at most 512 KiB. */
export function checkCrop(crop: unknown): Uint8Array {
  if (!(crop instanceof Uint8Array)) invalid('crop must be a Uint8Array of JPEG bytes');
  if (crop.length > CROP_MAX_BYTES) invalid(`crop is ${crop.length} bytes; at most ${CROP_MAX_BYTES} are allowed`);
  if (sniffImageFormat(crop) !== 'jpeg') invalid('crop is not a JPEG');
  return crop;
}

/** A new template as stored, before ids and timestamps are given. */
export interface CheckedTemplate {
  embedding: Float32Array;
  modelId: string;
  quality: number;
  source: TemplateSource;
  crop: Uint8Array | null;
}

/**
 * Validates a batch of new templates for a registry serving `modelId` at `dim`. Templates of
 * another model are refused: search could never use them, so accepting them hides a bug.
 */
export function checkNewTemplates(templates: unknown, modelId: string, dim: number, keepCrops: boolean): CheckedTemplate[] {
  if (!Array.isArray(templates)) invalid('templates must be an array');
  if (templates.length > TEMPLATES_MAX_PER_CALL) invalid(`at most ${TEMPLATES_MAX_PER_CALL} templates per call`);
  return templates.map((t: NewTemplate, i): CheckedTemplate => {
    if (typeof t !== 'object' || t === null) invalid(`template ${i} is not an object`);
    if (t.modelId !== modelId) invalid(`template ${i} is of model "${String(t.modelId)}"; this registry serves "${modelId}"`);
    try {
      return {
        embedding: normaliseEmbedding(t.embedding, dim),
        modelId,
        quality: checkQuality(t.quality),
        source: checkSource(t.source),
        // Checked even when dropped, so a caller's bug shows up whatever the setting.
        crop: t.crop === undefined || t.crop === null ? null : keepCrops ? checkCrop(t.crop) : (checkCrop(t.crop), null),
      };
    } catch (e) {
      if (e instanceof RegistryError) invalid(`template ${i}: ${e.message}`);
      throw e;
    }
  });
}

export function checkPageLimit(limit: unknown): number {
  if (limit === undefined) return LIMITS.pageSizeDefault;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > LIMITS.pageSizeMax) invalid(`limit must be an integer from 1 to ${LIMITS.pageSizeMax}`);
  return limit;
}

/** Page cursor: the sort key of the last person of the previous page, base64url JSON. */
export interface PageCursor {
  nameKey: string;
  id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.nameKey, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: unknown): PageCursor | null {
  if (cursor === undefined || cursor === null) return null;
  if (typeof cursor !== 'string') invalid('cursor must be a string');
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && isUuid(value[1])) {
      return { nameKey: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  invalid('cursor is not one this registry issued');
}

/** Float32 little-endian bytes of a vector, as stored in BLOB / bytea columns. */
export function embeddingToBytes(embedding: Float32Array): Buffer {
  const bytes = Buffer.alloc(embedding.length * 4);
  for (let i = 0; i < embedding.length; i++) bytes.writeFloatLE(embedding[i], i * 4);
  return bytes;
}

export function bytesToEmbedding(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new Error(`stored embedding has ${bytes.length} bytes, not a multiple of 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Wall-clock time as stored: ISO 8601 UTC with milliseconds, which both backends keep exactly. */
export function nowIso(): string {
  return new Date().toISOString();
}
