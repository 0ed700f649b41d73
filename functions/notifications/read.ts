import { httpHandler, noContent } from '#commons/http.ts';
import { isEncodedKey } from '#commons/ids.ts';
import { notFound } from '#commons/errors.ts';
import { markRead } from './store.ts';

/** POST /api/notifications/{id}/read: an id that is not one we gave out is a 404 without a write. */
export const handler = httpHandler(async ({ principal, params }) => {
  const id = params.id!;
  if (!isEncodedKey(id) || !(await markRead(principal.tenantId, principal.userId, id))) throw notFound('No such notification.');
  return noContent();
});
