import * as z from 'zod/mini';
import { countryCode, email, id, longText, money, phoneInput, recordMeta, shortText, tags } from './common.ts';

/** CD-1: a company the tenant sells to. */
const accountFields = {
  name: shortText(200),
  domain: z.optional(z.string().check(z.regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/i, 'Not a valid domain, e.g. example.com'))),
  website: z.optional(z.url().check(z.maxLength(500))),
  industry: z.optional(shortText(100)),
  phone: z.optional(phoneInput),
  email: z.optional(email),
  country: z.optional(countryCode),
  region: z.optional(shortText(100)),
  city: z.optional(shortText(100)),
  address: z.optional(longText(500)),
  employees: z.optional(z.int().check(z.minimum(0), z.maximum(10_000_000))),
  annualRevenue: z.optional(money),
  source: z.optional(shortText(100)),
  description: z.optional(longText(4000)),
  tags: z.optional(tags),
  ownerId: z.optional(id),
};

export const accountCreate = z.strictObject(accountFields);
export const accountUpdate = z.strictObject(
  Object.fromEntries(
    Object.entries(accountFields).map(([k, v]) => [k, k === 'name' ? z.optional(v) : z.optional(z.nullable(v))]),
  ) as { [K in keyof typeof accountFields]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof accountFields)[K]>> },
);
export const account = z.object({ ...accountFields, ...recordMeta });

export type AccountCreate = z.infer<typeof accountCreate>;
export type AccountUpdate = z.infer<typeof accountUpdate>;
export type Account = z.infer<typeof account>;
