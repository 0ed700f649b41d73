import { httpHandler, json } from '#commons/http.ts';
import { listNotifications } from './store.ts';

/** GET /api/notifications: the bell — newest first with the unread count (PLT-7). */
export const handler = httpHandler(async ({ principal }) => json(200, await listNotifications(principal.tenantId, principal.userId, 30)));
