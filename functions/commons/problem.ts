/**
 * RFC 9457 problem details. Every refused request leaves through one of these, so a client always gets
 * `application/problem+json` with a status it can act on, never a 500 for its own bad input.
 */
export interface FieldError {
  /** Dotted path of the offending field, e.g. `email` or `tags.2`; empty for the whole body. */
  readonly path: string;
  readonly message: string;
  /** Machine-readable reason (zod issue code or our own), for clients that translate messages. */
  readonly code?: string;
}

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
