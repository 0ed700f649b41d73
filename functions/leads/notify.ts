import type { EventBridgeEvent } from 'aws-lambda';
import { appUrl } from '#commons/app-url.ts';
import { logger } from '#commons/logger.ts';
import { parseEvent, type EventPayload } from '#contracts/events.ts';
import { deliverOnce, recipientOf, type Recipient } from '../notifications/deliver.ts';
import { closeTask, createTaskOnce } from '../notifications/store.ts';
import { leadMail, type MailKind } from '../notifications/templates.ts';
import { cancelCallbackTimer, startCallbackTimer } from './callback-timer.ts';
import { withObservability } from '#commons/observability.ts';

/**
 * What follows a lead's assignment and its call-back window (SFA-5, PLT-7): the owner's email and in-app
 * notification, the call-back task and timer; the reminder and the manager's escalation when the window
 * passes; cancelling the timer once contact is logged. Safe to receive the same event twice.
 */
/** The notification and its email for one (event, recipient, kind), at most once (functions/notifications/deliver.ts). */
async function tell(d: FollowUpEvent, to: Recipient, kind: MailKind, lead: Record<string, unknown>, ownerName?: string) {
  const facts = {
    id: String(lead.id), name: String(lead.name), company: lead.company as string | undefined, email: lead.email as string | undefined,
    phone: lead.phone as string | undefined, source: lead.source as string | undefined, callbackDueAt: lead.callbackDueAt as string | undefined, ownerName,
  };
  const mail = leadMail(kind, facts, to.language, to.timeZone, await appUrl());
  await deliverOnce(d.tenantId, to, `${d.eventId}:${kind}`, {
    at: d.occurredAt, kind, subject: { type: 'lead', id: facts.id, name: facts.name }, data: { title: mail.subject, ...(facts.callbackDueAt ? { callbackDueAt: facts.callbackDueAt } : {}) },
  }, mail);
}

/** The events this consumer follows (the `lead-follow-up` rule in infra/declarations/events.ts). */
const FOLLOWED = ['lead.assigned', 'lead.callback-overdue', 'lead.contacted', 'lead.qualified', 'lead.converted', 'lead.disqualified'] as const;
type FollowUpEvent = EventPayload<(typeof FOLLOWED)[number]>;

async function followUp(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const d = parseEvent(event.detail, FOLLOWED);
  const lead = d.data as Record<string, unknown>;
  const name = d.name;
  const owner = await recipientOf(d.tenantId, lead.ownerId as string | undefined);

  if (name === 'lead.assigned' && owner) {
    const assignedAt = String(lead.assignedAt);
    const dueAt = String(lead.callbackDueAt);
    await createTaskOnce(d.tenantId, owner.id, { title: 'call-back', kind: 'call-back', dueAt, subject: { type: 'lead', id: String(lead.id), name: String(lead.name) } });
    await startCallbackTimer({ tenantId: d.tenantId, leadId: String(lead.id), assignedAt }, dueAt);
    await tell(d, owner, 'lead-assigned', lead);
  } else if (name === 'lead.callback-overdue' && owner) {
    await tell(d, owner, 'lead-callback-reminder', lead);
    const manager = await recipientOf(d.tenantId, owner.managerId);
    if (manager) await tell(d, manager, 'lead-callback-escalation', lead, owner.name);
  } else if (['lead.contacted', 'lead.qualified', 'lead.converted', 'lead.disqualified'].includes(name) && typeof lead.assignedAt === 'string') {
    await cancelCallbackTimer(String(lead.id), lead.assignedAt);
    if (owner && typeof lead.callbackDueAt === 'string') {
      await closeTask(d.tenantId, owner.id, lead.callbackDueAt, String(lead.id), name === 'lead.contacted' ? 'done' : 'cancelled');
    }
  }
  await logger.info('lead follow-up handled', { event: name, leadId: lead.id });
}

/** The Lambda handler: correlation id, tracing and metrics around followUp. */
export const handler = withObservability(followUp);
