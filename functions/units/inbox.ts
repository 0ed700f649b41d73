import { httpHandler, json } from '#commons/http.ts';
import { unitHandler, type RouteTable } from '#commons/router.ts';
import { handler as listMyNotifications } from '../notifications/list.ts';
import { handler as markNotificationRead } from '../notifications/read.ts';
import { listTasks } from '../notifications/store.ts';
import { activityEntity } from '../activities/entity.ts';
import { record } from '../records/handlers.ts';
import { activityHandlers } from '../activities/handlers.ts';

/** Deploy unit `inbox`: the bell and the signed-in user's tasks. */
export const routes: RouteTable = {
  'GET /api/notifications': listMyNotifications,
  'POST /api/notifications/{id}/read': markNotificationRead,
  /** My open tasks by due date (SFA-5). */
  'GET /api/tasks': httpHandler(async ({ principal }) => json(200, { items: await listTasks(principal.tenantId, principal.userId, 100) })),

  /** Activities (SFA-5): calls, meetings, emails, notes and tasks on the records they are about. */
  'POST /api/activities': record.create(activityEntity),
  'GET /api/activities': record.list(activityEntity),
  'GET /api/activities/{id}': record.get(activityEntity),
  'PATCH /api/activities/{id}': record.update(activityEntity),
  'DELETE /api/activities/{id}': record.remove(activityEntity),
  'POST /api/activities/{id}/restore': record.restore(activityEntity),
  'GET /api/activities/{id}/timeline': record.timeline(activityEntity),
  'GET /api/activities/{id}/audit': record.audit(activityEntity),
  /** My day and the calendar feed (functions/activities/handlers.ts). */
  'GET /api/my-day': activityHandlers.myDay,
  'POST /api/my-day/calendar-feed': activityHandlers.rotateFeed,
  'GET /api/calendar/{feed}': activityHandlers.feed,
};

export const handler = unitHandler(routes);
