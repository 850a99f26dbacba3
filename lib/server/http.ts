/**
 * Reading requests within limits: bodies are counted while they stream in and refused past
 * the limit; images come as a raw body or multipart fields; JSON is parsed and validated with
 * a zod schema. Every failure is a catalogued ApiError.
 */
import { z } from 'zod';
import { LIMITS } from '@/lib/contract/limits';
import { IMAGE_MEDIA_TYPES } from '@/lib/contract/vocabulary';
import { ApiError } from './errors';

/** The body as bytes, refusing more than `maxBytes` (declared or actual). */
export async function readBody(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ApiError('payload_too_large', `The body is ${declared} bytes; the limit is ${maxBytes}.`);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ApiError('payload_too_large', `The body is larger than the limit of ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const IMAGE_TYPES: readonly string[] = IMAGE_MEDIA_TYPES;

export interface ImageInput {
  /** Images by form field (a raw body arrives as field `image`), in order. */
  images: Map<string, Uint8Array[]>;
  /** Plain text fields of a multipart body. */
  fields: Map<string, string>;
}

function mediaType(req: Request): string {
  return (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** Images from a raw image body or a multipart form. */
export async function readImages(req: Request, maxBytes: number): Promise<ImageInput> {
  const type = mediaType(req);
  if (IMAGE_TYPES.includes(type) || type === 'application/octet-stream') {
    return { images: new Map([['image', [await readBody(req, maxBytes)]]]), fields: new Map() };
  }
  if (type !== 'multipart/form-data') {
    throw new ApiError('unsupported_media_type', `Send the image as the body (Content-Type image/jpeg, image/png or image/webp) or as multipart/form-data; got "${type || 'no content type'}".`);
  }
  const body = await readBody(req, maxBytes);
  let form: FormData;
  try {
    form = await new Response(body as BodyInit, { headers: { 'content-type': req.headers.get('content-type')! } }).formData();
  } catch {
    throw new ApiError('invalid_request', 'The multipart body could not be parsed.');
  }
  const images = new Map<string, Uint8Array[]>();
  const fields = new Map<string, string>();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields.set(name, value);
    else {
      const list = images.get(name) ?? [];
      list.push(new Uint8Array(await value.arrayBuffer()));
      images.set(name, list);
    }
  }
  return { images, fields };
}

/** Exactly one image from field `field`. */
export function oneImage(input: ImageInput, field = 'image'): Uint8Array {
  const list = input.images.get(field);
  if (!list || list.length === 0) throw new ApiError('invalid_request', `Missing image field "${field}".`);
  if (list.length > 1) throw new ApiError('invalid_request', `Send one image in field "${field}", not ${list.length}.`);
  return list[0];
}

/** A JSON body validated by `schema`. */
export async function readJson<T extends z.ZodType>(req: Request, schema: T, maxBytes: number = LIMITS.jsonBodyMaxBytes): Promise<z.infer<T>> {
  const type = mediaType(req);
  if (type !== 'application/json') throw new ApiError('unsupported_media_type', 'Send JSON with Content-Type: application/json.');
  const bytes = await readBody(req, maxBytes);
  let value: unknown;
  try {
    // Fatal: bytes that are not UTF-8 are refused rather than stored as U+FFFD.
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ApiError('invalid_json', 'The request body is not valid JSON in UTF-8.');
  }
  if (exceedsJsonDepth(value, MAX_JSON_DEPTH)) {
    throw new ApiError('validation_failed', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  return parseWith(schema, value);
}

/** Nesting that a request body may have (metadata allows less: LIMITS.metadataMaxDepth). */
export const MAX_JSON_DEPTH = LIMITS.jsonMaxDepth;

/**
 * True when arrays and objects nest deeper than `maxDepth` (the top level is 1). Iterative, so
 * a body of 30 000 nested arrays cannot overflow the stack; later checks (zod, JSON.stringify,
 * the registry's) recurse and rely on this bound.
 */
export function exceedsJsonDepth(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ApiError('validation_failed', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues);
  }
  return result.data;
}

export function searchParams(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams.entries());
}
