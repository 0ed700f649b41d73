import * as z from 'zod/mini';

/** Shared field shapes (functions and the web app use the same ones). */
export const shortText = (max = 200) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
export const longText = (max = 4000) => z.string().check(z.maxLength(max));
/**
 * At most 254 characters, of which at most 64 before the @ (RFC 5321 §4.5.3.1): longer addresses cannot be
 * delivered, and each `.`/`_`/`+`/`-` in the local part is a search token.
 */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_EMAIL_LOCAL_PART = 64;
export const email = z.email().check(
  z.maxLength(MAX_EMAIL_LENGTH),
  z.refine((v) => v.lastIndexOf('@') <= MAX_EMAIL_LOCAL_PART, `At most ${MAX_EMAIL_LOCAL_PART} characters before the @`),
);
/** Free-form phone as typed (3–40 characters); the domain converts it to E.164 (see phone.ts) and names the field if it cannot. */
export const MAX_PHONE_LENGTH = 40;
export const phoneInput = z.string().check(z.trim(), z.minLength(3), z.maxLength(MAX_PHONE_LENGTH));
/** First and last names: 1–100 characters each. */
export const MAX_NAME_LENGTH = 100;
export const personName = shortText(MAX_NAME_LENGTH);
export const countryCode = z.string().check(z.regex(/^[A-Z]{2}$/, 'Use an ISO 3166-1 alpha-2 code, e.g. CN or US'));
export const currencyCode = z.string().check(z.regex(/^[A-Z]{3}$/, 'Use an ISO 4217 code, e.g. CNY or USD'));
export const tag = z.string().check(z.trim(), z.minLength(1), z.maxLength(40));
export const tags = z.array(tag).check(z.maxLength(20));
export const id = z.string().check(z.regex(/^[0-9A-Za-z_-]{1,64}$/, 'Not a valid id: 1–64 letters, digits, _ or -'));
/** Keys a client may choose (UTM parameters...) but that would become a prototype if copied naively. */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
export const freeKey = (max: number) => z.string().check(
  z.minLength(1), z.maxLength(max), z.refine((k) => !RESERVED_KEYS.includes(k), 'This name is reserved; use another'),
);
export const language = z.enum(['zh-CN', 'en']);

/** Money is integer minor units with a currency (rule 6): 12345 CNY = ¥123.45. */
export const money = z.strictObject({
  amount: z.int(),
  currency: currencyCode,
});
export type Money = z.infer<typeof money>;

/** Fields every stored record carries; set by the server, never accepted from a client. */
export const recordMeta = {
  id: z.string(),
  ownerId: z.string(),
  version: z.int(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  deletedAt: z.optional(z.string()),
};

const listQueryFields = {
  limit: z.optional(z.string().check(z.regex(/^([1-9]|[1-9][0-9]|100)$/, 'limit is a whole number from 1 to 100'))),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
  q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  ownerId: z.optional(z.string().check(z.maxLength(128))),
  tag: z.optional(tag),
  sort: z.optional(z.enum(['name', '-name', 'createdAt', '-createdAt'])),
  deleted: z.optional(z.enum(['true', 'false'])),
};
export const listQuery = z.strictObject(listQueryFields);
export type ListQuery = z.infer<typeof listQuery>;
/** A list query with extra equality filters (e.g. a lead's status and source). */
export const listQueryWith = <T extends Record<string, z.ZodMiniType>>(extra: T) => z.strictObject({ ...listQueryFields, ...extra });

export const pageQuery = z.strictObject({
  limit: z.optional(z.string().check(z.regex(/^([1-9]|[1-9][0-9]|100)$/, 'limit is a whole number from 1 to 100'))),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});
