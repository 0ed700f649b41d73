import { httpHandler, json } from '#commons/http.ts';
import { sharingDeps } from './deps.ts';
import { getSharing, putSharing } from './service.ts';

/** The record visibility routes (unit `settings`): HTTP in, the sharing service, HTTP out. */
export const sharing = {
  get: httpHandler(async ({ principal, params }) => json(200, await getSharing(principal, params.object!, sharingDeps()))),
  put: httpHandler(async ({ principal, params, body }) => json(200, await putSharing(principal, params.object!, body, sharingDeps()))),
};
