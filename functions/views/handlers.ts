import { httpHandler, json, noContent } from '#commons/http.ts';
import { viewDeps } from './deps.ts';
import { countView, createView, deleteView, getView, listViews, setLastView, updateView } from './service.ts';

/** The saved view routes (unit `records`): HTTP in, the view service, HTTP out. */
export const views = {
  list: httpHandler(async ({ principal, query }) => json(200, await listViews(principal, query, viewDeps()))),
  create: httpHandler(async ({ principal, body }) => {
    const v = await createView(principal, body, viewDeps());
    return json(201, v, { location: `/api/views/${v.id}` });
  }),
  get: httpHandler(async ({ principal, params }) => json(200, await getView(principal, params.id!, viewDeps()))),
  update: httpHandler(async ({ principal, params, body }) => json(200, await updateView(principal, params.id!, body, viewDeps()))),
  remove: httpHandler(async ({ principal, params }) => {
    await deleteView(principal, params.id!, viewDeps());
    return noContent();
  }),
  count: httpHandler(async ({ principal, params }) => json(200, await countView(principal, params.id!, viewDeps()))),
  last: httpHandler(async ({ principal, body }) => json(200, await setLastView(principal, body, viewDeps()))),
};
