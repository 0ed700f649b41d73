import { httpHandler, json } from '#commons/http.ts';
import { listDirectory } from './directory.ts';

/** Everyone in the caller's tenant (owner pickers and filters). */
export const handler = httpHandler(async ({ principal }) => json(200, { items: await listDirectory(principal.tenantId) }));
