import {
  PolicyDenied, SENSITIVE_FIELDS, assertCan, assertFieldsWritable as policyFieldsWritable, can, visibleFields, type Actor,
} from '../policy/policy.ts';
import { forbidden } from './problem.ts';

/**
 * The record service's questions, answered by the policy module (functions/policy/policy.ts), which is the
 * one place that decides. Kept as the record service's vocabulary; a refusal becomes a 403 problem.
 */
export { SENSITIVE_FIELDS };

export interface OwnedRecord {
  readonly ownerId: string;
}

function asProblem(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof PolicyDenied) {
      throw forbidden(error.message, error.fields.map((f) => ({ ...f, code: 'forbidden_field' })));
    }
    throw error;
  }
}

/** Every signed-in user of a tenant may read its records (the key already scopes the tenant). */
export const canRead = (actor: Actor, type: string): boolean => can(actor, 'record:read', { type });

export const canWrite = (actor: Actor, record: OwnedRecord): boolean => can(actor, 'record:update', { record });

export const assertCanWrite = (actor: Actor, record: OwnedRecord): void => asProblem(() => assertCan(actor, 'record:update', { record }));

export const assertCanAssign = (actor: Actor, ownerId: string): void => asProblem(() => assertCan(actor, 'record:assign', { ownerId }));

/** May the actor read every field of `type` (nothing to redact)? */
export const canSeeSensitive = (actor: Actor, type = 'contact'): boolean =>
  (SENSITIVE_FIELDS[type] ?? []).every((f) => can(actor, 'field:read', { type }, f));

export const assertFieldsWritable = (actor: Actor, type: string, fields: Iterable<string>): void =>
  asProblem(() => policyFieldsWritable(actor, type, fields));

/** The record as this caller may see it (sensitive fields for managers and admins; internals for nobody). */
export const redact = <T extends Record<string, unknown>>(actor: Actor, type: string, record: T): T => visibleFields(actor, type, record);
