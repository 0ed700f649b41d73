import * as z from 'zod/mini';
import { countryCode, email, id, language, longText, personName, phoneInput, recordMeta, shortText, tags } from './common.ts';
import { marketingPersonFields } from './marketing/person.ts';

/** CD-1: a person. `nationalId` is sensitive (CD-7): only managers and admins see or set it. */
const contactFields = {
  firstName: z.optional(personName),
  lastName: z.optional(personName),
  email: z.optional(email),
  phone: z.optional(phoneInput),
  mobile: z.optional(phoneInput),
  title: z.optional(shortText(100)),
  department: z.optional(shortText(100)),
  accountId: z.optional(id),
  country: z.optional(countryCode),
  city: z.optional(shortText(100)),
  language: z.optional(language),
  source: z.optional(shortText(100)),
  notes: z.optional(longText(4000)),
  nationalId: z.optional(shortText(40)),
  tags: z.optional(tags),
  ownerId: z.optional(id),
};

// Who may see a contact's nationalId is a field permission in its metadata (schemas/standard-objects.ts).

export const contactCreate = z.strictObject(contactFields).check(
  z.refine((c) => Boolean(c.firstName || c.lastName), { message: 'Give a first or last name', path: ['lastName'] }),
);
export const contactUpdate = z.strictObject(
  Object.fromEntries(Object.entries(contactFields).map(([k, v]) => [k, z.optional(z.nullable(v))])) as {
    [K in keyof typeof contactFields]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof contactFields)[K]>>;
  },
);
export const contact = z.object({ ...contactFields, ...recordMeta, ...marketingPersonFields });

export type ContactCreate = z.infer<typeof contactCreate>;
export type ContactUpdate = z.infer<typeof contactUpdate>;
export type Contact = z.infer<typeof contact>;

/** How a person is shown: Chinese names family-name first with no space, others "First Last". */
export function contactDisplayName(c: { firstName?: string | null; lastName?: string | null }): string {
  const first = c.firstName?.trim() ?? '';
  const last = c.lastName?.trim() ?? '';
  const cjk = /[\u3400-\u9fff]/.test(first + last);
  return cjk ? `${last}${first}` : [first, last].filter(Boolean).join(' ');
}
