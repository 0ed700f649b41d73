/**
 * Issue 10 — campaigns: the single-table keys of its items (spread into `keys` in keys.ts, the one place keys are
 * built). Every key starts with the tenant (`T#<tenant>#…`), except routing items (`R#…`).
 *
 * A campaign is a record (`T#<t>#campaign#<id>` / `~record`); its own items live in the same partition under
 * prefixes the record kernel never reads (TL#, AU#, CH#, HI# are the kernel's):
 * - `CM#<object>#<recordId>`: a member (a contact or lead of the campaign), its send outcome and engagement;
 * - `CS#stats`: the aggregate the stats and results are read from (counters added per SES/CRM event);
 * - `CS#send`: the send job's checkpoint (phase, cursor, counts, total);
 * - `CE#<eventId>`: an event already counted (the consumers are idempotent per event id; expires after 14 days);
 * - `CI#<type>#<id>`: what one lead, contact or opportunity adds to the results (influence, pipeline, revenue).
 */
export const campaignsKeys = {
  /** The campaign's partition (the same as its record's, keys.record(tenant, 'campaign', id)). */
  campaign: (tenantId: string, campaignId: string) => `T#${tenantId}#campaign#${campaignId}`,
  campaignMemberSk: (object: string, recordId: string) => `CM#${object}#${recordId}`,
  campaignMemberPrefix: 'CM#',
  campaignStatsSk: 'CS#stats',
  campaignSendSk: 'CS#send',
  campaignEventSk: (eventId: string) => `CE#${eventId}`,
  campaignInfluenceSk: (type: string, id: string) => `CI#${type}#${id}`,
  /** The send job's one-time schedule (a scheduled send, or the next invocation of a long one): Scheduler names ≤ 64. */
  campaignSendSchedule: (tenantId: string, campaignId: string, part = 0) =>
    `campaign-send-${tenantId}-${campaignId}${part ? `-${part}` : ''}`.slice(0, 64),
} as const;
