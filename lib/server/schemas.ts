/** Request schemas (zod), kept apart from the routes that use them. */
import { z } from 'zod';
import { ROLES } from '@/lib/registry/keys';

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const externalId = z.string().trim().min(1).max(200).nullable();
const metadata = z
  .record(z.string(), z.unknown())
  .nullable()
  .refine((m) => m === null || JSON.stringify(m).length <= 16_384, 'must be at most 16 KiB as JSON');

export const createPersonSchema = z.object({ name, externalId: externalId.optional(), metadata: metadata.optional() }).strict();

export const updatePersonSchema = z
  .object({ name: name.optional(), externalId: externalId.optional(), metadata: metadata.optional() })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'send at least one of name, externalId, metadata');

export const listPeopleQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().max(200).optional(),
});

export const facesQuery = z.object({ source: z.enum(['camera', 'upload', 'api']).default('api') });

export const createKeySchema = z.object({ name: z.string().trim().min(1).max(100), role: z.enum(ROLES) }).strict();
