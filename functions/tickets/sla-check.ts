import { StaleVersion } from '#commons/errors.ts';
import { appUrl } from '#commons/app-url.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { TICKET_PRIORITIES, type TicketPriority } from '#schemas/ticket.ts';
import { deliverOnce, recipientOf, type Recipient } from '../notifications/deliver.ts';
import { slaAlertMail } from '../notifications/templates.ts';
import { systemActor } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { commitChange } from '../records/service.ts';
import { ticketEntityWith } from './entity.ts';
import { loadServiceDesk } from './settings-store.ts';
import type { TicketSla } from '../sla/sla-state.ts';
import type { SlaCheckInput } from './sla-timers.ts';

/**
 * Fires at an SLA moment (SVC-4): the Scheduler target `sla-check`, also called at once by the timers
 * consumer for a moment already past. Checked against the ticket as stored: a target met, paused or moved
 * since (a firing for another moment) does nothing. Otherwise the ticket is written by the `sla` system actor
 * so the state stored is the state now (warning, or breached with the breach recorded for reporting), a breach
 * is escalated as the policy says (priority up one step, or to another queue), and the assignee — and for a
 * breach the queue's manager — is told once per moment (bell and email, in their language and time zone).
 */
export async function checkSla(input: SlaCheckInput, attempt = 0): Promise<'recorded' | 'already-recorded' | 'nothing-to-do'> {
  const deps = recordDeps();
  const settings = await loadServiceDesk(input.tenantId);
  const def = ticketEntityWith(settings);
  const ticket = await deps.store.get(input.tenantId, 'ticket', input.ticketId);
  const sla = ticket?.sla as TicketSla | undefined;
  const target = sla?.[input.target];
  if (!ticket || ticket.deletedAt || !sla || !target?.runningSince) return 'nothing-to-do';
  if ((input.moment === 'breach' ? target.dueAt : target.warnAt) !== input.at) return 'nothing-to-do';
  if (deps.clock().getTime() < Date.parse(input.at)) return 'nothing-to-do';

  const policy = settings.slaPolicies.find((p) => p.id === sla.policyId);
  const breach = input.moment === 'breach';
  const toRecord = breach ? !target.breachedAt : target.state === 'onTrack';
  if (toRecord) {
    const merged: Record<string, unknown> = { ...ticket };
    if (breach && policy?.onBreach.raisePriority) {
      const i = TICKET_PRIORITIES.indexOf((ticket.priority as TicketPriority | undefined) ?? 'normal');
      merged.priority = TICKET_PRIORITIES[Math.min(i + 1, TICKET_PRIORITIES.length - 1)];
    }
    const queueTo = breach ? policy?.onBreach.reassignToQueue : undefined;
    if (queueTo && settings.queues.some((q) => q.id === queueTo)) {
      merged.queueId = queueTo;
      delete merged.assigneeId;
    }
    try {
      await commitChange(def, systemActor(input.tenantId, 'sla', 'SLA'), ticket, merged, deps, {
        verb: breach ? 'sla_breached' : 'sla_warning', timelineType: breach ? 'sla-breached' : 'sla-warning',
        timelineData: { target: input.target, at: input.at }, eventData: { slaTarget: input.target }, force: true,
      });
    } catch (error) {
      // The ticket changed at the same moment: look again at it as it is now.
      if (error instanceof StaleVersion && attempt < 3) return checkSla(input, attempt + 1);
      throw error;
    }
  }

  // Who hears of it: the assignee (a ticket still in its queue has none), and for a breach the queue's manager.
  const recipients: Recipient[] = [];
  const assignee = await recipientOf(input.tenantId, typeof ticket.assigneeId === 'string' ? ticket.assigneeId : undefined);
  if (assignee) recipients.push(assignee);
  if (breach && policy?.onBreach.notify !== false) {
    const managerId = settings.queues.find((q) => q.id === ticket.queueId)?.managerId;
    const manager = managerId && managerId !== assignee?.id ? await recipientOf(input.tenantId, managerId) : undefined;
    if (manager) recipients.push(manager);
  }
  let delivered = false;
  for (const to of recipients) {
    const mail = slaAlertMail({
      id: ticket.id, number: String(ticket.number), subject: ticket.name, priority: String(ticket.priority ?? 'normal'),
      target: input.target, moment: input.moment, dueAt: target.dueAt ?? input.at,
    }, to.language, to.timeZone, await appUrl());
    delivered = (await deliverOnce(input.tenantId, to, `sla:${ticket.id}:${input.target}:${input.moment}:${input.at}`, {
      at: input.at, kind: breach ? 'sla-breached' : 'sla-warning',
      subject: { type: 'ticket', id: ticket.id, name: `${String(ticket.number)} ${ticket.name}` },
      data: { title: mail.subject, target: input.target },
    }, mail)) || delivered;
  }
  return toRecord ? 'recorded' : delivered ? 'recorded' : 'already-recorded';
}

async function fromSchedule(event: SlaCheckInput): Promise<string> {
  const result = await checkSla(event);
  await logger.info('SLA check', { ...event, result });
  return result;
}

/** The Scheduler target `sla-check`. */
export const handler = withObservability(fromSchedule);
