import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { parseEvent } from '#contracts/events.ts';
import { scoredFields, type ScoringEventInput } from '#schemas/marketing/scoring.ts';
import { recordDeps } from '../records/deps.ts';
import type { RecordDeps } from '../records/service.ts';
import { SCORE_FIELDS, scoreLead, type PassResult } from './service.ts';
import { loadScoring } from './store.ts';

/**
 * The `lead-scoring` rule's consumer (infra/declarations/marketing-scoring.ts): what scores a lead.
 * - lead.created: the demographic rules; from a web form (`data.formId`) also the `form.submitted` behaviour;
 * - lead.updated (and the status verbs): again, only when a field a rule names (or a score field) changed;
 * - email.opened / email.clicked about a lead: the behaviour, on the first open or click of a message;
 * - activity.created related to leads: `activity.logged` for each of them (calls, emails, replies, meetings).
 * Every behaviour is counted once per event id (a redelivered event adds nothing).
 */
export const SCORED_EVENTS = [
  'lead.created', 'lead.updated', 'lead.contacted', 'lead.qualified', 'email.opened', 'email.clicked', 'activity.created',
] as const;

export async function onEvent(detail: unknown, deps: RecordDeps): Promise<PassResult[]> {
  const d = parseEvent(detail, SCORED_EVENTS);
  const { settings } = await loadScoring(d.tenantId);
  if (settings.enabled === false || settings.rules.length === 0) return [];
  const data = d.data as Record<string, unknown>;
  const behaviour = (event: ScoringEventInput['event'], eventId = d.eventId): ScoringEventInput => ({ eventId, event, at: d.occurredAt });
  switch (d.name) {
    case 'lead.created':
      return [await scoreLead(d.tenantId, d.subject.id, deps, typeof data.formId === 'string' ? behaviour('form.submitted') : undefined, settings)];
    case 'lead.updated': case 'lead.contacted': case 'lead.qualified': {
      const relevant = new Set([...scoredFields(settings), ...SCORE_FIELDS]);
      if (!(d.changes ?? []).some((c) => relevant.has(c))) return [];
      return [await scoreLead(d.tenantId, d.subject.id, deps, undefined, settings)];
    }
    case 'email.opened': case 'email.clicked':
      if (d.subject.type !== 'lead' || data.first === false) return [];
      return [await scoreLead(d.tenantId, d.subject.id, deps, behaviour(d.name), settings)];
    case 'activity.created': {
      const leads = (Array.isArray(data.relatedTo) ? data.relatedTo : []).filter((r: { object?: string }) => r.object === 'leads') as { id: string }[];
      const out: PassResult[] = [];
      for (const l of leads) out.push(await scoreLead(d.tenantId, l.id, deps, behaviour('activity.logged', `${d.eventId}:${l.id}`), settings));
      return out;
    }
  }
  return [];
}

export const handler = withObservability(async (event: EventBridgeEvent<string, unknown>) => {
  const results = await onEvent(event.detail, recordDeps());
  await logger.info('lead scoring', { event: event['detail-type'], results });
});
