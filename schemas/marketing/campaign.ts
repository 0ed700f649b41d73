import * as z from 'zod/mini';
import { id, longText, money, recordMeta, shortText } from '../common.ts';

/**
 * Campaigns (issue 10, MA-2, AN-3): a standard object on the record kernel. An email campaign mails a segment
 * (a saved view of contacts or leads) one template, in each recipient's language; other types (event, webinar,
 * content, ads, social) track members, cost and influence. Status, the send's progress, the stats and the
 * results are set by the system (the send job and the result consumers), never by a client.
 */
export const CAMPAIGN_TYPES = ['email', 'event', 'webinar', 'content', 'ads', 'social'] as const;
export type CampaignType = (typeof CAMPAIGN_TYPES)[number];
/** Email campaigns: draft → (scheduled) → sending → sent. Other types: planned → active → completed. */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'planned', 'active', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
/** What other campaign types may be moved to by hand (an email campaign's status is its send's). */
export const MANUAL_STATUSES = ['planned', 'active', 'completed'] as const;

const date = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'A date as YYYY-MM-DD'));

const campaignFields = {
  name: shortText(200),
  type: z.enum(CAMPAIGN_TYPES),
  description: z.optional(longText(2000)),
  /** The email template (functions/email-templates): required before an email campaign is sent. */
  templateId: z.optional(id),
  /** A saved view's id (`vw-contacts-…` or `vw-leads-…`): the recipients. */
  segmentId: z.optional(z.string().check(z.regex(/^vw-(contacts|leads)-[0-9A-Za-z]{10,40}$/, 'A saved view of contacts or leads (its id, vw-contacts-… or vw-leads-…)'))),
  budget: z.optional(money),
  actualCost: z.optional(money),
  startDate: z.optional(date),
  endDate: z.optional(date),
  /** Non-email campaigns only: planned, active, completed. */
  status: z.optional(z.enum(MANUAL_STATUSES)),
  ownerId: z.optional(id),
};

export const campaignCreate = z.strictObject(campaignFields);
export const campaignUpdate = z.strictObject(
  Object.fromEntries(Object.entries(campaignFields).map(([k, v]) => [k, k === 'name' || k === 'type' ? z.optional(v) : z.optional(z.nullable(v))])) as {
    [K in keyof typeof campaignFields]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof campaignFields)[K]>>;
  },
);

/** What the send job and the SES events counted (from the campaign's aggregate item, never a scan). */
export const STAT_NAMES = ['sent', 'delivered', 'bounced', 'complained', 'opened', 'clicked', 'unsubscribed', 'skipped'] as const;
export type StatName = (typeof STAT_NAMES)[number];
export const campaignStats = z.object(Object.fromEntries(STAT_NAMES.map((n) => [n, z.int()])) as Record<StatName, z.ZodMiniInt>);
export type CampaignStats = Record<StatName, number>;

export const campaignProgress = z.object({ done: z.int(), total: z.int() });

/** AN-3: what the campaign brought. Money in integer minor units of the campaign's currency. */
export const campaignResults = z.object({
  leadsInfluenced: z.int(),
  contactsInfluenced: z.int(),
  opportunitiesInfluenced: z.int(),
  pipelineInfluenced: z.int(),
  revenueInfluenced: z.int(),
  currency: z.string(),
  cost: z.int(),
  costPerLead: z.nullable(z.int()),
  /** (revenue − cost) / cost, as a ratio (0.5 = 50 %); null without a cost. */
  roi: z.nullable(z.number()),
});
export type CampaignResults = z.infer<typeof campaignResults>;

export const campaign = z.looseObject({
  ...campaignFields, ...recordMeta,
  status: z.enum(CAMPAIGN_STATUSES),
  scheduledAt: z.optional(z.string()),
  sendStartedAt: z.optional(z.string()),
  sentAt: z.optional(z.string()),
  stats: z.optional(campaignStats),
  progress: z.optional(campaignProgress),
  results: z.optional(campaignResults),
});

/** POST /api/campaigns/{id}/send: now, or at a future instant (ISO 8601 with an offset or Z). */
export const campaignSend = z.strictObject({
  at: z.optional(z.iso.datetime({ offset: true })),
});

export const MEMBER_OBJECTS = ['contacts', 'leads'] as const;
export type MemberObject = (typeof MEMBER_OBJECTS)[number];
/** POST /api/campaigns/{id}/members: contacts or leads added by hand (at most 100 a call). */
export const memberAdd = z.strictObject({
  object: z.enum(MEMBER_OBJECTS),
  ids: z.array(id).check(z.minLength(1), z.maxLength(100)),
});

/** A member's status as shown: the furthest it got. `skipped` carries `reason`. */
export const MEMBER_STATUSES = ['added', 'sent', 'delivered', 'opened', 'clicked', 'responded', 'registered', 'attended', 'bounced', 'unsubscribed', 'skipped', 'failed'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const campaignMember = z.object({
  object: z.enum(MEMBER_OBJECTS),
  recordId: z.string(),
  name: z.optional(z.string()),
  email: z.optional(z.string()),
  status: z.enum(MEMBER_STATUSES),
  reason: z.optional(z.string()),
  sentAt: z.optional(z.string()),
  openedAt: z.optional(z.string()),
  clickedAt: z.optional(z.string()),
  source: z.enum(['segment', 'manual']),
});
export type CampaignMember = z.infer<typeof campaignMember>;

export const memberListQuery = z.strictObject({
  limit: z.optional(z.string().check(z.regex(/^([1-9]|[1-9][0-9]|100)$/, 'limit is a whole number from 1 to 100'))),
  cursor: z.optional(z.string().check(z.maxLength(1024))),
});
