import { StaleVersion } from '#commons/errors.ts';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { SESEvent, SESEventRecord } from 'aws-lambda';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { derivedId, newId } from '#commons/ids.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { filesBucket, s3Client, safeFileName, tenantFileKey } from '#commons/s3.ts';
import type { ServiceDeskSettings } from '#schemas/service-desk.ts';
import type { TicketMessage } from '#schemas/ticket.ts';
import { systemActor, type SystemActor } from '../policy/policy.ts';
import type { EntityDefinition, StoredRecord } from '../records/entity.ts';
import { recordDeps } from '../records/deps.ts';
import type { RecordDeps } from '../records/service.ts';
import { MailRefTaken } from '../records/store.ts';
import { contactByEmail, MESSAGE_KIND, postCustomerMessage } from './conversation.ts';
import { ticketEntityWith } from './entity.ts';
import { classifyInbound, messageIdHash, referencedIds, replyText, senderOf, supportAddressOf, ticketNumberOf, type InboundKind } from './inbound-mail.ts';
import { createNumbered } from './numbering.ts';
import { queueFor } from './routing.ts';
import { loadServiceDesk } from './settings-store.ts';

/**
 * Support email in (SVC-1). SES receives a mail for a support address, stores it raw in the files bucket
 * under `inbound/<SES message id>` and invokes this function with the receipt event (locally, the runtime's
 * SMTP listener does the same through the local S3: infra/local/ses-inbound.ts). The address routes to its
 * tenant (`R#mail#<address>`); auto-replies, bounces and our own mail coming back are dropped; a reply threads
 * into its ticket — found by a Message-ID it names (In-Reply-To/References), or by the ticket number in the
 * subject or reply address when it comes from the ticket's requester — and reopens it if solved; anything else
 * opens a ticket. Attachments go to the tenant's files. A redelivered event changes nothing: the ticket's id and
 * the message's id derive from the mail's Message-ID, and its reference is written with the message.
 */

export const INBOUND_PREFIX = 'inbound/';
const MAX_ATTACHMENTS = 20;

export type InboundOutcome =
  | { outcome: 'created'; tenantId: string; ticketId: string; number: string }
  | { outcome: 'threaded'; tenantId: string; ticketId: string; number: string; reopened: boolean }
  | { outcome: 'duplicate'; tenantId: string; ticketId: string }
  | { outcome: 'dropped'; reason: InboundKind | 'unknown-address' | 'no-sender' | 'virus'; tenantId?: string };

const baseAddress = (a: string) => a.toLowerCase().replace(/\+[^@]*@/, '@');

async function tenantOf(address: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.route('mail', baseAddress(address)), sk: keys.routeSk } }));
  return typeof Item?.tenantId === 'string' ? Item.tenantId : undefined;
}

async function ticketOfRef(tenantId: string, messageId: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.mailRefs(tenantId), sk: keys.mailRefSk(messageIdHash(messageId)) } }));
  return typeof Item?.ticketId === 'string' ? Item.ticketId : undefined;
}

/** A ticket merged into another answers for the one it went into (a few steps at most). */
async function followMerges(tenantId: string, t: StoredRecord | undefined, deps: RecordDeps): Promise<StoredRecord | undefined> {
  for (let i = 0; t && typeof t.mergedInto === 'string' && i < 5; i++) t = await deps.store.get(tenantId, 'ticket', t.mergedInto);
  return t;
}

/** The ticket a reply belongs to, and how it was found. */
async function findTicket(tenantId: string, mail: ParsedMail, sender: string, deps: RecordDeps): Promise<StoredRecord | undefined> {
  for (const ref of referencedIds(mail)) {
    const id = await ticketOfRef(tenantId, ref);
    const t = id ? await followMerges(tenantId, await deps.store.get(tenantId, 'ticket', id), deps) : undefined;
    if (t && !t.deletedAt) return t;
  }
  // A number alone could be typed by anyone: it threads only mail from the ticket's own requester.
  const number = ticketNumberOf(mail);
  if (!number) return undefined;
  const id = await deps.store.uniqueOwner(tenantId, 'ticket', 'number', number.toLowerCase());
  const t = id ? await followMerges(tenantId, await deps.store.get(tenantId, 'ticket', id), deps) : undefined;
  if (!t || t.deletedAt) return undefined;
  const requester = typeof t.requesterEmail === 'string' ? t.requesterEmail.toLowerCase() : undefined;
  return requester === sender ? t : undefined;
}

/** The mail's attachments, kept in the tenant's files next to the ticket (the same keys on a redelivery). */
async function keepAttachments(tenantId: string, ticketId: string, messageId: string, mail: ParsedMail): Promise<NonNullable<TicketMessage['attachments']>> {
  const out: NonNullable<TicketMessage['attachments']> = [];
  const files = mail.attachments.filter((a) => a.contentDisposition !== 'inline' || a.filename).slice(0, MAX_ATTACHMENTS);
  for (const [i, a] of files.entries()) {
    const fileName = safeFileName(a.filename ?? `attachment-${i + 1}`, `attachment-${i + 1}`);
    const key = tenantFileKey(tenantId, 'tickets', ticketId, messageId, `${i + 1}-${fileName}`);
    await s3Client().send(new PutObjectCommand({ Bucket: filesBucket(), Key: key, Body: a.content, ContentType: a.contentType || 'application/octet-stream' }));
    out.push({ key, fileName, contentType: a.contentType || 'application/octet-stream', size: a.size });
  }
  return out;
}

/** A customer's message, as the thread keeps it. */
function customerMessage(id: string, at: string, mail: ParsedMail, body: string, attachments: TicketMessage['attachments']): TicketMessage {
  const from = Array.isArray(mail.from?.value) ? mail.from.value[0] : undefined;
  return {
    id, at, from: 'customer', public: true, body,
    author: { name: from?.name || from?.address || '', ...(from?.address ? { email: from.address.toLowerCase() } : {}) },
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(attachments?.length ? { attachments } : {}),
  };
}

const textOf = (mail: ParsedMail) => (mail.text ?? (typeof mail.html === 'string' ? mail.html.replace(/<[^>]+>/g, ' ') : '')).trim();

export async function takeInMail(raw: Uint8Array, envelope: { recipients: readonly string[]; receivedAt: string; sesMessageId: string }): Promise<InboundOutcome> {
  const mail = await simpleParser(Buffer.from(raw));
  let tenantId: string | undefined;
  let supportAddress: string | undefined;
  for (const r of envelope.recipients) {
    tenantId = await tenantOf(r);
    if (tenantId) {
      supportAddress = baseAddress(r);
      break;
    }
  }
  if (!tenantId) return { outcome: 'dropped', reason: 'unknown-address' };
  const settings = await loadServiceDesk(tenantId);
  const own = settings.supportAddresses.map((a) => a.address);
  const kind = classifyInbound(mail, own);
  if (kind !== 'mail') return { outcome: 'dropped', reason: kind, tenantId };
  const sender = senderOf(mail);
  if (!sender) return { outcome: 'dropped', reason: 'no-sender', tenantId };
  supportAddress = supportAddressOf(mail, own) ?? supportAddress;

  const deps = recordDeps();
  const def = ticketEntityWith(settings);
  const actor = systemActor(tenantId, 'mail', 'Email');
  const rfcId = mail.messageId ?? `<${envelope.sesMessageId}@inbound>`;
  const refs = [{ messageIdHash: messageIdHash(rfcId), ticketId: '' }];
  const receivedAt = new Date(envelope.receivedAt);
  const at = Number.isNaN(receivedAt.getTime()) ? deps.clock().toISOString() : receivedAt.toISOString();
  // Ids from the mail itself, so a second delivery of it finds what the first wrote.
  const base = newId(new Date(at)).slice(0, 10) + '0'.repeat(16);
  const messageId = derivedId(base, `message:${rfcId}`);

  const existingId = await ticketOfRef(tenantId, rfcId);
  if (existingId) return { outcome: 'duplicate', tenantId, ticketId: existingId };

  const found = await findTicket(tenantId, mail, sender, deps);
  if (found && found.status !== 'closed') return thread(def, actor, found, mail, messageId, at, refs, deps);
  return open(def, actor, settings, mail, { sender, supportAddress, messageId, at, base, rfcId, refs, followUpOf: found }, deps);
}

async function thread(
  def: EntityDefinition, actor: SystemActor, ticket: StoredRecord, mail: ParsedMail, messageId: string, at: string,
  refs: { messageIdHash: string; ticketId: string }[], deps: RecordDeps,
): Promise<InboundOutcome> {
  const tenantId = actor.tenantId;
  const attachments = await keepAttachments(tenantId, ticket.id, messageId, mail);
  const message = customerMessage(messageId, at, mail, replyText(textOf(mail)) || textOf(mail), attachments);
  try {
    const { reopened } = await postCustomerMessage(def, actor, ticket, message, deps, refs.map((r) => ({ ...r, ticketId: ticket.id })));
    return { outcome: 'threaded', tenantId, ticketId: ticket.id, number: String(ticket.number), reopened };
  } catch (error) {
    if (error instanceof MailRefTaken) return { outcome: 'duplicate', tenantId, ticketId: ticket.id };
    throw error;
  }
}

async function open(
  def: EntityDefinition, actor: SystemActor, settings: ServiceDeskSettings, mail: ParsedMail,
  m: { sender: string; supportAddress?: string; messageId: string; at: string; base: string; rfcId: string; refs: { messageIdHash: string; ticketId: string }[]; followUpOf?: StoredRecord },
  deps: RecordDeps,
): Promise<InboundOutcome> {
  const tenantId = actor.tenantId;
  const ticketId = derivedId(m.base, `ticket:${m.rfcId}`);
  const existing = await deps.store.get(tenantId, 'ticket', ticketId);
  if (existing) return { outcome: 'duplicate', tenantId, ticketId };
  const contact = await contactByEmail(tenantId, m.sender, deps);
  const subject = (mail.subject ?? '').trim().slice(0, 250) || '(no subject)';
  const route = queueFor(settings, { channel: 'email', subject, ...(m.supportAddress ? { supportAddress: m.supportAddress } : {}) });
  const from = Array.isArray(mail.from?.value) ? mail.from.value[0] : undefined;
  const text = textOf(mail);
  const attachments = await keepAttachments(tenantId, ticketId, m.messageId, mail);
  const message = customerMessage(m.messageId, m.at, mail, text, attachments);
  const body = {
    subject, description: text.slice(0, 20000), channel: 'email', requesterEmail: m.sender,
    ...(from?.name ? { requesterName: from.name.slice(0, 200) } : {}),
    ...(contact ? { contactId: contact.id, ...(typeof contact.accountId === 'string' ? { accountId: contact.accountId } : {}) } : {}),
    queueId: route.queueId,
  };
  try {
    const t = await createNumbered(def, actor, body, deps, {
      id: ticketId,
      systemFields: { lastMessageAt: m.at, lastCustomerMessageAt: m.at, ...(m.supportAddress ? { supportAddress: m.supportAddress } : {}) },
      timelineData: { routedBy: route.by, ...(m.followUpOf ? { followUpOf: { id: m.followUpOf.id, number: m.followUpOf.number } } : {}) },
      history: [{ kind: MESSAGE_KIND, id: m.messageId, at: m.at, data: { ...message } }],
      mailRefs: m.refs.map((r) => ({ ...r, ticketId })),
    });
    return { outcome: 'created', tenantId, ticketId: t.id, number: String(t.number) };
  } catch (error) {
    if (error instanceof MailRefTaken || error instanceof StaleVersion) return { outcome: 'duplicate', tenantId, ticketId };
    throw error;
  }
}

async function fromRecord(r: SESEventRecord): Promise<InboundOutcome> {
  const id = r.ses.mail.messageId;
  // The receipt rule scans for viruses; an infected mail opens nothing (SES still stored it, for forensics).
  if (r.ses.receipt.virusVerdict?.status === 'FAIL') return { outcome: 'dropped', reason: 'virus' };
  const obj = await s3Client().send(new GetObjectCommand({ Bucket: filesBucket(), Key: `${INBOUND_PREFIX}${id}` }));
  const raw = await obj.Body!.transformToByteArray();
  return takeInMail(raw, { recipients: r.ses.receipt.recipients, receivedAt: r.ses.receipt.timestamp ?? r.ses.mail.timestamp, sesMessageId: id });
}

/** The SES receipt rule's Lambda action (invoked as an Event, after the S3 action stored the mail). */
export const handler = withObservability(async (event: SESEvent) => {
  const results: InboundOutcome[] = [];
  for (const r of event.Records ?? []) {
    const result = await fromRecord(r);
    await logger.info('inbound support mail', { sesMessageId: r.ses.mail.messageId, ...result });
    results.push(result);
  }
  return results;
});
