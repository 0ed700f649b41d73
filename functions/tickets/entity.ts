import { Temporal } from 'temporal-polyfill';
import type { ServiceDeskSettings } from '#schemas/service-desk.ts';
import { OPEN_TICKET_STATUSES, ticketCreate, ticketUpdate, type TicketStatus } from '#schemas/ticket.ts';
import type { EntityDefinition } from '../records/entity.ts';
import type { AggregateDelta } from '../records/store.ts';
import { nextSla, type TicketSla } from '../sla/sla-state.ts';

type Fields = Record<string, unknown>;

/** The service desk's aggregate scope: backlog by status and queue, and each day's figures (AN-4). */
export const SERVICE_AGGREGATES = 'service';

/**
 * SVC-1 tickets in the record kernel, made per request with the tenant's service-desk settings (as
 * opportunities are with their pipelines): the owner follows the assignee (a ticket nobody has yet belongs to
 * its queue, `queue:<id>`, which every agent may work), solving and closing are stamped, and the SLA
 * (functions/sla/sla-state.ts) is recomputed through the policy's calendar in every change's transaction,
 * with the dashboard's aggregates. The number comes from functions/tickets/numbering.ts.
 */
export function ticketEntityWith(settings: ServiceDeskSettings): EntityDefinition {
  const timeZone = settings.calendars[0]?.timeZone ?? 'UTC';
  return {
    type: 'ticket',
    plural: 'tickets',
    createSchema: ticketCreate as EntityDefinition['createSchema'],
    updateSchema: ticketUpdate as EntityDefinition['updateSchema'],
    displayName: (f) => String(f.subject ?? '').trim(),
    defaults: { priority: 'normal', channel: 'api', status: 'new' },
    phoneFields: [],
    uniqueFields: ['number'],
    searchFields: ['number', 'requesterEmail'],
    derive(before, after, at) {
      const out: Fields = {};
      const queueId = typeof after.queueId === 'string' ? after.queueId : settings.defaultQueueId;
      out.queueId = queueId;
      out.ownerId = typeof after.assigneeId === 'string' ? after.assigneeId : `queue:${queueId}`;
      let status = (after.status as TicketStatus | undefined) ?? 'new';
      // A new ticket given to an agent is being worked.
      if (status === 'new' && typeof after.assigneeId === 'string') status = 'open';
      out.status = status;
      const wasSolved = before?.status === 'solved' || before?.status === 'closed';
      if ((status === 'solved' || status === 'closed') && !wasSolved) out.solvedAt = at;
      if (status !== 'solved' && status !== 'closed' && wasSolved) out.solvedAt = undefined;
      if (status === 'closed' && before?.status !== 'closed') out.closedAt = at;
      out.sla = nextSla(settings, before, { ...after, ...out }, at);
      return out;
    },
    aggregates: (before, after) => diff(contribution(before, timeZone), contribution(after, timeZone)),
    // The ticket on its contact's and account's 360° timelines: when it is opened (or linked to them), solved, rated.
    relatedTimeline(before, after) {
      // (`subject` of an entry is the record it is about: the ticket's own subject is its name there.)
      const data = { number: after.number, status: after.status, ...(after.priority ? { priority: after.priority } : {}) };
      const out: { type: string; id: string; entryType: string; data?: Record<string, unknown> }[] = [];
      for (const [type, field] of [['contact', 'contactId'], ['account', 'accountId']] as const) {
        const id = after[field];
        if (typeof id !== 'string') continue;
        if (!before || before[field] !== id) out.push({ type, id, entryType: 'ticket-opened', data });
        else if (after.status === 'solved' && before.status !== 'solved') out.push({ type, id, entryType: 'ticket-solved', data });
        else if (after.csat && !before.csat) out.push({ type, id, entryType: 'ticket-rated', data: { ...data, score: (after.csat as { score?: number }).score } });
      }
      return out;
    },
    // Open tickets are counted per assignee for least-open routing; an assignee or status change moves the count.
    changeExtras: (before, after) => {
      const counters = openTicketCounters(before, after);
      return counters.length ? { counters } : {};
    },
  };
}

const assignedOpen = (t: Fields | undefined) =>
  t && !t.deletedAt && typeof t.assigneeId === 'string' && OPEN_TICKET_STATUSES.includes(t.status as TicketStatus) ? t.assigneeId : undefined;

/** The directory counters a change moves: −1 for who had it open, +1 for who has it open now (none when the same). */
export function openTicketCounters(before: Fields | undefined, after: Fields | undefined): { userId: string; field: string; delta: number }[] {
  const was = assignedOpen(before);
  const is = assignedOpen(after);
  if (was === is) return [];
  return [...(was ? [{ userId: was, field: 'openTickets', delta: -1 }] : []), ...(is ? [{ userId: is, field: 'openTickets', delta: 1 }] : [])];
}

const dayOf = (instant: unknown, timeZone: string) =>
  typeof instant === 'string' ? Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone).toPlainDate().toString() : undefined;

/** What one live ticket adds to the service aggregates: its backlog cell, and its figures on the days they happened. */
function contribution(t: Fields | undefined, timeZone: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  if (!t) return out;
  const add = (key: string, figures: Record<string, number>) => {
    const cell = out.get(key) ?? {};
    for (const [k, v] of Object.entries(figures)) cell[k] = (cell[k] ?? 0) + v;
    out.set(key, cell);
  };
  const status = String(t.status ?? 'new') as TicketStatus;
  if (OPEN_TICKET_STATUSES.includes(status)) add(`backlog#${status}#${String(t.queueId ?? '')}`, { tickets: 1 });
  const created = dayOf(t.createdAt, timeZone);
  if (created) add(`day#${created}`, { created: 1 });
  const sla = t.sla as TicketSla | undefined;
  const fr = sla?.firstResponse;
  const answered = dayOf(fr?.metAt, timeZone);
  if (fr && answered) add(`day#${answered}`, { firstResponses: 1, firstResponseMs: fr.consumedMs, firstResponseMet: fr.breachedAt ? 0 : 1 });
  const solved = dayOf(t.solvedAt, timeZone);
  if (solved && sla) add(`day#${solved}`, { solved: 1, resolutionMs: sla.resolution.consumedMs, resolutionMet: sla.resolution.breachedAt ? 0 : 1 });
  const csat = t.csat as { score?: number; at?: string } | undefined;
  const rated = dayOf(csat?.at, timeZone);
  if (rated && typeof csat?.score === 'number') add(`day#${rated}`, { csatResponses: 1, csatScoreSum: csat.score, csatSatisfied: csat.score >= 4 ? 1 : 0 });
  for (const target of ['firstResponse', 'resolution'] as const) {
    const breachDay = dayOf(sla?.[target].breachedAt, timeZone);
    if (breachDay) add(`day#${breachDay}`, { [`${target}Breaches`]: 1 });
  }
  return out;
}

function diff(before: Map<string, Record<string, number>>, after: Map<string, Record<string, number>>): AggregateDelta[] {
  const deltas: AggregateDelta[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key) ?? {};
    const a = after.get(key) ?? {};
    const add: Record<string, number> = {};
    for (const f of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = (a[f] ?? 0) - (b[f] ?? 0);
      if (d !== 0) add[f] = d;
    }
    if (Object.keys(add).length) deltas.push({ scope: SERVICE_AGGREGATES, key, add, set: {} });
  }
  return deltas;
}
