import * as z from 'zod/mini';

/**
 * What marketing keeps on a contact or a lead (issue 10, CD-9), set by the system only (consent changes,
 * SES events, scoring, campaign attribution): never by a client's create or PATCH, whose schemas do not
 * name these fields.
 */
export const CONSENT_STATUSES = ['subscribed', 'unsubscribed', 'notAsked'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
export const DELIVERABILITY = ['ok', 'bounced', 'complained', 'suppressed'] as const;
export type Deliverability = (typeof DELIVERABILITY)[number];

const consentState = z.object({ status: z.enum(CONSENT_STATUSES), at: z.optional(z.string()), source: z.optional(z.string()) });

/**
 * `emailConsent`: the overall marketing-email consent (`status`, when, from where), and per subscription
 * type (newsletter, product updates, events…) in `types`.
 */
export const emailConsent = z.looseObject({ ...consentState.shape, types: z.optional(z.record(z.string(), consentState)) });

/** A campaign touch (attribution): which campaign, when, and how (email click, form, by hand). */
export const campaignTouch = z.object({ campaignId: z.string(), at: z.string(), via: z.optional(z.string()), campaignName: z.optional(z.string()) });

/** On contacts and leads (the records' output schemas spread these). */
export const marketingPersonFields = {
  emailConsent: z.optional(emailConsent),
  emailDeliverability: z.optional(z.enum(DELIVERABILITY)),
  firstTouch: z.optional(campaignTouch),
  lastTouch: z.optional(campaignTouch),
};

/** On leads: the lead score (MA-4) and its breakdown by rule, and MQL. */
export const leadScoreFields = {
  scoreBreakdown: z.optional(z.array(z.looseObject({ ruleId: z.optional(z.string()), label: z.optional(z.string()), points: z.number(), kind: z.optional(z.string()) }))),
  mql: z.optional(z.boolean()),
  mqlAt: z.optional(z.string()),
};

/** On opportunities: the campaign attribution copied from the lead or contact it came from. */
export const opportunityAttributionFields = {
  firstTouch: z.optional(campaignTouch),
  lastTouch: z.optional(campaignTouch),
};
