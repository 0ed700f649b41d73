import {
  SENSITIVE_FIELDS, assertCan, assertFieldsWritable as policyFieldsWritable, can, visibleFields, type Actor,
} from '../policy/policy.ts';

/**
 * The record service's questions, answered by the policy module (functions/policy/policy.ts), which is the
 * one place that decides. A refusal is a PolicyDenied; the HTTP edge answers it with 403.
 */
export { SENSITIVE_FIELDS };

export interface OwnedRecord {
  readonly ownerId: string;
}

/** Every signed-in user of a tenant may read its records (the key already scopes the tenant). */
export const canRead = (actor: Actor, type: string): boolean => can(actor, 'record:read', { type });

export const canWrite = (actor: Actor, record: OwnedRecord): boolean => can(actor, 'record:update', { record });

export const assertCanWrite = (actor: Actor, record: OwnedRecord): void => assertCan(actor, 'record:update', { record });

export const assertCanAssign = (actor: Actor, ownerId: string): void => assertCan(actor, 'record:assign', { ownerId });

/** May the actor read every field of `type` (nothing to redact)? */
export const canSeeSensitive = (actor: Actor, type = 'contact'): boolean =>
  (SENSITIVE_FIELDS[type] ?? []).every((f) => can(actor, 'field:read', { type }, f));

export const assertFieldsWritable = (actor: Actor, type: string, fields: Iterable<string>): void => policyFieldsWritable(actor, type, fields);

/** The record as this caller may see it (sensitive fields for managers and admins; internals for nobody). */
export const redact = <T extends Record<string, unknown>>(actor: Actor, type: string, record: T): T => visibleFields(actor, type, record);
