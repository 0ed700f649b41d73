import { httpHandler, json } from '#commons/http.ts';
import { followUpSettings } from '#schemas/follow-up.ts';
import { assertCan } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { parse } from '../records/service.ts';
import { loadFollowUpSettings, saveFollowUpSettings } from './store.ts';

/** `GET/PUT /api/settings/follow-up` (SFA-6): read by anyone signed in, changed by admins; a new value applies from the next activity. */
export const followUpHandlers = {
  get: httpHandler(async ({ principal }) => json(200, await loadFollowUpSettings(principal.tenantId))),
  put: httpHandler(async ({ principal, body }) => {
    assertCan(principal, 'follow-up:manage');
    const s = parse(followUpSettings, body);
    await saveFollowUpSettings(principal.tenantId, s, principal.userId, recordDeps().clock().toISOString());
    return json(200, s);
  }),
};
