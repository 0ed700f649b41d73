import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/commons/auth.ts';
import { accountEntity } from '../../functions/accounts/entity.ts';
import { contactEntity } from '../../functions/contacts/entity.ts';
import { createRecord, deleteRecord, getRecord, ifMatchHolds, recordAudit, restoreRecord, searchPrefix, searchTokens, updateRecord, type RecordDeps } from '../../functions/records/service.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { problemOf } from '../support/problems.ts';

const rep = (id = 'rep-1'): Principal => ({ tenantId: 'demo', userId: id, email: `${id}@demo.local`, name: id, role: 'rep', groups: ['rep'] });
const manager: Principal = { tenantId: 'demo', userId: 'mgr', email: 'mgr@demo.local', name: 'Manager', role: 'manager', groups: ['manager'] };

let store: MemoryStore;
let deps: RecordDeps;
let seq = 0;

beforeEach(() => {
  store = new MemoryStore();
  store.users.set('demo/rep-2', { id: 'rep-2', email: 'rep-2@demo.local', name: 'Rep Two', role: 'rep' });
  seq = 0;
  deps = { store, clock: () => new Date('2026-11-23T08:00:00.000Z'), newId: () => `ID${String(++seq).padStart(4, '0')}` };
});

describe('creating a contact', () => {
  it('stores E.164 phones, the display name, the owner and version 1, with audit, timeline and event in one change', async () => {
    const c = await createRecord(contactEntity, rep(), { firstName: '伟', lastName: '张', phone: '138 0013 8000', country: 'CN', email: 'Wei@Example.cn' }, deps);
    expect(c).toMatchObject({ name: '张伟', phone: '+8613800138000', ownerId: 'rep-1', version: 1, createdAt: '2026-11-23T08:00:00.000Z' });
    const [change] = store.commits;
    expect(change!.audit).toMatchObject({ action: 'create', actor: { id: 'rep-1' }, after: { email: 'Wei@Example.cn' } });
    expect(change!.timeline.map((t) => t.entry.type)).toEqual(['created']);
    expect(change!.event).toMatchObject({ name: 'contact.created', tenantId: 'demo', subject: { type: 'contact', id: c.id } });
    expect(change!.uniquesAdded).toEqual([{ field: 'email', value: 'wei@example.cn' }]);
    expect(change!.tokensPut).toEqual(expect.arrayContaining(['张伟', 'wei@example.cn', '8613800138000', '13800138000']));
  });

  it('names every bad field and writes nothing', async () => {
    const p = await problemOf(createRecord(contactEntity, rep(), { lastName: 'x'.repeat(101), email: 'nope', phone: '12', shoe: 42 }, deps));
    expect(p.status).toBe(400);
    const paths = (p.toBody().errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['email', 'lastName', 'phone', 'shoe']);
    expect(store.commits).toHaveLength(0);
  });

  it('refuses a national phone number without a country', async () => {
    const p = await problemOf(createRecord(contactEntity, rep(), { lastName: 'Li', phone: '138 0013 8000' }, deps));
    expect(p.toBody()).toMatchObject({ status: 400, errors: [{ path: 'phone', code: 'invalid_phone' }] });
  });

  it('answers 409 naming the existing contact when the email is taken (case-insensitive)', async () => {
    const first = await createRecord(contactEntity, rep(), { firstName: 'Ann', lastName: 'Lee', email: 'ann@x.com' }, deps);
    const p = await problemOf(createRecord(contactEntity, rep('rep-2'), { lastName: 'Other', email: 'ANN@x.com' }, deps));
    expect(p.status).toBe(409);
    expect(p.toBody()).toMatchObject({ existingId: first.id, existingName: 'Ann Lee' });
  });

  it('lets a rep own only their own records, a manager assign anyone in the tenant', async () => {
    expect((await problemOf(createRecord(contactEntity, rep(), { lastName: 'A', ownerId: 'rep-2' }, deps))).status).toBe(403);
    const c = await createRecord(contactEntity, manager, { lastName: 'A', ownerId: 'rep-2' }, deps);
    expect(c.ownerId).toBe('rep-2');
    expect((await problemOf(createRecord(contactEntity, manager, { lastName: 'B', ownerId: 'ghost' }, deps))).toBody())
      .toMatchObject({ status: 400, errors: [{ path: 'ownerId' }] });
  });

  it('links a contact to its account and notes it on the account timeline', async () => {
    const a = await createRecord(accountEntity, rep(), { name: 'Acme' }, deps);
    const c = await createRecord(contactEntity, rep(), { lastName: 'Doe', accountId: a.id }, deps);
    expect(c.accountName).toBe('Acme');
    const change = store.commits.at(-1)!;
    expect(change.timeline.map((t) => [t.type, t.entry.type])).toEqual([['contact', 'created'], ['account', 'contact-linked']]);
    expect(change.linkPut).toMatchObject({ parentType: 'account', parentId: a.id });
    const bad = await problemOf(createRecord(contactEntity, rep(), { lastName: 'Doe', accountId: 'missing' }, deps));
    expect(bad.toBody()).toMatchObject({ status: 400, errors: [{ path: 'accountId' }] });
  });
});

describe('sensitive fields (CD-7)', () => {
  it('are refused on write to reps, naming the field, and hidden from them on read', async () => {
    const p = await problemOf(createRecord(contactEntity, rep(), { lastName: 'A', nationalId: '110101199003071234' }, deps));
    expect(p.toBody()).toMatchObject({ status: 403, errors: [{ path: 'nationalId' }] });
    const c = await createRecord(contactEntity, manager, { lastName: 'A', nationalId: '110101199003071234', ownerId: 'mgr' }, deps);
    expect(c.nationalId).toBe('110101199003071234');
    expect(await getRecord(contactEntity, rep(), c.id, deps)).not.toHaveProperty('nationalId');
    const audit = await recordAudit(contactEntity, rep(), c.id, {}, deps);
    expect(audit.items[0]!.after).not.toHaveProperty('nationalId');
    expect(store.commits.at(-1)!.event.data).not.toHaveProperty('nationalId');
  });
});

describe('changing a contact', () => {
  it('bumps the version, records before/after of changed fields only, and refuses a stale If-Match with 412', async () => {
    const c = await createRecord(contactEntity, rep(), { firstName: 'Ann', lastName: 'Lee', title: 'CEO' }, deps);
    const u = await updateRecord(contactEntity, rep(), c.id, { title: 'CTO', firstName: null }, '"1"', deps);
    expect(u).toMatchObject({ version: 2, title: 'CTO', name: 'Lee' });
    expect(u).not.toHaveProperty('firstName');
    expect(store.commits.at(-1)!.audit).toMatchObject({ action: 'update', before: { title: 'CEO', firstName: 'Ann' }, after: { title: 'CTO' } });
    expect(store.commits.at(-1)!.timeline[0]!.entry.changes).toEqual(['firstName', 'title']);
    const stale = await problemOf(updateRecord(contactEntity, rep(), c.id, { title: 'CFO' }, '"1"', deps));
    expect(stale.status).toBe(412);
    expect(stale.toBody()).toMatchObject({ currentVersion: 2, current: { title: 'CTO' } });
    expect(stale.headers.etag).toBe('"2"');
  });

  it('is allowed to the owner, their manager and admins only (record visibility: managers edit their team\'s)', async () => {
    const c = await createRecord(contactEntity, rep(), { lastName: 'Lee' }, deps);
    expect((await problemOf(updateRecord(contactEntity, rep('rep-2'), c.id, { title: 'X' }, undefined, deps))).status).toBe(403);
    // rep-1 does not report to mgr yet: mgr reads the contact (contacts: read all) but may not change it.
    expect((await problemOf(updateRecord(contactEntity, manager, c.id, { title: 'X' }, undefined, deps))).status).toBe(403);
    store.users.set('demo/rep-1', { id: 'rep-1', email: 'rep-1@demo.local', name: 'Rep One', role: 'rep', managerId: 'mgr' });
    expect((await updateRecord(contactEntity, manager, c.id, { title: 'X' }, undefined, deps)).title).toBe('X');
  });

  it('renames an account (its name is its own field, not derived), with audit and timeline', async () => {
    const a = await createRecord(accountEntity, rep(), { name: '上海示例科技' }, deps);
    const u = await updateRecord(accountEntity, rep(), a.id, { name: '上海示例科技有限公司' }, '"1"', deps);
    expect(u).toMatchObject({ version: 2, name: '上海示例科技有限公司' });
    expect(store.commits.at(-1)!.timeline[0]!.entry.changes).toEqual(['name']);
    expect(store.commits.at(-1)!.audit).toMatchObject({ before: { name: '上海示例科技' }, after: { name: '上海示例科技有限公司' } });
  });

  it('writes nothing when nothing changed', async () => {
    const c = await createRecord(contactEntity, rep(), { lastName: 'Lee', title: 'CEO' }, deps);
    await updateRecord(contactEntity, rep(), c.id, { title: 'CEO' }, undefined, deps);
    expect(store.commits).toHaveLength(1);
  });

  it('moves the email uniqueness with the email', async () => {
    const c = await createRecord(contactEntity, rep(), { lastName: 'Lee', email: 'a@x.com' }, deps);
    await updateRecord(contactEntity, rep(), c.id, { email: 'b@x.com' }, undefined, deps);
    const change = store.commits.at(-1)!;
    expect(change.uniquesAdded).toEqual([{ field: 'email', value: 'b@x.com' }]);
    expect(change.uniquesRemoved).toEqual([{ field: 'email', value: 'a@x.com' }]);
    expect(change.tokensRemoved).toContain('a@x.com');
  });
});

describe('soft delete and restore', () => {
  it('keeps history, drops search tokens, and restores', async () => {
    const c = await createRecord(contactEntity, rep(), { lastName: 'Lee' }, deps);
    await deleteRecord(contactEntity, rep(), c.id, undefined, deps);
    expect(store.commits.at(-1)!.tokensRemoved).toContain('lee');
    expect((await getRecord(contactEntity, rep(), c.id, deps)).deletedAt).toBeDefined();
    expect((await problemOf(updateRecord(contactEntity, rep(), c.id, { title: 'x' }, undefined, deps))).status).toBe(409);
    const r = await restoreRecord(contactEntity, rep(), c.id, deps);
    expect(r.deletedAt).toBeUndefined();
    expect(r.version).toBe(3);
    expect(store.commits.map((x) => x.event.name)).toEqual(['contact.created', 'contact.deleted', 'contact.restored']);
  });
});

describe('search and preconditions', () => {
  it('matches phones by digits and names case-insensitively', () => {
    expect(searchPrefix(' +86 138-0013 ')).toBe('861380013');
    expect(searchPrefix('Ann LEE')).toBe('ann lee');
    expect(searchTokens(contactEntity, { name: '张伟', email: 'Wei.Zhang@huawei.example.cn' }))
      .toEqual(expect.arrayContaining(['wei.zhang@huawei.example.cn', 'zhang@huawei.example.cn', 'huawei.example.cn']));
    expect(searchTokens(accountEntity, { name: 'Acme Robotics', domain: 'acme.com', phone: '+15125550134' }))
      .toEqual(expect.arrayContaining(['acme robotics', 'acme', 'robotics', 'acme.com', '15125550134', '5125550134']));
  });

  it('reads If-Match in its strong, weak and wildcard forms', () => {
    expect(ifMatchHolds('"3"', 3)).toBe(true);
    expect(ifMatchHolds('W/"3"', 3)).toBe(true);
    expect(ifMatchHolds('*', 9)).toBe(true);
    expect(ifMatchHolds('"2"', 3)).toBe(false);
  });
});
