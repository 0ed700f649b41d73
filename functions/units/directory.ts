import { systemClock } from '#commons/clock.ts';
import { httpHandler, json } from '#commons/http.ts';
import { unitHandler, type RouteTable } from '#commons/router.ts';
import { capabilities } from '../policy/policy.ts';
import { sharingRegistry } from '../metadata/sharing.ts';
import { teamOf } from '../records/visibility.ts';
import { directoryFor, ensureDirectoryEntry, listDirectory } from '../users/directory.ts';
import { updateUserSettings } from '../users/update.ts';

/** Deploy unit `directory`: the signed-in user and the tenant's users. */
export const routes: RouteTable = {
  /**
   * The signed-in user, and what the policy lets them do (`can`): the web app offers only what the server
   * accepts. Also records them in the tenant's directory on first call.
   */
  'GET /api/me': httpHandler(async ({ principal }) => {
    const entry = await ensureDirectoryEntry(principal, systemClock());
    // Record visibility (CD-7): the caller's read/edit level per object and their team, so Edit shows only where it works.
    const [sharing, users] = await Promise.all([sharingRegistry(systemClock).allSharing(principal.tenantId), listDirectory(principal.tenantId)]);
    const can = capabilities(principal, sharing, teamOf(principal.userId, users));
    return json(200, { ...entry, tenantId: principal.tenantId, language: entry.language ?? 'en', can });
  }),
  /** Everyone in the caller's tenant (owner pickers and filters); workload and reporting line for managers and admins. */
  'GET /api/users': httpHandler(async ({ principal }) => json(200, { items: directoryFor(principal, await listDirectory(principal.tenantId)) })),
  'PATCH /api/users/{id}': updateUserSettings,
};

export const handler = unitHandler(routes);
