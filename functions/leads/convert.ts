import { httpHandler, json } from '#commons/http.ts';
import { recordDeps } from '../records/deps.ts';
import { convertLead } from './workflow.ts';

/** POST /api/leads/{id}/convert: account + contact (+ opportunity), deduplicated. */
export const handler = httpHandler(async ({ principal, params, body, headers }) => {
  const { etag, ...result } = await convertLead(principal, params.id!, body, headers['if-match'], recordDeps());
  return json(200, result, { etag });
});
