import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small helpers for answering in the AWS wire protocols (awsJson 1.1 and restJson1). */
export class AwsError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AwsError('SerializationException', 'Request body too large', 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

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

export const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': '*',
  'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
  'access-control-expose-headers': '*',
  'access-control-max-age': '3600',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json', extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID(), ...cors, ...extra });
  res.end(text);
}

/** awsJson 1.1 error: `__type` in the body. */
export function sendAwsJsonError(res: ServerResponse, error: unknown): void {
  const e = error instanceof AwsError ? error : new AwsError('InternalFailure', String((error as Error)?.message ?? error), 500);
  sendJson(res, e.status, { __type: e.type, message: e.message }, 'application/x-amz-json-1.1');
}

/** restJson1 error: `x-amzn-errortype` header plus `__type`/`message` in the body. */
export function sendRestJsonError(res: ServerResponse, error: unknown): void {
  const e = error instanceof AwsError ? error : new AwsError('InternalServerException', String((error as Error)?.message ?? error), 500);
  sendJson(res, e.status, { __type: e.type, message: e.message, Message: e.message }, 'application/json', { 'x-amzn-errortype': e.type });
}
