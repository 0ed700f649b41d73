import { createHash, randomBytes } from 'node:crypto';
import { systemClock } from './clock.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32, as ULID

/** A ULID: 26 chars, sorts by creation time, so ids double as time-ordered sort keys. */
export function newId(now: Date = systemClock()): string {
  let time = now.getTime();
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i++) tail += ALPHABET[bytes[i]! % 32];
  return head + tail;
}

/**
 * A ULID-shaped id derived from another one and a purpose (e.g. the account a conversion creates): the same
 * inputs always give the same id, so a retried step finds what an earlier attempt wrote instead of writing
 * it again. Keeps the time part of `base`, so it still sorts by creation time.
 */
export function derivedId(base: string, purpose: string): string {
  const digest = createHash('sha256').update(`${base}\u0000${purpose}`).digest();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += ALPHABET[digest[i]! % 32];
  return base.slice(0, 10) + tail;
}

/**
 * What an id in a URL or a reference may look like anywhere in the API: 1–128 of `A–Z a–z 0–9 _ - :`.
 * Ours are ULIDs, Cognito subs, partner and form slugs, `queue:default`; nothing longer or stranger can
 * exist, and checking here keeps every key under DynamoDB's limits (partition key 2048 bytes, sort key
 * 1024 bytes) before a request reaches the table.
 */
export const MAX_ID_LENGTH = 128;
const ID = /^[A-Za-z0-9_:-]{1,128}$/;

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/**
 * An opaque id that is the base64url of a key (notifications, tasks): true only when it decodes to a
 * non-empty UTF-8 key and encodes back to itself, so a stray `A` or `%20` is "no such item", not a query
 * with an empty or mangled key.
 */
export function isEncodedKey(id: unknown): id is string {
  if (!isId(id) || !/^[A-Za-z0-9_-]+$/.test(id)) return false;
  const key = Buffer.from(id, 'base64url').toString('utf8');
  return key !== '' && !key.includes('\uFFFD') && Buffer.from(key).toString('base64url') === id;
}
