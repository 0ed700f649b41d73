import { httpHandler, json } from '#commons/http.ts';
import type { RouteTable } from '#commons/router.ts';
import { assertCan } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { etag } from '../records/service.ts';
import { presentScoring, putScoring } from './settings.ts';
import { loadScoring, scoringHistory } from './store.ts';

/** The scoring routes of the marketing unit (issue 10), by route key; declared in contracts/marketing/. */
export const scoringRoutes: RouteTable = {
  'GET /api/scoring': httpHandler(async ({ principal }) => {
    assertCan(principal, 'scoring:read');
    const s = await loadScoring(principal.tenantId);
    return json(200, presentScoring(s), { etag: etag(s.version) });
  }),
  'PUT /api/scoring': httpHandler(async ({ principal, body, headers }) => {
    const s = await putScoring(principal, body, headers['if-match'], recordDeps());
    return json(200, presentScoring(s), { etag: etag(s.version) });
  }),
  'GET /api/scoring/history': httpHandler(async ({ principal }) => {
    assertCan(principal, 'scoring:read');
    return json(200, { items: (await scoringHistory(principal.tenantId)).map(presentScoring) });
  }),
};
