import type { EventBridgeEvent } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { appUrl } from '#commons/app-url.ts';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import type { DomainEventDetail } from '../assignment/assign-lead.ts';
import { sendMail } from '../notifications/mailer.ts';
import { alreadyNotified, closeTask, createTaskOnce, notifyOnce } from '../notifications/store.ts';
import { leadMail, type Language, type MailKind } from '../notifications/templates.ts';
import { cancelCallbackTimer, startCallbackTimer } from './callback-timer.ts';

/**
 * What follows a lead's assignment and its call-back window (SFA-5, PLT-7): the owner's email and in-app
 * notification, the call-back task and timer; the reminder and the manager's escalation when the window
 * passes; cancelling the timer once contact is logged. Safe to receive the same event twice.
 */
interface Recipient {
  id: string;
  email: string;
  name: string;
  language: Language;
  timeZone: string;
  managerId?: string;
}

async function recipient(tenantId: string, userId: string | undefined): Promise<Recipient | undefined> {
  if (!userId || userId.startsWith('queue:')) return undefined;
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.users(tenantId), sk: userId } }));
  if (!Item) return undefined;
  const language: Language = Item.language === 'zh-CN' ? 'zh-CN' : 'en';
  return {
    id: userId, email: Item.email, name: Item.name, language, managerId: Item.managerId,
    timeZone: (Item.timeZone as string | undefined) ?? (language === 'zh-CN' ? 'Asia/Shanghai' : 'UTC'),
  };
}

async function tell(d: DomainEventDetail & { occurredAt: string }, to: Recipient, kind: MailKind, lead: Record<string, unknown>, ownerName?: string) {
  if (await alreadyNotified(d.tenantId, to.id, `${d.eventId}:${kind}`, d.occurredAt)) return;
  const facts = {
    id: String(lead.id), name: String(lead.name), company: lead.company as string | undefined, email: lead.email as string | undefined,
    phone: lead.phone as string | undefined, source: lead.source as string | undefined, callbackDueAt: lead.callbackDueAt as string | undefined, ownerName,
  };
  const mail = leadMail(kind, facts, to.language, to.timeZone, await appUrl());
  await sendMail(to.email, mail);
  await notifyOnce(d.tenantId, to.id, `${d.eventId}:${kind}`, {
    at: d.occurredAt, kind, subject: { type: 'lead', id: facts.id, name: facts.name }, data: { title: mail.subject, ...(facts.callbackDueAt ? { callbackDueAt: facts.callbackDueAt } : {}) },
  });
}

export async function handler(event: EventBridgeEvent<string, DomainEventDetail & { occurredAt: string }>): Promise<void> {
  const d = event.detail;
  const lead = d.data;
  const name = event['detail-type'];
  const owner = await recipient(d.tenantId, lead.ownerId as string | undefined);

  if (name === 'lead.assigned' && owner) {
    const assignedAt = String(lead.assignedAt);
    const dueAt = String(lead.callbackDueAt);
    await createTaskOnce(d.tenantId, owner.id, { title: 'call-back', kind: 'call-back', dueAt, subject: { type: 'lead', id: String(lead.id), name: String(lead.name) } });
    await startCallbackTimer({ tenantId: d.tenantId, leadId: String(lead.id), assignedAt }, dueAt);
    await tell(d, owner, 'lead-assigned', lead);
  } else if (name === 'lead.callback-overdue' && owner) {
    await tell(d, owner, 'lead-callback-reminder', lead);
    const manager = await recipient(d.tenantId, owner.managerId);
    if (manager) await tell(d, manager, 'lead-callback-escalation', lead, owner.name);
  } else if (['lead.contacted', 'lead.qualified', 'lead.converted', 'lead.disqualified'].includes(name) && typeof lead.assignedAt === 'string') {
    await cancelCallbackTimer(String(lead.id), lead.assignedAt);
    if (owner && typeof lead.callbackDueAt === 'string') {
      await closeTask(d.tenantId, owner.id, lead.callbackDueAt, String(lead.id), name === 'lead.contacted' ? 'done' : 'cancelled');
    }
  }
  await logger.info('lead follow-up handled', { event: name, leadId: lead.id });
}
