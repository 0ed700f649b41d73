import type { EventBridgeEvent } from 'aws-lambda';
import { systemClock } from '#commons/clock.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { deleteSchedule, putTimer } from '#commons/schedules.ts';
import { parseEvent } from '#contracts/events.ts';
import { scheduleTargetNames } from '#contracts/schedules.ts';
import { recordDeps } from '../records/deps.ts';
import type { TicketSla } from '../sla/sla-state.ts';
import { slaTimers, type SlaMoment, type SlaTargetName } from '../sla/timer-plan.ts';
import { checkSla } from './sla-check.ts';

/**
 * Where SLA timers are set (SVC-4): the consumer of every ticket event reads the ticket as stored and makes
 * its four Scheduler one-time schedules (warning and breach of first response and resolution,
 * functions/sla/timer-plan.ts) match it — put (created, or moved with UpdateSchedule) at the moments still to
 * come, deleted where the target was met, paused or the ticket deleted. A moment already past (a priority
 * raised after the warning time) is checked at once instead of being scheduled in the past. Reading the ticket
 * rather than the event makes late or repeated events harmless.
 */
export interface SlaCheckInput {
  tenantId: string;
  ticketId: string;
  target: SlaTargetName;
  moment: SlaMoment;
  /** The moment the schedule was made for: a firing for a moment since moved does nothing. */
  at: string;
}

const FOLLOWED = ['ticket.created', 'ticket.updated', 'ticket.deleted', 'ticket.restored', 'ticket.replied', 'ticket.noted', 'ticket.customer_replied', 'ticket.assigned', 'ticket.merged', 'ticket.sla_breached'] as const;

export async function syncSlaTimers(tenantId: string, ticketId: string, now: Date): Promise<{ put: number; deleted: number; checked: number }> {
  const ticket = await recordDeps().store.get(tenantId, 'ticket', ticketId);
  const timers = slaTimers(ticketId, ticket?.sla as TicketSla | undefined, !!ticket && !ticket.deletedAt);
  let put = 0;
  let deleted = 0;
  let checked = 0;
  for (const t of timers) {
    if (!t.at) {
      await deleteSchedule(t.name);
      deleted++;
    } else if (Date.parse(t.at) <= now.getTime()) {
      await deleteSchedule(t.name);
      await checkSla({ tenantId, ticketId, target: t.target, moment: t.moment, at: t.at });
      checked++;
    } else {
      await putTimer(t.name, scheduleTargetNames.slaCheck, t.at, { tenantId, ticketId, target: t.target, moment: t.moment, at: t.at } satisfies SlaCheckInput);
      put++;
    }
  }
  return { put, deleted, checked };
}

async function onTicketEvent(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const d = parseEvent(event.detail, FOLLOWED);
  const result = await syncSlaTimers(d.tenantId, d.subject.id, systemClock());
  await logger.info('SLA timers synced', { event: d.name, ticketId: d.subject.id, ...result });
}

/** The Lambda handler of the `ticket-sla-timers` rule. */
export const handler = withObservability(onTicketEvent);
