/**
 * The API's route table as the contract sees it: per method and path, who may call it, what it
 * takes and what it answers. The OpenAPI document (openapi.ts) is built from this table alone,
 * and tests check it against lib/server/api-routes.ts, the route.ts files and docs/api.md.
 * Adding a route to the contract is one entry here (with its schemas beside it, or in
 * requests.ts / responses.ts when shared).
 */
import type { z } from 'zod';
import type { ErrorCode } from './errors';
import {
  auditQuery,
  createKeySchema,
  createPersonSchema,
  enrollmentForm,
  facesQuery,
  imageForm,
  listPeopleQuery,
  recognizeTrackSchema,
  sightingsQuery,
  updatePersonSchema,
  verifyForm,
} from './requests';
import {
  addFacesResponse,
  auditPageSchema,
  createdKeySchema,
  detectResponse,
  healthSchema,
  importCountsSchema,
  infoSchema,
  keyListSchema,
  peoplePageSchema,
  personDetailSchema,
  personExportSchema,
  personSchema,
  readySchema,
  recognizeResponse,
  recognizeTrackResponse,
  sightingsPageSchema,
  verifyResponse,
} from './responses';
import type { Access, Method } from './vocabulary';

/** A successful answer: JSON with a schema, another media type, or no body (204). */
export type SuccessAnswer =
  | { status: 200 | 201 | 202; json: z.ZodType; description?: string; headers?: Record<string, string> }
  | { status: 200; contentType: string; description: string; headers?: Record<string, string> }
  | { status: 204; description: string };

/** A request body: JSON with a schema, images (raw body and/or multipart form), or another media type (e.g. an NDJSON import). */
export type RequestBody = { json: z.ZodType } | { images: { form: z.ZodType; raw: boolean } } | { raw: { contentType: string; description: string } };

export interface ContractRoute {
  method: Method;
  /** Path as in app/: `[id]` segments are ids (UUIDs). */
  path: string;
  /** Unique, stable: the OpenAPI operationId, and the route's name in metrics where it has one. */
  operationId: string;
  summary: string;
  /** Groups the document (docs/api.md has one section per tag). */
  tag: 'Recognition' | 'People' | 'Keys' | 'Admin' | 'Service';
  access: Access;
  query?: z.ZodObject;
  body?: RequestBody;
  answer: SuccessAnswer;
  /** Errors this route answers beyond the ones every route may (auth, rate limit, not ready, internal). */
  errors?: ErrorCode[];
}

const JSON_BODY_ERRORS: ErrorCode[] = ['unsupported_media_type', 'payload_too_large', 'invalid_json', 'validation_failed'];
const IMAGE_ERRORS: ErrorCode[] = [
  'invalid_request',
  'unsupported_media_type',
  'payload_too_large',
  'empty_image',
  'corrupt_image',
  'unsupported_image_type',
  'image_too_large',
  'overloaded',
];

export const CONTRACT_ROUTES: ContractRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/recognize',
    operationId: 'recognize',
    summary: 'Every face in the image, largest first, named from the registry or unknown',
    tag: 'Recognition',
    access: 'recognize',
    body: { images: { form: imageForm, raw: true } },
    answer: { status: 200, json: recognizeResponse },
    errors: IMAGE_ERRORS,
  },
  {
    method: 'POST',
    path: '/api/v1/recognize/track',
    operationId: 'recognize.track',
    summary: "One face's track, named from its frames' evidence fused into one probe",
    tag: 'Recognition',
    access: 'recognize',
    body: { json: recognizeTrackSchema },
    answer: { status: 200, json: recognizeTrackResponse },
    errors: [...JSON_BODY_ERRORS, 'invalid_evidence'],
  },
  {
    method: 'POST',
    path: '/api/v1/verify',
    operationId: 'verify',
    summary: '1:1: two images, or one image and an enrolled person',
    tag: 'Recognition',
    access: 'recognize',
    body: { images: { form: verifyForm, raw: false } },
    answer: { status: 200, json: verifyResponse },
    errors: [...IMAGE_ERRORS, 'no_face', 'not_found', 'conflict'],
  },
  {
    method: 'POST',
    path: '/api/v1/detect',
    operationId: 'detect',
    summary: 'Faces only: boxes, landmarks, quality; no identities',
    tag: 'Recognition',
    access: 'recognize',
    body: { images: { form: imageForm, raw: true } },
    answer: { status: 200, json: detectResponse },
    errors: IMAGE_ERRORS,
  },
  {
    method: 'GET',
    path: '/api/v1/people',
    operationId: 'people.list',
    summary: 'People ordered by name, a page at a time',
    tag: 'People',
    access: 'enroll',
    query: listPeopleQuery,
    answer: { status: 200, json: peoplePageSchema },
    errors: ['validation_failed'],
  },
  {
    method: 'POST',
    path: '/api/v1/people',
    operationId: 'people.create',
    summary: 'Creates a person (without faces)',
    tag: 'People',
    access: 'enroll',
    body: { json: createPersonSchema },
    answer: { status: 201, json: personSchema, headers: { location: 'The new person: /api/v1/people/{id}.' } },
    errors: [...JSON_BODY_ERRORS, 'conflict'],
  },
  {
    method: 'GET',
    path: '/api/v1/people/[id]',
    operationId: 'people.get',
    summary: 'A person and their templates',
    tag: 'People',
    access: 'enroll',
    answer: { status: 200, json: personDetailSchema },
    errors: ['not_found'],
  },
  {
    method: 'PATCH',
    path: '/api/v1/people/[id]',
    operationId: 'people.update',
    summary: "Changes a person's name, external id or metadata",
    tag: 'People',
    access: 'enroll',
    body: { json: updatePersonSchema },
    answer: { status: 200, json: personSchema },
    errors: [...JSON_BODY_ERRORS, 'not_found', 'conflict'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/people/[id]',
    operationId: 'people.delete',
    summary: 'Erases the person and every template and crop',
    tag: 'People',
    access: 'enroll',
    answer: { status: 204, description: 'Erased.' },
    errors: ['not_found'],
  },
  {
    method: 'POST',
    path: '/api/v1/people/[id]/faces',
    operationId: 'people.faces.add',
    summary: 'Adds face images to a person: each accepted (a new template) or refused with reasons',
    tag: 'People',
    access: 'enroll',
    query: facesQuery,
    body: { images: { form: enrollmentForm, raw: true } },
    answer: { status: 200, json: addFacesResponse },
    errors: ['validation_failed', 'not_found', 'invalid_request', 'unsupported_media_type', 'payload_too_large', 'overloaded'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/people/[id]/faces/[faceId]',
    operationId: 'people.faces.delete',
    summary: 'Removes one template of a person',
    tag: 'People',
    access: 'enroll',
    answer: { status: 204, description: 'Removed.' },
    errors: ['not_found'],
  },
  {
    method: 'GET',
    path: '/api/v1/people/[id]/faces/[faceId]/crop',
    operationId: 'people.faces.crop',
    summary: 'The aligned face crop kept with a template (only when FACEREC_KEEP_CROPS is on)',
    tag: 'People',
    access: 'enroll',
    answer: { status: 200, contentType: 'image/jpeg', description: 'The aligned face, JPEG.' },
    errors: ['not_found'],
  },
  {
    method: 'GET',
    path: '/api/v1/people/[id]/sightings',
    operationId: 'people.sightings',
    summary: 'When the person was seen (FACEREC_SIGHTINGS), newest first, a page at a time',
    tag: 'People',
    access: 'enroll',
    query: sightingsQuery,
    answer: { status: 200, json: sightingsPageSchema },
    errors: ['validation_failed', 'not_found'],
  },
  {
    method: 'GET',
    path: '/api/v1/people/[id]/export',
    operationId: 'people.export',
    summary: 'Everything held about one person as one JSON document (no embeddings)',
    tag: 'People',
    access: 'admin',
    answer: {
      status: 200,
      json: personExportSchema,
      headers: { 'content-disposition': 'attachment; filename="person-{id}.json"', 'cache-control': 'no-store' },
    },
    errors: ['not_found'],
  },
  {
    method: 'GET',
    path: '/api/v1/keys',
    operationId: 'keys.list',
    summary: 'API keys (never the keys themselves)',
    tag: 'Keys',
    access: 'admin',
    answer: { status: 200, json: keyListSchema },
  },
  {
    method: 'POST',
    path: '/api/v1/keys',
    operationId: 'keys.create',
    summary: 'Creates a key; the answer is the only time the key itself is shown',
    tag: 'Keys',
    access: 'admin',
    body: { json: createKeySchema },
    answer: { status: 201, json: createdKeySchema },
    errors: JSON_BODY_ERRORS,
  },
  {
    method: 'DELETE',
    path: '/api/v1/keys/[id]',
    operationId: 'keys.revoke',
    summary: 'Revokes a key',
    tag: 'Keys',
    access: 'admin',
    answer: { status: 204, description: 'Revoked.' },
    errors: ['not_found'],
  },
  {
    method: 'GET',
    path: '/api/v1/audit',
    operationId: 'audit.list',
    summary: 'The audit trail: who changed what, when, from where; newest first, filtered, a page at a time',
    tag: 'Admin',
    access: 'admin',
    query: auditQuery,
    answer: { status: 200, json: auditPageSchema },
    errors: ['validation_failed'],
  },
  {
    method: 'GET',
    path: '/api/v1/admin/export',
    operationId: 'admin.export',
    summary: 'The registry as JSON Lines (docs/registry.md), streamed one person a line',
    tag: 'Admin',
    access: 'admin',
    answer: {
      status: 200,
      contentType: 'application/x-ndjson',
      description: 'JSON Lines: a header, then one person a line (with templates and embeddings).',
      headers: { 'content-disposition': 'attachment; filename="facerec-export-{time}.jsonl"', 'cache-control': 'no-store' },
    },
  },
  {
    method: 'POST',
    path: '/api/v1/admin/import',
    operationId: 'admin.import',
    summary: 'Imports an export: all or nothing; answers the counts imported',
    tag: 'Admin',
    access: 'admin',
    body: { raw: { contentType: 'application/x-ndjson', description: 'An export as GET /admin/export writes it, with Content-Length, at most FACEREC_MAX_IMPORT_BYTES.' } },
    answer: { status: 200, json: importCountsSchema },
    errors: ['invalid_request', 'unsupported_media_type', 'payload_too_large', 'validation_failed', 'conflict'],
  },
  {
    method: 'GET',
    path: '/api/v1/health',
    operationId: 'health',
    summary: 'Liveness: the process is up and its event loop answers',
    tag: 'Service',
    access: 'none',
    answer: { status: 200, json: healthSchema },
  },
  {
    method: 'GET',
    path: '/api/v1/ready',
    operationId: 'ready',
    summary: 'Readiness: models loaded and registry open (503 not_ready until then); details with a key of any role',
    tag: 'Service',
    access: 'none',
    answer: { status: 200, json: readySchema },
  },
  {
    method: 'GET',
    path: '/api/v1/info',
    operationId: 'info',
    summary: 'Model and operating points, what the pages need before they have a key',
    tag: 'Service',
    access: 'none',
    answer: { status: 200, json: infoSchema },
  },
  {
    method: 'GET',
    path: '/api/v1/metrics',
    operationId: 'metrics',
    summary: 'Prometheus text exposition (also on FACEREC_METRICS_PORT without a key)',
    tag: 'Service',
    access: 'metrics',
    answer: { status: 200, contentType: 'text/plain; version=0.0.4', description: 'Prometheus text.' },
  },
  {
    method: 'GET',
    path: '/api/v1/openapi.json',
    operationId: 'openapi',
    summary: 'This API as an OpenAPI 3.1 document, generated from lib/contract',
    tag: 'Service',
    access: 'none',
    answer: { status: 200, contentType: 'application/json', description: 'The OpenAPI 3.1 document.' },
  },
];
