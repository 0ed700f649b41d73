import { StaleVersion } from '#commons/errors.ts';
import { ticketReply, type TicketMessage, type TicketStatus } from '#schemas/ticket.ts';
import type { Actor } from '../policy/policy.ts';
import { conflict, notFound } from '#commons/errors.ts';
import { presignedDownload } from '#commons/s3.ts';
import { attachmentSizes, DOWNLOAD_SECONDS } from './attachments.ts';
import type { EntityDefinition, StoredRecord } from '../records/entity.ts';
import { commitChange, loadForWrite, loadRecord, parse, type RecordDeps } from '../records/service.ts';

/**
 * A ticket's conversation (SVC-1): each message is a history item of kind `message` in the ticket's
 * partition, written in the same transaction as the ticket change it causes — a public reply stamps the first
 * response (the SLA's first target) and takes a new ticket to open; a note changes nothing but the thread.
 * The email of a public reply is sent by the consumer of `ticket.replied` (not in the request).
 */
export const MESSAGE_KIND = 'message';
const EXCERPT = 140;

export async function postReply(
  def: EntityDefinition, p: Actor, ticketId: string, body: unknown, deps: RecordDeps, attempt = 0,
): Promise<{ ticket: StoredRecord; message: TicketMessage }> {
  try {
    return await reply(def, p, ticketId, body, deps);
  } catch (error) {
    // The ticket moved under the reply (routing gave it an agent, an SLA moment was recorded): the reply
    // needs no particular version, so it goes onto the ticket as it is now.
    if (error instanceof StaleVersion && attempt < 3) return postReply(def, p, ticketId, body, deps, attempt + 1);
    throw error;
  }
}

async function reply(
  def: EntityDefinition, p: Actor, ticketId: string, body: unknown, deps: RecordDeps,
): Promise<{ ticket: StoredRecord; message: TicketMessage }> {
  const input = parse(ticketReply, body);
  // A reply appends to the thread, so it needs no If-Match; the ticket change is still version-checked.
  const current = await loadForWrite(def, p, ticketId, deps);
  const files = input.attachments ?? [];
  const sizes = files.length ? await attachmentSizes(p.tenantId, ticketId, files.map((a) => a.key)) : [];
  const attachments = files.map((a, i) => ({ ...a, size: sizes[i]! }));
  if (current.deletedAt) throw conflict('This ticket is deleted; restore it before replying.');
  const now = deps.clock();
  const at = now.toISOString();
  const message: TicketMessage = {
    id: deps.newId(now), at, from: input.public ? 'agent' : 'note', public: input.public, body: input.body,
    author: { id: p.userId, name: p.name, ...('email' in p ? { email: p.email } : {}) },
    ...(attachments.length ? { attachments } : {}),
    ...(input.public && typeof current.requesterEmail === 'string' ? { mail: { status: 'queued' as const } } : {}),
  };
  const merged: Record<string, unknown> = { ...current };
  if (input.status) merged.status = input.status;
  else if (input.public && current.status === 'new') merged.status = 'open';
  if (input.public && typeof current.firstRespondedAt !== 'string') merged.firstRespondedAt = at;
  merged.lastMessageAt = at;
  const ticket = await commitChange(def, p, current, merged, deps, {
    verb: input.public ? 'replied' : 'noted',
    timelineType: input.public ? 'ticket-reply' : 'ticket-note',
    timelineData: { messageId: message.id, excerpt: input.body.slice(0, EXCERPT) },
    eventData: { lastMessageId: message.id },
    history: [{ kind: MESSAGE_KIND, id: message.id, at, data: { ...message } }],
    force: true,
  });
  return { ticket, message };
}

/** A ticket's messages as stored, newest first (one Query of its partition, at most `limit`): no access check. */
export async function threadOf(tenantId: string, ticketId: string, deps: Pick<RecordDeps, 'store'>, limit = 500): Promise<TicketMessage[]> {
  const items = (await deps.store.history?.(tenantId, 'ticket', ticketId, MESSAGE_KIND, limit)) ?? [];
  return items.map((h) => ({ ...(h.data as Omit<TicketMessage, 'id' | 'at'>), id: h.id, at: h.at }) as TicketMessage);
}

/** The conversation, oldest first, for someone who may read the ticket. */
export async function conversation(def: EntityDefinition, p: Actor, ticketId: string, deps: RecordDeps): Promise<TicketMessage[]> {
  await loadRecord(def, p, ticketId, deps);
  return (await threadOf(p.tenantId, ticketId, deps)).reverse();
}

/** The live contact with this email (the ticket's requester), if the workspace has one. */
export async function contactByEmail(tenantId: string, email: string, deps: Pick<RecordDeps, 'store'>): Promise<StoredRecord | undefined> {
  const id = await deps.store.uniqueOwner(tenantId, 'contact', 'email', email.toLowerCase());
  const contact = id ? await deps.store.get(tenantId, 'contact', id) : undefined;
  return contact && !contact.deletedAt ? contact : undefined;
}

/** A customer's answer reopens a solved ticket and takes a pending one back to open; one on hold stays there. */
const statusAfterCustomerReply = (status: TicketStatus): TicketStatus => (status === 'pending' || status === 'solved' ? 'open' : status);

/**
 * A customer's message (an email, the portal) into the ticket's thread, with the status it implies, in one
 * transaction with the mail references given (an inbound mail's Message-ID: a redelivery then fails with
 * MailRefTaken). The ticket may move meanwhile: the message goes onto it as it is then.
 */
export async function postCustomerMessage(
  def: EntityDefinition, actor: Actor, ticket: StoredRecord, message: TicketMessage, deps: RecordDeps,
  mailRefs: { messageIdHash: string; ticketId: string }[] = [], attempt = 0,
): Promise<{ ticket: StoredRecord; reopened: boolean }> {
  const before = ticket.status as TicketStatus;
  const merged: Record<string, unknown> = { ...ticket, status: statusAfterCustomerReply(before), lastMessageAt: message.at, lastCustomerMessageAt: message.at };
  try {
    const saved = await commitChange(def, actor, ticket, merged, deps, {
      verb: 'customer_replied', timelineType: 'ticket-customer-reply',
      timelineData: { messageId: message.id, excerpt: message.body.slice(0, EXCERPT), ...(before === 'solved' ? { reopened: true } : {}) },
      eventData: { lastMessageId: message.id },
      history: [{ kind: MESSAGE_KIND, id: message.id, at: message.at, data: { ...message } }],
      ...(mailRefs.length ? { mailRefs } : {}),
      force: true,
    });
    return { ticket: saved, reopened: before === 'solved' };
  } catch (error) {
    if (error instanceof StaleVersion && attempt < 5) {
      const fresh = await deps.store.get(actor.tenantId, def.type, ticket.id);
      if (fresh) return postCustomerMessage(def, actor, fresh, message, deps, mailRefs, attempt + 1);
    }
    throw error;
  }
}

/** GET /api/tickets/{id}/attachments/{n}?message=<messageId>: the n-th (from 0) attachment of that message, for readers of the ticket. */
export async function downloadUrl(def: EntityDefinition, p: Actor, ticketId: string, n: string, messageId: string | undefined, deps: RecordDeps) {
  const thread = await conversation(def, p, ticketId, deps);
  const message = thread.find((m) => m.id === messageId);
  const file = /^\d{1,3}$/.test(n) ? message?.attachments?.[Number(n)] : undefined;
  if (!file) throw notFound('No such attachment on this ticket');
  const url = await presignedDownload(p.tenantId, file.key, { fileName: file.fileName, expiresInSeconds: DOWNLOAD_SECONDS });
  return { url, fileName: file.fileName, contentType: file.contentType, expiresAt: new Date(deps.clock().getTime() + DOWNLOAD_SECONDS * 1000).toISOString() };
}
