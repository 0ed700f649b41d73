import * as z from 'zod/mini';
import { recordRoutes, read, route, write, type RouteDeclaration } from '../route-kit.ts';
import { event, recordEvents, snapshot, v1, type CatalogueEntry } from '../event-kit.ts';

/** Issue 10 — campaigns: its HTTP routes and its domain events (spread into contracts/routes.ts and contracts/events.ts). */
export const campaignsRoutes: readonly RouteDeclaration[] = [
  // Campaigns are records (MA-2): list, read (with stats, progress and results), edit, trash, audit, timeline.
  ...recordRoutes('campaigns', 'marketing'),
  // Send now (202) or at `at` (a one-time schedule): the send job pages the segment.
  route('campaigns-send', 'marketing', 'POST', '/api/campaigns/{id}/send', { table: 'readwrite', schedules: true }),
  // A scheduled send not started yet goes back to draft (its schedule is deleted).
  route('campaigns-cancel-send', 'marketing', 'POST', '/api/campaigns/{id}/cancel-send', { table: 'readwrite', schedules: true }),
  route('campaigns-members-list', 'marketing', 'GET', '/api/campaigns/{id}/members', read),
  route('campaigns-members-add', 'marketing', 'POST', '/api/campaigns/{id}/members', write),
];

/** A campaign after the change (open: custom fields); the send's status and when. */
const campaignData = z.looseObject({
  ...snapshot,
  name: z.optional(z.string()),
  type: z.optional(z.string()),
  status: z.optional(z.string()),
  templateId: z.optional(z.string()),
  segmentId: z.optional(z.string()),
  scheduledAt: z.optional(z.string()),
});

export const campaignsEvents = {
  ...recordEvents('campaign', 'campaign', campaignData),
  'campaign.send_requested': v1('A marketer sent an email campaign now (`data.status` sending) or scheduled it (`data.scheduledAt`, status scheduled): the send job mails its segment.', event(campaignData)),
  'campaign.send_cancelled': v1('A scheduled email campaign was taken back to draft before it started.', event(campaignData)),
  'campaign.sent': v1('An email campaign\'s send finished: every member was mailed or skipped (`data.progress`).', event(campaignData)),
} as const satisfies Record<string, CatalogueEntry>;
