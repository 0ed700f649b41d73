import * as z from 'zod/mini';
import { countryCode, email, freeKey, id, language, listQueryWith, longText, personName, phoneInput, recordMeta, shortText, tags } from './common.ts';
import { leadScoreFields, marketingPersonFields } from './marketing/person.ts';

/** SFA-3 lifecycle. `duplicate` marks a submission linked to a person we already had. */
export const LEAD_STATUSES = ['new', 'assigned', 'contacted', 'qualified', 'converted', 'disqualified', 'duplicate'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
/** Statuses in which a lead still counts as open work for its owner (least-loaded assignment). */
export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = ['new', 'assigned', 'contacted', 'qualified'];

/** Allowed moves by hand; `assigned` is reached by assignment or claim, `converted` only by conversion. */
export const LEAD_TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  new: ['contacted', 'qualified', 'disqualified'],
  assigned: ['contacted', 'qualified', 'disqualified'],
  contacted: ['qualified', 'disqualified'],
  qualified: ['contacted', 'disqualified'],
  converted: [],
  disqualified: ['contacted', 'qualified'],
  duplicate: [],
};

const utm = z.record(freeKey(40), z.string().check(z.maxLength(200))).check(
  z.refine((v) => Object.keys(v).length <= 10, 'At most 10 UTM parameters'),
);

/** What a partner (SFA-1) or a person entering a lead by hand sends. */
const leadFields = {
  firstName: z.optional(personName),
  lastName: z.optional(personName),
  email: z.optional(email),
  phone: z.optional(phoneInput),
  company: z.optional(shortText(200)),
  title: z.optional(shortText(100)),
  country: z.optional(countryCode),
  region: z.optional(shortText(100)),
  industry: z.optional(shortText(100)),
  companySize: z.optional(z.int().check(z.minimum(0), z.maximum(10_000_000))),
  source: z.optional(shortText(100)),
  message: z.optional(longText(4000)),
  utm: z.optional(utm),
  externalId: z.optional(shortText(100)),
  language: z.optional(language),
  tags: z.optional(tags),
};

type Person = { firstName?: string; lastName?: string; email?: string; phone?: string };
const needsPerson = z.refine<Person>(
  (l) => Boolean((l.firstName || l.lastName) && (l.email || l.phone)),
  { message: 'A lead needs a name and an email or phone', path: ['email'] },
);

export const partnerLead = z.strictObject(leadFields).check(needsPerson);
export const leadCreate = z.strictObject({ ...leadFields, score: z.optional(z.int().check(z.minimum(0), z.maximum(100))), ownerId: z.optional(id) }).check(needsPerson);
export const leadUpdate = z.strictObject({
  ...Object.fromEntries(Object.entries(leadFields).map(([k, v]) => [k, z.optional(z.nullable(v))])) as {
    [K in keyof typeof leadFields]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof leadFields)[K]>>;
  },
  score: z.optional(z.nullable(z.int().check(z.minimum(0), z.maximum(100)))),
  ownerId: z.optional(id),
  status: z.optional(z.enum(['contacted', 'qualified', 'disqualified'])),
  disqualifiedReason: z.optional(z.nullable(shortText(200))),
});
export const lead = z.object({
  ...leadFields, ...recordMeta,
  status: z.enum(LEAD_STATUSES),
  score: z.optional(z.int()),
  partnerId: z.optional(z.string()),
  assignedAt: z.optional(z.string()),
  callbackDueAt: z.optional(z.string()),
  lastContactedAt: z.optional(z.string()),
  duplicateOf: z.optional(z.object({ type: z.string(), id: z.string() })),
  convertedTo: z.optional(z.object({ accountId: z.string(), contactId: z.string(), opportunityId: z.optional(z.string()) })),
  ...marketingPersonFields,
  ...leadScoreFields,
});

export const ACTIVITY_TYPES = ['call', 'email', 'meeting', 'note'] as const;
export const activityCreate = z.strictObject({
  type: z.enum(ACTIVITY_TYPES),
  subject: z.optional(shortText(200)),
  notes: z.optional(longText(4000)),
  outcome: z.optional(shortText(100)),
});

export const leadConvert = z.strictObject({
  accountId: z.optional(id),
  createOpportunity: z.optional(z.boolean()),
  opportunityName: z.optional(shortText(200)),
  amount: z.optional(z.strictObject({ amount: z.int().check(z.minimum(0)), currency: z.string().check(z.regex(/^[A-Z]{3}$/)) })),
});

/** What a webhook partner posts: leads (SFA-1, the default) or chat messages that become tickets (SVC-1). */
export const PARTNER_PURPOSES = ['leads', 'chat'] as const;
export type PartnerPurpose = (typeof PARTNER_PURPOSES)[number];

export const partnerCreate = z.strictObject({
  name: shortText(100),
  purpose: z.optional(z.enum(PARTNER_PURPOSES)),
  rateLimitPerMinute: z.optional(z.int().check(z.minimum(1), z.maximum(6000))),
});

export type PartnerLead = z.infer<typeof partnerLead>;
export type Lead = z.infer<typeof lead>;

/** Lead inbox filters: mine / my team / the queue are ownerId=<me>, managerId=<me>, ownerId=queue:default. */
export const leadListQuery = listQueryWith({
  status: z.optional(z.enum(LEAD_STATUSES)),
  source: z.optional(shortText(100)),
  managerId: z.optional(z.string().check(z.maxLength(128))),
});
