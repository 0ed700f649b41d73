import { createHash } from 'node:crypto';
import type { AddressObject, ParsedMail } from 'mailparser';
import { TICKET_NUMBER } from '#schemas/ticket.ts';

/**
 * What an inbound support email is (SVC-1), pure over the message mailparser parsed: a customer's mail to
 * thread or open a ticket with, or something no ticket should come of — an auto-reply (RFC 3834
 * `Auto-Submitted`, and the headers Exchange, Gmail and list software use), a bounce (a delivery report), or
 * a loop (our own mail coming back: it carries `X-Cirrus-Loop`, or comes from one of our support addresses).
 * Replies are matched to their ticket by the reference our mails carry: `[T-000123]` in the subject, the
 * `+t-000123` reply address, and In-Reply-To/References naming a message of the ticket.
 */

/** The header every email the service desk sends carries, so a mail coming back is known as ours. */
export const LOOP_HEADER = 'X-Cirrus-Loop';
/**
 * Our emails' text starts with a line like this one (in the customer's language, functions/notifications/
 * templates.ts); what the customer quotes below it is cut off. Any `##- … -##` line counts.
 */
export const REPLY_ABOVE = '##- Please type your reply above this line -##';
const REPLY_ABOVE_LINE = /^[> ]*##- .{1,80} -##\s*$/m;

export type InboundKind = 'mail' | 'auto-reply' | 'bounce' | 'loop';

const AUTO_SUBJECT = /^(auto(matic)?( reply| response)?:|out of (the )?office|自动回复|自動回覆|休假|不在办公室)/i;
const BULK_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply', 'auto-reply']);
const header = (mail: ParsedMail, name: string): string | undefined => {
  const v = mail.headers.get(name.toLowerCase());
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
  return String(v);
};

/** Every address of an address header (To, Cc), lower-cased. */
export function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.flatMap((v) => [v.address, ...(v.group ?? []).map((g) => g.address)])).filter((x): x is string => !!x).map((x) => x.toLowerCase());
}

export const senderOf = (mail: ParsedMail) => addressesOf(mail.from)[0];

/** The kind of an inbound message, given the tenant's own support addresses. */
export function classifyInbound(mail: ParsedMail, ownAddresses: readonly string[]): InboundKind {
  if (header(mail, LOOP_HEADER) !== undefined) return 'loop';
  const from = senderOf(mail);
  const own = new Set(ownAddresses.map((a) => a.toLowerCase()));
  if (from && (own.has(from) || own.has(from.replace(/\+[^@]*@/, '@')))) return 'loop';
  const contentType = header(mail, 'content-type') ?? '';
  if (/^multipart\/report/i.test(contentType) || /report-type=delivery-status/i.test(contentType)) return 'bounce';
  if (from && /^(mailer-daemon|postmaster)@/i.test(from)) return 'bounce';
  const auto = header(mail, 'auto-submitted');
  if (auto !== undefined && auto.trim().toLowerCase() !== 'no') return 'auto-reply';
  if (header(mail, 'x-autoreply') !== undefined || header(mail, 'x-autorespond') !== undefined) return 'auto-reply';
  const suppress = header(mail, 'x-auto-response-suppress');
  if (suppress && /\b(all|oof|autoreply)\b/i.test(suppress) && AUTO_SUBJECT.test(mail.subject ?? '')) return 'auto-reply';
  const precedence = (header(mail, 'precedence') ?? header(mail, 'x-precedence'))?.trim().toLowerCase();
  if (precedence && BULK_PRECEDENCE.has(precedence)) return 'auto-reply';
  if (AUTO_SUBJECT.test((mail.subject ?? '').trim())) return 'auto-reply';
  return 'mail';
}

/** The message ids a reply names (In-Reply-To first, then References newest first), without angle brackets. */
export function referencedIds(mail: ParsedMail): string[] {
  const refs = Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [];
  const ids = [mail.inReplyTo, ...[...refs].reverse()].flatMap((v) => (v ? v.split(/\s+/) : []));
  return [...new Set(ids.map((v) => v.trim().replace(/^<|>$/g, '')).filter(Boolean))];
}

/** The ticket number a message names: in the subject (`[T-000123]`), or in the plus part of the address it was sent to. */
export function ticketNumberOf(mail: ParsedMail): string | undefined {
  const inSubject = TICKET_NUMBER.exec(mail.subject ?? '');
  if (inSubject) return `T-${inSubject[1]}`;
  for (const to of [...addressesOf(mail.to), ...addressesOf(mail.cc)]) {
    const plus = /\+t-(\d{6,})@/i.exec(to);
    if (plus) return `T-${plus[1]}`;
  }
  return undefined;
}

/** The support address of ours the message was sent to (the plus part dropped), if any. */
export function supportAddressOf(mail: ParsedMail, candidates: readonly string[]): string | undefined {
  const ours = new Set(candidates.map((a) => a.toLowerCase()));
  const recipients = [...addressesOf(mail.to), ...addressesOf(mail.cc)].map((a) => a.replace(/\+[^@]*@/, '@'));
  return recipients.find((a) => ours.has(a));
}

/**
 * What the customer wrote, without what they quoted: cut at our "reply above" line, at a quote header
 * ("On … wrote:", "在 … 写道：", Outlook's "From:" block), and at a run of `>` lines at the end.
 */
export function replyText(text: string): string {
  let out = text.replace(/\r\n/g, '\n');
  const marker = REPLY_ABOVE_LINE.exec(out);
  if (marker) out = out.slice(0, marker.index);
  const quoteHeaders = [/^On .{0,300}wrote:\s*$/m, /^在.{0,300}写道[:：]\s*$/m, /^-{2,} ?Original Message ?-{2,}$/im, /^-{2,} ?原始邮件 ?-{2,}$/m, /^From: .+\n(Sent|Date): .+$/m, /^发件人[:：].+$/m];
  for (const q of quoteHeaders) {
    const m = q.exec(out);
    if (m && m.index > 0) out = out.slice(0, m.index);
  }
  const lines = out.split('\n');
  while (lines.length && (lines[lines.length - 1]!.trim() === '' || lines[lines.length - 1]!.startsWith('>'))) lines.pop();
  return lines.join('\n').trim();
}

/** A Message-ID as our references key it: without angle brackets; SES's own ids by their local part (its domain differs by region). */
export function messageIdHash(messageId: string): string {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  const key = /@([a-z0-9-]+\.)?amazonses\.com$/i.test(bare) ? bare.slice(0, bare.lastIndexOf('@')) : bare;
  return createHash('sha256').update(key).digest('base64url');
}
