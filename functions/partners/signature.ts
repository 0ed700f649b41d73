import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signed timestamp may be from our clock before the request counts as a replay (SFA-1). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureVerdict = 'ok' | 'missing' | 'malformed' | 'stale' | 'mismatch';

/** `Crm-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (several v1 allowed). */
export function sign(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, rawBody: string): string {
  return `t=${timestamp},v1=${sign(secret, timestamp, rawBody)}`;
}

/**
 * Checks a signature against every currently valid secret, in constant time per comparison, on the raw
 * body exactly as received.
 */
export function verifySignature(header: string | undefined, rawBody: string, secrets: readonly string[], nowSeconds: number): SignatureVerdict {
  if (!header) return 'missing';
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/i.test(v)) candidates.push(v.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) return 'malformed';
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return 'stale';
  for (const secret of secrets) {
    const expected = Buffer.from(sign(secret, timestamp, rawBody), 'hex');
    for (const c of candidates) if (timingSafeEqual(expected, Buffer.from(c, 'hex'))) return 'ok';
  }
  return 'mismatch';
}
