import { expect } from 'vitest';
import { advanceClock, api, login } from '../../support/client.ts';

/**
 * Makes a custom object as the demo admin, unless an earlier run against the same runtime made it (then the
 * API answers 400 naming `apiName`), and moves the clock past the records unit's metadata refresh window
 * (METADATA_REFRESH_MS) so the next request sees it.
 */
export async function ensureCustomObject(definition: { apiName: string } & Record<string, unknown>): Promise<void> {
  const admin = api(await login('admin@demo.local'));
  const created = await admin('POST', '/api/metadata/objects', definition);
  if (created.status !== 201) expect([created.status, created.body.errors?.map((e: any) => e.path)]).toEqual([400, ['apiName']]);
  await advanceClock(6);
}
