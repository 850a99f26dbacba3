/**
 * The words of the wire: every enumerated value a client may receive or send. Each list is the
 * one source of its union type; the server's vision module, registry and the browser's message
 * tables derive from these (tests/unit/contract.test.ts fails when one side adds a word alone).
 */

/** Why a face fails the quality gate (live recognition only lowers its weight). */
export const QUALITY_REASONS = ['too-small', 'blurred', 'turned-away', 'low-confidence', 'cut-off'] as const;
export type QualityReason = (typeof QUALITY_REASONS)[number];

/** Why an enrollment image is refused: the quality reasons, and the image-level ones. */
export const REJECT_REASONS = ['no-face', 'several-faces', 'unreadable', ...QUALITY_REASONS] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Why a recognised face stays unknown (docs/models.md, "Open-set identification"). */
export const UNKNOWN_REASONS = ['below-threshold', 'ambiguous', 'empty-gallery'] as const;
export type UnknownReason = (typeof UNKNOWN_REASONS)[number];

/** Where a template came from. */
export const TEMPLATE_SOURCES = ['camera', 'upload', 'api'] as const;
export type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

/** Roles of API keys. `metrics`: reads /api/v1/metrics and the detailed /ready, nothing else. */
export const ROLES = ['admin', 'enroll', 'recognize', 'metrics'] as const;
export type Role = (typeof ROLES)[number];

/** What a route requires: nothing, or a role (admin always qualifies; `recognize` may be made public). */
export const ACCESS = ['none', 'recognize', 'enroll', 'metrics', 'admin'] as const satisfies readonly ('none' | Role)[];
export type Access = (typeof ACCESS)[number];

/** What the audit trail records (docs/api.md, "Audit trail"). */
export const AUDIT_ACTIONS = [
  'person.create',
  'person.update',
  'person.delete',
  'face.add',
  'face.delete',
  'key.create',
  'key.revoke',
  'registry.export',
  'registry.import',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who made an audited change: a stored key, the configured FACEREC_ADMIN_KEY, or the CLI / first start. */
export const ACTOR_KINDS = ['key', 'admin', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Image types a raw image body may declare (the type is then checked from the bytes). */
export const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

export const METHODS = ['GET', 'POST', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];
