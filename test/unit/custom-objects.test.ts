import { beforeEach, describe, expect, it } from 'vitest';
import { routes } from '../../contracts/routes.ts';
import type { Principal } from '../../functions/commons/auth.ts';
import type { HttpProblem } from '../../functions/commons/problem.ts';
import { MetadataRegistry } from '../../functions/metadata/custom-fields.ts';
import { createObject, deactivateObject, describeMetadata, restoreObject, updateObject, type MetadataDeps } from '../../functions/customization/service.ts';
import { metaObjectCodec } from '../../functions/metadata/items.ts';
import type { TenantMetadata } from '../../functions/metadata/store.ts';
import { entityOfObject, objectEntity } from '../../functions/records/objects.ts';
import { createRecord, deleteRecord, restoreRecord, updateRecord, type RecordDeps } from '../../functions/records/service.ts';
import { compareSpecificity, HttpApi } from '../../infra/local/http-api.ts';
import type { CognitoEmulator } from '../../infra/local/cognito.ts';
import type { RouteDeclaration } from '../../contracts/routes.ts';
import { MAX_CUSTOM_OBJECTS_PER_TENANT, MAX_RELATION_FIELDS_PER_OBJECT, MAX_RELATION_IDS, compileFields } from '../../schemas/metadata.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { problemOf } from '../support/problems.ts';
import { MemoryMetadataStore } from '../support/memory-metadata-store.ts';

const admin: Principal = { tenantId: 'demo', userId: 'adm', email: 'adm@demo.local', name: 'Admin', role: 'admin', groups: ['admin'] };
const rep: Principal = { tenantId: 'demo', userId: 'rep-1', email: 'rep-1@demo.local', name: 'Rep', role: 'rep', groups: ['rep'] };
const l = (en: string) => ({ en, 'zh-CN': `${en}（中）` });

const paths = (p: HttpProblem) => ((p.extensions.errors ?? []) as { path: string }[]).map((e) => e.path).sort();

let meta: MemoryMetadataStore;
let mdeps: MetadataDeps;
let records: MemoryStore;
let rdeps: RecordDeps;
let seq = 0;

beforeEach(() => {
  meta = new MemoryMetadataStore();
  const clock = () => new Date('2026-12-01T08:00:00.000Z');
  const registry = new MetadataRegistry(meta, clock);
  const newId = () => `ID${String(++seq).padStart(4, '0')}`;
  mdeps = { store: meta, registry, clock, newId };
  records = new MemoryStore();
  rdeps = { store: records, clock, newId, metadata: registry };
});

const projects = {
  apiName: 'c_projects', label: l('Project'), labelPlural: l('Projects'),
  fields: [
    { apiName: 'c_code', type: 'text', label: l('Code') },
    { apiName: 'c_name', type: 'text', label: l('Name'), required: true, searchable: true },
    { apiName: 'c_account', type: 'relation', target: 'accounts', label: l('Account') },
    { apiName: 'c_phone', type: 'phone', label: l('Phone'), searchable: true },
  ],
};

describe('custom object definitions (metadata service)', () => {
  it('creates the object and its fields in one change: audited, metadata.changed, version 1; listed with custom: true', async () => {
    const o = await createObject(admin, projects, mdeps);
    // nameField defaults to the first *required* text field, not the first text field.
    expect(o).toMatchObject({ apiName: 'c_projects', recordType: 'c_projects', nameField: 'c_name', custom: true, active: true, icon: 'box' });
    expect(meta.changes).toHaveLength(1);
    const [change] = meta.changes;
    expect(change!.object).toMatchObject({ isNew: true, object: { apiName: 'c_projects' } });
    expect(change!.fields.map((f) => f.field.apiName)).toEqual(['c_code', 'c_name', 'c_account', 'c_phone']);
    expect(change!.event).toMatchObject({ name: 'metadata.changed', subject: { type: 'metadata', id: 'c_projects' }, data: { object: 'c_projects', change: 'object-added', metadataVersion: 1 } });
    expect(change!.audit).toMatchObject({ action: 'create', recordType: 'metadata', recordId: 'c_projects' });
    const doc = await describeMetadata(rep, {}, mdeps);
    expect(doc.version).toBe(1);
    expect(doc.objects.map((x) => [x.apiName, x.custom])).toEqual([['accounts', false], ['contacts', false], ['leads', false], ['opportunities', false], ['activities', false], ['tickets', false], ['articles', false], ['email-templates', false], ['campaigns', false], ['c_projects', true]]);
    // The stored object round-trips through its codec.
    const stored = meta.objects.get('c_projects')!;
    expect(metaObjectCodec.decode(metaObjectCodec.encode(stored, { tenantId: 'demo' }))).toEqual(stored);
  });

  it('refuses a rep (403), a non-c_ or taken name (400 apiName), and names every bad field by its place', async () => {
    expect((await problemOf(createObject(rep, projects, mdeps))).status).toBe(403);
    expect(paths(await problemOf(createObject(admin, { ...projects, apiName: 'projects' }, mdeps)))).toEqual(['apiName']);
    await createObject(admin, projects, mdeps);
    expect(paths(await problemOf(createObject(admin, projects, mdeps)))).toEqual(['apiName']);
    const bad = await problemOf(createObject(admin, {
      ...projects, apiName: 'c_things',
      fields: [
        { apiName: 'c_a', type: 'relation', target: 'c_nothing', label: l('A') },
        { apiName: 'c_a', type: 'text', label: l('A again'), many: true },
        { apiName: 'c_p', type: 'picklist', label: l('P') },
      ],
    }, mdeps));
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['fields.1.apiName', 'fields.1.many', 'fields.2.options', 'fields.0.target', 'nameField'].sort());
    // A relation may point at the object itself (a parent project) or at another custom object.
    const self = await createObject(admin, { ...projects, apiName: 'c_tasks', fields: [
      { apiName: 'c_title', type: 'text', label: l('Title'), required: true },
      { apiName: 'c_parent', type: 'relation', target: 'c_tasks', label: l('Parent') },
      { apiName: 'c_projects', type: 'relation', target: 'c_projects', many: true, label: l('Projects') },
    ] }, mdeps);
    expect(self.fields.find((f) => f.apiName === 'c_projects')).toMatchObject({ target: 'c_projects', many: true });
    expect(paths(await problemOf(createObject(admin, { ...projects, apiName: 'c_x', nameField: 'c_account' }, mdeps)))).toEqual(['nameField']);
  });

  it(`enforces the limits: ${MAX_CUSTOM_OBJECTS_PER_TENANT} objects per tenant, ${MAX_RELATION_FIELDS_PER_OBJECT} relation fields per object`, async () => {
    const relations = Array.from({ length: MAX_RELATION_FIELDS_PER_OBJECT + 1 }, (_, i) => ({ apiName: `c_r${i}`, type: 'relation', target: 'accounts', label: l(`R${i}`) }));
    const tooMany = await problemOf(createObject(admin, { ...projects, fields: [projects.fields[1]!, ...relations] }, mdeps));
    expect(paths(tooMany)).toEqual([`fields.${MAX_RELATION_FIELDS_PER_OBJECT + 1}.type`]);
    expect((tooMany.extensions.errors as { limit?: string }[])[0]!.limit).toBe('relationFieldsPerObject');
    for (let i = 0; i < MAX_CUSTOM_OBJECTS_PER_TENANT; i++) await createObject(admin, { ...projects, apiName: `c_o${i}` }, mdeps);
    const over = await problemOf(createObject(admin, { ...projects, apiName: 'c_onemore' }, mdeps));
    expect(paths(over)).toEqual(['apiName']);
    expect((over.extensions.errors as { limit?: string }[])[0]!.limit).toBe('customObjectsPerTenant');
  });

  it('changes labels and nameField, deactivates (hidden, 404 to the record API) and restores, each change audited', async () => {
    await createObject(admin, projects, mdeps);
    const changed = await updateObject(admin, 'c_projects', { label: l('Engagement'), nameField: 'c_code' }, mdeps);
    expect(changed).toMatchObject({ label: l('Engagement'), nameField: 'c_code' });
    expect(paths(await problemOf(updateObject(admin, 'c_projects', { nameField: 'c_account' }, mdeps)))).toEqual(['nameField']);
    expect((await problemOf(updateObject(admin, 'contacts', { icon: 'x' }, mdeps))).status).toBe(409);
    await deactivateObject(admin, 'c_projects', mdeps);
    expect((await describeMetadata(rep, {}, mdeps)).objects.map((o) => o.apiName)).not.toContain('c_projects');
    expect((await problemOf(objectEntity(rep, 'c_projects', rdeps))).status).toBe(404);
    await restoreObject(admin, 'c_projects', mdeps);
    expect((await objectEntity(rep, 'c_projects', rdeps)).type).toBe('c_projects');
    expect(meta.changes.map((c) => [c.event.data.change, c.audit.action])).toEqual([
      ['object-added', 'create'], ['object-changed', 'update'], ['object-deactivated', 'delete'], ['object-restored', 'restore'],
    ]);
  });
});

describe('the entity built from metadata', () => {
  const fields = [
    { apiName: 'c_name', type: 'text', searchable: true, active: true },
    { apiName: 'c_phone', type: 'phone', searchable: true, active: true },
    { apiName: 'c_old', type: 'text', searchable: true, active: false },
  ] as const;

  it('names records by nameField, searches the searchable active fields, treats phone fields as phones, publishes record.*', () => {
    const def = entityOfObject({ apiName: 'c_projects', recordType: 'c_projects', nameField: 'c_name' }, fields);
    expect(def).toMatchObject({ type: 'c_projects', plural: 'c_projects', eventPrefix: 'record', phoneFields: ['c_phone'], searchFields: ['c_phone'], uniqueFields: [] });
    expect(def.displayName({ c_name: '  ERP  ' })).toBe('ERP');
    expect(def.displayName({})).toBe('');
    expect(def.createSchema.safeParse({ ownerId: 'u1' }).success).toBe(true);
    expect(def.createSchema.safeParse({ other: 1 }).success).toBe(false);
  });

  it('is built once per metadata version, and again after a change; unknown, standard and inactive objects are 404', async () => {
    await createObject(admin, projects, mdeps);
    const a = await objectEntity(rep, 'c_projects', rdeps);
    expect(await objectEntity(rep, 'c_projects', rdeps)).toBe(a);
    await updateObject(admin, 'c_projects', { nameField: 'c_code' }, mdeps);
    const b = await objectEntity(rep, 'c_projects', rdeps);
    expect(b).not.toBe(a);
    expect(b.displayName({ c_code: 'P-1', c_name: 'ERP' })).toBe('P-1');
    for (const name of ['c_nothing', 'contacts', 'accounts']) expect((await problemOf(objectEntity(rep, name, rdeps))).status).toBe(404);
  });

  it('validates values with compileFields, checks relations exist, and keeps one link per target in the same change', async () => {
    await createObject(admin, { ...projects, fields: [...projects.fields, { apiName: 'c_partners', type: 'relation', target: 'accounts', many: true, label: l('Partners') }] }, mdeps);
    const def = await objectEntity(rep, 'c_projects', rdeps);
    const account = (id: string, deleted = false) => records.records.set(`demo/account/${id}`, {
      id, name: id, ownerId: 'rep-1', version: 1, createdAt: '', createdBy: '', updatedAt: '', updatedBy: '', ...(deleted ? { deletedAt: 'x' } : {}),
    });
    account('A1'); account('A2'); account('A3', true);

    const bad = await problemOf(createRecord(def, rep, { c_name: 'ERP', c_account: 'NOPE', c_partners: ['A1', 'A3'] }, rdeps));
    expect(paths(bad)).toEqual(['c_account', 'c_partners']);
    const many = await problemOf(createRecord(def, rep, { c_name: 'ERP', c_partners: Array.from({ length: MAX_RELATION_IDS + 1 }, (_, i) => `A${i}`) }, rdeps));
    expect(paths(many)).toEqual(['c_partners']);
    expect(paths(await problemOf(createRecord(def, rep, { c_phone: '12' }, rdeps)))).toEqual(['c_name', 'c_phone']);
    // Bad values and dangling relations in one answer; a relation whose value is malformed is not looked up.
    expect(paths(await problemOf(createRecord(def, rep, { c_account: 'NOPE', c_partners: ['A1', 'A1'] }, rdeps)))).toEqual(['c_account', 'c_name', 'c_partners']);

    const r = await createRecord(def, rep, { c_name: 'ERP', c_account: 'A1', c_partners: ['A1', 'A2'], c_phone: '+8613800138000' }, rdeps);
    let c = records.commits.at(-1)!;
    expect(c.event).toMatchObject({ name: 'record.created', subject: { type: 'c_projects', id: r.id } });
    expect(c.linksPut).toEqual([
      { parentType: 'account', parentId: 'A1', summary: { id: r.id, name: 'ERP', ownerId: 'rep-1', via: ['c_account', 'c_partners'] } },
      { parentType: 'account', parentId: 'A2', summary: { id: r.id, name: 'ERP', ownerId: 'rep-1', via: ['c_partners'] } },
    ]);
    expect(c.tokensPut).toEqual(expect.arrayContaining(['erp', '8613800138000']));

    await updateRecord(def, rep, r.id, { c_partners: ['A2'] }, undefined, rdeps);
    c = records.commits.at(-1)!;
    expect(c.event.name).toBe('record.updated');
    // A1 is still the account (its via changed); A2 is unchanged and not rewritten.
    expect(c.linksPut).toEqual([{ parentType: 'account', parentId: 'A1', summary: { id: r.id, name: 'ERP', ownerId: 'rep-1', via: ['c_account'] } }]);
    expect(c.linksRemoved).toBeUndefined();
    await updateRecord(def, rep, r.id, { c_account: null, c_partners: null }, undefined, rdeps);
    expect(records.commits.at(-1)!.linksRemoved).toEqual([{ parentType: 'account', parentId: 'A1' }, { parentType: 'account', parentId: 'A2' }]);

    await updateRecord(def, rep, r.id, { c_account: 'A2' }, undefined, rdeps);
    await deleteRecord(def, rep, r.id, undefined, rdeps);
    expect(records.commits.at(-1)).toMatchObject({ event: { name: 'record.deleted' }, linksRemoved: [{ parentType: 'account', parentId: 'A2' }] });
    await restoreRecord(def, rep, r.id, rdeps);
    expect(records.commits.at(-1)).toMatchObject({ event: { name: 'record.restored' }, linksPut: [{ parentType: 'account', parentId: 'A2' }] });
  });

  it('compiles many-to-many relations as arrays of distinct ids', () => {
    const schema = compileFields([{ apiName: 'c_p', type: 'relation', target: 'accounts', many: true, label: l('P'), required: false, unique: false, searchable: false, active: true, custom: true }]);
    expect(schema.safeParse({ c_p: ['A1', 'A2'] }).success).toBe(true);
    expect(schema.safeParse({ c_p: ['A1', 'A1'] }).success).toBe(false);
    expect(schema.safeParse({ c_p: 'A1' }).success).toBe(false);
  });
});

describe('route precedence in the local HTTP API (as API Gateway: a static segment beats {param})', () => {
  const http = new HttpApi(routes, {} as CognitoEmulator, 'localhost');
  const name = (method: string, path: string) => {
    const m = http.match(method, path);
    return typeof m === 'object' ? m.route.name : m;
  };

  it('serves the standard objects by their own routes and the rest by /api/{object}', () => {
    expect(name('GET', '/api/contacts')).toBe('contacts-list');
    expect(name('POST', '/api/contacts')).toBe('contacts-create');
    expect(name('GET', '/api/contacts/01J0')).toBe('contacts-get');
    expect(name('POST', '/api/leads/01J0/restore')).toBe('leads-restore');
    expect(name('GET', '/api/accounts/01J0/contacts')).toBe('accounts-contacts');
    expect(name('GET', '/api/metadata/openapi.json')).toBe('metadata-openapi');
    expect(name('PATCH', '/api/users/u1')).toBe('users-update');
    expect(name('GET', '/api/c_projects')).toBe('objects-list');
    expect(name('GET', '/api/c_projects/01J0')).toBe('objects-get');
    expect(name('POST', '/api/c_projects/01J0/restore')).toBe('objects-restore');
    expect(name('GET', '/api/accounts/01J0/related/c_projects')).toBe('objects-related');
    expect(http.match('GET', '/api/c_projects/01J0')).toMatchObject({ pathParameters: { object: 'c_projects', id: '01J0' } });
    // `GET /api/users/{id}` is not declared: it falls to the generic route, which answers 404 for a non-custom object.
    expect(name('GET', '/api/users/u1')).toBe('objects-get');
  });

  it('compares from the left: the first static segment wins, a greedy variable loses to both', () => {
    const r = (path: string): RouteDeclaration => ({ name: path, unit: 'records', method: 'GET', path, auth: 'jwt', throttle: { rateLimit: 1, burstLimit: 1 }, access: {} });
    const api = new HttpApi([r('/pets/{kind}/{id}'), r('/pets/{kind}/1'), r('/pets/dog/{id}'), r('/{proxy+}')], {} as CognitoEmulator, 'localhost');
    const pick = (path: string) => (api.match('GET', path) as { route: RouteDeclaration }).route.path;
    expect(pick('/pets/dog/1')).toBe('/pets/dog/{id}');
    expect(pick('/pets/cat/1')).toBe('/pets/{kind}/1');
    expect(pick('/pets/cat/2')).toBe('/pets/{kind}/{id}');
    expect(pick('/pets/cat')).toBe('/{proxy+}');
    expect(compareSpecificity([0, 0, 1], [0, 1, 0])).toBeLessThan(0);
    expect(compareSpecificity([0, 2], [0, 1])).toBeGreaterThan(0);
  });
});
