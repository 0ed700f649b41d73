import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { filesBucket, s3Client, tenantOfKey } from '#commons/s3.ts';
import { parseEvent } from '#contracts/events.ts';
import type { ServiceDeskSettings, SupportAddress } from '#schemas/service-desk.ts';
import { MailRefused, mailbox, sendMail } from '../notifications/mailer.ts';
import { ticketReplyMail, type Language } from '../notifications/templates.ts';
import type { StoredRecord } from '../records/entity.ts';
import { recordDeps } from '../records/deps.ts';
import { MESSAGE_KIND, threadOf } from './conversation.ts';
import { LOOP_HEADER, messageIdHash } from './inbound-mail.ts';
import { claimMail, releaseMail } from './mail-claims.ts';
import { loadServiceDesk } from './settings-store.ts';

/**
 * An agent's public reply, emailed to the customer (SVC-1): the consumer of `ticket.replied`. From the
 * ticket's support address (its name shown), Reply-To that address with the ticket's reference
 * (`support+t-000123@…`), subject `Re: … [T-000123]`, In-Reply-To/References naming the customer's mails so
 * their client threads it, `X-Cirrus-Loop` so our own mail coming back opens nothing, the earlier public
 * messages quoted and the reply's attachments attached. At most once, like every email here: a claim item is
 * written before SES is called, released only when SES refused the mail (nothing sent); SES's message id then
 * becomes a mail reference, so the customer's answer threads even without the number.
 */
const QUOTED = 5;
/** SES gives each message this Message-ID (the domain is the region's: `<id>@<region>.amazonses.com` outside us-east-1). */
const sesMessageIdHeader = (id: string) => `<${id}@email.amazonses.com>`;

export function supportAddressFor(settings: ServiceDeskSettings, ticket: StoredRecord): SupportAddress | undefined {
  const named = typeof ticket.supportAddress === 'string' ? settings.supportAddresses.find((a) => a.address.toLowerCase() === String(ticket.supportAddress).toLowerCase()) : undefined;
  return named ?? settings.supportAddresses.find((a) => a.queueId === ticket.queueId) ?? settings.supportAddresses[0];
}

/** `support@x` → `support+t-000123@x`: the reply address that names the ticket. */
export function replyAddress(address: string, number: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}+${number.toLowerCase()}${address.slice(at)}`;
}

export async function mailReply(tenantId: string, ticketId: string, messageId: string): Promise<'sent' | 'already-sent' | 'no-recipient' | 'not-a-reply'> {
  const deps = recordDeps();
  const [settings, ticket, messages] = await Promise.all([loadServiceDesk(tenantId), deps.store.get(tenantId, 'ticket', ticketId), threadOf(tenantId, ticketId, deps)]);
  const reply = messages.find((m) => m.id === messageId);
  if (!ticket || !reply || reply.from !== 'agent' || !reply.public) return 'not-a-reply';
  let to = typeof ticket.requesterEmail === 'string' ? ticket.requesterEmail : undefined;
  if (!to && typeof ticket.contactId === 'string') {
    const contact = await deps.store.get(tenantId, 'contact', ticket.contactId);
    to = typeof contact?.email === 'string' ? contact.email : undefined;
  }
  if (!to) return 'no-recipient';
  if (!(await claimMail(tenantId, keys.mailSendSk(messageId), { entityType: 'mail-send', status: 'sending', at: deps.clock().toISOString() }))) return 'already-sent';

  const address = supportAddressFor(settings, ticket);
  const language: Language = address?.language ?? 'en';
  const timeZone = settings.calendars[0]?.timeZone ?? 'UTC';
  const number = String(ticket.number);
  const earlier = messages.filter((m) => m.public && m.id !== reply.id && m.at <= reply.at).slice(0, QUOTED);
  const mail = ticketReplyMail({
    number, subject: ticket.name, reply: { body: reply.body, authorName: reply.author.name },
    supportName: address?.name ?? 'Support',
    earlier: earlier.map((m) => ({ authorName: m.author.name, at: m.at, body: m.body })),
  }, language, timeZone);
  // The customer's mails and ours, oldest first (RFC 5322 References), the latest of theirs as In-Reply-To.
  const ids = [...messages].reverse().flatMap((m) => (m.messageId ? [m.from === 'customer' ? m.messageId : sesMessageIdHeader(m.messageId)] : []));
  const lastCustomer = messages.find((m) => m.from === 'customer' && m.messageId)?.messageId;
  const headers = [
    { Name: LOOP_HEADER, Value: `ticket=${ticket.id}` },
    ...(lastCustomer ? [{ Name: 'In-Reply-To', Value: lastCustomer }] : []),
    ...(ids.length ? [{ Name: 'References', Value: ids.slice(-10).join(' ') }] : []),
  ];
  const attachments = [];
  for (const a of reply.attachments ?? []) {
    if (tenantOfKey(a.key) !== tenantId) continue;
    const obj = await s3Client().send(new GetObjectCommand({ Bucket: filesBucket(), Key: a.key }));
    attachments.push({ fileName: a.fileName, contentType: a.contentType, content: await obj.Body!.transformToByteArray() });
  }

  let sesId: string | undefined;
  try {
    sesId = await sendMail(to, mail, attachments, {
      ...(address ? { from: mailbox(address.name, address.address), replyTo: replyAddress(address.address, number) } : {}),
      headers,
    });
  } catch (error) {
    // Refused: nothing was sent, so the retry may send it. Any other failure leaves the claim ("sending").
    if (error instanceof MailRefused) await releaseMail(tenantId, keys.mailSendSk(messageId));
    throw error;
  }
  const sentAt = deps.clock().toISOString();
  await Promise.all([
    documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: { pk: keys.mailRefs(tenantId), sk: keys.mailSendSk(messageId) },
      UpdateExpression: 'SET #s = :s, sesMessageId = :id, sentAt = :at', ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'sent', ':id': sesId ?? null, ':at': sentAt },
    })),
    ...(sesId ? [documentClient.send(new PutCommand({ TableName: tableName(), Item: { pk: keys.mailRefs(tenantId), sk: keys.mailRefSk(messageIdHash(sesId)), entityType: 'mailref', ticketId, at: sentAt } }))] : []),
    // The thread shows the reply as sent.
    documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: { pk: keys.record(tenantId, 'ticket', ticketId), sk: keys.historySk(MESSAGE_KIND, reply.at, reply.id) },
      UpdateExpression: 'SET #m = :m, messageId = :id', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: { '#m': 'mail' },
      ExpressionAttributeValues: { ':m': { status: 'sent', sentAt }, ':id': sesId ?? null },
    })),
  ]);
  return 'sent';
}

async function onReplied(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const d = parseEvent(event.detail, ['ticket.replied'] as const);
  const messageId = (d.data as { lastMessageId?: unknown }).lastMessageId;
  const result = typeof messageId === 'string' ? await mailReply(d.tenantId, d.subject.id, messageId) : 'not-a-reply';
  await logger.info('ticket reply mail', { ticketId: d.subject.id, messageId, result });
}

/** The Lambda handler of the `ticket-reply-mail` rule. */
export const handler = withObservability(onReplied);
