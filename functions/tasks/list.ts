import { httpHandler, json } from '#commons/http.ts';
import { listTasks } from '../notifications/store.ts';

/** GET /api/tasks: my open tasks by due date (SFA-5). */
export const handler = httpHandler(async ({ principal }) => json(200, { items: await listTasks(principal.tenantId, principal.userId, 100) }));
