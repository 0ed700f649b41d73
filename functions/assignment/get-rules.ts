import { assertCan } from '../policy/policy.ts';
import { httpHandler, json } from '#commons/http.ts';
import { loadRuleSet } from './store.ts';

/** GET /api/assignment-rules (managers and admins read; admins edit). */
export const getAssignmentRules = httpHandler(async ({ principal }) => {
  assertCan(principal, 'assignment-rules:read');
  const set = await loadRuleSet(principal.tenantId);
  return json(200, set, { etag: `"${set.version}"` });
});
