import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/commons/auth.ts';
import { MetadataRegistry } from '../../functions/metadata/custom-fields.ts';
import { purgeContext } from '../../functions/customization/purge.ts';
import { createObject, deactivateField, describeMetadata, getJob, purgeField, restoreField, type MetadataDeps } from '../../functions/customization/service.ts';
import { metaJobCodec, type StoredField } from '../../functions/metadata/items.ts';
import type { TenantMetadata } from '../../functions/metadata/store.ts';
import { indexSk } from '../../functions/records/list-index.ts';
import { indexedCustomFields } from '../../functions/records/list-query.ts';
import { objectEntity } from '../../functions/records/objects.ts';
import { purgedTokens, recordPurge } from '../../functions/records/purging.ts';
import { createRecord, deleteRecord, searchTokens, updateRecord, type RecordDeps } from '../../functions/records/service.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { problemOf } from '../support/problems.ts';
import { MemoryMetadataStore } from '../support/memory-metadata-store.ts';

/**
 * The field purge's pure parts and the writes around it: the purge request (functions/customization/service.ts),
 * what one record's purge writes (functions/records/purging.ts), the index fields that move up while a field is
 * purged (functions/records/list-query.ts), and the record service stripping a purging field from its writes.
 * The walk itself, its checkpoints and a crash are proved through the local runtime
 * (test/integration/field-purge.test.ts, field-purge-crash.test.ts).
 */
const admin: Principal = { tenantId: 'demo', userId: 'adm', email: 'adm@demo.local', name: 'Admin', role: 'admin', groups: ['admin'] };
const rep: Principal = { tenantId: 'demo', userId: 'rep-1', email: 'rep-1@demo.local', name: 'Rep', role: 'rep', groups: ['rep'] };
const l = (en: string) => ({ en, 'zh-CN': `${en}（中）` });

let meta: MemoryMetadataStore;
let mdeps: MetadataDeps;
let records: MemoryStore;
let rdeps: RecordDeps;
let seq = 0;

beforeEach(() => {
  meta = new MemoryMetadataStore();
  const clock = () => new Date('2026-12-01T08:00:00.000Z');
  const registry = new MetadataRegistry(meta, clock);
  const newId = () => `01JPURGE${String(++seq).padStart(17, '0')}`;
  mdeps = { store: meta, registry, clock, newId };
  records = new MemoryStore();
  rdeps = { store: records, clock, newId, metadata: registry };
  for (const id of ['A1', 'A2']) {
    records.records.set(`demo/account/${id}`, { id, name: id, ownerId: 'rep-1', version: 1, createdAt: '', createdBy: '', updatedAt: '', updatedBy: '' });
  }
});

const projects = {
  apiName: 'c_projects', label: l('Project'), labelPlural: l('Projects'),
  fields: [
    { apiName: 'c_name', type: 'text', label: l('Name'), required: true, searchable: true },
    { apiName: 'c_mail', type: 'email', label: l('Mail'), searchable: true },
    { apiName: 'c_account', type: 'relation', target: 'accounts', label: l('Account') },
    { apiName: 'c_partners', type: 'relation', target: 'accounts', many: true, label: l('Partners') },
  ],
};

describe('the purge request', () => {
  it('takes only a deactivated field, from an admin: 409 while active, then one change with the job and its event', async () => {
    await createObject(admin, projects, mdeps);
    const active = await problemOf(purgeField(admin, 'c_projects', 'c_mail', {}, mdeps));
    expect(active.status).toBe(409);
    expect((await problemOf(purgeField(rep, 'c_projects', 'c_mail', {}, mdeps))).status).toBe(403);
    expect((await problemOf(purgeField(admin, 'c_projects', 'c_nothing', {}, mdeps))).status).toBe(404);
    expect((await problemOf(purgeField(admin, 'c_projects', 'c_mail', { pageSize: 0 }, mdeps))).status).toBe(400);

    await deactivateField(admin, 'c_projects', 'c_mail', mdeps);
    const job = await purgeField(admin, 'c_projects', 'c_mail', { pageSize: 7 }, mdeps);
    expect(job).toMatchObject({ kind: 'field-purge', object: 'c_projects', field: 'c_mail', status: 'queued', examined: 0, cleared: 0 });
    expect(job).not.toHaveProperty('cursor');
    const change = meta.changes.at(-1)!;
    expect(change.fields.map((f) => [f.field.apiName, f.field.state, f.field.purgeJobId, f.isNew])).toEqual([['c_mail', 'purging', job.id, false]]);
    expect(change.fieldsNotPurging).toBe(true);
    expect(change.job).toMatchObject({ id: job.id, pageSize: 7, phase: 'live', step: 0 });
    expect(change.event).toMatchObject({ name: 'metadata.field_purge_requested', subject: { type: 'metadata', id: 'c_projects.c_mail' }, data: { object: 'c_projects', field: 'c_mail', jobId: job.id, metadataVersion: meta.ver } });
    expect(change.audit).toMatchObject({ action: 'delete', recordType: 'metadata', recordId: 'c_projects', before: { active: false }, after: { state: 'purging', purgeJobId: job.id } });
    expect(metaJobCodec.decode(metaJobCodec.encode(change.job!, { tenantId: 'demo' }))).toEqual(change.job);

    // Asked again: the same job, nothing written. Gone from metadata, even for ?include=inactive; no restore.
    expect((await purgeField(admin, 'c_projects', 'c_mail', {}, mdeps)).id).toBe(job.id);
    expect(meta.changes.at(-1)).toBe(change);
    // ... except the event again, so a worker whose retries ran out is started again (it resumes at its checkpoint).
    expect(meta.published).toMatchObject([{ name: 'metadata.field_purge_requested', data: { jobId: job.id } }]);
    const doc = await describeMetadata(admin, { include: 'inactive' }, mdeps);
    expect(doc.objects.find((o) => o.apiName === 'c_projects')!.fields.map((f) => f.apiName)).not.toContain('c_mail');
    expect((await problemOf(restoreField(admin, 'c_projects', 'c_mail', mdeps))).status).toBe(409);
    expect(await getJob(admin, job.id, mdeps)).toEqual(job);
    expect((await problemOf(getJob(rep, job.id, mdeps))).status).toBe(403);
    expect((await problemOf(getJob(admin, 'NOPE', mdeps))).status).toBe(404);
  });

  it('answers 409 for a name that was purged (nothing left to restore), 404 for one that never was', async () => {
    await createObject(admin, projects, mdeps);
    meta.purgedNames.set('c_projects/c_old', { object: 'c_projects', field: 'c_old', jobId: 'J1', purgedAt: '2026-12-01T07:00:00.000Z' });
    expect((await problemOf(restoreField(admin, 'c_projects', 'c_old', mdeps))).status).toBe(409);
    expect((await problemOf(purgeField(admin, 'c_projects', 'c_old', {}, mdeps))).status).toBe(409);
    expect((await problemOf(restoreField(admin, 'c_projects', 'c_never', mdeps))).status).toBe(404);
  });
});

describe('writes while a field is purging', () => {
  it('strip its value, its tokens and its links from any record written, without counting it as a change', async () => {
    await createObject(admin, projects, mdeps);
    const def = await objectEntity(rep, 'c_projects', rdeps);
    const a = await createRecord(def, rep, { c_name: 'ERP', c_mail: 'wei.zhang@huawei.com', c_account: 'A1' }, rdeps);
    const b = await createRecord(def, rep, { c_name: 'CRM', c_mail: 'li.na@example.cn' }, rdeps);
    expect(records.commits.at(-2)!.tokensPut).toEqual(expect.arrayContaining(['wei.zhang@huawei.com', 'huawei.com']));
    for (const f of ['c_mail', 'c_account']) await deactivateField(admin, 'c_projects', f, mdeps);
    await purgeField(admin, 'c_projects', 'c_mail', {}, mdeps);
    await purgeField(admin, 'c_projects', 'c_account', {}, mdeps);
    const purging = await objectEntity(rep, 'c_projects', rdeps);

    await updateRecord(purging, rep, a.id, { c_name: 'ERP 2' }, undefined, rdeps);
    let c = records.commits.at(-1)!;
    expect(c.record).not.toHaveProperty('c_mail');
    expect(c.record).not.toHaveProperty('c_account');
    expect(c.tokensRemoved).toEqual(expect.arrayContaining(['wei.zhang@huawei.com', 'huawei.com', 'zhang@huawei.com']));
    expect(c.linksRemoved).toEqual([{ parentType: 'account', parentId: 'A1' }]);
    expect(c.audit.after).toEqual({ c_name: 'ERP 2' });
    expect(c.event.changes).toEqual(['c_name']);
    expect(new Set(c.tokensRemoved).size).toBe(c.tokensRemoved.length);

    // A soft delete leaves the trash without it, too (the job walks the trash before the walk is over).
    await deleteRecord(purging, rep, b.id, undefined, rdeps);
    c = records.commits.at(-1)!;
    expect(c.record).not.toHaveProperty('c_mail');
    expect(c.tokensRemoved).toEqual(expect.arrayContaining(['crm', 'li.na@example.cn', 'example.cn']));
  });
});

describe('one record\'s purge (pure)', () => {
  const at = '2026-12-01T08:00:00.000Z';
  const field = (apiName: string, type: string, more: Partial<StoredField> = {}): StoredField => ({
    apiName, type: type as StoredField['type'], label: l(apiName), required: false, unique: false, searchable: false, active: true, custom: true,
    object: 'c_projects', createdAt: at, createdBy: 'adm', updatedAt: at, updatedBy: 'adm', ...more,
  });
  const record = (more: Record<string, unknown>) => ({ id: 'R1', name: 'ERP', ownerId: 'rep-1', version: 3, createdAt: at, createdBy: 'u', updatedAt: at, updatedBy: 'u', c_name: 'ERP', ...more });
  const object = { apiName: 'c_projects', recordType: 'c_projects', nameField: 'c_name' };

  it('removes the value\'s index item and the tokens the record does not give any more, keeps those it still gives', () => {
    const fields = [field('c_name', 'text', { searchable: true }), field('c_mail', 'email', { searchable: true, active: false, state: 'purging' })];
    const ctx = purgeContext({ object: 'c_projects', field: 'c_mail' }, fields, object);
    // "erp" is the name's token too: it stays.
    const r = record({ c_mail: 'erp@acme.example' });
    const plan = recordPurge(ctx, r)!;
    expect(plan.hadValue).toBe(true);
    expect(plan.indexRemoved).toEqual([{ field: 'c_mail', sk: indexSk({ apiName: 'c_mail', type: 'email' }, r) }]);
    expect(plan.tokensRemoved).toEqual(['erp@acme.example', 'acme.example']);
    expect(searchTokens(ctx.def as never, r)).toContain('erp');
    expect(plan.linksRemoved).toEqual([]);
    // Nothing to write for a record without a value; in the trash every token of the value goes (the name's went on delete).
    expect(recordPurge(ctx, record({}))).toBeUndefined();
    expect(recordPurge(ctx, record({ c_mail: 'erp@acme.example', deletedAt: at }))!.tokensRemoved).toEqual(['erp', 'erp@acme.example', 'acme.example'].filter((t) => purgedTokens(fields[1]!, 'erp@acme.example', []).includes(t)));
  });

  it('removes a relation link, or puts it back naming only the fields still pointing at that record', () => {
    const fields = [
      field('c_name', 'text', { searchable: true }),
      field('c_account', 'relation', { target: 'accounts', active: false, state: 'purging' }),
      field('c_partners', 'relation', { target: 'accounts', many: true }),
    ];
    const ctx = purgeContext({ object: 'c_projects', field: 'c_account' }, fields, object);
    const plan = recordPurge(ctx, record({ c_account: 'A1', c_partners: ['A1', 'A2'] }))!;
    expect(plan.linksRemoved).toEqual([]);
    expect(plan.linksPut).toEqual([{ parentType: 'account', parentId: 'A1', summary: { id: 'R1', name: 'ERP', ownerId: 'rep-1', via: ['c_partners'] } }]);
    expect(recordPurge(ctx, record({ c_account: 'A1' }))!.linksRemoved).toEqual([{ parentType: 'account', parentId: 'A1' }]);
    // In the trash a record has no links (all removed on delete): nothing to remove.
    expect(recordPurge(ctx, record({ c_account: 'A1', deletedAt: at }))!.linksRemoved).toEqual([]);
  });

  it('gives the field next in line its index items: lists use it once the purge is over, writes keep it meanwhile', () => {
    // 11 indexable fields: the first 10 have index items; purging the 3rd lets the 11th in.
    const fields = Array.from({ length: 11 }, (_, i) => field(`c_n${String(i).padStart(2, '0')}`, 'number', { createdAt: `2026-12-01T08:00:${String(i).padStart(2, '0')}.000Z` }));
    const names = (xs: { apiName: string }[]) => xs.map((x) => x.apiName);
    expect(names(indexedCustomFields({ fields } as never))).toHaveLength(10);
    fields[2] = { ...fields[2]!, active: false, state: 'purging' };
    const write = names(indexedCustomFields({ fields } as never, 'write'));
    const query = names(indexedCustomFields({ fields } as never, 'query'));
    expect(write).toEqual(names(fields));
    expect(query).toEqual(names(fields).filter((n) => n !== 'c_n02' && n !== 'c_n10'));
    const ctx = purgeContext({ object: 'c_projects', field: 'c_n02' }, fields, { ...object, nameField: 'c_n00' });
    expect(names([...ctx.backfill])).toEqual(['c_n10']);
    const plan = recordPurge(ctx, record({ c_n02: 5, c_n10: 7 }))!;
    expect(plan.indexRemoved.map((e) => e.field)).toEqual(['c_n02']);
    expect(plan.indexPut.map((e) => e.field)).toEqual(['c_n10']);
    // A record without the purged value still gets the backfilled item; one without either needs nothing.
    expect(recordPurge(ctx, record({ c_n10: 7 }))).toMatchObject({ hadValue: false, indexPut: [{ field: 'c_n10' }] });
    expect(recordPurge(ctx, record({}))).toBeUndefined();
  });
});
