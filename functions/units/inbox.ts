import { httpHandler, json } from '#commons/http.ts';
import { unitHandler, type RouteTable } from '#commons/router.ts';
import { handler as listMyNotifications } from '../notifications/list.ts';
import { handler as markNotificationRead } from '../notifications/read.ts';
import { listTasks } from '../notifications/store.ts';

/** Deploy unit `inbox`: the bell and the signed-in user's tasks. */
export const routes: RouteTable = {
  'GET /api/notifications': listMyNotifications,
  'POST /api/notifications/{id}/read': markNotificationRead,
  /** My open tasks by due date (SFA-5). */
  'GET /api/tasks': httpHandler(async ({ principal }) => json(200, { items: await listTasks(principal.tenantId, principal.userId, 100) })),
};

export const handler = unitHandler(routes);
