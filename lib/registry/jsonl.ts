/**
 * The export format: JSON Lines. Line 1 is a header; every other line is one person with all
 * their templates (every model), so a reader never holds more than one person. Embeddings
 * and crops are base64 of their exact bytes (float32 little-endian; JPEG), so an export
 * imported anywhere and exported again gives the same lines (see docs/registry.md).
 */
import { RegistryError } from './registry';
import type { PersonDump, PersonRecord, TemplateRecord } from './store';
import {
  checkCrop,
  checkModelId,
  checkQuality,
  checkSource,
  embeddingToBytes,
  isUuid,
  nameKey,
  normaliseExternalId,
  normaliseName,
  serialiseMetadata,
} from './validate';

export const EXPORT_FORMAT = 'facerec-registry';
export const EXPORT_VERSION = 1;
/** Most templates one imported person may carry. */
const IMPORT_MAX_TEMPLATES = 10_000;
/** Imported vectors further than this from unit length are normalised (exported ones never are). */
const UNIT_TOLERANCE = 1e-4;

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  /** Backend that wrote it (informative). */
  backend: string;
}

interface TemplateLine {
  id: string;
  modelId: string;
  /** base64 of float32 little-endian values. */
  embedding: string;
  quality: number;
  source: string;
  createdAt: string;
  /** base64 JPEG, or null. */
  crop: string | null;
}

interface PersonLine {
  id: string;
  name: string;
  externalId: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  templates: TemplateLine[];
}

export function headerLine(backend: string, exportedAt: string): string {
  const header: ExportHeader = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt, backend };
  return JSON.stringify(header);
}

export function personLine({ person, templates }: PersonDump): string {
  const line: PersonLine = {
    id: person.id,
    name: person.name,
    externalId: person.externalId,
    metadata: person.metadata === null ? null : (JSON.parse(person.metadata) as Record<string, unknown>),
    createdAt: person.createdAt,
    updatedAt: person.updatedAt,
    templates: templates.map((t) => ({
      id: t.id,
      modelId: t.modelId,
      embedding: embeddingToBytes(t.embedding).toString('base64'),
      quality: t.quality,
      source: t.source,
      createdAt: t.createdAt,
      crop: t.crop === null ? null : Buffer.from(t.crop).toString('base64'),
    })),
  };
  return JSON.stringify(line);
}

function fail(lineNumber: number, message: string): never {
  throw new RegistryError('invalid_input', `import line ${lineNumber}: ${message}`);
}

function checkTime(value: unknown, lineNumber: number, field: string): string {
  if (typeof value !== 'string' || !ISO_MS.test(value) || Number.isNaN(Date.parse(value)) || new Date(value).toISOString() !== value) {
    fail(lineNumber, `${field} must be an ISO 8601 UTC time with milliseconds`);
  }
  return value;
}

function decodeBase64(value: unknown, lineNumber: number, field: string): Buffer {
  if (typeof value !== 'string' || !BASE64.test(value)) fail(lineNumber, `${field} must be base64`);
  return Buffer.from(value, 'base64');
}

function checkKeys(value: unknown, keys: readonly string[], lineNumber: number, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(lineNumber, `${what} must be an object`);
  const record = value as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) => !keys.includes(k));
  const missing = keys.filter((k) => !(k in record));
  if (extra.length > 0 || missing.length > 0) {
    fail(lineNumber, `${what} has unexpected fields [${extra.join(', ')}] or lacks [${missing.join(', ')}]`);
  }
  return record;
}

/** Little-endian float32 bytes -> finite vector of unit length (normalised only if it is off). */
function decodeEmbedding(bytes: Buffer, lineNumber: number, expectedDim: number | null): Float32Array {
  if (bytes.length === 0 || bytes.length % 4 !== 0) fail(lineNumber, 'embedding must be whole float32 values');
  const values = new Float32Array(bytes.length / 4);
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const x = bytes.readFloatLE(i * 4);
    if (!Number.isFinite(x)) fail(lineNumber, `embedding value ${i} is not finite`);
    values[i] = x;
    sumSquares += x * x;
  }
  if (expectedDim !== null && values.length !== expectedDim) fail(lineNumber, `embedding has ${values.length} values; this registry's model has ${expectedDim}`);
  const norm = Math.sqrt(sumSquares);
  if (!(norm > 1e-12)) fail(lineNumber, 'embedding has zero length');
  if (Math.abs(norm - 1) > UNIT_TOLERANCE) for (let i = 0; i < values.length; i++) values[i] /= norm;
  return values;
}

/**
 * Checks and decodes one person line. `modelId`/`dim` are the importing registry's: its own
 * model's embeddings must have its length; other models' are kept as stale templates.
 */
export function parsePersonLine(text: string, lineNumber: number, modelId: string, dim: number, keepCrops: boolean): PersonDump {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(lineNumber, 'not valid JSON');
  }
  const raw = checkKeys(value, ['id', 'name', 'externalId', 'metadata', 'createdAt', 'updatedAt', 'templates'], lineNumber, 'person');
  try {
    if (!isUuid(raw.id)) fail(lineNumber, 'id must be a lower-case UUID');
    const name = normaliseName(raw.name);
    const person: PersonRecord = {
      id: raw.id,
      name,
      nameKey: nameKey(name),
      externalId: normaliseExternalId(raw.externalId),
      metadata: serialiseMetadata(raw.metadata),
      createdAt: checkTime(raw.createdAt, lineNumber, 'createdAt'),
      updatedAt: checkTime(raw.updatedAt, lineNumber, 'updatedAt'),
    };
    if (!Array.isArray(raw.templates)) fail(lineNumber, 'templates must be an array');
    if (raw.templates.length > IMPORT_MAX_TEMPLATES) fail(lineNumber, `more than ${IMPORT_MAX_TEMPLATES} templates`);
    const templates = raw.templates.map((item: unknown, i: number): TemplateRecord => {
      const t = checkKeys(item, ['id', 'modelId', 'embedding', 'quality', 'source', 'createdAt', 'crop'], lineNumber, `template ${i}`);
      if (!isUuid(t.id)) fail(lineNumber, `template ${i} id must be a lower-case UUID`);
      const templateModel = checkModelId(t.modelId);
      return {
        id: t.id,
        personId: person.id,
        modelId: templateModel,
        embedding: decodeEmbedding(decodeBase64(t.embedding, lineNumber, `template ${i} embedding`), lineNumber, templateModel === modelId ? dim : null),
        quality: checkQuality(t.quality),
        source: checkSource(t.source),
        createdAt: checkTime(t.createdAt, lineNumber, `template ${i} createdAt`),
        crop: t.crop === null || !keepCrops ? null : checkCrop(decodeBase64(t.crop, lineNumber, `template ${i} crop`)),
      };
    });
    return { person, templates };
  } catch (e) {
    if (e instanceof RegistryError && !e.message.startsWith('import line')) fail(lineNumber, e.message);
    throw e;
  }
}

export function parseHeaderLine(text: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(1, 'not valid JSON');
  }
  const header = value as Partial<ExportHeader> | null;
  if (typeof header !== 'object' || header === null || header.format !== EXPORT_FORMAT) {
    fail(1, `the first line must be the ${EXPORT_FORMAT} header`);
  }
  if (header.version !== EXPORT_VERSION) {
    fail(1, `export format version ${String(header.version)} is not supported (this facerec reads version ${EXPORT_VERSION})`);
  }
}

/** Yields the people of an export, checking the header first; blank lines are skipped. */
export async function* parseExport(
  lines: AsyncIterable<string> | Iterable<string>,
  modelId: string,
  dim: number,
  keepCrops: boolean,
): AsyncIterable<PersonDump> {
  let lineNumber = 0;
  let sawHeader = false;
  for await (const rawLine of lines) {
    lineNumber++;
    const line = rawLine.replace(/\r?\n$/, '');
    if (line.trim() === '') continue;
    if (!sawHeader) {
      parseHeaderLine(line);
      sawHeader = true;
      continue;
    }
    yield parsePersonLine(line, lineNumber, modelId, dim, keepCrops);
  }
  if (!sawHeader) fail(1, `empty input: expected the ${EXPORT_FORMAT} header`);
}
