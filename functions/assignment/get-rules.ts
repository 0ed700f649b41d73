import { httpHandler, json } from '#commons/http.ts';
import { isManagerOrAdmin } from '#commons/auth.ts';
import { forbidden } from '#commons/problem.ts';
import { loadRuleSet } from './store.ts';

/** GET /api/assignment-rules (managers and admins read; admins edit). */
export const getAssignmentRules = httpHandler(async ({ principal }) => {
  if (!isManagerOrAdmin(principal)) throw forbidden('Only managers and admins see assignment rules.');
  const set = await loadRuleSet(principal.tenantId);
  return json(200, set, { etag: `"${set.version}"` });
});
