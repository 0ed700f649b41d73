import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { parseEvent } from '#contracts/events.ts';
import { assignLead } from '../assignment/assign-lead.ts';
import { LEAD_QUEUE } from '../leads/entity.ts';
import { createTaskOnce } from '../notifications/store.ts';
import { recordDeps } from '../records/deps.ts';
import type { RecordDeps } from '../records/service.ts';

/**
 * `lead.mql` → sales (issue 10, MA-4): a lead still in the queue goes through the tenant's assignment rules
 * (the same code as a new lead's; idempotent per event), then its owner gets a task to follow the MQL up
 * (one per lead and MQL moment: a redelivery finds it there).
 */
const isPerson = (ownerId: unknown): ownerId is string => typeof ownerId === 'string' && !ownerId.startsWith('queue:') && ownerId !== 'pool';

export async function handOff(detail: unknown, deps: RecordDeps): Promise<{ assigned: boolean; taskFor?: string }> {
  const d = parseEvent(detail, ['lead.mql']);
  const leadId = d.subject.id;
  let lead = await deps.store.get(d.tenantId, 'lead', leadId);
  if (!lead || lead.deletedAt) return { assigned: false };
  let assigned = false;
  if (lead.ownerId === LEAD_QUEUE) {
    const outcome = await assignLead(d.tenantId, leadId, d.eventId, deps);
    assigned = outcome.result === 'assigned';
    lead = (await deps.store.get(d.tenantId, 'lead', leadId)) ?? lead;
  }
  if (!isPerson(lead.ownerId)) return { assigned };
  const mqlAt = typeof d.data.mqlAt === 'string' ? d.data.mqlAt : d.occurredAt;
  await createTaskOnce(d.tenantId, lead.ownerId, { title: 'mql', kind: 'call-back', dueAt: mqlAt, subject: { type: 'lead', id: leadId, name: String(lead.name ?? '') } });
  return { assigned, taskFor: lead.ownerId };
}

export const handler = withObservability(async (event: EventBridgeEvent<string, unknown>) => {
  const result = await handOff(event.detail, recordDeps());
  await logger.info('MQL hand-off', { leadId: (event.detail as { subject?: { id?: string } }).subject?.id, ...result });
});
