import * as z from 'zod/mini';
import { CONSENT_STATUSES } from './person.ts';

/**
 * Consent and marketing settings (issue 10, CD-9): the tenant's Settings → Marketing, a staff consent change on a
 * contact or lead, and what the public preference page reads and saves.
 */
const label = z.object({ en: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)), 'zh-CN': z.string().check(z.trim(), z.minLength(1), z.maxLength(80)) });

export const SUBSCRIPTION_TYPE_ID = /^[a-z][a-z0-9-]{0,39}$/;
export const subscriptionType = z.object({
  id: z.string().check(z.regex(SUBSCRIPTION_TYPE_ID, 'lower-case letters, digits and dashes, starting with a letter (at most 40)')),
  label,
});
export type SubscriptionType = z.infer<typeof subscriptionType>;

export const marketingSettings = z.object({
  /** The subscription types people consent to, one by one (newsletter, product updates, events…). */
  subscriptionTypes: z.array(subscriptionType).check(z.minLength(1), z.maxLength(20)),
  /** The From of marketing email: a display name, and an address verified in SES (the deployment's sender when absent). */
  senderName: z.optional(z.string().check(z.trim(), z.maxLength(80))),
  senderAddress: z.optional(z.string().check(z.trim(), z.maxLength(254), z.regex(/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/, 'an email address'))),
  /** The tenant's SES sending rate: campaign sends are throttled to it. */
  sendRatePerSecond: z.int().check(z.minimum(1), z.maximum(1000)),
  /** Mail only people who said yes (notAsked is then skipped): for tenants under opt-in law (GDPR, PIPL, CASL). */
  requireOptIn: z.boolean(),
});
export type MarketingSettings = z.infer<typeof marketingSettings>;

export const defaultMarketingSettings = (): MarketingSettings => ({
  subscriptionTypes: [
    { id: 'newsletter', label: { en: 'Newsletter', 'zh-CN': '新闻简报' } },
    { id: 'product-updates', label: { en: 'Product updates', 'zh-CN': '产品更新' } },
    { id: 'events', label: { en: 'Events and webinars', 'zh-CN': '活动与网络研讨会' } },
  ],
  sendRatePerSecond: 10,
  requireOptIn: false,
});

/** The settings as GET answers them: with their version (the ETag). */
export const marketingSettingsOutput = z.object({ ...marketingSettings.shape, version: z.int() });

/** Where a consent came from when staff record it (what the person told them, and how). */
export const STAFF_CONSENT_SOURCES = ['verbal', 'form', 'email', 'event', 'import', 'other'] as const;

/**
 * PUT /api/contacts/{id}/consent and /api/leads/{id}/consent: a consent the person gave staff. `subscriptionType`
 * absent: the overall status (unsubscribed overall stops every marketing email).
 */
export const consentChangeInput = z.object({
  status: z.enum(CONSENT_STATUSES),
  subscriptionType: z.optional(z.string().check(z.regex(SUBSCRIPTION_TYPE_ID))),
  source: z.enum(STAFF_CONSENT_SOURCES),
  note: z.optional(z.string().check(z.maxLength(500))),
});
export type ConsentChangeInput = z.infer<typeof consentChangeInput>;

/** POST /api/preferences/{token}: the person's choice per type, and "unsubscribe from all". */
export const preferencesInput = z.object({
  types: z.record(z.string().check(z.regex(SUBSCRIPTION_TYPE_ID)), z.enum(['subscribed', 'unsubscribed'])),
  unsubscribeAll: z.optional(z.boolean()),
});
export type PreferencesInput = z.infer<typeof preferencesInput>;

/** GET /api/preferences/{token}: what the page shows (no name, no address beyond a masked one). */
export const preferencesOutput = z.object({
  language: z.enum(['zh-CN', 'en']),
  address: z.string(),
  unsubscribedAll: z.boolean(),
  types: z.array(z.object({ id: z.string(), label, status: z.enum(CONSENT_STATUSES) })),
  /** The type of the email the link came in (pre-selected on the page). */
  subscriptionType: z.optional(z.string()),
  expiresAt: z.string(),
});

/** A marketing send record as campaigns read it (functions/marketing-mail/store.ts). */
export const SEND_STATUSES = ['claimed', 'sent', 'skipped', 'refused', 'delivered', 'bounced', 'complained'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/** POST /api/settings/marketing/test-send: a sample marketing email to one person through the whole send path. */
export const testSendInput = z.object({
  object: z.enum(['contacts', 'leads']),
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  subscriptionType: z.string().check(z.regex(SUBSCRIPTION_TYPE_ID)),
});
