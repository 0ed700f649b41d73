import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { putTimer } from '#commons/schedules.ts';
import { parseEvent } from '#contracts/events.ts';
import { scheduleTargetNames } from '#contracts/schedules.ts';
import { recordTypeOf } from '#schemas/metadata.ts';
import { advanceFollowUp, loadFollowUpSettings } from './store.ts';

/**
 * Where follow-up timers are set (SFA-6): one Scheduler one-time schedule per watched record (a lead, an
 * opportunity, an account while it has open deals), `follow-up-<id>`, at its last activity + the tenant's `alertAfterDays`, and with the shared pool on
 * `pool-release-<id>` at its last activity + `poolAfterDays` (functions/follow-up/pool.ts). A new record starts its
 * timer; each activity logged on it (an activity's `relatedTo`, a lead's logged contact) moves it. No nightly
 * scan: the schedule fires exactly when the record has gone quiet (functions/follow-up/check.ts decides then).
 */
export const followUpScheduleName = (id: string) => `follow-up-${id}`;
const DAY_MS = 86400_000;
export const poolScheduleName = (id: string) => `pool-release-${id}`;
/** What the watchdog watches: leads, deals, and accounts (while they have open deals; the shared pool takes leads and deals only). */
const WATCHED = new Set(['lead', 'opportunity', 'account']);

const FOLLOWED = ['activity.created', 'lead.created', 'lead.assigned', 'lead.contacted', 'lead.activity-logged', 'lead.claimed', 'opportunity.created', 'opportunity.stage_changed', 'opportunity.claimed'] as const;

export interface FollowUpInput { tenantId: string; type: string; id: string; since: string }

/** Which records an event is activity on, and from when (leads and opportunities; accounts through their deals). */
export function watchedBy(event: { name: string; occurredAt: string; subject: { type: string; id: string }; data: Record<string, unknown> }): { type: string; id: string; since: string }[] {
  const { name, data, subject } = event;
  if (name === 'activity.created') {
    const refs = Array.isArray(data.relatedTo) ? (data.relatedTo as { object: string; id: string }[]) : [];
    return refs.map((r) => ({ type: recordTypeOf(r.object), id: r.id, since: event.occurredAt })).filter((r) => WATCHED.has(r.type));
  }
  // A new deal at an account is activity on the account too (an account is watched while it has open deals).
  if (name === 'opportunity.created' && typeof data.accountId === 'string') {
    return [{ type: subject.type, id: subject.id, since: event.occurredAt }, { type: 'account', id: data.accountId, since: event.occurredAt }];
  }
  if ((FOLLOWED as readonly string[]).includes(name)) {
    return [{ type: subject.type, id: subject.id, since: event.occurredAt }];
  }
  return [];
}


async function onEvent(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const d = parseEvent(event.detail, FOLLOWED);
  const watched = watchedBy({ name: d.name, occurredAt: d.occurredAt, subject: d.subject, data: d.data as Record<string, unknown> });
  if (!watched.length) return;
  const settings = await loadFollowUpSettings(d.tenantId);
  for (const w of watched) {
    // Only forward in time: a late or repeated event leaves a newer timer where it is.
    if (!(await advanceFollowUp(d.tenantId, w.type, w.id, w.since))) continue;
    const input: FollowUpInput = { tenantId: d.tenantId, ...w };
    await putTimer(followUpScheduleName(w.id), scheduleTargetNames.followUpCheck, new Date(Date.parse(w.since) + settings.alertAfterDays * DAY_MS), { ...input });
    // The shared pool (off by default): released after its days without activity, whatever the alert did.
    if (settings.poolAfterDays !== null && w.type !== 'account') await putTimer(poolScheduleName(w.id), scheduleTargetNames.poolRelease, new Date(Date.parse(w.since) + settings.poolAfterDays * DAY_MS), { ...input });
  }
  await logger.info('follow-up timers moved', { event: d.name, records: watched.length });
}

/** The Lambda handler of the `follow-up-watchdog` rule. */
export const handler = withObservability(onEvent);
