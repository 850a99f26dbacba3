/**
 * The wire contract (lib/contract) against every layer that speaks it: a reason, error code,
 * source or route added on one side only fails here. The type-level checks fail `npm run check`
 * the same way; jest runs the value-level ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  ACCESS,
  ACTOR_KINDS,
  AUDIT_ACTIONS,
  CONTRACT_ROUTES,
  ERROR_CODES,
  ERRORS as CONTRACT_ERRORS,
  LIMITS,
  QUALITY_REASONS,
  REJECT_REASONS,
  ROLES,
  TEMPLATE_SOURCES,
  auditEntrySchema,
  buildOpenApi,
  healthSchema,
  openApiPath,
  personExportSchema,
  type Access,
  type ActorKind,
  type AuditAction,
  type ErrorCode,
  type QualityReason,
  type RejectReason,
  type Role,
  type UnknownReason,
} from '@/lib/contract';
import { AUDIT_ACTIONS as CLIENT_AUDIT_ACTIONS, KEY_ROLES } from '@/lib/client/admin-api';
import { ERROR_TEXT, REASON_TEXT, describeError, describeReason } from '@/lib/client/messages';
import { ApiClientError } from '@/lib/client/api';
import * as registryAudit from '@/lib/registry/audit';
import * as registryKeys from '@/lib/registry/keys';
import { checkSource } from '@/lib/registry/validate';
import { API_ROUTES } from '@/lib/server/api-routes';
import { authorize, type Access as ServerAccess, type Caller } from '@/lib/server/auth';
import { PERSON_EXPORT_FORMAT, PERSON_EXPORT_VERSION } from '@/lib/server/person-export';
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
// The registry's and the server's words are the contract's.
const registryAction: Same<registryAudit.AuditAction, AuditAction> = true;
const registryActor: Same<registryAudit.ActorKind, ActorKind> = true;
const registryActorOfEntry: Same<registryAudit.AuditEntry['actor']['kind'], ActorKind> = true;
const registryRole: Same<registryKeys.Role, Role> = true;
const serverAccess: Same<ServerAccess, Access> = true;
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

describe('audit, role and access words', () => {
  const migrations = ['sqlite', 'postgres'].map((db) => fs.readFileSync(path.resolve(__dirname, '..', '..', 'lib', 'registry', 'migrations', `${db}.ts`), 'utf8'));

  it('are one definition: the registry re-exports the contract lists', () => {
    expect([registryAction, registryActor, registryActorOfEntry, registryRole, serverAccess]).toEqual([true, true, true, true, true]);
    expect(registryAudit.AUDIT_ACTIONS).toBe(AUDIT_ACTIONS);
    expect(registryAudit.ACTOR_KINDS).toBe(ACTOR_KINDS);
    expect(registryKeys.ROLES).toBe(ROLES);
    expect(auditEntrySchema.shape.action.options).toEqual([...AUDIT_ACTIONS]);
  });

  it('are what the registry records and refuses', () => {
    for (const action of AUDIT_ACTIONS) expect(registryAudit.auditRecord(action).action).toBe(action);
    expect(() => registryAudit.auditRecord('person.rename' as AuditAction)).toThrow(/unknown audit action/);
    const keyId = '6f4f73da-12a1-4720-b6d7-723de44715b1';
    for (const kind of ACTOR_KINDS) {
      expect(registryAudit.auditRecord('person.create', { actor: { kind, keyId, name: kind }, address: null }).actorKind).toBe(kind);
    }
    expect(() => registryAudit.auditRecord('person.create', { actor: { kind: 'robot' as ActorKind, keyId: null, name: 'r' }, address: null })).toThrow(/actor kind/);
    for (const role of ROLES) expect(registryKeys.isRole(role)).toBe(true);
    expect(registryKeys.isRole('owner')).toBe(false);
  });

  it('are the words of the database checks', () => {
    // Each migration's CHECK on actor_kind lists exactly the contract's actor kinds.
    for (const sql of migrations) {
      const check = /actor_kind \w+ NOT NULL CHECK \(actor_kind IN \(([^)]*)\)\)/i.exec(sql)?.[1];
      expect(check && sorted(check.split(',').map((w) => w.trim().replace(/'/g, '')))).toEqual(sorted(ACTOR_KINDS));
    }
  });

  it('are the words the admin page offers', () => {
    expect(CLIENT_AUDIT_ACTIONS).toEqual(AUDIT_ACTIONS);
    expect(KEY_ROLES).toEqual(ROLES);
  });

  it('give every access a rule: none for anyone, a role for its own key and admin', () => {
    const caller = (role: Role | null): Caller => ({ role, keyId: null, keyName: null, address: '127.0.0.1', clientId: 'test' });
    // Every role guards some routes, and nothing else does.
    expect(sorted(ACCESS)).toEqual(sorted(['none', ...ROLES]));
    for (const access of ACCESS) {
      expect(() => authorize(caller('admin'), access, false)).not.toThrow();
      if (access === 'none') expect(() => authorize(caller(null), access, false)).not.toThrow();
      else {
        expect(() => authorize(caller(null), access, false)).toThrow(expect.objectContaining({ code: 'unauthorized' }));
        expect(() => authorize(caller(access as Role), access, false)).not.toThrow();
      }
    }
  });

  it('name the person export format the server writes', () => {
    expect([personExportSchema.shape.format.value, personExportSchema.shape.version.value]).toEqual([PERSON_EXPORT_FORMAT, PERSON_EXPORT_VERSION]);
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
