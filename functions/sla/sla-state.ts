import type { BusinessCalendar, ServiceDeskSettings, SlaPolicy } from '#schemas/service-desk.ts';
import type { SlaState, TicketPriority, TicketStatus } from '#schemas/ticket.ts';
import { addBusinessMs, businessMsBetween } from './business-time.ts';

/**
 * A ticket's SLA (SVC-4), pure: from the ticket before and after a change and the time of the change, its
 * two targets — first response and resolution — with their due and warning moments, computed through the
 * policy's business-hours calendar, and their state.
 *
 * - First response runs from creation until the first public reply by an agent (or the ticket is solved).
 * - Resolution runs while the ticket is new, open or on hold; it is paused while pending on the customer
 *   (the business time used so far is kept in `consumedMs`) and resumes on their reply; solving stops it,
 *   reopening resumes it. The due moment is `runningSince` + what is left of the target.
 * - A priority or policy change recomputes the targets from the same start and the time used.
 * - A breach is recorded once (`breachedAt`, the due moment) and stays recorded.
 *
 * The timers (functions/tickets/sla-timers.ts) are set at `warnAt` and `dueAt` from what this stores; the check that
 * fires (functions/tickets/sla-check.ts) writes the ticket again so that the state stored is the state at that moment.
 */

const MINUTE = 60_000;

export interface SlaTarget {
  targetMinutes: number;
  state: SlaState;
  dueAt?: string;
  warnAt?: string;
  metAt?: string;
  breachedAt?: string;
  /** Business time used while the target was running before `runningSince` (resolution: across pauses). */
  consumedMs: number;
  /** Running since this instant; absent while paused or stopped. */
  runningSince?: string;
}

export interface TicketSla {
  policyId: string;
  calendarId: string;
  firstResponse: SlaTarget;
  resolution: SlaTarget;
}

type Fields = Record<string, unknown>;

/** The first policy whose priorities and tiers match the ticket (an empty list matches any). */
export function policyFor(settings: Pick<ServiceDeskSettings, 'slaPolicies'>, ticket: Fields): SlaPolicy | undefined {
  const priority = (ticket.priority as TicketPriority | undefined) ?? 'normal';
  const tier = typeof ticket.customerTier === 'string' ? ticket.customerTier : undefined;
  return settings.slaPolicies.find((p) =>
    (p.appliesTo.priorities.length === 0 || p.appliesTo.priorities.includes(priority))
    && (p.appliesTo.tiers.length === 0 || (tier !== undefined && p.appliesTo.tiers.includes(tier))));
}

const statusOf = (f: Fields | undefined) => (f?.status as TicketStatus | undefined) ?? 'new';
const runsResolution = (s: TicketStatus) => s === 'new' || s === 'open' || s === 'onHold';
const stopped = (s: TicketStatus) => s === 'solved' || s === 'closed';

function clockState(now: number, dueAt: number, warnAt: number, breachedAt: string | undefined): SlaState {
  if (breachedAt || now >= dueAt) return 'breached';
  return now >= warnAt ? 'warning' : 'onTrack';
}

const iso = (t: number | Date) => new Date(t).toISOString();

/** The SLA after a change, or undefined when no policy applies. `before` is undefined on creation. */
export function nextSla(
  settings: Pick<ServiceDeskSettings, 'slaPolicies' | 'calendars'>, before: Fields | undefined, after: Fields, at: string,
): TicketSla | undefined {
  const policy = policyFor(settings, after);
  const cal = policy && settings.calendars.find((c) => c.id === policy.calendarId);
  if (!policy || !cal) return undefined;
  const now = Date.parse(at);
  const prev = before?.sla as TicketSla | undefined;
  const priority = (after.priority as TicketPriority | undefined) ?? 'normal';
  const createdAt = typeof after.createdAt === 'string' ? after.createdAt : at;
  return {
    policyId: policy.id,
    calendarId: cal.id,
    firstResponse: firstResponse(cal, policy, priority, prev?.firstResponse, after, createdAt, now),
    resolution: resolution(cal, policy, priority, prev?.resolution, before, after, createdAt, now),
  };
}

function firstResponse(cal: BusinessCalendar, policy: SlaPolicy, priority: TicketPriority, prev: SlaTarget | undefined, after: Fields, createdAt: string, now: number): SlaTarget {
  const targetMinutes = policy.firstResponse[priority];
  const start = new Date(createdAt);
  const due = addBusinessMs(cal, start, targetMinutes * MINUTE).getTime();
  const warn = addBusinessMs(cal, start, (targetMinutes * MINUTE * policy.warnAtPercent) / 100).getTime();
  const responded = typeof after.firstRespondedAt === 'string' ? after.firstRespondedAt
    : stopped(statusOf(after)) ? prev?.metAt ?? iso(now) : undefined;
  const base = { targetMinutes, dueAt: iso(due), warnAt: iso(warn), consumedMs: 0 };
  if (responded) {
    const late = Date.parse(responded) > due;
    const breachedAt = prev?.breachedAt ?? (late ? iso(due) : undefined);
    return { ...base, consumedMs: businessMsBetween(cal, start, new Date(responded)), metAt: responded, state: breachedAt ? 'breached' : 'met', ...(breachedAt ? { breachedAt } : {}) };
  }
  const breachedAt = prev?.breachedAt ?? (now >= due ? iso(due) : undefined);
  return { ...base, runningSince: createdAt, state: clockState(now, due, warn, breachedAt), ...(breachedAt ? { breachedAt } : {}) };
}

function resolution(
  cal: BusinessCalendar, policy: SlaPolicy, priority: TicketPriority, prev: SlaTarget | undefined,
  before: Fields | undefined, after: Fields, createdAt: string, now: number,
): SlaTarget {
  const targetMinutes = policy.resolution[priority];
  const targetMs = targetMinutes * MINUTE;
  const warnMs = (targetMs * policy.warnAtPercent) / 100;
  const status = statusOf(after);
  // Business time used up to now, and whether the clock was running before this change.
  const wasRunning = prev ? prev.runningSince !== undefined : true;
  const since = prev?.runningSince ?? createdAt;
  const usedBefore = prev?.consumedMs ?? 0;
  const usedNow = wasRunning ? usedBefore + businessMsBetween(cal, new Date(since), new Date(now)) : usedBefore;
  let breachedAt = prev?.breachedAt;

  if (runsResolution(status)) {
    // Still running: the same start and use; resumed: from now with what was used.
    const runningSince = wasRunning ? since : iso(now);
    const consumedMs = wasRunning ? usedBefore : usedNow;
    const due = addBusinessMs(cal, new Date(runningSince), Math.max(0, targetMs - consumedMs)).getTime();
    const warn = addBusinessMs(cal, new Date(runningSince), Math.max(0, warnMs - consumedMs)).getTime();
    breachedAt ??= now >= due ? iso(due) : undefined;
    return { targetMinutes, consumedMs, runningSince, dueAt: iso(due), warnAt: iso(warn), state: clockState(now, due, warn, breachedAt), ...(breachedAt ? { breachedAt } : {}) };
  }
  // Paused or stopped: the time used is kept; a target passed while it ran is a breach.
  if (!breachedAt && usedNow >= targetMs && wasRunning) breachedAt = prev?.dueAt ?? iso(now);
  if (stopped(status)) {
    const metAt = stopped(statusOf(before)) && prev?.metAt ? prev.metAt : iso(now);
    return { targetMinutes, consumedMs: usedNow, metAt, state: breachedAt ? 'breached' : 'met', ...(breachedAt ? { breachedAt } : {}) };
  }
  return { targetMinutes, consumedMs: usedNow, state: breachedAt ? 'breached' : 'paused', ...(breachedAt ? { breachedAt } : {}) };
}

/** What the ticket page shows of a target now: its state at this moment and the business minutes left (negative when overdue). */
export function slaView(cal: BusinessCalendar | undefined, t: SlaTarget, now: Date): SlaTarget & { businessMinutesLeft?: number } {
  if (!cal) return t;
  if (t.runningSince && t.dueAt && t.warnAt) {
    const due = Date.parse(t.dueAt);
    const left = now.getTime() < due ? businessMsBetween(cal, now, new Date(due)) : -businessMsBetween(cal, new Date(due), now);
    return { ...t, state: clockState(now.getTime(), due, Date.parse(t.warnAt), t.breachedAt), businessMinutesLeft: Math.round(left / MINUTE) };
  }
  if (t.state === 'paused') return { ...t, businessMinutesLeft: Math.round((t.targetMinutes * MINUTE - t.consumedMs) / MINUTE) };
  return t;
}
