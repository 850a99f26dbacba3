/**
 * The wire contract (lib/contract) against every layer that speaks it: a reason, error code,
 * source or route added on one side only fails here. The type-level checks fail `npm run check`
 * the same way; jest runs the value-level ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  CONTRACT_ROUTES,
  ERROR_CODES,
  ERRORS as CONTRACT_ERRORS,
  LIMITS,
  QUALITY_REASONS,
  REJECT_REASONS,
  TEMPLATE_SOURCES,
  buildOpenApi,
  healthSchema,
  openApiPath,
  type ErrorCode,
  type QualityReason,
  type RejectReason,
  type UnknownReason,
} from '@/lib/contract';
import { ERROR_TEXT, REASON_TEXT, describeError, describeReason } from '@/lib/client/messages';
import { ApiClientError } from '@/lib/client/api';
import { checkSource } from '@/lib/registry/validate';
import { API_ROUTES } from '@/lib/server/api-routes';
import { ERRORS as SERVER_ERRORS } from '@/lib/server/errors';
import type { VisionErrorCode } from '@/lib/vision/errors';
import type { UnknownReason as VisionUnknownReason } from '@/lib/vision/open-set';
import { judgeQuality } from '@/lib/vision/quality';
import type { RegisterResult, RejectReason as VisionRejectReason } from '@/lib/vision/register';
import type { QualityReason as VisionQualityReason } from '@/lib/vision/types';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time: the vision module's unions are the contract's.
const visionQuality: Same<VisionQualityReason, QualityReason> = true;
const visionReject: Same<VisionRejectReason | 'unreadable', RejectReason> = true;
const visionRegister: Same<Extract<RegisterResult, { accepted: false }>['reasons'][number], RejectReason> = true;
const visionUnknown: Same<VisionUnknownReason, UnknownReason> = true;
// Every vision error but "models not loaded" (answered as not_ready) is answered under its own code.
const visionErrors: Exclude<VisionErrorCode, 'models_not_loaded'> extends ErrorCode ? true : false = true;

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('lib/contract', () => {
  it('is a leaf: it imports zod and its own files, nothing of the app', () => {
    const dir = path.resolve(__dirname, '..', '..', 'lib', 'contract');
    let seen = 0;
    for (const file of fs.readdirSync(dir)) {
      const imports = [...fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)].map((m) => m[1]);
      for (const spec of imports) expect([file, spec]).toEqual([file, expect.stringMatching(/^(zod|\.\/[\w-]+)$/)]);
      seen += imports.length;
    }
    expect(seen).toBeGreaterThan(10);
  });
});

describe('refusal reasons', () => {
  it('are the same words in the contract and the vision module', () => {
    expect([visionQuality, visionReject, visionRegister, visionUnknown, visionErrors]).toEqual([true, true, true, true, true]);
    // A face failing every check gets every quality reason the contract lists, and no other.
    const hopeless = judgeQuality(
      { eyeDistancePx: 1, sharpness: 0, pose: { yawDeg: 90, pitchDeg: 90, rollDeg: 0 }, detectorScore: 0, cutOff: true },
      { minEyeDistancePx: 10, minSharpness: 10, maxAbsYawDeg: 10, maxAbsPitchDeg: 10, minDetectorScore: 0.5 },
    );
    expect(sorted(hopeless.reasons)).toEqual(sorted(QUALITY_REASONS));
    expect(REJECT_REASONS).toEqual(expect.arrayContaining([...QUALITY_REASONS, 'no-face', 'several-faces', 'unreadable']));
  });

  it('each have words for people in the browser', () => {
    expect(sorted(Object.keys(REASON_TEXT))).toEqual(sorted(REJECT_REASONS));
    for (const reason of REJECT_REASONS) expect(describeReason(reason).title).not.toBe(reason.replace(/[-_]/g, ' '));
  });
});

describe('error codes', () => {
  it('are one catalogue for the server and the contract', () => {
    expect(SERVER_ERRORS).toEqual(CONTRACT_ERRORS);
    expect(sorted(ERROR_CODES)).toEqual(sorted(Object.keys(SERVER_ERRORS)));
  });

  it('each have a sentence in the browser', () => {
    expect(sorted(Object.keys(ERROR_TEXT))).toEqual(sorted(ERROR_CODES));
    for (const code of ERROR_CODES) {
      const e = new ApiClientError(CONTRACT_ERRORS[code].status, code, 'the server said so', 3);
      expect(describeError(e)).toMatch(/\S/);
    }
    // A catalogued code speaks for itself; an uncatalogued answer falls back on its status.
    expect(describeError(new ApiClientError(429, 'rate_limited', 'x', 7))).toBe('Too many requests; wait 7 s and try again.');
    expect(describeError(new ApiClientError(502, 'http_502', 'Bad Gateway'))).toMatch(/server failed/);
    expect(describeError(new ApiClientError(409, 'conflict', 'externalId "7" is taken'))).toBe('externalId "7" is taken');
  });
});

describe('template sources', () => {
  it('are what the registry accepts, and nothing else', () => {
    for (const source of TEMPLATE_SOURCES) expect(checkSource(source)).toBe(source);
    expect(() => checkSource('mesh')).toThrow(/source must be one of camera, upload, api/);
  });
});

describe('route table', () => {
  const key = (method: string, p: string) => `${method} ${p}`;

  it('lists the same routes and methods as lib/server/api-routes.ts', () => {
    const server = API_ROUTES.flatMap((r) => r.methods.map((m) => key(m, r.path)));
    expect(sorted(CONTRACT_ROUTES.map((r) => key(r.method, r.path)))).toEqual(sorted(server));
  });

  it('gives each route the access and name its route.ts uses', () => {
    const app = path.resolve(__dirname, '..', '..');
    for (const r of CONTRACT_ROUTES) {
      const source = fs.readFileSync(path.join(app, 'app', r.path, 'route.ts'), 'utf8');
      const handler = new RegExp(`export (?:const|async function|function) ${r.method}\\b[^\\n]*`).exec(source)?.[0];
      expect(handler).toBeDefined();
      const call = /route(?:<[^>]*>)?\('([^']+)', '([^']+)'/.exec(handler!);
      // Handlers outside the route helper (the liveness probe) need no key by construction.
      expect(call ? [call[1], call[2]] : [r.operationId, 'none']).toEqual([r.operationId, r.access]);
    }
  });

  it('has unique operation ids', () => {
    const ids = CONTRACT_ROUTES.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('OpenAPI document', () => {
  const doc = buildOpenApi() as {
    openapi: string;
    paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown>; parameters?: { name: string; in: string }[] }>>;
    components: { schemas: Record<string, unknown> };
  };

  it('is OpenAPI 3.1 with one operation per contract route', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    expect(sorted(ops)).toEqual(sorted(CONTRACT_ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`)));
  });

  it('resolves every reference to a component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.slice('#/components/schemas/'.length)]).toBeDefined();
    }
  });

  it('says which routes need a key, and the errors each answers', () => {
    expect(doc.paths['/api/v1/openapi.json'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/people'].post.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.paths['/api/v1/people'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '415', '429']));
    expect(doc.paths['/api/v1/people/{id}'].get.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path' })]);
    expect(JSON.stringify(doc.components.schemas.CreatePerson)).toContain(`"maxLength":${LIMITS.nameMaxCodePoints}`);
  });

  it('describes bodies and answers that are not JSON (an NDJSON import and export)', () => {
    const admin = buildOpenApi([
      {
        method: 'POST',
        path: '/api/v1/admin/import',
        operationId: 'admin.import',
        summary: 'Imports people',
        tag: 'Admin',
        access: 'admin',
        body: { raw: { contentType: 'application/x-ndjson', description: 'JSON Lines as export writes them.' } },
        answer: { status: 200, json: healthSchema },
      },
      {
        method: 'GET',
        path: '/api/v1/admin/export',
        operationId: 'admin.export',
        summary: 'Exports people',
        tag: 'Admin',
        access: 'admin',
        answer: { status: 200, contentType: 'application/x-ndjson', description: 'JSON Lines.', headers: { 'content-disposition': 'attachment' } },
      },
    ]) as { paths: Record<string, Record<string, { requestBody?: { content: object }; responses: Record<string, { content?: object; headers?: object }> }>> };
    expect(Object.keys(admin.paths['/api/v1/admin/import'].post.requestBody!.content)).toEqual(['application/x-ndjson']);
    const exported = admin.paths['/api/v1/admin/export'].get.responses['200'];
    expect([Object.keys(exported.content!), Object.keys(exported.headers!)]).toEqual([['application/x-ndjson'], ['content-disposition']]);
  });

  it('is the same document every time', () => {
    expect(JSON.stringify(buildOpenApi())).toBe(JSON.stringify(doc));
  });
});
