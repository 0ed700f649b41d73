import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, busEvents, login, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Custom objects through the local runtime, the contract example: an admin creates `c_projects` (a name and
 * a relation to accounts) in unit `settings`; a rep works its records at /api/c_projects in unit `records`
 * (its own metadata cache: the test moves the runtime's clock past METADATA_REFRESH_MS after each change),
 * and the account lists them at /api/accounts/{id}/related/c_projects.
 */
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const paths = (body: any): string[] => (body.errors ?? []).map((e: any) => e.path).sort();
const refreshWindow = () => advanceClock(6);

let admin: ApiCall;
let rep: ApiCall;
let rep2: ApiCall;

const projects = {
  apiName: 'c_projects', label: l('Project', '项目'), labelPlural: l('Projects', '项目'),
  fields: [
    { apiName: 'c_name', type: 'text', label: l('Project name', '项目名称'), required: true, searchable: true },
    { apiName: 'c_account', type: 'relation', target: 'accounts', label: l('Account', '客户') },
  ],
};

beforeAll(async () => {
  [admin, rep, rep2] = (await Promise.all(['admin@demo.local', 'rep1@demo.local', 'rep2@demo.local'].map(async (e) => api(await login(e))))) as [ApiCall, ApiCall, ApiCall];
});

describe('custom objects end to end', () => {
  it('an admin creates c_projects; a rep may not; bad definitions answer 400 naming every bad field', async () => {
    const byRep = await rep('POST', '/api/metadata/objects', projects);
    expect(byRep.status).toBe(403);

    const bad = await admin('POST', '/api/metadata/objects', {
      apiName: 'projects', label: l('Project', '项目'), labelPlural: l('Projects', '项目'),
      fields: [{ apiName: 'c_account', type: 'relation', target: 'planets', label: l('Account', '客户') }],
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(paths(bad.body)).toEqual(['apiName']);
    const badFields = await admin('POST', '/api/metadata/objects', {
      ...projects, apiName: 'c_things',
      fields: [{ apiName: 'c_account', type: 'relation', target: 'planets', label: l('Account', '客户') }, { apiName: 'c_tags', type: 'picklist', label: l('Tags', '标签') }],
    });
    expect([badFields.status, paths(badFields.body)]).toEqual([400, ['fields.0.target', 'fields.1.options', 'nameField']]);

    const created = await admin('POST', '/api/metadata/objects', projects);
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/api/metadata/objects/c_projects');
    expect(created.body).toMatchObject({ apiName: 'c_projects', custom: true, active: true, nameField: 'c_name', label: l('Project', '项目') });
    expect(created.body.fields.map((f: any) => f.apiName)).toEqual(['ownerId', 'c_name', 'c_account']);

    const again = await admin('POST', '/api/metadata/objects', projects);
    expect([again.status, paths(again.body)]).toEqual([400, ['apiName']]);

    const meta = await rep('GET', '/api/metadata');
    const object = meta.body.objects.find((o: any) => o.apiName === 'c_projects');
    expect(object).toMatchObject({ custom: true, labelPlural: l('Projects', '项目') });
    expect(object.fields.find((f: any) => f.apiName === 'c_account')).toMatchObject({ type: 'relation', target: 'accounts', readable: true, writable: true });
    expect(meta.body.objects.find((o: any) => o.apiName === 'contacts').custom).toBe(false);
    const published = (events: any[]) => events.some((e) => e['detail-type'] === 'metadata.changed' && e.detail?.data?.object === 'c_projects' && e.detail?.data?.change === 'object-added');
    expect(published(await until(busEvents, published))).toBe(true);
  });

  it('a rep creates, lists, gets, patches (If-Match → 412), deletes and restores a project; the account lists it', async () => {
    await refreshWindow();
    const account = (await rep('POST', '/api/accounts', { name: `Initech ${unique()}` })).body;

    // One answer names every bad field: a bad value and a relation naming no account.
    const missing = await rep('POST', '/api/c_projects', { c_account: 'NOSUCHACCOUNT' });
    expect([missing.status, paths(missing.body)]).toEqual([400, ['c_account', 'c_name']]);
    const dangling = await rep('POST', '/api/c_projects', { c_name: 'Orphan', c_account: 'NOSUCHACCOUNT' });
    expect([dangling.status, paths(dangling.body)]).toEqual([400, ['c_account']]);
    const unknown = await rep('POST', '/api/c_projects', { c_name: 'X', c_budget: 3 });
    expect([unknown.status, paths(unknown.body)]).toEqual([400, ['c_budget']]);

    const created = await rep('POST', '/api/c_projects', { c_name: 'ERP rollout', c_account: account.id });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const p = created.body;
    expect(created.headers.location).toBe(`/api/c_projects/${p.id}`);
    expect(p).toMatchObject({ name: 'ERP rollout', c_name: 'ERP rollout', c_account: account.id, version: 1 });

    const got = await rep('GET', `/api/c_projects/${p.id}`);
    expect([got.status, got.headers.etag, got.body.c_account]).toEqual([200, '"1"', account.id]);
    const list = await rep('GET', '/api/c_projects?limit=50');
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: any) => x.id)).toContain(p.id);
    expect(list.body).toHaveProperty('nextCursor');
    expect((await rep('GET', '/api/c_projects?q=erp')).body.items.map((x: any) => x.id)).toContain(p.id);

    const related = await rep('GET', `/api/accounts/${account.id}/related/c_projects`);
    expect(related.status).toBe(200);
    expect(related.body).toEqual({ items: [expect.objectContaining({ id: p.id, name: 'ERP rollout', via: ['c_account'] })], nextCursor: null });
    // The project is not one of the account's contacts.
    expect((await rep('GET', `/api/accounts/${account.id}/contacts`)).body.items).toEqual([]);

    const patched = await rep('PATCH', `/api/c_projects/${p.id}`, { c_name: 'ERP rollout, phase 2' }, { 'if-match': '"1"' });
    expect([patched.status, patched.headers.etag, patched.body.name]).toEqual([200, '"2"', 'ERP rollout, phase 2']);
    const stale = await rep('PATCH', `/api/c_projects/${p.id}`, { c_name: 'Late' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers['content-type']).toMatch(/problem\+json/);
    expect((await rep('GET', `/api/accounts/${account.id}/related/c_projects`)).body.items[0].name).toBe('ERP rollout, phase 2');
    // Another rep may read it but not change it (record:update on type c_projects, the same policy as contacts).
    expect((await rep2('GET', `/api/c_projects/${p.id}`)).status).toBe(200);
    expect((await rep2('PATCH', `/api/c_projects/${p.id}`, { c_name: 'Mine now' })).status).toBe(403);

    const timeline = await rep('GET', `/api/c_projects/${p.id}/timeline`);
    expect(timeline.body.items.map((e: any) => e.type)).toEqual(['updated', 'created']);
    const audit = await rep('GET', `/api/c_projects/${p.id}/audit`);
    expect(audit.body.items[0]).toMatchObject({ action: 'update', recordType: 'c_projects', after: { c_name: 'ERP rollout, phase 2' } });
    const ev = (events: any[]) => events.find((e) => e['detail-type'] === 'record.updated' && e.detail?.subject?.id === p.id);
    expect(ev(await until(busEvents, (es) => Boolean(ev(es))))).toMatchObject({ detail: { subject: { type: 'c_projects', id: p.id }, changes: ['c_name'] } });

    expect((await rep('DELETE', `/api/c_projects/${p.id}`)).status).toBe(204);
    expect((await rep('GET', `/api/c_projects?limit=50`)).body.items.map((x: any) => x.id)).not.toContain(p.id);
    expect((await rep('GET', `/api/accounts/${account.id}/related/c_projects`)).body.items).toEqual([]);
    const restored = await rep('POST', `/api/c_projects/${p.id}/restore`);
    expect([restored.status, restored.body.version]).toEqual([200, 4]);
    expect((await rep('GET', `/api/accounts/${account.id}/related/c_projects`)).body.items.map((x: any) => x.id)).toEqual([p.id]);

    // Moving the project to another account moves its link.
    const other = (await rep('POST', '/api/accounts', { name: `Hooli ${unique()}` })).body;
    expect((await rep('PATCH', `/api/c_projects/${p.id}`, { c_account: other.id })).status).toBe(200);
    expect((await rep('GET', `/api/accounts/${account.id}/related/c_projects`)).body.items).toEqual([]);
    expect((await rep('GET', `/api/accounts/${other.id}/related/c_projects`)).body.items.map((x: any) => x.id)).toEqual([p.id]);
    const deletedTarget = (await rep('POST', '/api/accounts', { name: `Gone ${unique()}` })).body;
    await rep('DELETE', `/api/accounts/${deletedTarget.id}`);
    const toDeleted = await rep('PATCH', `/api/c_projects/${p.id}`, { c_account: deletedTarget.id });
    expect([toDeleted.status, paths(toDeleted.body)]).toEqual([400, ['c_account']]);

    // Deactivating the relation field hides the linkage (values and links kept); restoring brings it back.
    expect((await admin('DELETE', '/api/metadata/objects/c_projects/fields/c_account')).status).toBe(204);
    await refreshWindow();
    expect((await rep('GET', `/api/accounts/${other.id}/related/c_projects`)).body.items).toEqual([]);
    expect((await rep('GET', `/api/c_projects/${p.id}`)).body.c_account).toBeUndefined();
    expect((await admin('POST', '/api/metadata/objects/c_projects/fields/c_account/restore')).status).toBe(200);
    await refreshWindow();
    expect((await rep('GET', `/api/accounts/${other.id}/related/c_projects`)).body.items.map((x: any) => x.id)).toEqual([p.id]);
    expect((await rep('GET', `/api/c_projects/${p.id}`)).body.c_account).toBe(other.id);
  });

  it('saved views work on a custom object: create, list, apply with ?view=, remember the last one; an unknown object is a 400', async () => {
    await refreshWindow();
    const account = (await rep('POST', '/api/accounts', { name: `Viewed ${unique()}` })).body;
    const mine = (await rep('POST', '/api/c_projects', { c_name: `In view ${unique()}`, c_account: account.id })).body;
    const other = (await rep('POST', '/api/c_projects', { c_name: `Not in view ${unique()}` })).body;
    const view = await rep('POST', '/api/views', { object: 'c_projects', name: 'This account', shared: 'private', columns: ['name', 'c_account'], where: { c_account: { eq: account.id } } });
    expect(view.status).toBe(201);
    const applied = (await rep('GET', `/api/c_projects?view=${view.body.id}&limit=50`)).body.items.map((x: any) => x.id);
    expect(applied).toEqual([mine.id]);
    expect(applied).not.toContain(other.id);
    expect((await rep('PUT', '/api/views/last', { object: 'c_projects', viewId: view.body.id })).status).toBe(200);
    const listed = (await rep('GET', '/api/views?object=c_projects')).body;
    expect([listed.items.map((v: any) => v.id), listed.lastViewId]).toEqual([[view.body.id], view.body.id]);
    const badColumn = await rep('POST', '/api/views', { object: 'c_projects', name: 'Bad', shared: 'private', columns: ['name', 'c_nosuch'] });
    expect(badColumn.status).toBe(400);
    const unknown = await rep('POST', '/api/views', { object: 'c_nothing', name: 'X', shared: 'private', columns: ['name'] });
    expect([unknown.status, paths(unknown.body)]).toEqual([400, ['object']]);
    expect((await rep('GET', '/api/views?object=c_nothing')).status).toBe(400);
  });

  it('unknown objects answer 404; a deactivated object answers 404 and comes back on restore with its records', async () => {
    const unknown = await rep('GET', '/api/c_nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/problem\+json/);
    expect((await rep('GET', '/api/c_nothing/ABC')).status).toBe(404);

    await refreshWindow();
    const kept = (await rep('POST', '/api/c_projects', { c_name: `Kept ${unique()}` })).body;
    expect((await rep('DELETE', '/api/metadata/objects/c_projects')).status).toBe(403);
    expect((await admin('DELETE', '/api/metadata/objects/c_projects')).status).toBe(204);
    expect((await admin('GET', '/api/metadata')).body.objects.map((o: any) => o.apiName)).not.toContain('c_projects');
    expect((await admin('GET', '/api/metadata?include=inactive')).body.objects.find((o: any) => o.apiName === 'c_projects')).toMatchObject({ active: false });
    await refreshWindow();
    expect((await rep('GET', '/api/c_projects')).status).toBe(404);
    expect((await rep('GET', `/api/c_projects/${kept.id}`)).status).toBe(404);

    const back = await admin('POST', '/api/metadata/objects/c_projects/restore');
    expect([back.status, back.body.active]).toEqual([200, true]);
    await refreshWindow();
    expect((await rep('GET', `/api/c_projects/${kept.id}`)).body).toMatchObject({ id: kept.id, name: kept.name });

    const renamed = await admin('PATCH', '/api/metadata/objects/c_projects', { label: l('Engagement', '项目'), icon: 'briefcase' });
    expect(renamed.body).toMatchObject({ label: l('Engagement', '项目'), icon: 'briefcase' });
    const badName = await admin('PATCH', '/api/metadata/objects/c_projects', { nameField: 'c_account' });
    expect([badName.status, paths(badName.body)]).toEqual([400, ['nameField']]);
  });

  it('fields are added to a custom object through the fields routes, and the tenant OpenAPI document shows them', async () => {
    const added = await admin('POST', '/api/metadata/objects/c_projects/fields', { apiName: 'c_budget', type: 'money', label: l('Budget', '预算') });
    expect(added.status).toBe(201);
    await admin('POST', '/api/metadata/objects/contacts/fields', { apiName: 'c_project', type: 'relation', target: 'c_projects', label: l('Project', '项目') });
    await refreshWindow();
    const p = (await rep('POST', '/api/c_projects', { c_name: `Budgeted ${unique()}`, c_budget: { amount: 100000, currency: 'CNY' } })).body;
    expect(p.c_budget).toEqual({ amount: 100000, currency: 'CNY' });
    // A standard object's custom relation to a custom object: the project lists its contacts.
    const c = await rep('POST', '/api/contacts', { lastName: `Lead${unique()}`, c_project: p.id });
    expect(c.status).toBe(201);
    expect((await rep('GET', `/api/c_projects/${p.id}/related/contacts`)).body.items.map((x: any) => x.id)).toEqual([c.body.id]);

    // A contact's account and a relation field naming the same account share one link item: moving the
    // account onto the relation's target (and back) rewrites it in one transaction, never twice.
    await admin('POST', '/api/metadata/objects/contacts/fields', { apiName: 'c_partner', type: 'relation', target: 'accounts', label: l('Partner', '合作伙伴') });
    await refreshWindow();
    const [a1, a2] = await Promise.all([`North ${unique()}`, `South ${unique()}`].map(async (name) => (await rep('POST', '/api/accounts', { name })).body));
    const both = (await rep('POST', '/api/contacts', { lastName: `Both${unique()}`, accountId: a1.id, c_partner: a2.id })).body;
    const at = async (a: any) => (await rep('GET', `/api/accounts/${a.id}/related/contacts`)).body.items.map((x: any) => x.id);
    expect([await at(a1), await at(a2)]).toEqual([[both.id], [both.id]]);
    expect((await rep('PATCH', `/api/contacts/${both.id}`, { accountId: a2.id })).status).toBe(200);
    expect([await at(a1), await at(a2)]).toEqual([[], [both.id]]);
    expect((await rep('PATCH', `/api/contacts/${both.id}`, { accountId: a1.id })).status).toBe(200);
    expect([await at(a1), await at(a2)]).toEqual([[both.id], [both.id]]);

    const doc = await rep('GET', '/api/metadata/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/c_projects', '/api/c_projects/{id}', '/api/c_projects/{id}/timeline']));
    expect(Object.keys(doc.body.paths).filter((k) => k.startsWith('/api/{object}'))).toEqual(['/api/{object}/{id}/related/{related}']);
    const create = doc.body.paths['/api/c_projects'].post.requestBody.content['application/json'].schema;
    expect(create.required).toContain('c_name');
    expect(Object.keys(create.properties)).toEqual(expect.arrayContaining(['c_name', 'c_account', 'c_budget']));
    const contact = doc.body.paths['/api/contacts/{id}'].get.responses['200'].content['application/json'].schema;
    expect(contact.properties.c_project).toBeDefined();
    // The public document stays generic and needs no token.
    const generic = await api()('GET', '/api/openapi.json');
    expect(generic.status).toBe(200);
    expect(Object.keys(generic.body.paths)).not.toContain('/api/c_projects');
    expect((await api()('GET', '/api/metadata/openapi.json')).status).toBe(401);
  });
});

describe('the relation limit counts the whole record', () => {
  it('a PATCH that would take a record past 20 links through its relation fields together is refused, naming the patched field', async () => {
    const apiName = `c_rel${unique().slice(-6)}`;
    const made = await admin('POST', '/api/metadata/objects', {
      apiName, label: l('Deal room', '交易室'), labelPlural: l('Deal rooms', '交易室'),
      fields: [
        { apiName: 'c_name', type: 'text', label: l('Name', '名称'), required: true },
        { apiName: 'c_buyers', type: 'relation', target: 'accounts', many: true, label: l('Buyers', '买方') },
        { apiName: 'c_sellers', type: 'relation', target: 'accounts', many: true, label: l('Sellers', '卖方') },
      ],
    });
    expect(made.status).toBe(201);
    await refreshWindow();
    const accounts = await Promise.all(Array.from({ length: 25 }, (_, i) => rep('POST', '/api/accounts', { name: `Limit ${i} ${unique()}` })));
    const ids = accounts.map((a) => a.body.id as string);
    const room = await rep('POST', `/api/${apiName}`, { c_name: 'Room', c_buyers: ids.slice(0, 15) });
    expect(room.status).toBe(201);

    // 15 buyers + 10 sellers = 25 > 20: refused, nothing written; the patch's field is named.
    const over = await rep('PATCH', `/api/${apiName}/${room.body.id}`, { c_sellers: ids.slice(15, 25) }, { 'if-match': '"1"' });
    expect([over.status, paths(over.body)]).toEqual([400, ['c_sellers']]);
    expect((await rep('GET', `/api/${apiName}/${room.body.id}`)).body).toMatchObject({ version: 1 });

    // 15 + 5 = 20 is allowed; and dropping buyers while adding sellers counts what remains.
    const fits = await rep('PATCH', `/api/${apiName}/${room.body.id}`, { c_sellers: ids.slice(15, 20) }, { 'if-match': '"1"' });
    expect(fits.status).toBe(200);
    const swap = await rep('PATCH', `/api/${apiName}/${room.body.id}`, { c_buyers: ids.slice(0, 5), c_sellers: ids.slice(10, 25) }, { 'if-match': '"2"' });
    expect(swap.status).toBe(200);
    expect(swap.body.c_sellers).toHaveLength(15);
  });
});

describe('related records and route precedence', () => {
  it('an account lists its contacts and its opportunities apart (the old /contacts path too)', async () => {
    const account = (await rep('POST', '/api/accounts', { name: `Umbrella ${unique()}` })).body;
    const contact = (await rep('POST', '/api/contacts', { lastName: `Wesker${unique()}`, accountId: account.id })).body;
    const lead = (await rep('POST', '/api/leads', { lastName: `Redfield${unique()}`, company: account.name, email: `c.${unique()}@example.com` })).body;
    // The lead waits in the queue (or goes to whoever the rules pick): an admin may convert it either way,
    // once the assignment that races the first attempt (409, nothing written) is done.
    const converted = await until(() => admin('POST', `/api/leads/${lead.id}/convert`, { accountId: account.id, createOpportunity: true }), (r) => r.status !== 409);
    expect(converted.status, JSON.stringify(converted.body)).toBe(200);
    const opportunity = converted.body.opportunity;
    const newContact = converted.body.contact;

    const contacts = (await rep('GET', `/api/accounts/${account.id}/contacts`)).body.items.map((x: any) => x.id).sort();
    expect(contacts).toEqual([contact.id, newContact.id].sort());
    expect(contacts).not.toContain(opportunity.id);
    expect((await rep('GET', `/api/accounts/${account.id}/related/contacts`)).body.items.map((x: any) => x.id).sort()).toEqual(contacts);
    expect((await admin('GET', `/api/accounts/${account.id}/related/opportunities`)).body.items.map((x: any) => x.id)).toEqual([opportunity.id]);
    // Record visibility applies to related lists too: a rep reads only their own opportunities (issue 7 defaults).
    const repSees = (await rep('GET', `/api/accounts/${account.id}/related/opportunities`)).body.items.map((x: any) => x.id);
    expect(repSees).toEqual((await rep('GET', `/api/opportunities/${opportunity.id}`)).status === 200 ? [opportunity.id] : []);
    expect((await rep('GET', `/api/accounts/${account.id}/related/c_nothing`)).status).toBe(404);
  });

  it('static routes win over {object}: /api/contacts is still the contacts handler', async () => {
    const c = await rep('POST', '/api/contacts', { lastName: `Static${unique()}`, phone: '138 0013 8000', country: 'CN' });
    // The contacts entity normalises phones and names a contact from its first and last name; the generic one would refuse both.
    expect(c.status).toBe(201);
    expect(c.body.phone).toBe('+8613800138000');
    expect(c.headers.location).toBe(`/api/contacts/${c.body.id}`);
    expect((await rep('GET', '/api/contacts?limit=1')).status).toBe(200);
    // A standard object has no generic route behind it: an undeclared sub-path of it is a 404, not a custom object.
    expect((await rep('GET', `/api/opportunities/${c.body.id}/audit`)).status).toBe(404);
  });
});
