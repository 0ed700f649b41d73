import { httpHandler, noContent } from '#commons/http.ts';
import { notFound } from '#commons/problem.ts';
import { markRead } from './store.ts';

/** POST /api/notifications/{id}/read */
export const handler = httpHandler(async ({ principal, params }) => {
  if (!(await markRead(principal.tenantId, principal.userId, params.id!))) throw notFound('No such notification.');
  return noContent();
});
