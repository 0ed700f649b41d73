import * as z from 'zod/mini';
import { account, accountCreate, accountUpdate } from './account.ts';
import { listQuery, pageQuery } from './common.ts';
import { contact, contactCreate, contactUpdate } from './contact.ts';

/**
 * What each declared route takes and returns, for the OpenAPI document (PLT-3). Keyed by route name;
 * test/unit/openapi.test.ts fails when a declared route is missing here.
 */
export interface OperationDoc {
  readonly summary: string;
  readonly tag: string;
  readonly query?: z.ZodMiniType;
  readonly request?: z.ZodMiniType;
  readonly response?: z.ZodMiniType;
  readonly status?: number;
  readonly ifMatch?: boolean;
}

const page = (item: z.ZodMiniType) => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });
const timelineEntry = z.object({
  id: z.string(), at: z.string(), type: z.string(),
  actor: z.object({ id: z.string(), name: z.string() }),
  changes: z.optional(z.array(z.string())),
  subject: z.optional(z.object({ type: z.string(), id: z.string(), name: z.string() })),
});
const auditEntry = z.object({
  id: z.string(), at: z.string(), action: z.enum(['create', 'update', 'delete', 'restore']),
  actor: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  before: z.optional(z.record(z.string(), z.unknown())), after: z.optional(z.record(z.string(), z.unknown())),
});
const user = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), language: z.optional(z.string()) });

function recordDocs(plural: string, label: string, schemas: { record: z.ZodMiniType; create: z.ZodMiniType; update: z.ZodMiniType }): Record<string, OperationDoc> {
  return {
    [`${plural}-create`]: { summary: `Create a ${label}`, tag: plural, request: schemas.create, response: schemas.record, status: 201 },
    [`${plural}-list`]: { summary: `List ${label}s (paged; q = prefix search on name, email, phone)`, tag: plural, query: listQuery, response: page(schemas.record) },
    [`${plural}-get`]: { summary: `Get a ${label}`, tag: plural, response: schemas.record },
    [`${plural}-update`]: { summary: `Change a ${label} (send If-Match with the ETag; null clears a field)`, tag: plural, request: schemas.update, response: schemas.record, ifMatch: true },
    [`${plural}-delete`]: { summary: `Soft-delete a ${label}`, tag: plural, status: 204, ifMatch: true },
    [`${plural}-restore`]: { summary: `Restore a deleted ${label}`, tag: plural, response: schemas.record },
    [`${plural}-timeline`]: { summary: `The ${label}'s 360° timeline, newest first`, tag: plural, query: pageQuery, response: page(timelineEntry) },
    [`${plural}-audit`]: { summary: `The ${label}'s audit trail (who, when, before/after)`, tag: plural, query: pageQuery, response: page(auditEntry) },
  };
}

export const operations: Readonly<Record<string, OperationDoc>> = {
  health: { summary: 'Liveness', tag: 'platform', response: z.object({ status: z.literal('ok') }) },
  openapi: { summary: 'This document', tag: 'platform' },
  me: { summary: 'The signed-in user', tag: 'users', response: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), tenantId: z.string(), language: z.string() }) },
  'users-list': { summary: 'Users of the workspace', tag: 'users', response: z.object({ items: z.array(user) }) },
  ...recordDocs('accounts', 'account', { record: account, create: accountCreate, update: accountUpdate }),
  'accounts-contacts': { summary: 'Contacts at an account', tag: 'accounts', query: pageQuery, response: page(z.object({ id: z.string(), name: z.string() })) },
  ...recordDocs('contacts', 'contact', { record: contact, create: contactCreate, update: contactUpdate }),
};
