/**
 * Domain errors: what the domain says went wrong, in CRM words. Services, workflows and consumers throw and
 * catch these (never an HTTP status); only the HTTP edge (functions/commons/http.ts → problem.ts `toProblem`)
 * turns them into problem+json. A refusal by the policy module is `PolicyDenied` (functions/policy/policy.ts).
 */

export interface FieldError {
  /** Dotted path of the offending field, e.g. `email` or `tags.2`; empty for the whole input. */
  readonly path: string;
  readonly message: string;
  /** Machine-readable reason (zod issue code or our own), for clients that translate messages. */
  readonly code?: string;
}

export abstract class DomainError extends Error {
  constructor(message: string, readonly extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks the rules; names every offending field. */
export class InvalidInput extends DomainError {
  constructor(readonly errors: readonly FieldError[], message = 'The request has invalid fields.') {
    super(message, { errors });
  }
}

/** No such record (or not one the caller's tenant has). */
export class NotFound extends DomainError {
  constructor(message = 'No such record.') {
    super(message);
  }
}

/** The change collides with the current state: a duplicate, a lead someone else claimed, a deleted record. */
export class Conflict extends DomainError {}

/** The caller edited an older version (optimistic locking): `current` is what is stored now. */
export class StaleVersion extends DomainError {
  constructor(message: string, readonly currentVersion: number, readonly current: unknown) {
    super(message, { currentVersion, current });
  }
}

/** Refused for a reason other than the policy (a token without a tenant, say). */
export class Forbidden extends DomainError {
  constructor(message: string, readonly errors?: readonly FieldError[]) {
    super(message, errors ? { errors } : {});
  }
}

/** A caller retried an idempotency key with a different body. */
export class IdempotencyKeyReused extends DomainError {}

/** A caller's rate (partner, form, visitor) is used up for now. */
export class RateExceeded extends DomainError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

export const invalid = (errors: readonly FieldError[], message?: string) => new InvalidInput(errors, message);
export const notFound = (message?: string) => new NotFound(message);
export const conflict = (message: string, extensions: Record<string, unknown> = {}) => new Conflict(message, extensions);
export const staleVersion = (message: string, currentVersion: number, current: unknown) => new StaleVersion(message, currentVersion, current);
export const forbidden = (message: string, errors?: readonly FieldError[]) => new Forbidden(message, errors);
