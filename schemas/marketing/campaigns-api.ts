import * as z from 'zod/mini';
import type { OperationDoc } from '../api.ts';
import { listQuery, pageQuery } from '../common.ts';
import { campaign, campaignCreate, campaignMember, campaignSend, campaignUpdate, memberAdd, memberListQuery } from './campaign.ts';

/** OpenAPI docs of the issue 10 campaigns routes (contracts/marketing/campaigns.ts), keyed by route name; spread into schemas/api.ts. */
const tag = 'campaigns';
const page = (item: z.ZodMiniType) => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });
const entry = z.looseObject({ id: z.string(), at: z.string(), type: z.string() });

export const campaignsOperations: Readonly<Record<string, OperationDoc>> = {
  'campaigns-create': {
    summary: 'Create a campaign (marketers, admins): `{"name","type":"email","templateId","segmentId"}` — the segment is a saved view of contacts or leads; an email campaign starts as a draft. Unknown template or segment: 400 naming it',
    tag, request: campaignCreate, response: campaign, status: 201,
  },
  'campaigns-list': { summary: 'List campaigns (paged), each with its stats, progress and results', tag, query: listQuery, response: page(campaign) },
  'campaigns-get': {
    summary: 'A campaign with `status` (draft, scheduled, sending, sent; planned, active, completed for other types), `stats` {sent, delivered, bounced, complained, opened, clicked, unsubscribed, skipped}, `progress` {done, total} while it sends, and `results` (leads, pipeline and revenue influenced, cost per lead, ROI) — all from aggregates',
    tag, response: campaign,
  },
  'campaigns-update': { summary: 'Change a campaign (If-Match; null clears a field). An email campaign\'s status follows its send; once sending, its template and segment stay', tag, request: campaignUpdate, response: campaign, ifMatch: true },
  'campaigns-delete': { summary: 'Soft-delete a campaign', tag, status: 204, ifMatch: true },
  'campaigns-restore': { summary: 'Restore a deleted campaign', tag, response: campaign },
  'campaigns-timeline': { summary: 'The campaign\'s timeline, newest first (created, scheduled, sending, sent…)', tag, query: pageQuery, response: page(entry) },
  'campaigns-audit': { summary: 'The campaign\'s audit trail', tag, query: pageQuery, response: page(entry) },
  'campaigns-send': {
    summary: 'Send an email campaign now (202, status sending) or at `{"at"}` (a one-time schedule; status scheduled). Mailed once per member in their language, throttled to the tenant\'s SES rate; a crash resumes without mailing anyone twice. Not a draft: 409',
    tag, request: campaignSend, response: campaign, status: 202, ifMatch: true,
  },
  'campaigns-cancel-send': { summary: 'Take a scheduled send back to draft before it starts (its schedule is deleted)', tag, response: campaign, ifMatch: true },
  'campaigns-members-list': { summary: 'The campaign\'s members (contacts and leads), a page at a time, with their status: sent, delivered, opened, clicked, bounced, unsubscribed, or skipped with the reason', tag, query: memberListQuery, response: page(campaignMember) },
  'campaigns-members-add': { summary: 'Add contacts or leads by hand `{"object":"contacts","ids":[…]}` (each one you may read; at most 100 a call); mailed with the send', tag, request: memberAdd, response: z.object({ added: z.int(), members: z.int() }) },
};
