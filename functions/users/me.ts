import { httpHandler, json } from '#commons/http.ts';
import { ensureDirectoryEntry } from './directory.ts';

/** The signed-in user; also records them in the tenant's directory on first call. */
export const handler = httpHandler(async ({ principal }) => {
  const entry = await ensureDirectoryEntry(principal, new Date());
  return json(200, { ...entry, tenantId: principal.tenantId, language: entry.language ?? 'en' });
});
