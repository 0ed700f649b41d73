import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { parseEvent } from '#contracts/events.ts';
import { recordDeps } from '../records/deps.ts';
import type { RecordDeps } from '../records/service.ts';
import { runOfKey } from './engine.ts';
import { processRun, type Person } from './run.ts';
import { runsOf, triggersFor, type TriggerEntry } from './store.ts';
import { DynamoViewStore } from '../views/store.ts';
import { matchesWhere } from './where.ts';

/**
 * The `journey-engine` rule's target (MA-3): what an event means for journeys.
 * - It may start active journeys whose trigger (a lead entered with its owner, `lead.assigned` at version 1,
 *   counts as `lead.created`) is this event and whose `where` the person matches (on a
 *   `*.updated`, only when one of the `where` fields is among the event's `changes`: "changed to a value");
 *   the entry is idempotent per event and follows each journey's re-entry policy.
 * - An email of a journey opened or clicked is recorded on its run (branches read it; a wait for it wakes).
 * - A conversion, an unsubscribe or a goal ends the person's runs (their pending waits' schedules deleted).
 */
const FOLLOWED = [
  'lead.created', 'lead.assigned', 'contact.created', 'lead.updated', 'contact.updated', 'email.opened', 'email.clicked',
  'lead.converted', 'consent.changed', 'opportunity.created', 'lead.qualified', 'lead.disqualified',
] as const;
const GOALS = new Set(['opportunity.created', 'lead.qualified', 'lead.disqualified']);

const personOf = (subject: { type: string; id: string }): Person | undefined =>
  subject.type === 'lead' ? { object: 'leads', id: subject.id } : subject.type === 'contact' ? { object: 'contacts', id: subject.id } : undefined;

/** Does the trigger start for this event (pure)? */
export function triggerMatches(trigger: TriggerEntry['trigger'], event: { name: string; changes?: readonly string[] }, fields: Record<string, unknown>): boolean {
  if (trigger.event !== event.name) return false;
  if (event.name.endsWith('.updated') && trigger.where) {
    const changed = new Set(event.changes ?? []);
    if (!Object.keys(trigger.where).some((f) => changed.has(f))) return false;
  }
  return matchesWhere(trigger.where, fields);
}

/**
 * Did this record event put the person into the segment (pure)? A new record matching its filter, or a change of
 * a field the filter names after which the record matches ("joined", as the views' filter sees it).
 */
export function joinedSegment(where: Record<string, unknown>, event: { name: string; changes?: readonly string[] }, fields: Record<string, unknown>): boolean {
  if (event.name.endsWith('.updated')) {
    const changed = new Set(event.changes ?? []);
    if (!Object.keys(where).some((f) => changed.has(f))) return false;
  } else if (!event.name.endsWith('.created')) return false;
  return matchesWhere(where as Parameters<typeof matchesWhere>[0], fields);
}

export async function onJourneyEvent(detail: unknown, deps: RecordDeps): Promise<{ entered: number; updated: number }> {
  const d = parseEvent(detail, FOLLOWED);
  const data = d.data as Record<string, unknown>;
  let entered = 0;
  let updated = 0;
  const exitAll = async (person: Person, reason: string) => {
    for (const run of await runsOf(d.tenantId, person.id)) {
      if (run.status !== 'active' && run.status !== 'waiting') continue;
      await processRun(d.tenantId, run.journeyId, person, { kind: 'exit', reason }, deps);
      updated++;
    }
  };

  if (d.name === 'lead.converted') {
    const p = personOf(d.subject);
    if (p) await exitAll(p, 'converted');
  } else if (d.name === 'consent.changed') {
    const p = personOf(d.subject);
    if (p && data.status === 'unsubscribed') await exitAll(p, 'unsubscribed');
  } else if (GOALS.has(d.name)) {
    // A deal for a contact (or the lead it came from) is the goal reached by that person.
    const people = d.name === 'opportunity.created'
      ? [data.contactId, data.convertedFromLeadId, data.leadId].filter((v): v is string => typeof v === 'string').map((id) => ({ object: 'contacts' as const, id }))
      : [personOf(d.subject)].filter((p): p is Person => !!p);
    for (const p of people) await exitAll(p, `goal:${d.name}`);
  }

  if ((d.name === 'email.opened' || d.name === 'email.clicked') && typeof data.journeyId === 'string' && typeof data.stepId === 'string') {
    const p = personOf(d.subject);
    const run = typeof data.sendId === 'string' ? runOfKey(data.sendId) : undefined;
    if (p) {
      await processRun(d.tenantId, data.journeyId, p, { kind: 'email', what: d.name === 'email.opened' ? 'opened' : 'clicked', stepId: data.stepId, ...(run !== undefined ? { run } : {}) }, deps);
      updated++;
    }
  }

  // A lead entered with its owner is published as lead.assigned at version 1: for journeys it is a new lead.
  const as = d.name === 'lead.assigned' ? (data.version === 1 ? 'lead.created' : undefined) : d.name;
  const triggers = as ? await triggersFor(d.tenantId, as) : [];
  if (triggers.length) {
    const p = personOf(d.subject);
    if (p) {
      // Record events carry the person's fields; an email event is about a person whose fields we read.
      const fields = d.name.startsWith('email.') ? ((await deps.store.get(d.tenantId, p.object === 'leads' ? 'lead' : 'contact', p.id)) ?? {}) : data;
      for (const t of triggers) {
        if (!triggerMatches(t.trigger, { name: as!, ...(d.changes ? { changes: d.changes } : {}) }, fields)) continue;
        const run = await processRun(d.tenantId, t.journeyId, p, { kind: 'enter', eventId: d.eventId }, deps);
        if (run) entered++;
      }
    }
  }
  // Segments: a created or changed lead or contact that now matches a segment some journey starts with.
  if (as && /^(lead|contact)\.(created|updated)$/.test(as)) {
    const p = personOf(d.subject);
    const segmentTriggers = p ? await triggersFor(d.tenantId, 'segment.joined') : [];
    const views = new DynamoViewStore();
    for (const t of segmentTriggers) {
      const view = t.trigger.segmentId ? await views.get(d.tenantId, p!.object, t.trigger.segmentId) : undefined;
      if (!view || !joinedSegment(view.where, { name: as, ...(d.changes ? { changes: d.changes } : {}) }, data)) continue;
      if (t.trigger.where && !matchesWhere(t.trigger.where, data)) continue;
      const run = await processRun(d.tenantId, t.journeyId, p!, { kind: 'enter', eventId: d.eventId }, deps);
      if (run) entered++;
    }
  }
  await logger.info('journey event', { event: d.name, eventId: d.eventId, triggers: triggers.length, entered, updated });
  return { entered, updated };
}

export const handler = withObservability(async (event: EventBridgeEvent<string, unknown>) => onJourneyEvent(event.detail, recordDeps()));
