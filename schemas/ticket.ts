import * as z from 'zod/mini';
import { email, id, longText, recordMeta, shortText, tags } from './common.ts';

/**
 * SVC-1 tickets: a customer's question or problem, worked by support agents in queues under SLA targets
 * (SVC-4). The number (`T-000123`) is the tenant's own sequence, given in the ticket's transaction so it has
 * no gaps; the conversation (public replies and internal notes) lives in the ticket's partition.
 */
export const TICKET_CHANNELS = ['email', 'web', 'portal', 'api', 'chat'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_STATUSES = ['new', 'open', 'pending', 'onHold', 'solved', 'closed'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Statuses in which the ticket still needs work (the backlog). */
export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'onHold'];
export const SLA_STATES = ['onTrack', 'warning', 'breached', 'met', 'paused'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/** `T-000001`: the tenant's sequence, six digits and more when it grows past them. */
export const ticketNumber = (n: number) => `T-${String(n).padStart(6, '0')}`;
export const TICKET_NUMBER = /\bT-(\d{6,})\b/;

const ticketFields = {
  subject: shortText(250),
  description: z.optional(longText(20000)),
  contactId: z.optional(id),
  accountId: z.optional(id),
  /** Who asked when there is no contact yet (an email from an unknown address opens a ticket with it). */
  requesterEmail: z.optional(email),
  requesterName: z.optional(shortText(200)),
  channel: z.optional(z.enum(TICKET_CHANNELS)),
  priority: z.optional(z.enum(TICKET_PRIORITIES)),
  category: z.optional(shortText(60)),
  status: z.optional(z.enum(TICKET_STATUSES)),
  queueId: z.optional(id),
  assigneeId: z.optional(id),
  tags: z.optional(tags),
};

export const ticketCreate = z.strictObject(ticketFields);
export const ticketUpdate = z.strictObject(
  Object.fromEntries(Object.entries(ticketFields).map(([k, v]) => [k, k === 'subject' ? z.optional(v) : z.optional(z.nullable(v))])) as {
    [K in keyof typeof ticketFields]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof ticketFields)[K]>>;
  },
);

const slaTarget = z.object({
  /** The target in business minutes of the policy's calendar. */
  targetMinutes: z.number(),
  dueAt: z.optional(z.string()),
  warnAt: z.optional(z.string()),
  state: z.enum(SLA_STATES),
  metAt: z.optional(z.string()),
  breachedAt: z.optional(z.string()),
});
export const ticket = z.object({
  ...ticketFields, ...recordMeta,
  number: z.string(),
  sla: z.optional(z.object({ policyId: z.string(), calendarId: z.string(), firstResponse: slaTarget, resolution: slaTarget })),
});
export type Ticket = z.infer<typeof ticket>;

/** POST /api/tickets/{id}/replies: a public reply (emailed to the customer) or an internal note (never emailed). */
export const MAX_REPLY_ATTACHMENTS = 5;
export const ticketReply = z.strictObject({
  body: z.string().check(z.trim(), z.minLength(1), z.maxLength(20000)),
  public: z.boolean(),
  /** Solve, put on pending or on hold with the reply, as agents do. */
  status: z.optional(z.enum(TICKET_STATUSES)),
  /** Files uploaded first (POST /api/files), by their keys. */
  attachments: z.optional(z.array(z.strictObject({ key: z.string().check(z.maxLength(512)), fileName: shortText(200), contentType: shortText(100) })).check(z.maxLength(MAX_REPLY_ATTACHMENTS))),
});
export type TicketReply = z.infer<typeof ticketReply>;

/** POST /api/tickets/{id}/attachments: a file for a reply, before its bytes are PUT to the presigned URL. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const attachmentUpload = z.strictObject({
  fileName: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  contentType: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  size: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_ATTACHMENT_BYTES)),
});

/** POST /api/tickets/{id}/merge: this ticket goes into `into` (its conversation copied, itself closed). */
export const ticketMerge = z.strictObject({ into: id });

/** One message of a ticket's conversation, as GET /api/tickets/{id}/messages returns it. */
export interface TicketMessage {
  id: string;
  at: string;
  /** `customer` (an email, the portal), `agent` (a public reply), `note` (internal), `system` (auto). */
  from: 'customer' | 'agent' | 'note' | 'system';
  public: boolean;
  body: string;
  author: { id?: string; name: string; email?: string };
  attachments?: { key: string; fileName: string; contentType: string; size?: number }[];
  /** The email's Message-ID (inbound), or SES's MessageId once sent (outbound). */
  messageId?: string;
  mail?: { status: 'queued' | 'sent' | 'failed'; sentAt?: string };
  /** Copied from a ticket merged into this one. */
  mergedFrom?: string;
}
