import { createHmac } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The chat webhook's pure parts (SVC-1): its body schema, the references a conversation and a message take,
 * the message time and the ticket subject; and a partner of the other purpose costs on each webhook exactly
 * what an unknown id costs (the same reads, the same HMACs, the same 401).
 */

const hmacs: string[] = [];
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    createHmac: (...args: Parameters<typeof actual.createHmac>) => {
      hmacs.push(String(args[0]));
      return actual.createHmac(...args);
    },
  };
});

const { documentClient } = await import('../../functions/commons/dynamo.ts');
const chat = await import('../../functions/webhooks/chat-ticket.ts');
const leads = await import('../../functions/webhooks/partner-lead.ts');
const { purposeOf } = await import('../../functions/partners/store.ts');
const { partnerCreate } = await import('../../schemas/lead.ts');

const base = { tenantId: 'acme', rateLimitPerMinute: 60, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'u' };
const PARTNERS: Record<string, Record<string, unknown>> = {
  'lead-partner': { ...base, id: 'lead-partner', name: 'Leads', secret: 'whsec_lead' },
  'chat-partner': { ...base, id: 'chat-partner', name: 'Chat', secret: 'whsec_chat', purpose: 'chat' },
};
type Step = { command: string; keys: string[] };
let steps: Step[] = [];

beforeAll(() => {
  process.env.TABLE_NAME ??= 'cirrus-test';
});

beforeEach(() => {
  vi.spyOn(documentClient, 'send').mockImplementation((async (command: { constructor: { name: string }; input: { Key?: { pk: string; sk: string } } }) => {
    const key = command.input.Key;
    steps.push({ command: command.constructor.name, keys: key ? Object.keys(key) : [] });
    const routed = key?.pk.startsWith('R#partner#') ? PARTNERS[key.pk.slice('R#partner#'.length)] : undefined;
    if (routed) return { Item: { tenantId: 'acme' } };
    const p = key?.pk === 'T#acme#partner' ? PARTNERS[key.sk] : undefined;
    if (p) return { Item: { pk: key!.pk, sk: key!.sk, entityType: 'partner', ...p } };
    return {};
  }) as never);
});

afterEach(() => vi.restoreAllMocks());

const now = () => Math.floor(Date.now() / 1000);
const signed = (secret: string, body: string, t = now()) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

async function run(which: 'leads' | 'chat', partnerId: string, body: string, signature: string) {
  steps = [];
  hmacs.length = 0;
  const path = `/api/webhooks/${which}/${partnerId}`;
  const event = {
    version: '2.0', routeKey: `POST /api/webhooks/${which}/{partnerId}`, rawPath: path, rawQueryString: '',
    headers: { 'content-type': 'application/json', 'crm-signature': signature }, pathParameters: { partnerId }, body, isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path, sourceIp: '127.0.0.1' }, routeKey: `POST /api/webhooks/${which}/{partnerId}`, requestId: 'r' },
  };
  const handler = (which === 'chat' ? chat.handler : leads.handler) as unknown as (e: unknown, c: Context) => Promise<{ statusCode: number; body: string }>;
  const res = await handler(event, { getRemainingTimeInMillis: () => 30_000 } as Context);
  return { status: res.statusCode, body: JSON.parse(res.body), steps: [...steps], hmacs: hmacs.length };
}

describe('a partner of the other purpose', () => {
  const chatBody = JSON.stringify({ conversationId: 'c', messageId: 'm', from: { email: 'a@example.com' }, text: 'hi' });
  const leadBody = JSON.stringify({ lastName: 'X', email: 'x@example.com' });

  it('is refused on the chat webhook like an unknown id, even with its own valid signature', async () => {
    const leadPartner = await run('chat', 'lead-partner', chatBody, signed('whsec_lead', chatBody));
    const unknown = await run('chat', 'no-such-partner', chatBody, signed('whsec_lead', chatBody));
    expect(leadPartner.status).toBe(401);
    expect(leadPartner.body).toEqual(unknown.body);
    expect(leadPartner.steps).toEqual(unknown.steps);
    expect(leadPartner.hmacs).toBe(unknown.hmacs);
    expect(leadPartner.steps).toHaveLength(2);
  });

  it('is refused on the lead webhook like an unknown id, even with its own valid signature', async () => {
    const chatPartner = await run('leads', 'chat-partner', leadBody, signed('whsec_chat', leadBody));
    const unknown = await run('leads', 'no-such-partner', leadBody, signed('whsec_chat', leadBody));
    expect(chatPartner.status).toBe(401);
    expect(chatPartner.body).toEqual(unknown.body);
    expect(chatPartner.steps).toEqual(unknown.steps);
    expect(chatPartner.hmacs).toBe(unknown.hmacs);
  });

  it('a chat partner\'s right signature gets past the check on the chat webhook (a bad body is then a 400)', async () => {
    const res = await run('chat', 'chat-partner', '{"text":""}', signed('whsec_chat', '{"text":""}'));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['conversationId', 'from', 'messageId', 'text']);
  });
});

describe('purposes', () => {
  it('a partner without a purpose is a lead partner; an admin chooses leads or chat', () => {
    expect(purposeOf({})).toBe('leads');
    expect(purposeOf({ purpose: 'chat' })).toBe('chat');
    expect(partnerCreate.safeParse({ name: 'A', purpose: 'chat' }).success).toBe(true);
    expect(partnerCreate.safeParse({ name: 'A' }).success).toBe(true);
    expect(partnerCreate.safeParse({ name: 'A', purpose: 'sms' }).success).toBe(false);
  });
});

describe('the chat message body', () => {
  const ok = { conversationId: 'conv-1', messageId: 'msg-1', from: { email: 'a@example.com', name: 'Ann' }, text: 'Hello' };

  it('takes the documented fields and names every bad one', () => {
    expect(chat.chatMessage.safeParse({ ...ok, sentAt: '2026-12-03T10:00:00Z', subject: 'Order' }).success).toBe(true);
    expect(chat.chatMessage.safeParse({ ...ok, sentAt: '2026-12-03T10:00:00+08:00' }).success).toBe(true);
    const bad = chat.chatMessage.safeParse({ conversationId: 'a\nb', messageId: 'x'.repeat(201), from: { email: 'nope', age: 3 }, text: '  ', sentAt: 'today', subject: '' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.') || (i as { keys?: string[] }).keys?.join()).sort()).toEqual(
      ['conversationId', 'from', 'from.email', 'messageId', 'sentAt', 'subject', 'text'],
    );
  });
});

describe('references', () => {
  it('are one per message and one per ticket of a conversation, apart per partner and never an email\'s hash', () => {
    const m = chat.chatMessageRef('p', 'c', 'm');
    expect(m).toBe(chat.chatMessageRef('p', 'c', 'm'));
    expect(m).not.toBe(chat.chatMessageRef('p', 'c', 'm2'));
    expect(m).not.toBe(chat.chatMessageRef('q', 'c', 'm'));
    // The parts are separated, so ids cannot run into each other.
    expect(chat.chatMessageRef('p', 'ab', 'c')).not.toBe(chat.chatMessageRef('p', 'a', 'bc'));
    expect(chat.chatConversationRef('p', 'c', 0)).not.toBe(chat.chatConversationRef('p', 'c', 1));
    expect(chat.chatConversationRef('p', 'c', 0)).not.toBe(chat.chatConversationRef('q', 'c', 0));
    // An email's reference is base64url of a SHA-256 (no dot): a chat one always has dots.
    for (const r of [m, chat.chatConversationRef('p', 'c', 3)]) {
      expect(r).toContain('.');
      expect(r.length).toBeLessThan(64);
    }
  });
});

describe('the message time and the subject', () => {
  const at = new Date('2026-12-03T12:00:00.000Z');
  it('believes sentAt within the last day, else it is the time the message came in', () => {
    expect(chat.messageTime(undefined, at)).toBe(at.toISOString());
    expect(chat.messageTime('2026-12-03T11:59:00Z', at)).toBe('2026-12-03T11:59:00.000Z');
    expect(chat.messageTime('2026-12-03T19:30:00+08:00', at)).toBe('2026-12-03T11:30:00.000Z');
    expect(chat.messageTime('2026-12-03T12:05:00Z', at)).toBe(at.toISOString());
    expect(chat.messageTime('2026-11-30T12:00:00Z', at)).toBe(at.toISOString());
  });

  it('a subject given is kept; else the first line of the text, at most 80 characters', () => {
    expect(chat.subjectOf({ subject: 'Billing', text: 'x' })).toBe('Billing');
    expect(chat.subjectOf({ text: '  Where is my order?\nOrder A-1' })).toBe('Where is my order?');
    const long = chat.subjectOf({ text: '订'.repeat(100) });
    expect([...long]).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
    expect(chat.subjectOf({ text: '\n\nsecond' })).toBe('second');
  });

  it('the thread message keeps where it came from, not as an email Message-ID', () => {
    const m = chat.chatThreadMessage('ID', '2026-12-03T12:00:00.000Z', 'p', { conversationId: 'c', messageId: 'm', from: { email: 'A@Example.com' }, text: 'Hi' });
    expect(m).toEqual({
      id: 'ID', at: '2026-12-03T12:00:00.000Z', from: 'customer', public: true, body: 'Hi',
      author: { name: 'A@Example.com', email: 'a@example.com' }, chat: { partnerId: 'p', conversationId: 'c', messageId: 'm' },
    });
    expect('messageId' in m).toBe(false);
  });
});
