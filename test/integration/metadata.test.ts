import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, busEvents, login, until, type ApiCall } from '../support/client.ts';

/**
 * Custom fields through the local runtime: the metadata routes (unit `settings`) and custom values on
 * contacts (unit `records`). The two units are separate containers with their own metadata caches, as on
 * AWS: a change reaches the records unit within METADATA_REFRESH_MS (5 s), so the test moves the runtime's
 * clock past it after each change instead of waiting.
 */
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const paths = (body: any): string[] => (body.errors ?? []).map((e: any) => e.path);
const refreshWindow = () => advanceClock(6);

let admin: ApiCall;
let rep: ApiCall;

beforeAll(async () => {
  [admin, rep] = (await Promise.all(['admin@demo.local', 'rep1@demo.local'].map(async (e) => api(await login(e))))) as [ApiCall, ApiCall];
});

describe('custom fields on contacts', () => {
  it('an admin adds a picklist; a rep fills it in, is refused a value it does not offer, and cannot add a field', async () => {
    const added = await admin('POST', '/api/metadata/objects/contacts/fields', {
      apiName: 'c_tier', type: 'picklist', label: l('Tier', '等级'),
      options: [{ value: 'gold', label: l('Gold', '金牌') }, { value: 'silver', label: l('Silver', '银牌') }],
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ apiName: 'c_tier', type: 'picklist', custom: true, active: true, readable: true, writable: true });

    const again = await admin('POST', '/api/metadata/objects/contacts/fields', { apiName: 'c_tier', type: 'text', label: l('Tier', '等级') });
    expect([again.status, paths(again.body)]).toEqual([400, ['apiName']]);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    const unprefixed = await admin('POST', '/api/metadata/objects/contacts/fields', { apiName: 'tier', type: 'text', label: l('Tier', '等级') });
    expect([unprefixed.status, paths(unprefixed.body)]).toEqual([400, ['apiName']]);
    const byRep = await rep('POST', '/api/metadata/objects/contacts/fields', { apiName: 'c_mine', type: 'text', label: l('Mine', '我的') });
    expect(byRep.status).toBe(403);
    expect((await admin('POST', '/api/metadata/objects/planets/fields', { apiName: 'c_x', type: 'text', label: l('X', 'X') })).status).toBe(404);

    // Every signed-in user reads the metadata, with labels in both languages.
    const meta = await rep('GET', '/api/metadata');
    expect(meta.status).toBe(200);
    const contacts = meta.body.objects.find((o: any) => o.apiName === 'contacts');
    expect(contacts).toMatchObject({ label: l('Contact', '联系人'), custom: false });
    expect(contacts.fields.find((f: any) => f.apiName === 'c_tier')).toMatchObject({ label: l('Tier', '等级'), required: false, readable: true, writable: true });
    expect(contacts.fields.find((f: any) => f.apiName === 'email')).toMatchObject({ type: 'email', custom: false });
    const published = (events: any[]) => events.some((e) => e['detail-type'] === 'metadata.changed' && e.detail?.data?.field === 'c_tier');
    expect(published(await until(busEvents, published))).toBe(true);

    await refreshWindow();
    const created = await rep('POST', '/api/contacts', { firstName: 'Mei', lastName: 'Chen', c_tier: 'gold' });
    expect(created.status).toBe(201);
    expect(created.body.c_tier).toBe('gold');
    expect((await rep('GET', `/api/contacts/${created.body.id}`)).body.c_tier).toBe('gold');

    const platinum = await rep('POST', '/api/contacts', { firstName: 'Mei', lastName: 'Chen', email: 'not-an-email', c_tier: 'platinum' });
    expect(platinum.status).toBe(400);
    expect(paths(platinum.body).sort()).toEqual(['c_tier', 'email']);
    const unknown = await rep('POST', '/api/contacts', { lastName: 'Chen', c_unknown: 'x' });
    expect([unknown.status, paths(unknown.body)]).toEqual([400, ['c_unknown']]);
    const patched = await rep('PATCH', `/api/contacts/${created.body.id}`, { c_tier: 'silver' });
    expect([patched.status, patched.body.c_tier]).toEqual([200, 'silver']);

    // Deactivated: gone from the metadata and from the contact, its value kept.
    expect((await rep('DELETE', '/api/metadata/objects/contacts/fields/c_tier')).status).toBe(403);
    expect((await admin('DELETE', '/api/metadata/objects/contacts/fields/c_tier')).status).toBe(204);
    const after = (await rep('GET', '/api/metadata')).body.objects.find((o: any) => o.apiName === 'contacts');
    expect(after.fields.map((f: any) => f.apiName)).not.toContain('c_tier');
    await refreshWindow();
    const hidden = await rep('GET', `/api/contacts/${created.body.id}`);
    expect(hidden.status).toBe(200);
    expect(hidden.body).not.toHaveProperty('c_tier');
    expect((await rep('PATCH', `/api/contacts/${created.body.id}`, { c_tier: 'gold' })).status).toBe(400);
    expect((await rep('PATCH', `/api/contacts/${created.body.id}`, { title: 'CFO' })).status).toBe(200);

    // Restored: the value is back.
    const restored = await admin('POST', '/api/metadata/objects/contacts/fields/c_tier/restore');
    expect([restored.status, restored.body.active]).toEqual([200, true]);
    await refreshWindow();
    const back = await rep('GET', `/api/contacts/${created.body.id}`);
    expect(back.body).toMatchObject({ c_tier: 'silver', title: 'CFO' });
  });

  it('PATCH changes a field (labels, required, permissions); a relation needs a known target', async () => {
    const f = await admin('POST', '/api/metadata/objects/accounts/fields', { apiName: 'c_segment', type: 'text', label: l('Segment', '细分') });
    expect(f.status).toBe(201);
    const changed = await admin('PATCH', '/api/metadata/objects/accounts/fields/c_segment', { label: l('Market segment', '市场细分'), permissions: { rep: 'read' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ label: l('Market segment', '市场细分'), permissions: { rep: 'read' } });
    const repView = (await rep('GET', '/api/metadata')).body.objects.find((o: any) => o.apiName === 'accounts').fields.find((x: any) => x.apiName === 'c_segment');
    expect(repView).toMatchObject({ readable: true, writable: false });
    // (c_partner is taken on contacts by test/integration/custom-objects.test.ts in the same runtime.)
    const rel = await admin('POST', '/api/metadata/objects/contacts/fields', { apiName: 'c_partner_planet', type: 'relation', target: 'planets', label: l('Partner', '合作伙伴') });
    expect([rel.status, paths(rel.body)]).toEqual([400, ['target']]);
  });
});
