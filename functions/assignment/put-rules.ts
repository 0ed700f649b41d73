import { systemClock } from '#commons/clock.ts';
import { assertCan } from '../policy/policy.ts';
import { httpHandler, json } from '#commons/http.ts';
import { invalid, staleVersion } from '#commons/errors.ts';
import { assignmentRuleSet } from '#schemas/assignment.ts';
import { parse } from '../records/service.ts';
import { listDirectory } from '../users/directory.ts';
import { loadRuleSet, saveRuleSet } from './store.ts';

/** PUT /api/assignment-rules (admins): replaces the ordered rule set; If-Match guards concurrent edits. */
export const putAssignmentRules = httpHandler(async ({ principal, body, headers }) => {
  assertCan(principal, 'assignment-rules:manage');
  const { rules } = parse(assignmentRuleSet, body);
  const users = new Set((await listDirectory(principal.tenantId)).map((u) => u.id));
  const errors = rules.flatMap((r, i) => {
    const ids = r.assign.type === 'user' ? [r.assign.userId] : r.assign.members;
    return ids.filter((id) => !users.has(id)).map((id) => ({ path: `rules.${i}.assign`, message: `No such user: ${id}`, code: 'unknown_user' }));
  });
  if (errors.length) throw invalid(errors);
  const current = await loadRuleSet(principal.tenantId);
  const expected = headers['if-match'] ? Number(headers['if-match'].replace(/^W\//, '').replace(/"/g, '')) : current.version;
  const saved = Number.isInteger(expected) ? await saveRuleSet(principal.tenantId, rules, expected, principal.userId, systemClock()) : undefined;
  if (!saved) {
    const now = await loadRuleSet(principal.tenantId);
    throw staleVersion('Someone else changed the rules; reload them.', now.version, now);
  }
  return json(200, saved, { etag: `"${saved.version}"` });
});
