import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { conflict } from '#commons/errors.ts';
import { httpHandler, json, parseJsonBody } from '#commons/http.ts';
import { newId } from '#commons/ids.ts';
import { keys, scopes } from '#commons/keys.ts';
import { HttpProblem, unauthorized } from '#commons/problem.ts';
import { email, shortText } from '#schemas/common.ts';
import type { TicketMessage } from '#schemas/ticket.ts';
import { lookupPartner, validSecrets, type Partner } from '../partners/store.ts';
import { verifySignature } from '../partners/signature.ts';
import { systemActor } from '../policy/policy.ts';
import { takeRateSlot } from '../rate-limit/rate-limit.ts';
import { recordDeps } from '../records/deps.ts';
import type { StoredRecord } from '../records/entity.ts';
import { parse, type RecordDeps } from '../records/service.ts';
import { MailRefTaken } from '../records/store.ts';
import { contactByEmail, MESSAGE_KIND, postCustomerMessage, threadOf } from '../tickets/conversation.ts';
import { ticketEntityWith } from '../tickets/entity.ts';
import { createNumbered } from '../tickets/numbering.ts';
import { queueFor } from '../tickets/routing.ts';
import { loadServiceDesk } from '../tickets/settings-store.ts';
import { secretsToCheck } from './partner-lead.ts';

/**
 * POST /api/webhooks/chat/{partnerId} (SVC-1): a chat integration posts each customer message of a
 * conversation, signed like the lead webhook (`Crm-Signature`, a partner of purpose `chat`). The first message
 * of a conversation opens a ticket (channel `chat`, requester and contact by the sender's email); later ones
 * thread into it — reopening it when solved, following `mergedInto`, and opening a follow-up ticket when it was
 * closed or deleted. A message id is taken once: a redelivery answers 200 with the same ticket and writes nothing.
 *
 * Where a conversation and a message are remembered: items of the tenant's mail reference partition
 * (`keys.mailRefs`, the one inbound mail uses), written in the ticket's own transaction, so a ticket, its message
 * and its references are written together or not at all, and a concurrent second delivery fails with
 * MailRefTaken. Their hashes contain a `.`, which the base64url hash of an email's Message-ID never does, so a
 * mail cannot name a chat conversation. A conversation has a reference per ticket it opened (generation 0 for its
 * first ticket, 1 for the follow-up of a closed one, …); a message has one, to the ticket it went into.
 * Agents' public replies show in the ticket's thread (and are emailed to the requester like any reply): there is
 * no outbound chat API.
 */

/** A chat platform's id: printable, no control characters, short enough for a key. */
const chatId = z.string().check(z.minLength(1), z.maxLength(200), z.regex(/^[^\u0000-\u001f\u007f]*$/, 'No control characters'));

export const chatMessage = z.strictObject({
  conversationId: chatId,
  messageId: chatId,
  from: z.strictObject({ email, name: z.optional(shortText(200)) }),
  text: z.string().check(z.trim(), z.minLength(1), z.maxLength(20000)),
  sentAt: z.optional(z.iso.datetime({ offset: true })),
  subject: z.optional(shortText(250)),
});
export type ChatMessage = z.infer<typeof chatMessage>;

export interface ChatAnswer {
  ticketId: string;
  number: string;
  messageId: string;
}

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('base64url');
/** The reference of one message of a conversation (its `messageIdHash` in the mail reference partition). */
export const chatMessageRef = (partnerId: string, conversationId: string, messageId: string) => `chat.m.${digest(partnerId, conversationId, messageId)}`;
/** The reference of the conversation's `generation`-th ticket. */
export const chatConversationRef = (partnerId: string, conversationId: string, generation: number) => `chat.c${generation}.${digest(partnerId, conversationId)}`;

/** How far back a message's own `sentAt` is believed (older or future times are the time it came in). */
export const SENT_AT_WINDOW_MS = 24 * 3600 * 1000;
export function messageTime(sentAt: string | undefined, now: Date): string {
  const t = sentAt ? Date.parse(sentAt) : Number.NaN;
  if (Number.isNaN(t) || t > now.getTime() || t < now.getTime() - SENT_AT_WINDOW_MS) return now.toISOString();
  return new Date(t).toISOString();
}

/** The new ticket's subject: the one given, else the first line of the message (at most 80 characters). */
export function subjectOf(input: Pick<ChatMessage, 'subject' | 'text'>): string {
  if (input.subject) return input.subject;
  const line = input.text.trim().split(/\r?\n/, 1)[0]!.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length > 80 ? `${chars.slice(0, 79).join('')}…` : line || '(chat)';
}

/** The message as the thread keeps it, with where it came from (`chat`, not `messageId`: that one is an email's). */
export function chatThreadMessage(id: string, at: string, partnerId: string, input: ChatMessage): TicketMessage & { chat: Record<string, string> } {
  return {
    id, at, from: 'customer', public: true, body: input.text,
    author: { name: input.from.name || input.from.email, email: input.from.email.toLowerCase() },
    chat: { partnerId, conversationId: input.conversationId, messageId: input.messageId, ...(input.sentAt ? { sentAt: input.sentAt } : {}) },
  };
}

async function ticketOfRef(tenantId: string, ref: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.mailRefs(tenantId), sk: keys.mailRefSk(ref) } }));
  return typeof Item?.ticketId === 'string' ? Item.ticketId : undefined;
}

/** A ticket merged into another answers for the one it went into (a few steps at most). */
async function followMerges(tenantId: string, t: StoredRecord | undefined, deps: RecordDeps): Promise<StoredRecord | undefined> {
  for (let i = 0; t && typeof t.mergedInto === 'string' && i < 5; i++) t = await deps.store.get(tenantId, 'ticket', t.mergedInto);
  return t;
}

/** Tickets one conversation may open (a follow-up each time the last one was closed). */
const MAX_GENERATIONS = 50;

/** The conversation's live ticket, or the generation its next ticket takes (and the closed one it follows up). */
async function conversationTicket(tenantId: string, partnerId: string, conversationId: string, deps: RecordDeps): Promise<{ generation: number; ticket?: StoredRecord; previous?: StoredRecord }> {
  let last: StoredRecord | undefined;
  let generation = 0;
  for (; generation < MAX_GENERATIONS; generation++) {
    const id = await ticketOfRef(tenantId, chatConversationRef(partnerId, conversationId, generation));
    if (!id) break;
    last = await followMerges(tenantId, await deps.store.get(tenantId, 'ticket', id), deps);
  }
  if (last && !last.deletedAt && last.status !== 'closed') return { generation, ticket: last };
  if (generation >= MAX_GENERATIONS) throw conflict(`This conversation has opened ${MAX_GENERATIONS} tickets; start a new conversation.`);
  return { generation, ...(last ? { previous: last } : {}) };
}

/** The answer to a message taken in already: its ticket, and its id in that ticket's thread. */
async function earlierAnswer(tenantId: string, partnerId: string, input: ChatMessage, deps: RecordDeps): Promise<ChatAnswer | undefined> {
  const ticketId = await ticketOfRef(tenantId, chatMessageRef(partnerId, input.conversationId, input.messageId));
  if (!ticketId) return undefined;
  const ticket = await deps.store.get(tenantId, 'ticket', ticketId);
  const thread = await threadOf(tenantId, ticketId, deps);
  const mine = thread.find((m) => {
    const chat = (m as { chat?: { partnerId?: unknown; conversationId?: unknown; messageId?: unknown } }).chat;
    return !m.mergedFrom && chat?.partnerId === partnerId && chat.conversationId === input.conversationId && chat.messageId === input.messageId;
  });
  return { ticketId, number: String(ticket?.number ?? ''), messageId: mine?.id ?? '' };
}

/** Takes one message in: a new ticket (`created`) or a message on the conversation's ticket; a repeat is `repeat`. */
export async function takeChatMessage(partner: Partner, input: ChatMessage, now: Date, deps: RecordDeps): Promise<{ outcome: 'created' | 'threaded' | 'repeat'; answer: ChatAnswer }> {
  const tenantId = partner.tenantId;
  const settings = await loadServiceDesk(tenantId);
  const def = ticketEntityWith(settings);
  const actor = systemActor(tenantId, 'chat', partner.name);
  const at = messageTime(input.sentAt, now);
  const messageRef = chatMessageRef(partner.id, input.conversationId, input.messageId);
  const message = chatThreadMessage(newId(new Date(at)), at, partner.id, input);
  const repeat = async () => {
    const answer = await earlierAnswer(tenantId, partner.id, input, deps);
    if (!answer) throw new Error('A chat message reference was taken but cannot be read');
    return { outcome: 'repeat' as const, answer };
  };
  // A concurrent first message of the same conversation may open its ticket first: then this one threads.
  for (let attempt = 0; ; attempt++) {
    const found = await conversationTicket(tenantId, partner.id, input.conversationId, deps);
    try {
      if (found.ticket) {
        const t = found.ticket;
        await postCustomerMessage(def, actor, t, message, deps, [{ messageIdHash: messageRef, ticketId: t.id }]);
        return { outcome: 'threaded', answer: { ticketId: t.id, number: String(t.number), messageId: message.id } };
      }
      const ticketId = newId(now);
      const contact = await contactByEmail(tenantId, input.from.email, deps);
      const subject = subjectOf(input);
      const route = queueFor(settings, { channel: 'chat', subject });
      const body = {
        subject, description: input.text.slice(0, 20000), channel: 'chat', requesterEmail: input.from.email.toLowerCase(),
        ...(input.from.name ? { requesterName: input.from.name } : {}),
        ...(contact ? { contactId: contact.id, ...(typeof contact.accountId === 'string' ? { accountId: contact.accountId } : {}) } : {}),
        queueId: route.queueId,
      };
      const t = await createNumbered(def, actor, body, deps, {
        id: ticketId,
        systemFields: { lastMessageAt: at, lastCustomerMessageAt: at, chat: { partnerId: partner.id, conversationId: input.conversationId } },
        timelineData: { routedBy: route.by, ...(found.previous ? { followUpOf: { id: found.previous.id, number: found.previous.number } } : {}) },
        history: [{ kind: MESSAGE_KIND, id: message.id, at, data: { ...message } }],
        mailRefs: [
          { messageIdHash: messageRef, ticketId },
          { messageIdHash: chatConversationRef(partner.id, input.conversationId, found.generation), ticketId },
        ],
      });
      return { outcome: 'created', answer: { ticketId: t.id, number: String(t.number), messageId: message.id } };
    } catch (error) {
      if (!(error instanceof MailRefTaken)) throw error;
      if (await ticketOfRef(tenantId, messageRef)) return repeat();
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * The webhook. Order matters so that a refused request writes nothing: size → signature → body → repeat →
 * rate → ticket. A lead partner's id here is refused exactly like an unknown id (and a chat partner's on the
 * lead webhook): the same reads, the same HMACs with stand-in secrets, the same 401.
 */
export const handler = httpHandler(async ({ params, headers, rawBody }) => {
  const deps = recordDeps();
  const now = deps.clock();
  const partner = await lookupPartner(params.partnerId ?? '', 'chat');
  const secrets = secretsToCheck(partner ? validSecrets(partner, now) : []);
  const verdict = verifySignature(headers['crm-signature'], rawBody, secrets, Math.floor(now.getTime() / 1000));
  if (!partner || verdict !== 'ok') {
    throw unauthorized(verdict === 'stale' ? 'The signature timestamp is outside the 300 s window.' : 'Missing or invalid Crm-Signature.');
  }
  const input = parse(chatMessage, parseJsonBody(rawBody, headers));
  // A redelivery gets its first answer again without counting against the rate.
  const earlier = await earlierAnswer(partner.tenantId, partner.id, input, deps);
  if (earlier) return json(200, earlier);
  const slot = await takeRateSlot(partner.tenantId, scopes.partner(partner.id), partner.rateLimitPerMinute, now);
  if (!slot.ok) {
    throw new HttpProblem(429, 'Too Many Requests', `This partner may post ${partner.rateLimitPerMinute} messages a minute.`, {}, { 'retry-after': String(slot.retryAfter) });
  }
  const { outcome, answer } = await takeChatMessage(partner, input, now, deps);
  return json(outcome === 'repeat' ? 200 : 201, answer);
}, { auth: false, rawBody: true, maxBodyBytes: 64 * 1024 });
