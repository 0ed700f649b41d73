import * as z from 'zod/mini';
import { appUrl } from '#commons/app-url.ts';
import { forbidden, notFound } from '#commons/errors.ts';
import { httpHandler, json, noContent, type HttpRequest } from '#commons/http.ts';
import { logger } from '#commons/logger.ts';
import { email as emailField, shortText } from '#schemas/common.ts';
import type { TicketMessage } from '#schemas/ticket.ts';
import { MailRefused, mailbox, sendMail } from '../notifications/mailer.ts';
import { portalLinkMail, type Language } from '../notifications/templates.ts';
import { systemActor } from '../policy/policy.ts';
import { takeRateSlot } from '../rate-limit/rate-limit.ts';
import type { StoredRecord } from '../records/entity.ts';
import { recordDeps } from '../records/deps.ts';
import { listRecords, parse } from '../records/service.ts';
import { contactByEmail, MESSAGE_KIND, postCustomerMessage, threadOf } from '../tickets/conversation.ts';
import { ticketEntityWith } from '../tickets/entity.ts';
import { createNumbered } from '../tickets/numbering.ts';
import { LOOP_HEADER } from '../tickets/inbound-mail.ts';
import { queueFor } from '../tickets/routing.ts';
import { loadServiceDesk } from '../tickets/settings-store.ts';
import { endSession, exchangeLink, issueLink, sessionOf, type PortalSession } from './access.ts';

/**
 * The customer portal's API (SVC-3) at `/api/portal/{tenant}/…`, public routes of the `portal` unit: a
 * customer asks for a sign-in link (202 whatever the address, so nobody learns who is a customer), exchanges it
 * once for a portal session, then sees their own tickets — those they asked, by their email — (and their
 * account's, when the admin allows), opens tickets, reads the public conversation (never internal notes) and
 * answers. Another customer's ticket is 404, as one that does not exist. The `portal` system actor writes.
 */
const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const LINKS_PER_MINUTE = 5;
/** No staff token on these routes: the portal session (or nothing) is checked by the handlers. */
const PUBLIC = { auth: false } as const;

export async function portalOf(req: HttpRequest) {
  const tenantId = req.params.tenant ?? '';
  if (!TENANT.test(tenantId)) throw notFound('No such portal.');
  const deps = recordDeps();
  const [settings, directory] = await Promise.all([loadServiceDesk(tenantId), deps.store.directory?.(tenantId) ?? Promise.resolve([])]);
  // A workspace exists when it has people; its portal when the admin has not turned it off.
  if (directory.length === 0 || !settings.portal.enabled) throw notFound('No such portal.');
  return { tenantId, settings, deps, def: ticketEntityWith(settings) };
}

async function signedIn(req: HttpRequest) {
  const p = await portalOf(req);
  const session = await sessionOf(p.tenantId, req.headers.authorization, p.deps.clock());
  if (!session) throw forbidden('Sign in to the portal first: ask for a sign-in link.');
  return { ...p, session, actor: systemActor(p.tenantId, 'portal', session.email, `portal:${session.email}`) };
}

/** Is the ticket the session's: asked by them, or (when allowed) of their account. */
async function mine(t: StoredRecord | undefined, session: PortalSession, accountTickets: boolean, deps: ReturnType<typeof recordDeps>): Promise<boolean> {
  if (!t || t.deletedAt) return false;
  if (typeof t.requesterEmail === 'string' && t.requesterEmail.toLowerCase() === session.email) return true;
  if (!accountTickets || typeof t.accountId !== 'string') return false;
  return (await contactByEmail(session.tenantId, session.email, deps))?.accountId === t.accountId;
}

/** What a customer sees of a ticket. */
const customerView = (t: StoredRecord) => ({
  id: t.id, number: t.number, subject: t.subject, status: t.status, priority: t.priority, channel: t.channel,
  createdAt: t.createdAt, updatedAt: t.updatedAt, ...(t.solvedAt ? { solvedAt: t.solvedAt } : {}),
});
const customerMessageView = (m: TicketMessage) => ({
  id: m.id, at: m.at, from: m.from === 'customer' ? 'you' : 'support', body: m.body,
  author: m.from === 'customer' ? m.author.name : m.author.name.split(' ')[0] ?? m.author.name,
  ...(m.attachments?.length ? { attachments: m.attachments.map((a) => ({ fileName: a.fileName, contentType: a.contentType })) } : {}),
});

/** What a customer writes in the portal, as the thread keeps it. */
function portalMessage(session: PortalSession, body: string, deps: ReturnType<typeof recordDeps>): TicketMessage {
  const now = deps.clock();
  return { id: deps.newId(now), at: now.toISOString(), from: 'customer', public: true, body, author: { name: session.email, email: session.email } };
}

const linkRequest = z.strictObject({ email: emailField, language: z.optional(z.enum(['en', 'zh-CN'])) });
const sessionRequest = z.strictObject({ token: z.string().check(z.maxLength(100)) });
const newTicket = z.strictObject({ subject: shortText(250), description: z.string().check(z.trim(), z.minLength(1), z.maxLength(20000)) });
const reply = z.strictObject({ body: z.string().check(z.trim(), z.minLength(1), z.maxLength(20000)) });

export const portalHandlers = {
  /** POST /api/portal/{tenant}/magic-link `{"email"}` → 202; the link (single use, 15 minutes) goes to that address. */
  magicLink: httpHandler(async (req) => {
    const input = parse(linkRequest, req.body);
    const { tenantId, settings, deps } = await portalOf(req);
    const email = input.email.toLowerCase();
    const slot = await takeRateSlot(tenantId, `portal-link:${email}`, LINKS_PER_MINUTE, deps.clock());
    if (!slot.ok) return json(202, { sent: true });
    const token = await issueLink(tenantId, email, deps.clock());
    const address = settings.supportAddresses[0];
    const language: Language = input.language ?? address?.language ?? 'en';
    const link = `${(await appUrl()).replace(/\/$/, '')}/portal/${tenantId}/sign-in?token=${token}`;
    try {
      await sendMail(email, portalLinkMail({ link, supportName: address?.name ?? 'Support', minutes: 15 }, language), [], {
        ...(address ? { from: mailbox(address.name, address.address) } : {}),
        headers: [{ Name: LOOP_HEADER, Value: 'portal-link' }, { Name: 'Auto-Submitted', Value: 'auto-generated' }],
      });
    } catch (error) {
      if (!(error instanceof MailRefused)) throw error;
      await logger.warn('portal link mail refused', { tenantId, reason: error.reason });
    }
    return json(202, { sent: true });
  }, PUBLIC),

  /** POST /api/portal/{tenant}/sessions `{"token"}`: the link, used once, becomes a session. */
  openSession: httpHandler(async (req) => {
    const { token } = parse(sessionRequest, req.body);
    const { tenantId, deps } = await portalOf(req);
    const r = await exchangeLink(tenantId, token, deps.clock());
    if (!r.ok) {
      const detail = r.reason === 'used' ? 'This sign-in link was used already; ask for a new one.' : r.reason === 'expired' ? 'This sign-in link has expired; ask for a new one.' : 'This sign-in link is not valid.';
      return json(r.reason === 'unknown' ? 404 : 410, { type: 'about:blank', title: r.reason === 'unknown' ? 'Not Found' : 'Gone', status: r.reason === 'unknown' ? 404 : 410, detail, reason: r.reason }, { 'content-type': 'application/problem+json' });
    }
    return json(201, { session: r.session, email: r.email, expiresAt: new Date(r.expiresAt * 1000).toISOString() });
  }, PUBLIC),

  closeSession: httpHandler(async (req) => {
    await endSession(req.headers.authorization);
    return noContent();
  }, PUBLIC),

  me: httpHandler(async (req) => {
    const { session, settings } = await signedIn(req);
    return json(200, { email: session.email, allowSubmit: settings.portal.allowSubmit, accountTickets: settings.portal.accountTickets, supportName: settings.supportAddresses[0]?.name ?? null });
  }, PUBLIC),

  /** GET /api/portal/{tenant}/tickets: the customer's own tickets, newest first (the requester-email list index). */
  list: httpHandler(async (req) => {
    const { def, deps, actor, session } = await signedIn(req);
    const page = await listRecords(def, actor, { 'where[requesterEmail][eq]': session.email, sort: '-createdAt', limit: '50', ...(req.query.cursor ? { cursor: req.query.cursor } : {}) }, deps);
    return json(200, { items: page.items.map(customerView), nextCursor: page.nextCursor });
  }, PUBLIC),

  create: httpHandler(async (req) => {
    const { def, deps, actor, session, settings } = await signedIn(req);
    if (!settings.portal.allowSubmit) throw forbidden('This portal takes no new requests; write to the support address instead.');
    const input = parse(newTicket, req.body);
    const route = queueFor(settings, { channel: 'portal', subject: input.subject });
    const contact = await contactByEmail(session.tenantId, session.email, deps);
    const message = portalMessage(session, input.description, deps);
    const t = await createNumbered(def, actor, {
      subject: input.subject, description: input.description, channel: 'portal', requesterEmail: session.email, queueId: route.queueId,
      ...(contact ? { contactId: contact.id, ...(typeof contact.accountId === 'string' ? { accountId: contact.accountId } : {}) } : {}),
    }, deps, { systemFields: { lastMessageAt: message.at, lastCustomerMessageAt: message.at }, history: [{ kind: MESSAGE_KIND, id: message.id, at: message.at, data: { ...message } }], timelineData: { routedBy: route.by } });
    return json(201, customerView(t));
  }, PUBLIC),

  get: httpHandler(async (req) => {
    const { deps, session, settings } = await signedIn(req);
    const t = await deps.store.get(session.tenantId, 'ticket', req.params.id!);
    if (!(await mine(t, session, settings.portal.accountTickets, deps))) throw notFound('No such ticket.');
    const messages = (await threadOf(session.tenantId, t!.id, deps)).filter((m) => m.public && (m.from === 'customer' || m.from === 'agent')).reverse();
    return json(200, { ...customerView(t!), messages: messages.map(customerMessageView) });
  }, PUBLIC),

  reply: httpHandler(async (req) => {
    const { def, deps, session, settings, actor } = await signedIn(req);
    const input = parse(reply, req.body);
    const t = await deps.store.get(session.tenantId, 'ticket', req.params.id!);
    if (!(await mine(t, session, settings.portal.accountTickets, deps))) throw notFound('No such ticket.');
    if (t!.status === 'closed') throw forbidden('This request is closed; open a new one.');
    const message = portalMessage(session, input.body, deps);
    const saved = await postCustomerMessage(def, actor, t!, message, deps);
    return json(201, { ...customerView(saved.ticket), message: customerMessageView(message) });
  }, PUBLIC),
};
