import type { Deliverability } from '#schemas/marketing/person.ts';
import { systemClock, type Clock } from '#commons/clock.ts';
import type { MarketingSend } from '../marketing-mail/store.ts';
import { tagsOf } from '../marketing-mail/message.ts';

/**
 * SES's configuration-set events (EventBridge `detail`, source `aws.ses`) read as what they mean for one marketing
 * send (issue 10), pure: the send record's next state, the Cirrus events to publish, and what happens to the
 * address (suppressed, deliverability, unsubscribed on a complaint).
 */
export type SesEventType = 'Send' | 'Delivery' | 'Bounce' | 'Complaint' | 'Open' | 'Click';

export interface SesEvent {
  readonly type: SesEventType;
  readonly messageId: string;
  readonly tenantId?: string | undefined;
  readonly sendId?: string | undefined;
  readonly at: string;
  /** The recipient the event is about (bounced, complained, delivered), else the message's first recipient. */
  readonly address: string;
  readonly bounceType?: string | undefined;
  readonly bounceSubType?: string | undefined;
  readonly link?: string | undefined;
  /** The consumer's idempotency key: per message and recipient for once-only events, the event id for opens and clicks. */
  readonly key: string;
}

const TYPES: readonly SesEventType[] = ['Send', 'Delivery', 'Bounce', 'Complaint', 'Open', 'Click'];

export function readSesEvent(detail: unknown, eventId: string, clock: Clock = systemClock): SesEvent | undefined {
  if (!detail || typeof detail !== 'object') return undefined;
  const d = detail as Record<string, any>;
  const type = d.eventType as SesEventType;
  if (!TYPES.includes(type) || typeof d.mail?.messageId !== 'string') return undefined;
  const tags = tagsOf(d.mail.tags);
  const first = Array.isArray(d.mail.destination) ? String(d.mail.destination[0] ?? '') : '';
  const address = type === 'Bounce' ? String(d.bounce?.bouncedRecipients?.[0]?.emailAddress ?? first)
    : type === 'Complaint' ? String(d.complaint?.complainedRecipients?.[0]?.emailAddress ?? first)
      : type === 'Delivery' ? String(d.delivery?.recipients?.[0] ?? first) : first;
  const own = d[type.toLowerCase()] as Record<string, any> | undefined;
  const at = typeof own?.timestamp === 'string' ? own.timestamp : String(d.mail.timestamp ?? clock().toISOString());
  const once = type === 'Open' || type === 'Click' ? eventId : `${d.mail.messageId}#${address.toLowerCase()}`;
  return {
    type, messageId: d.mail.messageId, tenantId: tags.tenant, sendId: tags.send, at, address,
    ...(type === 'Bounce' ? { bounceType: String(d.bounce?.bounceType ?? ''), bounceSubType: String(d.bounce?.bounceSubType ?? '') } : {}),
    ...(type === 'Click' && typeof d.click?.link === 'string' ? { link: d.click.link } : {}),
    key: once,
  };
}

export interface SendTransition {
  /** Fields of the send record to set (none: the record stays as it is). */
  readonly set: Partial<MarketingSend>;
  /** Cirrus events to publish, in order (`email.sent` first when SES's event is the first news of the send). */
  readonly events: { name: 'email.sent' | 'email.delivered' | 'email.bounced' | 'email.complained' | 'email.opened' | 'email.clicked'; data: Record<string, unknown> }[];
  readonly suppress?: 'bounce' | 'complaint';
  readonly deliverability?: Deliverability;
  readonly unsubscribe?: boolean;
}

/** What one SES event does to a send. A send still `claimed` (the sender stopped before saving the MessageId) becomes sent. */
export function transition(send: MarketingSend, e: SesEvent): SendTransition {
  const set: Record<string, unknown> = {};
  const events: SendTransition['events'] = [];
  const base = {
    sendId: send.sendId, messageId: e.messageId, address: send.address ?? e.address,
    ...(send.campaignId ? { campaignId: send.campaignId } : {}), ...(send.journeyId ? { journeyId: send.journeyId } : {}),
    ...(send.journeyVersion !== undefined ? { journeyVersion: send.journeyVersion } : {}), ...(send.stepId ? { stepId: send.stepId } : {}),
    ...(send.templateId ? { templateId: send.templateId } : {}),
  };
  let status = send.status;
  if (status === 'claimed' || status === 'refused') {
    status = 'sent';
    Object.assign(set, { status, messageId: e.messageId, sentAt: e.at });
    events.push({ name: 'email.sent', data: base });
  }
  const final = status === 'bounced' || status === 'complained';
  switch (e.type) {
    case 'Send':
      break;
    case 'Delivery':
      if (!final && status !== 'delivered') set.status = 'delivered';
      set.deliveredAt = e.at;
      events.push({ name: 'email.delivered', data: base });
      break;
    case 'Bounce': {
      const hard = e.bounceType === 'Permanent';
      if (hard && status !== 'complained') Object.assign(set, { status: 'bounced', bouncedAt: e.at, bounceType: e.bounceType });
      events.push({ name: 'email.bounced', data: { ...base, bounceType: e.bounceType ?? '', bounceSubType: e.bounceSubType ?? '' } });
      if (hard) return { set, events, suppress: 'bounce', deliverability: 'bounced' };
      break;
    }
    case 'Complaint':
      Object.assign(set, { status: 'complained', complainedAt: e.at });
      events.push({ name: 'email.complained', data: base });
      return { set, events, suppress: 'complaint', deliverability: 'complained', unsubscribe: true };
    case 'Open': {
      const first = !send.firstOpenedAt;
      Object.assign(set, { opens: (send.opens ?? 0) + 1, ...(first ? { firstOpenedAt: e.at } : {}) });
      events.push({ name: 'email.opened', data: { ...base, first } });
      break;
    }
    case 'Click': {
      const first = !send.firstClickedAt;
      Object.assign(set, { clicks: (send.clicks ?? 0) + 1, ...(first ? { firstClickedAt: e.at } : {}) });
      events.push({ name: 'email.clicked', data: { ...base, first, ...(e.link ? { link: e.link } : {}) } });
      break;
    }
  }
  return { set: set as Partial<MarketingSend>, events };
}
