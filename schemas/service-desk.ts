import * as z from 'zod/mini';
import { email, id, shortText } from './common.ts';
import { TICKET_CHANNELS, TICKET_PRIORITIES, type TicketPriority } from './ticket.ts';

/**
 * The service desk's settings (SVC-1, SVC-4), each a document of the tenant's configuration: business-hours
 * calendars, SLA policies, queues, routing rules, macros, support addresses and portal options. Admins change
 * them in Settings → Service desk; the ticket kernel reads them per request.
 */
const localized = z.strictObject({ en: shortText(200), 'zh-CN': shortText(200) });
const hhmm = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'A time of day as HH:MM (00:00–24:00)'));
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const interval = z.strictObject({ start: hhmm, end: hhmm });

/**
 * A business-hours calendar: open intervals per weekday in its time zone, closed dates (public holidays) and
 * adjusted working days (调休: a weekend date worked, with `workdayHours`, e.g. mainland China's make-up days).
 */
export const businessCalendar = z.strictObject({
  id,
  name: localized,
  timeZone: shortText(64),
  weekly: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(interval).check(z.maxLength(4))])) as Record<Weekday, z.ZodMiniArray<typeof interval>>),
  holidays: z.array(z.iso.date()).check(z.maxLength(400)),
  workdays: z.array(z.iso.date()).check(z.maxLength(100)),
  /** The hours of an adjusted working day; default: Monday's. */
  workdayHours: z.optional(z.array(interval).check(z.maxLength(4))),
});
export type BusinessCalendar = z.infer<typeof businessCalendar>;

const minutesByPriority = z.strictObject(Object.fromEntries(TICKET_PRIORITIES.map((p) => [p, z.int().check(z.positive(), z.lte(525600))])) as Record<TicketPriority, z.ZodMiniInt>);

/** An SLA policy: targets per priority in business minutes of `calendarId`, for the tickets it applies to. */
export const slaPolicy = z.strictObject({
  id,
  name: localized,
  calendarId: id,
  /** Which tickets: any of these priorities and customer tiers (an empty list matches all). The first policy that matches applies. */
  appliesTo: z.strictObject({ priorities: z.array(z.enum(TICKET_PRIORITIES)), tiers: z.array(shortText(40)) }),
  firstResponse: minutesByPriority,
  resolution: minutesByPriority,
  /** Warn the assignee at this share of a target. */
  warnAtPercent: z.int().check(z.gte(1), z.lte(99)),
  onBreach: z.strictObject({
    /** Email and bell for the assignee and the queue's manager. */
    notify: z.boolean(),
    /** Raise the priority one step (normal → high ...). */
    raisePriority: z.boolean(),
    /** Hand the ticket to this queue (unassigned there). */
    reassignToQueue: z.optional(id),
  }),
});
export type SlaPolicy = z.infer<typeof slaPolicy>;

export const queue = z.strictObject({
  id,
  name: localized,
  /** Who is told of breaches in the queue. */
  managerId: z.optional(id),
  /** The agents who work it. */
  agentIds: z.array(id).check(z.maxLength(200)),
  /** How a new ticket finds its agent: in turn, to the one with fewest open tickets, or nobody (agents take them). */
  assignment: z.enum(['roundRobin', 'leastOpen', 'manual']),
  /** Agents need this skill to be given the queue's tickets (none: any agent of the queue). */
  skill: z.optional(shortText(40)),
});
export type Queue = z.infer<typeof queue>;

/** A routing rule: all of the conditions given must hold; the first rule that matches sends the ticket to its queue. */
export const routingRule = z.strictObject({
  id,
  name: shortText(100),
  when: z.strictObject({
    channels: z.optional(z.array(z.enum(TICKET_CHANNELS))),
    categories: z.optional(z.array(shortText(60))),
    priorities: z.optional(z.array(z.enum(TICKET_PRIORITIES))),
    /** Any of these words in the subject (case-insensitive). */
    subjectWords: z.optional(z.array(shortText(60))),
    tiers: z.optional(z.array(shortText(40))),
  }),
  queueId: id,
});
export type RoutingRule = z.infer<typeof routingRule>;

/** A canned reply with merge fields ({{ticket.number}}, {{contact.firstName|there}} …), in both languages. */
export const macro = z.strictObject({
  id,
  name: localized,
  body: z.strictObject({ en: z.string().check(z.minLength(1), z.maxLength(10000)), 'zh-CN': z.string().check(z.minLength(1), z.maxLength(10000)) }),
  /** Applied with the reply: e.g. pending (waiting on the customer) or solved. */
  setStatus: z.optional(z.enum(['open', 'pending', 'onHold', 'solved'])),
});
export type Macro = z.infer<typeof macro>;

/** An address customers write to: mail to it opens tickets in `queueId` (routing rules may send them elsewhere). */
export const supportAddress = z.strictObject({
  address: email,
  name: shortText(100),
  queueId: z.optional(id),
  /** The language of auto-replies and of tickets from it when the customer's is unknown. */
  language: z.enum(['zh-CN', 'en']),
});
export type SupportAddress = z.infer<typeof supportAddress>;

export const portalOptions = z.strictObject({
  enabled: z.boolean(),
  /** A customer also sees the other tickets of their account. */
  accountTickets: z.boolean(),
  /** Customers may open tickets in the portal. */
  allowSubmit: z.boolean(),
});
export type PortalOptions = z.infer<typeof portalOptions>;

/** Everything at once: GET /api/settings/service-desk; PUT replaces it (version-checked with If-Match). */
export const serviceDeskSettings = z.strictObject({
  calendars: z.array(businessCalendar).check(z.minLength(1), z.maxLength(20)),
  slaPolicies: z.array(slaPolicy).check(z.maxLength(20)),
  queues: z.array(queue).check(z.minLength(1), z.maxLength(50)),
  routingRules: z.array(routingRule).check(z.maxLength(100)),
  macros: z.array(macro).check(z.maxLength(200)),
  supportAddresses: z.array(supportAddress).check(z.maxLength(20)),
  portal: portalOptions,
  /** The queue of tickets no rule and no address sends elsewhere. */
  defaultQueueId: id,
});
export type ServiceDeskSettings = z.infer<typeof serviceDeskSettings>;

/** The product's defaults, until an admin saves their own (seeded for the demo tenant with its addresses and people). */
export function defaultServiceDesk(timeZone = 'Asia/Shanghai'): ServiceDeskSettings {
  const nine = [{ start: '09:00', end: '18:00' }];
  const day = [{ start: '00:00', end: '24:00' }];
  return {
    calendars: [
      { id: 'business', name: { en: 'Business hours', 'zh-CN': '工作时间' }, timeZone, weekly: { mon: nine, tue: nine, wed: nine, thu: nine, fri: nine, sat: [], sun: [] }, holidays: [], workdays: [] },
      { id: 'always', name: { en: 'Around the clock', 'zh-CN': '全天候' }, timeZone, weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }, holidays: [], workdays: [] },
    ],
    slaPolicies: [{
      id: 'standard', name: { en: 'Standard', 'zh-CN': '标准' }, calendarId: 'business', appliesTo: { priorities: [], tiers: [] },
      firstResponse: { urgent: 30, high: 60, normal: 240, low: 480 },
      // 3 and 5 days of business time: 9 business hours a day on the `business` calendar.
      resolution: { urgent: 240, high: 480, normal: 3 * 540, low: 5 * 540 },
      warnAtPercent: 75,
      onBreach: { notify: true, raisePriority: false },
    }],
    queues: [{ id: 'support', name: { en: 'Support', 'zh-CN': '技术支持' }, agentIds: [], assignment: 'roundRobin' }],
    routingRules: [],
    macros: [],
    supportAddresses: [],
    portal: { enabled: true, accountTickets: false, allowSubmit: true },
    defaultQueueId: 'support',
  };
}

/** GET /api/service/dashboard (AN-4): the backlog now and a period's figures, from the service aggregates (functions/tickets/dashboard.ts). */
export interface ServiceDashboard {
  period: { from: string; to: string };
  backlog: { total: number; byStatus: Record<string, number>; byQueue: Record<string, number>; cells: { status: string; queueId: string; tickets: number }[] };
  totals: {
    created: number; solved: number; firstResponses: number; breaches: number;
    avgFirstResponseMinutes: number | null; avgResolutionMinutes: number | null;
    firstResponseAttainment: number | null; resolutionAttainment: number | null;
    /** CSAT answers in the period, their average score (1–5) and the share of 4s and 5s. */
    csatResponses: number; csatAverage: number | null; csatSatisfied: number | null;
    /** NPS answers in the period by band, and the score: % promoters − % detractors (−100 to 100), null without answers. */
    npsResponses: number; npsPromoters: number; npsPassives: number; npsDetractors: number; nps: number | null;
  };
  days: { date: string; created: number; solved: number; firstResponses: number; breaches: number }[];
}
