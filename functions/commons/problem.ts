import { PolicyDenied } from '../policy/policy.ts';
import { Conflict, DomainError, Forbidden, IdempotencyKeyReused, InvalidInput, NotFound, RateExceeded, StaleVersion, type FieldError } from './errors.ts';

export type { FieldError };

/**
 * RFC 9457 problem details, the HTTP edge's half of error handling: the domain throws domain errors
 * (errors.ts) and policy refusals; `toProblem` is the one place that gives them a status. Every refused
 * request leaves as `application/problem+json` with a status it can act on, never a 500 for its own bad input.
 */

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  toBody(): Record<string, unknown> {
    return {
      type: 'about:blank',
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...this.extensions,
    };
  }
}

export const badRequest = (errors: readonly FieldError[], detail = 'The request has invalid fields.') =>
  new HttpProblem(400, 'Bad Request', detail, { errors });
export const unauthorized = (detail = 'A valid bearer token is required.') => new HttpProblem(401, 'Unauthorized', detail);
export const forbidden = (detail: string, errors?: readonly FieldError[]) =>
  new HttpProblem(403, 'Forbidden', detail, errors ? { errors } : {});
export const notFound = (detail = 'No such record.') => new HttpProblem(404, 'Not Found', detail);
export const conflict = (detail: string, extensions: Record<string, unknown> = {}) =>
  new HttpProblem(409, 'Conflict', detail, extensions);
export const preconditionFailed = (detail: string, extensions: Record<string, unknown>, headers: Record<string, string>) =>
  new HttpProblem(412, 'Precondition Failed', detail, extensions, headers);
export const contentTooLarge = (maxBytes: number) =>
  new HttpProblem(413, 'Content Too Large', `The body is larger than ${maxBytes} bytes.`);

/** The problem a domain error or policy refusal answers as; undefined for anything else (a bug: 500). */
export function toProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (error instanceof PolicyDenied) {
    return new HttpProblem(403, 'Forbidden', error.message, error.fields.length ? { errors: error.fields.map((f) => ({ ...f, code: 'forbidden_field' })) } : {});
  }
  if (!(error instanceof DomainError)) return undefined;
  if (error instanceof InvalidInput) return new HttpProblem(400, 'Bad Request', error.message, { errors: error.errors });
  if (error instanceof NotFound) return new HttpProblem(404, 'Not Found', error.message);
  if (error instanceof Conflict) return new HttpProblem(409, 'Conflict', error.message, error.extensions);
  if (error instanceof StaleVersion) {
    return new HttpProblem(412, 'Precondition Failed', error.message, error.extensions, { etag: `"${error.currentVersion}"` });
  }
  if (error instanceof Forbidden) return new HttpProblem(403, 'Forbidden', error.message, error.extensions);
  if (error instanceof IdempotencyKeyReused) return new HttpProblem(422, 'Unprocessable Content', error.message, error.extensions);
  if (error instanceof RateExceeded) {
    return new HttpProblem(429, 'Too Many Requests', error.message, {}, { 'retry-after': String(error.retryAfterSeconds) });
  }
  return new HttpProblem(400, 'Bad Request', error.message, error.extensions);
}
