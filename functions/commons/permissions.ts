import { isManagerOrAdmin, type Principal } from './auth.ts';
import { forbidden } from './problem.ts';

/**
 * Record- and field-level permissions, all in one place (CD-7, rule 5). Handlers and services ask here;
 * nothing else decides who may see or change what.
 */

export interface OwnedRecord {
  readonly ownerId: string;
}

/** Sensitive fields per record type: returned only to managers and admins, refused on write to others. */
export const SENSITIVE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  account: [],
  contact: ['nationalId'],
};

/** Every signed-in user of a tenant may read its accounts and contacts (the key already scopes the tenant). */
export function canRead(_principal: Principal, _type: string): boolean {
  return true;
}

/** Only the owner, a manager or an admin may change a record. */
export function canWrite(principal: Principal, record: OwnedRecord): boolean {
  return record.ownerId === principal.userId || isManagerOrAdmin(principal);
}

export function assertCanWrite(principal: Principal, record: OwnedRecord): void {
  if (!canWrite(principal, record)) {
    throw forbidden('Only the owner, a manager or an admin may change this record.');
  }
}

/** Reps may only give records to themselves; managers and admins may assign anyone in the tenant. */
export function assertCanAssign(principal: Principal, ownerId: string): void {
  if (ownerId !== principal.userId && !isManagerOrAdmin(principal)) {
    throw forbidden('Only a manager or an admin may assign a record to someone else.', [
      { path: 'ownerId', message: 'You may only assign records to yourself', code: 'forbidden_field' },
    ]);
  }
}

export function canSeeSensitive(principal: Principal): boolean {
  return isManagerOrAdmin(principal);
}

/** Refuses a write that touches a sensitive field the caller may not set, naming each field. */
export function assertFieldsWritable(principal: Principal, type: string, fields: Iterable<string>): void {
  if (canSeeSensitive(principal)) return;
  const sensitive = SENSITIVE_FIELDS[type] ?? [];
  const refused = [...fields].filter((f) => sensitive.includes(f));
  if (refused.length > 0) {
    throw forbidden(
      'Only managers and admins may set these fields.',
      refused.map((path) => ({ path, message: 'Only managers and admins may set this field', code: 'forbidden_field' })),
    );
  }
}

/** The record as this caller may see it: sensitive fields removed for everyone but managers and admins. */
export function redact<T extends Record<string, unknown>>(principal: Principal, type: string, record: T): T {
  if (canSeeSensitive(principal)) return record;
  const sensitive = SENSITIVE_FIELDS[type] ?? [];
  if (sensitive.length === 0) return record;
  const copy: Record<string, unknown> = { ...record };
  for (const f of sensitive) delete copy[f];
  return copy as T;
}
