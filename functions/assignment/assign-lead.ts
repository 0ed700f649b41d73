import type { EventBridgeEvent } from 'aws-lambda';
import { parseEvent } from '#contracts/events.ts';
import { systemActor } from '../policy/policy.ts';
import { logger } from '#commons/logger.ts';
import { StaleVersion } from '#commons/errors.ts';
import type { AssignmentRule } from '#schemas/assignment.ts';
import { LEAD_QUEUE, assignedTo, leadEntity } from '../leads/entity.ts';
import type { StoredRecord } from '../records/entity.ts';
import { recordDeps } from '../records/deps.ts';
import { commitChange, type RecordDeps } from '../records/service.ts';
import { CounterConflict } from '../records/store.ts';
import { firstMatchingRule, leastLoadedPick, roundRobinPick, type LeadFacts } from './rules.ts';
import { loadCandidates, loadRuleSet, nextTurn } from './store.ts';
import { withObservability } from '#commons/observability.ts';

/** The assignment rules act as themselves (a system actor), not as a fake admin. */
const assigner = (tenantId: string) => systemActor(tenantId, 'assignment', 'Assignment rules');

export type AssignmentOutcome =
  | { result: 'assigned'; ownerId: string; ruleId: string }
  | { result: 'queued'; reason: 'no-matching-rule' | 'nobody-available'; ruleId?: string }
  | { result: 'skipped' };

const facts = (lead: StoredRecord): LeadFacts => ({
  country: lead.country as string | undefined, region: lead.region as string | undefined,
  industry: lead.industry as string | undefined, source: lead.source as string | undefined,
  companySize: lead.companySize as number | undefined, score: lead.score as number | undefined,
});

async function decide(tenantId: string, rule: AssignmentRule): Promise<{ ownerId: string; managerId?: string; expectedLoad?: number } | undefined> {
  const members = rule.assign.type === 'user' ? [rule.assign.userId] : rule.assign.members;
  const candidates = await loadCandidates(tenantId, members);
  if (rule.assign.type === 'user') {
    const c = candidates.get(rule.assign.userId);
    return c && !c.away ? { ownerId: c.id, managerId: c.managerId } : undefined;
  }
  if (rule.assign.strategy === 'round-robin') {
    if (![...candidates.values()].some((c) => !c.away)) return undefined;
    const id = roundRobinPick(members, candidates, await nextTurn(tenantId, rule.id));
    return id ? { ownerId: id, managerId: candidates.get(id)?.managerId } : undefined;
  }
  const best = leastLoadedPick(members, candidates);
  return best ? { ownerId: best.id, managerId: candidates.get(best.id)?.managerId, expectedLoad: best.openLeads } : undefined;
}

/**
 * Assigns a new lead by the tenant's rules (SFA-2). Idempotent: a lead that already left the queue, or was
 * already queued for this event, is left alone. Races are settled by the version and load conditions.
 */
export async function assignLead(tenantId: string, leadId: string, eventId: string, deps: RecordDeps): Promise<AssignmentOutcome> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const lead = await deps.store.get(tenantId, 'lead', leadId);
    if (!lead || lead.deletedAt || lead.status !== 'new' || lead.ownerId !== LEAD_QUEUE || lead.assignmentEventId === eventId) return { result: 'skipped' };
    const { rules } = await loadRuleSet(tenantId);
    const rule = firstMatchingRule(rules, facts(lead));
    const decision = rule ? await decide(tenantId, rule) : undefined;
    const now = deps.clock();
    try {
      if (!rule || !decision) {
        const reason = rule ? 'nobody-available' : 'no-matching-rule';
        await commitChange(leadEntity, assigner(tenantId), lead, { ...lead, queueReason: reason, assignmentEventId: eventId }, deps, {
          verb: 'queued', timelineType: 'queued', timelineData: { reason, ...(rule ? { ruleId: rule.id, ruleName: rule.name } : {}) },
        });
        return { result: 'queued', reason, ...(rule ? { ruleId: rule.id } : {}) };
      }
      await commitChange(leadEntity, assigner(tenantId), lead, {
        ...assignedTo(lead, decision.ownerId, decision.managerId, now, rule.callbackHours),
        assignmentRuleId: rule.id,
        assignmentEventId: eventId,
      }, deps, {
        verb: 'assigned', timelineType: 'assigned',
        timelineData: { ruleId: rule.id, ruleName: rule.name, ownerId: decision.ownerId },
        ...(decision.expectedLoad !== undefined
          ? { counters: [{ userId: decision.ownerId, field: 'openLeads', delta: 1, expected: decision.expectedLoad }] }
          : {}),
      });
      return { result: 'assigned', ownerId: decision.ownerId, ruleId: rule.id };
    } catch (error) {
      // Someone changed the lead or the chosen owner's load moved: read again and decide again.
      if (error instanceof CounterConflict || (error instanceof StaleVersion)) {
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * (attempt + 1)));
        continue;
      }
      throw error;
    }
  }
  throw new Error(`could not assign lead ${leadId} after repeated conflicts`);
}

/** EventBridge target of the `lead-assignment` rule (lead.created with status new). */
async function assignFromEvent(event: EventBridgeEvent<string, unknown>): Promise<AssignmentOutcome> {
  const { tenantId, subject, eventId } = parseEvent(event.detail, ['lead.created']);
  const outcome = await assignLead(tenantId, subject.id, eventId, recordDeps());
  await logger.info('lead assignment', { tenantId, leadId: subject.id, ...outcome });
  return outcome;
}

/** The Lambda handler: correlation id, tracing and metrics around assignFromEvent. */
export const handler = withObservability(assignFromEvent);
