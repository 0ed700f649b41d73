import { beforeEach, describe, expect, it } from 'vitest';
import { ROLES } from '../../contracts/roles.ts';
import type { Principal } from '../../functions/commons/auth.ts';
import { keys } from '../../functions/commons/keys.ts';
import { toProblem, type HttpProblem } from '../../functions/commons/problem.ts';
import { contactEntity } from '../../functions/contacts/entity.ts';
import { MetadataRegistry } from '../../functions/metadata/custom-fields.ts';
import { addField, deactivateField, describeMetadata, restoreField, updateField, type MetadataDeps } from '../../functions/customization/service.ts';
import { STANDARD_OBJECT_DEFINITIONS } from '../../functions/metadata/standard.ts';
import type { TenantMetadata } from '../../functions/metadata/store.ts';
import { createRecord, getRecord, listRecords, updateRecord, type RecordDeps } from '../../functions/records/service.ts';
import { metaFieldCodec, metaLayoutCodec, metaVersionCodec, type StoredField } from '../../functions/metadata/items.ts';
import { FIELD_TYPES, MAX_CUSTOM_FIELDS_PER_OBJECT, MAX_SEARCHABLE_CUSTOM_FIELDS, ROLE_NAMES, compileFields, fieldCreate, type FieldDefinition, type FieldType } from '../../schemas/metadata.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { problemOf } from '../support/problems.ts';
import { MemoryMetadataStore } from '../support/memory-metadata-store.ts';
import { mulberry32 as prng } from '../support/prng.ts';

const admin: Principal = { tenantId: 'demo', userId: 'adm', email: 'adm@demo.local', name: 'Admin', role: 'admin', groups: ['admin'] };
const rep: Principal = { tenantId: 'demo', userId: 'rep-1', email: 'rep-1@demo.local', name: 'Rep', role: 'rep', groups: ['rep'] };
const l = (en: string) => ({ en, 'zh-CN': `${en}（中）` });

const paths = (p: HttpProblem) => ((p.extensions.errors ?? []) as { path: string }[]).map((e) => e.path);


const def = (apiName: string, type: FieldType, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  apiName, type, label: l(apiName), required: false, unique: false, searchable: false, active: true, custom: true, ...extra,
});
const tierOptions = [{ value: 'gold', label: l('Gold') }, { value: 'silver', label: l('Silver') }, { value: 'bronze', label: l('Bronze') }];
const fieldOf = (type: FieldType) => def(`c_${type}`, type, type === 'picklist' || type === 'multiPicklist' ? { options: tierOptions } : type === 'relation' ? { target: 'accounts' } : {});

/** Values of each type the compiled schema must accept, and values it must refuse. */
function validValue(type: FieldType, r: () => number): unknown {
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  const chars = 'abcXYZ 中文示例-_.';
  const text = (min: number, max: number) => Array.from({ length: min + int(max - min + 1) }, () => pick([...chars])).join('');
  switch (type) {
    case 'text': return `${pick(['a', '王', 'Z'])}${text(0, 200)}`.trim() || 'x';
    case 'longText': return text(0, 4000);
    case 'number': return (r() - 0.5) * 10 ** int(12);
    case 'percent': return Math.round((r() * 200 - 50) * 100) / 100;
    case 'money': return { amount: int(1e9) - 5e8, currency: pick(['CNY', 'USD', 'EUR']) };
    case 'date': return new Date(Date.UTC(1990 + int(60), int(12), 1 + int(28))).toISOString().slice(0, 10);
    case 'datetime': return pick([new Date(Date.UTC(2000 + int(40), int(12), 1 + int(28), int(24), int(60))).toISOString(), '2026-12-01T08:00:00+08:00']);
    case 'boolean': return r() < 0.5;
    case 'picklist': return pick(tierOptions).value;
    case 'multiPicklist': return tierOptions.filter(() => r() < 0.5).map((o) => o.value);
    case 'email': return `${pick(['wei', 'ada.l', 'x+y'])}${int(1000)}@${pick(['example.cn', 'huawei.com'])}`;
    case 'phone': return `+86138${String(int(1e8)).padStart(8, '0')}`;
    case 'url': return `https://${pick(['example.com', 'cirrus.example.cn'])}/${text(0, 20).replace(/[^a-z]/gi, '')}`;
    case 'user':
    case 'relation': return `01J${String(int(1e9))}`;
  }
}
const invalidValues: Record<FieldType, unknown[]> = {
  text: ['', '   ', 'x'.repeat(256), 12, null, {}],
  longText: ['x'.repeat(4001), 3, []],
  number: ['12', Number.NaN, Infinity, true],
  percent: ['5%', 2_000_000, Number.NaN],
  money: [{ amount: 1.5, currency: 'CNY' }, { amount: 1, currency: 'yuan' }, 100, { amount: 1, currency: 'CNY', extra: 1 }],
  date: ['2026-13-01', '2026-02-30x', '01/02/2026', 20260101],
  datetime: ['2026-12-01', 'yesterday', '2026-12-01T25:00:00Z'],
  boolean: ['true', 0, null],
  picklist: ['platinum', 'Gold', ['gold'], ''],
  multiPicklist: ['gold', ['gold', 'gold'], ['platinum'], [1]],
  email: ['not-an-email', 'a@', `${'x'.repeat(65)}@example.com`],
  phone: ['138 0013 8000', '+0123', '+86abc', 12345678],
  url: ['example.com', 'ftp://example.com/x', 'javascript:alert(1)'],
  user: ['has space', '', 'x'.repeat(65), 5],
  relation: ['../etc', '', 7],
};

describe('compileFields: the same rules for the web app and the server', () => {
  it('knows the roles of contracts/roles.ts', () => expect([...ROLE_NAMES]).toEqual([...ROLES]));

  it.each(FIELD_TYPES)('%s: generated values are accepted, survive JSON and are accepted again', (type) => {
    const r = prng(20261201 + FIELD_TYPES.indexOf(type));
    const field = fieldOf(type);
    // The web app compiles the definitions it got from GET /api/metadata, i.e. after JSON.
    const server = compileFields([field]);
    const client = compileFields(JSON.parse(JSON.stringify([field])) as FieldDefinition[]);
    for (let i = 0; i < 200; i++) {
      const value = validValue(type, r);
      const first = server.safeParse({ [field.apiName]: value });
      expect(first.success, `${type} ${JSON.stringify(value)}`).toBe(true);
      const wire = JSON.parse(JSON.stringify(first.data));
      expect(client.safeParse(wire).success, `${type} again ${JSON.stringify(wire)}`).toBe(true);
      expect(client.safeParse(wire).data).toEqual(first.data);
    }
  });

  it.each(FIELD_TYPES)('%s: bad values are refused by both, naming the field', (type) => {
    const field = fieldOf(type);
    const server = compileFields([field]);
    const client = compileFields(JSON.parse(JSON.stringify([field])) as FieldDefinition[]);
    for (const bad of invalidValues[type]) {
      for (const schema of [server, client]) {
        const res = schema.safeParse({ [field.apiName]: bad });
        expect(res.success, `${type} ${JSON.stringify(bad)}`).toBe(false);
        expect(res.error!.issues.map((i) => i.path[0])).toContain(field.apiName);
      }
    }
  });

  it('requires required fields on create, lets a PATCH leave anything out, clears with null unless required, refuses unknown c_ names', () => {
    const fields = [def('c_tier', 'picklist', { options: tierOptions, required: true }), def('c_note', 'text')];
    expect(compileFields(fields).safeParse({}).error!.issues.map((i) => i.path[0])).toEqual(['c_tier']);
    expect(compileFields(fields, 'update').safeParse({}).success).toBe(true);
    expect(compileFields(fields, 'update').safeParse({ c_note: null }).success).toBe(true);
    expect(compileFields(fields, 'update').safeParse({ c_tier: null }).success).toBe(false);
    const unknown = compileFields(fields).safeParse({ c_tier: 'gold', c_other: 1 });
    expect(unknown.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['c_other'] });
    // A deactivated field is not part of the schema: its name is unknown again.
    expect(compileFields([{ ...fields[1]!, active: false }]).safeParse({ c_note: 'x' }).success).toBe(false);
  });
});

let meta: MemoryMetadataStore;
let now: number;
let registry: MetadataRegistry;
let mdeps: MetadataDeps;
let records: MemoryStore;
let rdeps: RecordDeps;
let seq = 0;

beforeEach(() => {
  meta = new MemoryMetadataStore();
  now = Date.parse('2026-12-01T08:00:00.000Z');
  const clock = () => new Date(now);
  registry = new MetadataRegistry(meta, clock);
  const newId = () => `ID${String(++seq).padStart(4, '0')}`;
  mdeps = { store: meta, registry, clock, newId };
  records = new MemoryStore();
  rdeps = { store: records, clock, newId, metadata: registry };
});

const tier = { apiName: 'c_tier', type: 'picklist', label: l('Tier'), options: [{ value: 'gold', label: l('Gold') }, { value: 'silver', label: l('Silver') }] };

describe('custom fields (metadata service)', () => {
  it('an admin adds a picklist to contacts: 201 body, audit, metadata.changed, version 1; everyone sees it in the metadata', async () => {
    const f = await addField(admin, 'contacts', tier, mdeps);
    expect(f).toMatchObject({ apiName: 'c_tier', type: 'picklist', custom: true, active: true, required: false, readable: true, writable: true });
    const [change] = meta.changes;
    expect(change!.event).toMatchObject({ name: 'metadata.changed', version: 1, subject: { type: 'metadata', id: 'contacts.c_tier' }, data: { object: 'contacts', field: 'c_tier', change: 'field-added', metadataVersion: 1 } });
    expect(change!.audit).toMatchObject({ action: 'create', recordType: 'metadata', recordId: 'contacts', after: { apiName: 'c_tier' } });
    const doc = await describeMetadata(rep, {}, mdeps);
    expect(doc.version).toBe(1);
    const contacts = doc.objects.find((o) => o.apiName === 'contacts')!;
    expect(contacts.fields.map((x) => x.apiName)).toContain('c_tier');
    expect(contacts.fields.find((x) => x.apiName === 'email')).toMatchObject({ custom: false, type: 'email', readable: true, writable: true });
    // A rep does not see the national ID at all; a manager reads and writes it.
    expect(contacts.fields.map((x) => x.apiName)).not.toContain('nationalId');
    expect(doc.objects.map((o) => o.apiName)).toEqual(['accounts', 'contacts', 'leads', 'opportunities', 'activities', 'tickets', 'articles', 'email-templates', 'campaigns']);
  });

  it('refuses a rep (403), a duplicate or non-c_ name (400 apiName), an unknown object (404) and a relation without a known target', async () => {
    expect((await problemOf(addField(rep, 'contacts', tier, mdeps))).status).toBe(403);
    await addField(admin, 'contacts', tier, mdeps);
    const dup = await problemOf(addField(admin, 'contacts', tier, mdeps));
    expect([dup.status, paths(dup)]).toEqual([400, ['apiName']]);
    for (const apiName of ['tier', 'C_tier', 'c_', 'c_1x', `c_${'x'.repeat(40)}`]) {
      const bad = await problemOf(addField(admin, 'contacts', { ...tier, apiName }, mdeps));
      expect([bad.status, paths(bad)], apiName).toEqual([400, ['apiName']]);
    }
    expect((await problemOf(addField(admin, 'planets', tier, mdeps))).status).toBe(404);
    const noTarget = await problemOf(addField(admin, 'contacts', { apiName: 'c_acc', type: 'relation', label: l('A') }, mdeps));
    expect(paths(noTarget)).toEqual(['target']);
    const unknownTarget = await problemOf(addField(admin, 'contacts', { apiName: 'c_acc', type: 'relation', target: 'planets', label: l('A') }, mdeps));
    expect(paths(unknownTarget)).toEqual(['target']);
    expect((await addField(admin, 'contacts', { apiName: 'c_acc', type: 'relation', target: 'accounts', label: l('A') }, mdeps)).target).toBe('accounts');
    const noOptions = await problemOf(addField(admin, 'contacts', { apiName: 'c_p', type: 'picklist', label: l('P') }, mdeps));
    expect(paths(noOptions)).toEqual(['options']);
    const badDefault = await problemOf(addField(admin, 'contacts', { ...tier, apiName: 'c_t2', default: 'platinum' }, mdeps));
    expect(paths(badDefault)).toEqual(['default']);
    const noLabel = await problemOf(addField(admin, 'contacts', { apiName: 'c_x', type: 'text', label: { en: 'X' } }, mdeps));
    expect(paths(noLabel)).toEqual(['label.zh-CN']);
  });

  it(`enforces ${MAX_CUSTOM_FIELDS_PER_OBJECT} custom fields and ${MAX_SEARCHABLE_CUSTOM_FIELDS} searchable ones per object, naming the limit`, async () => {
    for (let i = 0; i < MAX_CUSTOM_FIELDS_PER_OBJECT; i++) {
      await addField(admin, 'accounts', { apiName: `c_f${i}`, type: 'number', label: l(`F${i}`), searchable: false }, mdeps);
    }
    const tooMany = await problemOf(addField(admin, 'accounts', { apiName: 'c_more', type: 'number', label: l('More') }, mdeps));
    expect(tooMany.status).toBe(400);
    expect(tooMany.extensions.errors).toEqual([expect.objectContaining({ path: 'apiName', code: 'limit_exceeded', limit: 'customFieldsPerObject' })]);
    // Deactivated fields still count: their values are kept.
    await deactivateField(admin, 'accounts', 'c_f0', mdeps);
    expect((await problemOf(addField(admin, 'accounts', { apiName: 'c_more', type: 'number', label: l('More') }, mdeps))).status).toBe(400);

    for (let i = 0; i < MAX_SEARCHABLE_CUSTOM_FIELDS; i++) await addField(admin, 'leads', { apiName: `c_s${i}`, type: 'text', label: l(`S${i}`), searchable: true }, mdeps);
    const searchable = await problemOf(addField(admin, 'leads', { apiName: 'c_s99', type: 'text', label: l('S'), searchable: true }, mdeps));
    expect(searchable.extensions.errors).toEqual([expect.objectContaining({ path: 'searchable', limit: 'searchableCustomFieldsPerObject' })]);
    await addField(admin, 'leads', { apiName: 'c_s99', type: 'text', label: l('S') }, mdeps);
    expect((await problemOf(updateField(admin, 'leads', 'c_s99', { searchable: true }, mdeps))).status).toBe(400);
  });

  it('keeps a record within DynamoDB item limits: long texts are refused once their worst case passes the byte budget', async () => {
    let refused: HttpProblem | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      refused = await addField(admin, 'opportunities', { apiName: `c_long${i}`, type: 'longText', label: l(`L${i}`) }, mdeps).then(() => undefined, (e) => toProblem(e));
    }
    expect(refused?.extensions.errors).toEqual([expect.objectContaining({ code: 'limit_exceeded', limit: 'customBytesPerRecord' })]);
    expect(meta.fields.size).toBeGreaterThanOrEqual(5);
  });

  it('PATCH changes labels, options, required and permissions, not the name or type; deactivate hides, restore brings back', async () => {
    await addField(admin, 'contacts', tier, mdeps);
    const changed = await updateField(admin, 'contacts', 'c_tier', { label: l('Level'), required: true, permissions: { rep: 'read' }, options: [...tier.options, { value: 'platinum', label: l('Platinum'), color: '#aabbcc', order: 3 }] }, mdeps);
    expect(changed).toMatchObject({ label: l('Level'), required: true, permissions: { rep: 'read' } });
    expect(changed.options!.map((o) => o.value)).toEqual(['gold', 'silver', 'platinum']);
    expect(paths(await problemOf(updateField(admin, 'contacts', 'c_tier', { type: 'text' }, mdeps)))).toEqual(['type']);
    expect((await problemOf(updateField(rep, 'contacts', 'c_tier', { required: false }, mdeps))).status).toBe(403);
    const repView = (await describeMetadata(rep, {}, mdeps)).objects.find((o) => o.apiName === 'contacts')!.fields.find((f) => f.apiName === 'c_tier');
    expect(repView).toMatchObject({ readable: true, writable: false });

    await deactivateField(admin, 'contacts', 'c_tier', mdeps);
    const afterDelete = (await describeMetadata(admin, {}, mdeps)).objects.find((o) => o.apiName === 'contacts')!;
    expect(afterDelete.fields.map((f) => f.apiName)).not.toContain('c_tier');
    const inactive = (await describeMetadata(admin, { include: 'inactive' }, mdeps)).objects.find((o) => o.apiName === 'contacts')!;
    expect(inactive.fields.find((f) => f.apiName === 'c_tier')).toMatchObject({ active: false });
    expect((await problemOf(describeMetadata(rep, { include: 'inactive' }, mdeps))).status).toBe(403);
    expect((await problemOf(updateField(admin, 'contacts', 'c_tier', { required: false }, mdeps))).status).toBe(409);
    expect((await restoreField(admin, 'contacts', 'c_tier', mdeps)).active).toBe(true);
    expect(meta.changes.map((c) => c.event.data.change)).toEqual(['field-added', 'field-changed', 'field-deactivated', 'field-restored']);
    expect(meta.ver).toBe(4);
  });

  it('a change decided on an older version is refused (409), not lost', async () => {
    await addField(admin, 'contacts', tier, mdeps);
    // Another container changes the fields between this one's read and its write.
    const load = meta.load.bind(meta);
    meta.load = async () => {
      const seen = await load();
      meta.ver++;
      return seen;
    };
    expect((await problemOf(addField(admin, 'contacts', { ...tier, apiName: 'c_other' }, mdeps))).status).toBe(409);
  });
});

describe('custom values on records', () => {
  beforeEach(async () => {
    await addField(admin, 'contacts', tier, mdeps);
    await addField(admin, 'contacts', { apiName: 'c_since', type: 'date', label: l('Since'), default: '2026-01-01' }, mdeps);
  });

  it('stores valid values as top-level fields, fills defaults, reads them back', async () => {
    const c = await createRecord(contactEntity, rep, { lastName: 'Zhang', c_tier: 'gold' }, rdeps);
    expect(c).toMatchObject({ c_tier: 'gold', c_since: '2026-01-01' });
    expect(records.commits[0]!.record).toMatchObject({ c_tier: 'gold' });
    expect((await getRecord(contactEntity, rep, c.id, rdeps)).c_tier).toBe('gold');
    const patched = await updateRecord(contactEntity, rep, c.id, { c_tier: 'silver', c_since: null }, undefined, rdeps);
    expect(patched.c_tier).toBe('silver');
    expect('c_since' in patched).toBe(false);
  });

  it('names every bad field at once, standard and custom, and refuses unknown c_ names', async () => {
    const bad = await problemOf(createRecord(contactEntity, rep, { lastName: 'Zhang', email: 'nope', c_tier: 'platinum', c_nope: 1 }, rdeps));
    expect(bad.status).toBe(400);
    expect(paths(bad).sort()).toEqual(['c_nope', 'c_tier', 'email']);
    const c = await createRecord(contactEntity, rep, { lastName: 'Li' }, rdeps);
    const patch = await problemOf(updateRecord(contactEntity, rep, c.id, { email: 'nope', c_tier: 'platinum' }, undefined, rdeps));
    expect(paths(patch).sort()).toEqual(['c_tier', 'email']);
  });

  it('hides a deactivated field on read and keeps its value; restore brings it back', async () => {
    const c = await createRecord(contactEntity, rep, { lastName: 'Wang', c_tier: 'gold' }, rdeps);
    await deactivateField(admin, 'contacts', 'c_tier', mdeps);
    const hidden = await getRecord(contactEntity, rep, c.id, rdeps);
    expect('c_tier' in hidden).toBe(false);
    expect((await listRecords(contactEntity, rep, {}, rdeps)).items.find((x) => x.id === c.id)).not.toHaveProperty('c_tier');
    expect(paths(await problemOf(updateRecord(contactEntity, rep, c.id, { c_tier: 'silver' }, undefined, rdeps)))).toEqual(['c_tier']);
    // Another change keeps the stored value.
    await updateRecord(contactEntity, rep, c.id, { title: 'CTO' }, undefined, rdeps);
    await restoreField(admin, 'contacts', 'c_tier', mdeps);
    expect((await getRecord(contactEntity, rep, c.id, rdeps)).c_tier).toBe('gold');
  });

  it('applies per-role permissions: a rep may read but not set a read-only field, and sees nothing of a hidden one', async () => {
    await updateField(admin, 'contacts', 'c_tier', { permissions: { rep: 'read' } }, mdeps);
    const denied = await problemOf(createRecord(contactEntity, rep, { lastName: 'Zhao', c_tier: 'gold' }, rdeps));
    expect([denied.status, paths(denied)]).toEqual([403, ['c_tier']]);
    const c = await createRecord(contactEntity, admin, { lastName: 'Zhao', c_tier: 'gold' }, rdeps);
    expect((await getRecord(contactEntity, rep, c.id, rdeps)).c_tier).toBe('gold');
    await updateField(admin, 'contacts', 'c_tier', { permissions: { rep: 'none' } }, mdeps);
    expect(await getRecord(contactEntity, rep, c.id, rdeps)).not.toHaveProperty('c_tier');
  });

  it('reads the metadata once per version per container: a version check per refresh window, a Query only when it moved', async () => {
    const loadsBefore = meta.loads;
    for (let i = 0; i < 5; i++) await createRecord(contactEntity, rep, { lastName: `N${i}`, c_tier: 'gold' }, rdeps);
    expect([meta.loads - loadsBefore, meta.versionReads]).toEqual([0, 0]);
    now += 6_000;
    await createRecord(contactEntity, rep, { lastName: 'After', c_tier: 'gold' }, rdeps);
    expect([meta.loads - loadsBefore, meta.versionReads]).toEqual([0, 1]);
    // Another container changes the metadata: this one sees it after its refresh window.
    const other = new MetadataRegistry(meta, () => new Date(now));
    await addField(admin, 'contacts', { apiName: 'c_vip', type: 'boolean', label: l('VIP') }, { ...mdeps, registry: other });
    expect(paths(await problemOf(createRecord(contactEntity, rep, { lastName: 'X', c_vip: true }, rdeps)))).toEqual(['c_vip']);
    now += 6_000;
    expect((await createRecord(contactEntity, rep, { lastName: 'X', c_vip: true }, rdeps)).c_vip).toBe(true);
  });
});

describe('metadata items', () => {
  it('round-trip through their codecs under T#<t>#meta', () => {
    const field: StoredField = {
      ...def('c_tier', 'picklist', { options: tierOptions, permissions: { rep: 'read' }, default: 'gold' }),
      object: 'contacts', createdAt: '2026-12-01T08:00:00.000Z', createdBy: 'adm', updatedAt: '2026-12-01T08:00:00.000Z', updatedBy: 'adm',
    };
    const item = metaFieldCodec.encode(field, { tenantId: 'demo' });
    expect([item.pk, item.sk, item.entityType]).toEqual([keys.meta('demo'), 'field#contacts#c_tier', 'meta-field']);
    expect(metaFieldCodec.decode(item)).toEqual(field);
    const v = metaVersionCodec.encode({ version: 7, updatedAt: field.updatedAt, updatedBy: 'adm' }, { tenantId: 'demo' });
    expect([v.pk, v.sk]).toEqual(['T#demo#meta', '~version']);
    expect(metaVersionCodec.decode(v).version).toBe(7);
    expect(() => metaFieldCodec.decode(v)).toThrow(/meta-version/);
    const layout = { object: 'contacts', fields: ['c_tier', 'lastName'], updatedAt: field.updatedAt, updatedBy: 'adm' };
    const li = metaLayoutCodec.encode(layout, { tenantId: 'demo' });
    expect([li.pk, li.sk, li.entityType]).toEqual(['T#demo#meta', 'layout#contacts', 'meta-layout']);
    expect(metaLayoutCodec.decode(li)).toEqual(layout);
    expect(() => metaLayoutCodec.decode(item)).toThrow(/meta-field/);
  });

  it('describe every standard field with labels in both languages, none with a c_ name', () => {
    for (const o of STANDARD_OBJECT_DEFINITIONS) {
      for (const f of o.fields) {
        expect(f.apiName.startsWith('c_'), `${o.apiName}.${f.apiName}`).toBe(false);
        expect(f.custom).toBe(false);
        expect(fieldCreate.shape.label.safeParse(f.label).success, `${o.apiName}.${f.apiName}`).toBe(true);
        if (f.options) expect(compileFields([{ ...f, apiName: 'x' }]).safeParse({ x: f.options[0]!.value }).success).toBe(true);
      }
    }
  });
});
