/**
 * The OpenAPI 3.1 document, built from the route table (routes.ts) and the schemas with zod's
 * own JSON Schema output (OpenAPI 3.1 speaks JSON Schema 2020-12). Named schemas (`.meta({ id })`)
 * become components and are referenced; everything else is inlined where used.
 */
import { z } from 'zod';
import { ERRORS, errorBodySchema, type ErrorCode } from './errors';
import { CONTRACT_ROUTES, type ContractRoute } from './routes';
import { IMAGE_MEDIA_TYPES } from './vocabulary';

type Json = Record<string, unknown>;

/** Errors any route may answer besides its own: a missing or weak key, the rate limit, a server starting or failing. */
function commonErrors(route: ContractRoute): ErrorCode[] {
  return [...(route.access === 'none' ? [] : (['unauthorized', 'forbidden'] as const)), 'rate_limited', 'not_ready', 'internal'];
}

/** `/api/v1/people/[id]` -> `/api/v1/people/{id}`. */
export function openApiPath(appPath: string): string {
  return appPath.replace(/\[(\w+)\]/g, '{$1}');
}

const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

class SchemaCollector {
  readonly components: Record<string, Json> = {};

  /** `schema` as JSON Schema; its named parts move to components and are referenced. */
  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    delete json.$schema;
    for (const [id, def] of Object.entries(defs)) {
      const fixed = this.tidy(def);
      const had = this.components[id];
      if (had && JSON.stringify(had) !== JSON.stringify(fixed)) throw new Error(`schema "${id}" has two shapes (request and answer?); give them different ids`);
      this.components[id] = fixed;
    }
    return this.tidy(json);
  }

  /** Refs into components; no zod bounds that only restate "a safe integer". */
  private tidy(value: Json): Json {
    return JSON.parse(JSON.stringify(value), (key, v) => {
      if (key === '$ref' && typeof v === 'string') return v.replace('#/$defs/', '#/components/schemas/');
      if ((key === 'minimum' || key === 'maximum') && SAFE_INTEGER_BOUNDS.has(v)) return undefined;
      return v;
    }) as Json;
  }
}

function parameters(route: ContractRoute, schemas: SchemaCollector): Json[] {
  const params: Json[] = [...route.path.matchAll(/\[(\w+)\]/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  }));
  if (route.query) {
    const query = schemas.convert(route.query, 'input');
    const required = new Set((query.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries(query.properties as Record<string, Json>)) {
      // A field with a default is optional to the caller, whatever zod's input says.
      params.push({ name, in: 'query', required: required.has(name) && !('default' in schema), schema });
    }
  }
  return params;
}

function requestBody(route: ContractRoute, schemas: SchemaCollector): Json | undefined {
  const body = route.body;
  if (!body) return undefined;
  if ('json' in body) return { required: true, content: { 'application/json': { schema: schemas.convert(body.json, 'input') } } };
  if ('raw' in body) return { required: true, description: body.raw.description, content: { [body.raw.contentType]: { schema: { type: 'string' } } } };
  const raw = { schema: { type: 'string', format: 'binary' } };
  return {
    required: true,
    content: {
      'multipart/form-data': { schema: schemas.convert(body.images.form, 'input') },
      ...(body.images.raw ? Object.fromEntries(IMAGE_MEDIA_TYPES.map((type) => [type, raw])) : {}),
    },
  };
}

function responses(route: ContractRoute, schemas: SchemaCollector): Json {
  const out: Json = {};
  const a = route.answer;
  const headers = 'headers' in a && a.headers ? { headers: Object.fromEntries(Object.entries(a.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) } : {};
  if ('json' in a) {
    out[a.status] = { description: a.description ?? 'OK', content: { 'application/json': { schema: schemas.convert(a.json, 'output') } }, ...headers };
  } else if ('contentType' in a) {
    out[a.status] = { description: a.description, content: { [a.contentType]: { schema: { type: 'string' } } }, ...headers };
  } else {
    out[a.status] = { description: a.description };
  }
  const error = schemas.convert(errorBodySchema, 'output');
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...(route.errors ?? []), ...commonErrors(route)])) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort((x, y) => x[0] - y[0])) {
    out[status] = { description: codes.map((c) => `\`${c}\``).join(', '), content: { 'application/json': { schema: error } } };
  }
  return out;
}

function operation(route: ContractRoute, schemas: SchemaCollector): Json {
  const params = parameters(route, schemas);
  const body = requestBody(route, schemas);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    // A key of this role (or admin); `recognize` may be made public (FACEREC_PUBLIC_RECOGNITION).
    security: route.access === 'none' ? [] : route.access === 'recognize' ? [{ bearer: [] }, {}] : [{ bearer: [] }],
    'x-access': route.access,
    ...(params.length ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: responses(route, schemas),
  };
}

/** The document for `routes` (the contract's by default). Deterministic: same table, same JSON. */
export function buildOpenApi(routes: readonly ContractRoute[] = CONTRACT_ROUTES): Json {
  const schemas = new SchemaCollector();
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, schemas);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'facerec HTTP API',
      version: '1',
      description: 'Generated from lib/contract; docs/api.md explains it. Errors are `{ error: { code, message, details? } }`; 429 and 503 carry Retry-After.',
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas.components).sort(([x], [y]) => x.localeCompare(y))),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer KEY`.' } },
    },
  };
}

let cached: string | undefined;

/** The contract's document as JSON text, built once per process. */
export function openApiJson(): string {
  cached ??= JSON.stringify(buildOpenApi());
  return cached;
}
