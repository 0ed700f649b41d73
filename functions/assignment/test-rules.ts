import { assertCan } from '../policy/policy.ts';
import { httpHandler, json } from '#commons/http.ts';
import { assignmentRuleSet } from '#schemas/assignment.ts';
import { countryCode, shortText } from '#schemas/common.ts';
import * as z from 'zod/mini';
import { parse } from '../records/service.ts';
import { firstMatchingRule, leastLoadedPick } from './rules.ts';
import { loadCandidates, loadRuleSet } from './store.ts';

const sampleLead = z.object({
  country: z.optional(countryCode), region: z.optional(shortText(100)), industry: z.optional(shortText(100)), source: z.optional(shortText(100)),
  companySize: z.optional(z.int().check(z.minimum(0))), score: z.optional(z.int().check(z.minimum(0), z.maximum(100))),
});
const testRequest = z.strictObject({ lead: sampleLead, rules: z.optional(assignmentRuleSet.def.shape.rules) });

/**
 * POST /api/assignment-rules/test: which rule a sample lead would match and who would get it, without
 * assigning anything (round-robin shows the team, since taking a turn would consume it).
 */
export const testAssignmentRules = httpHandler(async ({ principal, body }) => {
  assertCan(principal, 'assignment-rules:read');
  const input = parse(testRequest, body) as { lead: Record<string, unknown>; rules?: Parameters<typeof firstMatchingRule>[0] };
  const rules = input.rules ?? (await loadRuleSet(principal.tenantId)).rules;
  const rule = firstMatchingRule(rules, input.lead);
  if (!rule) return json(200, { matched: false, result: 'queue' });
  const members = rule.assign.type === 'user' ? [rule.assign.userId] : rule.assign.members;
  const candidates = await loadCandidates(principal.tenantId, members);
  const available = members.filter((m) => candidates.get(m) && !candidates.get(m)!.away);
  const wouldAssign = rule.assign.type === 'user' ? available[0]
    : rule.assign.strategy === 'least-loaded' ? leastLoadedPick(members, candidates)?.id : undefined;
  return json(200, { matched: true, ruleId: rule.id, ruleName: rule.name, available, ...(wouldAssign ? { wouldAssign } : {}), result: available.length ? 'assign' : 'queue' });
});
