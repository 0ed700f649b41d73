import { beforeAll, describe, expect, it } from 'vitest';
import { api, busEvents, login, unique, until, type ApiCall } from '../support/client.ts';

/**
 * The field order of an object (PUT /api/metadata/objects/{object}/layout, unit `settings`) through the
 * local runtime: GET /api/metadata hands the fields out in that order, for custom and standard objects;
 * fields not listed keep their relative order after the listed ones; a bad list changes nothing.
 */
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const paths = (body: any): string[] => (body.errors ?? []).map((e: any) => e.path);

let admin: ApiCall;
let rep: ApiCall;

beforeAll(async () => {
  [admin, rep] = (await Promise.all(['admin@demo.local', 'rep1@demo.local'].map(async (e) => api(await login(e))))) as [ApiCall, ApiCall];
});

const describeAs = async (who: ApiCall, object: string, query = '') => {
  const res = await who('GET', `/api/metadata${query}`);
  expect(res.status).toBe(200);
  return { version: res.body.version as number, object: res.body.objects.find((o: any) => o.apiName === object) };
};
const namesOf = (o: any): string[] => o.fields.map((f: any) => f.apiName);

describe('field order', () => {
  it('an admin orders a custom object\'s fields: every reader gets them in that order, unlisted and later fields after', async () => {
    const object = `c_lay${unique()}`.slice(0, 30);
    const created = await admin('POST', '/api/metadata/objects', {
      apiName: object, label: l('Layout', '布局'), labelPlural: l('Layouts', '布局'),
      fields: [
        { apiName: 'c_name', type: 'text', label: l('Name', '名称'), required: true },
        { apiName: 'c_a', type: 'number', label: l('A', '甲') },
        { apiName: 'c_b', type: 'date', label: l('B', '乙') },
      ],
    });
    expect(created.status).toBe(201);
    const before = await describeAs(rep, object);
    // By default: the built-in owner, then the custom fields (made together: by name).
    expect(namesOf(before.object)).toEqual(['ownerId', 'c_a', 'c_b', 'c_name']);

    const put = await admin('PUT', `/api/metadata/objects/${object}/layout`, { fields: ['c_b', 'c_name'] });
    expect(put.status).toBe(200);
    expect(namesOf(put.body)).toEqual(['c_b', 'c_name', 'ownerId', 'c_a']);
    expect([before.object.fieldOrder, put.body.fieldOrder]).toEqual(['default', 'custom']);

    const after = await describeAs(rep, object);
    expect(namesOf(after.object)).toEqual(['c_b', 'c_name', 'ownerId', 'c_a']);
    expect(after.version).toBe(before.version + 1);
    const reordered = (events: any[]) => events.some((e) => e['detail-type'] === 'metadata.changed'
      && e.detail?.data?.object === object && e.detail?.data?.change === 'fields-reordered' && e.detail?.data?.metadataVersion === after.version);
    expect(reordered(await until(busEvents, reordered))).toBe(true);

    // A field added later goes after the listed ones, in the order fields were added.
    expect((await admin('POST', `/api/metadata/objects/${object}/fields`, { apiName: 'c_c', type: 'boolean', label: l('C', '丙') })).status).toBe(201);
    expect(namesOf((await describeAs(rep, object)).object)).toEqual(['c_b', 'c_name', 'ownerId', 'c_a', 'c_c']);

    // A deactivated field may be placed (admins see it there with ?include=inactive; readers do not see it);
    // the unlisted ones follow in their default order.
    expect((await admin('DELETE', `/api/metadata/objects/${object}/fields/c_a`)).status).toBe(204);
    const again = await admin('PUT', `/api/metadata/objects/${object}/layout`, { fields: ['c_a', 'c_c', 'ownerId'] });
    expect(again.status).toBe(200);
    expect(namesOf((await describeAs(admin, object, '?include=inactive')).object)).toEqual(['c_a', 'c_c', 'ownerId', 'c_b', 'c_name']);
    expect(namesOf((await describeAs(rep, object)).object)).toEqual(['c_c', 'ownerId', 'c_b', 'c_name']);

    // The same order again changes nothing (no new version).
    const v = (await describeAs(admin, object)).version;
    expect((await admin('PUT', `/api/metadata/objects/${object}/layout`, { fields: ['c_a', 'c_c', 'ownerId'] })).status).toBe(200);
    expect((await describeAs(admin, object)).version).toBe(v);
  });

  it('a standard object keeps the order an admin set, with no field lost', async () => {
    const { object: original } = await describeAs(admin, 'opportunities', '?include=inactive');
    const defaultOrder = namesOf(original);
    const repNames = namesOf((await describeAs(rep, 'opportunities')).object);
    expect(defaultOrder.slice(0, 4)).toEqual(['name', 'accountId', 'contactId', 'amount']);
    try {
      const put = await admin('PUT', '/api/metadata/objects/opportunities/layout', { fields: ['stage', 'amount', 'name'] });
      expect(put.status).toBe(200);
      const order = namesOf((await describeAs(rep, 'opportunities')).object);
      expect(order.slice(0, 5)).toEqual(['stage', 'amount', 'name', 'accountId', 'contactId']);
      expect([...order].sort()).toEqual([...repNames].sort());
    } finally {
      // Back to the default order for the other tests sharing this runtime.
      expect((await admin('PUT', '/api/metadata/objects/opportunities/layout', { fields: defaultOrder })).status).toBe(200);
    }
    expect(namesOf((await describeAs(admin, 'opportunities', '?include=inactive')).object)).toEqual(defaultOrder);
  });

  it('names every bad entry, refuses non-admins and unknown objects, and writes nothing then', async () => {
    const before = await describeAs(admin, 'accounts', '?include=inactive');
    const bad = await admin('PUT', '/api/metadata/objects/accounts/layout', { fields: ['name', 'c_nope', 'name', 'website'] });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(paths(bad.body)).toEqual(['fields.1', 'fields.2']);
    for (const body of [{}, { fields: [] }, { fields: 'name' }, undefined]) {
      const res = await admin('PUT', '/api/metadata/objects/accounts/layout', body);
      expect([res.status, paths(res.body)]).toEqual([400, ['fields']]);
    }
    const extra = await admin('PUT', '/api/metadata/objects/accounts/layout', { fields: ['name'], order: 1 });
    expect([extra.status, paths(extra.body)]).toEqual([400, ['order']]);
    expect((await rep('PUT', '/api/metadata/objects/accounts/layout', { fields: ['name'] })).status).toBe(403);
    expect((await admin('PUT', '/api/metadata/objects/c_never_made/layout', { fields: ['c_x'] })).status).toBe(404);

    const after = await describeAs(admin, 'accounts', '?include=inactive');
    expect(after.version).toBe(before.version);
    expect(namesOf(after.object)).toEqual(namesOf(before.object));
  });
});
