import { StaleVersion } from '#commons/errors.ts';
import type { EventBridgeEvent } from 'aws-lambda';
import { appUrl } from '#commons/app-url.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { parseEvent } from '#contracts/events.ts';
import { OPEN_TICKET_STATUSES, type TicketStatus } from '#schemas/ticket.ts';
import { nextTurn } from '../assignment/store.ts';
import { deliverOnce, recipientOf } from '../notifications/deliver.ts';
import { ticketAssignedMail } from '../notifications/templates.ts';
import { systemActor } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { commitChange } from '../records/service.ts';
import { ticketEntityWith } from './entity.ts';
import { agentFor, type Agent } from './routing.ts';
import { loadServiceDesk } from './settings-store.ts';

/**
 * Within its queue, a new ticket finds its agent (SVC-1): the consumer of `ticket.created`. The queue's way
 * (functions/tickets/routing.ts) picks among its agents with its skill who are not away — in turn (the queue's
 * atomic turn counter, `rr#queue:<id>`) or the one with the fewest open tickets (the directory's `openTickets`,
 * kept by every ticket transaction); the `assignment` system actor gives it to them and they are told (bell and
 * email, once). A ticket already assigned, or in a manual queue, is left alone, so a second delivery does nothing.
 */
export async function routeTicket(tenantId: string, ticketId: string, attempt = 0): Promise<'assigned' | 'already-assigned' | 'manual' | 'nobody'> {
  const deps = recordDeps();
  const settings = await loadServiceDesk(tenantId);
  const ticket = await deps.store.get(tenantId, 'ticket', ticketId);
  if (!ticket || ticket.deletedAt || typeof ticket.assigneeId === 'string' || !OPEN_TICKET_STATUSES.includes(ticket.status as TicketStatus)) return 'already-assigned';
  const queue = settings.queues.find((q) => q.id === ticket.queueId);
  if (!queue || queue.assignment === 'manual') return 'manual';
  const directory = (await deps.store.directory?.(tenantId)) ?? [];
  const agents: Agent[] = queue.agentIds.flatMap((id) => {
    const u = directory.find((d) => d.id === id);
    return u ? [{ id, ...(u.away ? { away: true } : {}), ...(u.skills ? { skills: u.skills } : {}), openTickets: u.openTickets ?? 0 }] : [];
  });
  const turn = queue.assignment === 'roundRobin' ? await nextTurn(tenantId, `queue:${queue.id}`) : 0;
  const agentId = agentFor(queue, agents, turn);
  if (!agentId) return 'nobody';
  try {
    await commitChange(ticketEntityWith(settings), systemActor(tenantId, 'assignment', 'Assignment'), ticket, { ...ticket, assigneeId: agentId }, deps, {
      verb: 'assigned', timelineType: 'assigned', timelineData: { queueId: queue.id, by: queue.assignment, assigneeId: agentId },
    });
  } catch (error) {
    if (error instanceof StaleVersion && attempt < 3) return routeTicket(tenantId, ticketId, attempt + 1);
    throw error;
  }
  const to = await recipientOf(tenantId, agentId);
  if (to) {
    const mail = ticketAssignedMail({
      id: ticket.id, number: String(ticket.number), subject: ticket.name, priority: String(ticket.priority ?? 'normal'),
      queueName: queue.name[to.language] ?? queue.id,
      ...(typeof ticket.requesterEmail === 'string' ? { requester: String(ticket.requesterName ?? ticket.requesterEmail) } : {}),
    }, to.language, await appUrl());
    await deliverOnce(tenantId, to, `ticket-assigned:${ticket.id}:${agentId}`, {
      at: deps.clock().toISOString(), kind: 'ticket-assigned',
      subject: { type: 'ticket', id: ticket.id, name: `${String(ticket.number)} ${ticket.name}` }, data: { title: mail.subject },
    }, mail);
  }
  return 'assigned';
}

async function onCreated(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const d = parseEvent(event.detail, ['ticket.created'] as const);
  const result = await routeTicket(d.tenantId, d.subject.id);
  await logger.info('ticket routed', { ticketId: d.subject.id, result });
}

/** The Lambda handler of the `ticket-routing` rule. */
export const handler = withObservability(onCreated);
