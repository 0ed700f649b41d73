import { StaleVersion } from '#commons/errors.ts';
import { putTimer } from '#commons/schedules.ts';
import { STANDARD_OBJECT_DEFINITIONS } from '#schemas/standard-objects.ts';
import { scorePass, type ScoringEventInput, type ScoringSettings } from '#schemas/marketing/scoring.ts';
import type { ViewWhere } from '#schemas/view.ts';
import { leadEntity } from '../leads/entity.ts';
import { systemActor } from '../policy/policy.ts';
import type { StoredRecord } from '../records/entity.ts';
import { matchesClause } from '../records/list-index.ts';
import { commitChange, type RecordDeps } from '../records/service.ts';
import { VersionConflict, type WhereOp } from '../records/store.ts';
import { loadScoring } from './store.ts';

/**
 * Scoring a lead (issue 10, MA-4): one pass reads the tenant's rules and the lead, computes its score and
 * breakdown (schemas/marketing/scoring.ts) and commits them through the record kernel — with the audit entry,
 * the timeline entry and the event (`lead.scored`, or `lead.mql` when it reaches the threshold) in the one
 * transaction, conditioned on the version read (a concurrent change: read again, score again). An event
 * already in the breakdown (a redelivery) adds nothing. Then the lead's decay timer is put at its next halving.
 */
export const DECAY_TARGET = 'lead-score-decay';
/** One decay timer per lead, moved by each pass: its name is the lead's. */
export const decayScheduleName = (leadId: string) => `lead-score-decay-${leadId}`;

/** Scoring acts as a system actor (the assignment rules' grants: read and update leads), named in audit and timeline. */
export const scorer = (tenantId: string) => systemActor(tenantId, 'assignment', 'Lead scoring', 'system:scoring');

/** Fields scoring alone writes on a lead. */
export const SCORE_FIELDS = ['score', 'scoreBreakdown', 'mql', 'mqlAt'] as const;

const OPS: readonly WhereOp[] = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'isEmpty'];
const leadTypes: Record<string, string> = Object.fromEntries((STANDARD_OBJECT_DEFINITIONS.find((o) => o.apiName === 'leads')?.fields ?? []).map((f) => [f.apiName, f.type]));

/** A `where` (the views' shape) on one lead: every clause of every field holds (the list kernel's own matcher). */
export function leadMatches(where: ViewWhere, lead: Readonly<Record<string, unknown>>, types: Readonly<Record<string, string>> = leadTypes): boolean {
  for (const [field, clauses] of Object.entries(where)) {
    for (const [op, value] of Object.entries(clauses)) {
      if (!(OPS as readonly string[]).includes(op)) return false;
      const v = Array.isArray(value) ? value.map(String) : value;
      if (!matchesClause(lead as Record<string, unknown>, { field, op: op as WhereOp, value: v }, types[field])) return false;
    }
  }
  return true;
}

/** JSON with keys in order: a breakdown read back from the table has its keys in another order than one built here. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

export type PassResult = 'scored' | 'mql' | 'unchanged' | 'duplicate' | 'no-lead';

/** One scoring pass of a lead, with `event` if a behaviour happened. Safe to repeat. */
export async function scoreLead(tenantId: string, leadId: string, deps: RecordDeps, event?: ScoringEventInput, settings?: ScoringSettings): Promise<PassResult> {
  const rules = settings ?? (await loadScoring(tenantId)).settings;
  for (let attempt = 0; attempt < 6; attempt++) {
    const lead = await deps.store.get(tenantId, 'lead', leadId);
    if (!lead || lead.deletedAt) return 'no-lead';
    const now = deps.clock();
    const pass = scorePass(rules, lead, now, (w, l) => leadMatches(w, l), event);
    const merged: Record<string, unknown> = { ...lead, score: pass.score, scoreBreakdown: pass.breakdown };
    if (pass.becomesMql) {
      merged.mql = true;
      merged.mqlAt = now.toISOString();
    }
    try {
      const before = stableJson([lead.score, lead.scoreBreakdown ?? [], lead.mql]);
      const after = stableJson([merged.score, merged.scoreBreakdown, merged.mql]);
      // A lead no rule ever scored keeps what it has (a score set before scoring existed) until a rule applies.
      const neverScored = !Array.isArray(lead.scoreBreakdown) && pass.breakdown.length === 0 && !pass.becomesMql;
      if (before !== after && !neverScored) {
        await commitChange(leadEntity, scorer(tenantId), lead as StoredRecord, merged, deps, {
          verb: pass.becomesMql ? 'mql' : 'scored',
          timelineType: pass.becomesMql ? 'mql' : 'scored',
          timelineData: { score: pass.score, ...(typeof lead.score === 'number' ? { from: lead.score } : {}), ...(event ? { event: event.event } : {}) },
        });
      }
      // Put (or move) the decay timer even when nothing changed: a pass that crashed after its commit left none.
      if (pass.nextDecayAt) await putTimer(decayScheduleName(leadId), DECAY_TARGET, pass.nextDecayAt, { tenantId, leadId });
      if (pass.duplicate) return 'duplicate';
      return before === after || neverScored ? 'unchanged' : pass.becomesMql ? 'mql' : 'scored';
    } catch (error) {
      if (error instanceof StaleVersion || error instanceof VersionConflict) continue;
      throw error;
    }
  }
  throw new Error(`scoring lead ${leadId}: the lead kept changing`);
}
