import * as z from 'zod/mini';
import { language, longText, shortText } from './common.ts';

/** SFA-1 web-to-lead forms: which lead fields a public form asks for, in which language. */
export const FORM_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company', 'title', 'country', 'region', 'industry', 'message'] as const;

export const formField = z.strictObject({
  name: z.enum(FORM_FIELDS),
  required: z.boolean(),
  label: z.optional(shortText(100)),
});

export const formCreate = z.strictObject({
  name: shortText(100),
  language,
  fields: z.array(formField).check(
    z.minLength(1), z.maxLength(FORM_FIELDS.length),
    z.refine((f) => new Set(f.map((x) => x.name)).size === f.length, 'Each field once'),
    z.refine((f) => f.some((x) => x.name === 'email' || x.name === 'phone'), 'Ask for an email or a phone'),
  ),
  thankYouText: shortText(500),
  source: z.optional(shortText(100)),
  submitLabel: z.optional(shortText(40)),
});

export type FormCreate = z.infer<typeof formCreate>;
