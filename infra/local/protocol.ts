import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small helpers for answering in the AWS wire protocols (awsJson 1.1 and restJson1). */
export class AwsError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

/** The local HTTP layer's body limit: API Gateway's payload quota (10 MB, http-api-quotas). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over the limit is refused before
 * a byte is read; a chunked body stops being kept as soon as it passes the limit (the rest is drained,
 * not buffered). Either way it throws BodyTooLargeError (413).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', done).off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      chunks.length = 0;
      req.pause();
      done(new BodyTooLargeError());
    };
    const onEnd = () => done();
    const onClose = () => done(new Error('The client closed the connection before the body ended'));
    req.on('data', onData).on('end', onEnd).on('error', done).on('close', onClose);
  });
}

/** A body over the limit; whoever answers it closes the connection (`closeHeaders`) instead of reading on. */
export class BodyTooLargeError extends AwsError {
  constructor() {
    super('SerializationException', 'Request body too large', 413);
  }
}

/** Extra headers for an answer: `connection: close` after a refused body, so Node drops the rest unread. */
export const closeHeaders = (error: unknown): Record<string, string> => (error instanceof BodyTooLargeError ? { connection: 'close' } : {});

export function parseJson(buf: Buffer): Record<string, any> {
  if (buf.length === 0) return {};
  try {
    const v = JSON.parse(buf.toString('utf8'));
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v;
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON');
  }
}

/**
 * No CORS headers on any answer: the SPA is served from the same origin, so a browser needs none, and a
 * page from any other origin must not read the emulators or the inspection endpoints (tokens, mail).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json', extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID(), ...extra });
  res.end(text);
}

/** awsJson 1.1 error: `__type` in the body. */
export function sendAwsJsonError(res: ServerResponse, error: unknown): void {
  const e = error instanceof AwsError ? error : new AwsError('InternalFailure', String((error as Error)?.message ?? error), 500);
  sendJson(res, e.status, { __type: e.type, message: e.message }, 'application/x-amz-json-1.1', closeHeaders(error));
}

/** restJson1 error: `x-amzn-errortype` header plus `__type`/`message` in the body. */
export function sendRestJsonError(res: ServerResponse, error: unknown): void {
  const e = error instanceof AwsError ? error : new AwsError('InternalServerException', String((error as Error)?.message ?? error), 500);
  sendJson(res, e.status, { __type: e.type, message: e.message, Message: e.message }, 'application/json', { 'x-amzn-errortype': e.type, ...closeHeaders(error) });
}
