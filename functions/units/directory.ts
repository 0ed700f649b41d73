import { httpHandler, json } from '#commons/http.ts';
import { unitHandler, type RouteTable } from '#commons/router.ts';
import { ensureDirectoryEntry, listDirectory } from '../users/directory.ts';
import { updateUserSettings } from '../users/update.ts';

/** Deploy unit `directory`: the signed-in user and the tenant's users. */
export const routes: RouteTable = {
  /** The signed-in user; also records them in the tenant's directory on first call. */
  'GET /api/me': httpHandler(async ({ principal }) => {
    const entry = await ensureDirectoryEntry(principal, new Date());
    return json(200, { ...entry, tenantId: principal.tenantId, language: entry.language ?? 'en' });
  }),
  /** Everyone in the caller's tenant (owner pickers and filters). */
  'GET /api/users': httpHandler(async ({ principal }) => json(200, { items: await listDirectory(principal.tenantId) })),
  'PATCH /api/users/{id}': updateUserSettings,
};

export const handler = unitHandler(routes);
