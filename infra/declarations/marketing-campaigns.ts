import { detailTypes, EVENT_SOURCE } from '../../contracts/events.ts';
import type { FunctionDeclaration } from './functions.ts';
import type { RuleDeclaration, ScheduleDeclaration } from './events.ts';

/** Issue 10 — campaigns: its EventBridge rules (on the Cirrus bus), schedule targets and recurring schedules; spread into events.ts. */

/** The send job: pages the segment, renders, mails through sendMarketingEmail, checkpoints; hands over before its time runs out. */
const sendJob = (name: string): FunctionDeclaration => ({
  name, entry: 'functions/campaigns/send-job.ts', access: { table: 'readwrite', sendEmail: true, schedules: true }, timeoutSeconds: 900, memoryMb: 512,
});

export const campaignsRules: readonly RuleDeclaration[] = [
  {
    name: 'campaign-send-requested',
    description: 'MA-2: an email campaign sent now is mailed to its segment (resumable, throttled to the tenant\'s SES rate); one scheduled gets its one-time schedule; a cancelled one loses it',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': detailTypes('campaign.send_requested', 'campaign.send_cancelled') },
    target: sendJob('campaign-send-requested'),
    retryAttempts: 8,
    maxEventAgeSeconds: 6 * 3600,
  },
  {
    name: 'campaign-results',
    description: 'MA-2/AN-3: a campaign\'s stats (sent, delivered, bounced, complained, unique opens and clicks, unsubscribes, skips), members\' status, first/last touch on a click, and influenced leads, pipeline and revenue, once per event',
    eventPattern: {
      source: [EVENT_SOURCE],
      'detail-type': detailTypes(
        'email.sent', 'email.skipped', 'email.delivered', 'email.bounced', 'email.complained', 'email.opened', 'email.clicked', 'consent.changed',
        'lead.converted', 'opportunity.created', 'opportunity.updated', 'opportunity.stage_changed', 'opportunity.deleted', 'opportunity.restored',
      ),
    },
    target: { name: 'campaign-results', entry: 'functions/campaigns/results.ts', access: { table: 'readwrite' }, timeoutSeconds: 30 },
    retryAttempts: 8,
    maxEventAgeSeconds: 6 * 3600,
  },
];
/** `campaign-send`: a scheduled send at its time, and each next part of a long send (functions/campaigns/send-job.ts names them). */
export const campaignsScheduleTargets: readonly FunctionDeclaration[] = [sendJob('campaign-send')];
export const campaignsSchedules: readonly ScheduleDeclaration[] = [];
