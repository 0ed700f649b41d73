import { describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/commons/auth.ts';
import { toProblem, type HttpProblem } from '../../functions/commons/problem.ts';
import { SHARING_REFRESH_MS, SharingRegistry, sharingCodec, type StoredSharing } from '../../functions/metadata/sharing.ts';
import { getSharing, putSharing, type SharingDeps } from '../../functions/sharing/service.ts';
import { SharingMoved, type SharingChange, type SharingStore } from '../../functions/sharing/store.ts';
import { listScope, teamOf, visibility } from '../../functions/records/visibility.ts';
import type { StoredObject } from '../../functions/metadata/items.ts';
import type { TenantMetadata } from '../../functions/metadata/store.ts';

const person = (role: Principal['role'], userId = `u-${role}`): Principal => ({ tenantId: 'demo', userId, role, name: role, email: `${role}@demo.local`, groups: [role] });
const admin = person('admin');

class MemorySharing implements SharingStore {
  items = new Map<string, StoredSharing>();
  commits: SharingChange[] = [];
  loads = 0;
  async load(_t: string) {
    this.loads++;
    return [...this.items.values()].map((s) => structuredClone(s));
  }
  async commit(c: SharingChange) {
    if ((this.items.get(c.sharing.object)?.version ?? 0) !== c.expectedVersion) throw new SharingMoved();
    this.items.set(c.sharing.object, structuredClone(c.sharing));
    this.commits.push(c);
  }
}

const customObject = (apiName: string, active: boolean): StoredObject => ({
  apiName, recordType: apiName, label: { en: 'Project', 'zh-CN': '项目' }, labelPlural: { en: 'Projects', 'zh-CN': '项目' }, icon: 'box',
  nameField: 'c_name', searchable: true, custom: true, active,
  createdAt: '2026-12-01T08:00:00.000Z', createdBy: 'u-admin', updatedAt: '2026-12-01T08:00:00.000Z', updatedBy: 'u-admin',
});

function setup() {
  let now = Date.parse('2026-12-02T08:00:00.000Z');
  const clock = () => new Date(now);
  const store = new MemorySharing();
  const registry = new SharingRegistry(store, clock);
  let seq = 0;
  /** The tenant's custom objects: c_projects active, c_old deactivated. */
  const meta: { objects: StoredObject[]; reloads: number } = { objects: [customObject('c_projects', true), customObject('c_old', false)], reloads: 0 };
  const metadata = { reload: async (): Promise<TenantMetadata> => { meta.reloads++; return { version: 1, fields: [], objects: meta.objects }; } };
  const deps: SharingDeps = { store, registry, clock, newId: () => `ID${++seq}`, metadata };
  return { store, registry, deps, meta, advance: (ms: number) => { now += ms; } };
}

/** The answer the edge would give (application/problem+json), or a failure if the call succeeded. */
const problem = (p: Promise<unknown>): Promise<HttpProblem> => p.then(
  () => { throw new Error('expected a refusal'); },
  (e) => toProblem(e) ?? Promise.reject(e),
);

describe('sharing settings (functions/sharing)', () => {
  it('admins set a role\'s levels: audited, sharing.changed published, the other roles keep the defaults', async () => {
    const { store, deps } = setup();
    const view = await putSharing(admin, 'leads', { rep: { read: 'team', edit: 'own' } }, deps);
    expect(view).toMatchObject({ object: 'leads', rep: { read: 'team', edit: 'own' }, manager: { read: 'team', edit: 'team' }, admin: { read: 'all', edit: 'all' }, customized: ['rep'], version: 1 });
    const change = store.commits[0]!;
    expect(change.audit).toMatchObject({ action: 'create', recordType: 'sharing', recordId: 'leads', actor: { id: 'u-admin' }, after: { rep: { read: 'team', edit: 'own' } } });
    expect(change.event).toMatchObject({ name: 'sharing.changed', version: 1, subject: { type: 'sharing', id: 'leads' }, data: { object: 'leads', version: 1, roles: { rep: { read: 'team', edit: 'own' }, agent: { read: 'own', edit: 'own' } } } });
    const again = await putSharing(admin, 'leads', { manager: { read: 'all', edit: 'team' } }, deps);
    expect(again).toMatchObject({ rep: { read: 'team', edit: 'own' }, manager: { read: 'all', edit: 'team' }, version: 2 });
    expect(store.commits[1]!.audit).toMatchObject({ action: 'update', before: { rep: { read: 'team', edit: 'own' } } });
    // The same again changes nothing and writes nothing.
    await putSharing(admin, 'leads', { manager: { read: 'all', edit: 'team' } }, deps);
    expect(store.commits).toHaveLength(2);
  });

  it('refuses others (403), unknown objects (404), and bad bodies naming every bad path (400)', async () => {
    const { deps } = setup();
    for (const role of ['manager', 'rep', 'marketer', 'agent'] as const) {
      expect((await problem(putSharing(person(role), 'leads', { rep: { read: 'all', edit: 'all' } }, deps))).status).toBe(403);
      expect((await problem(getSharing(person(role), 'leads', deps))).status).toBe(403);
    }
    expect((await problem(putSharing(admin, 'c_nothing', {}, deps))).status).toBe(404);
    const wide = await problem(putSharing(admin, 'accounts', { rep: { read: 'own', edit: 'team' }, agent: { read: 'team', edit: 'all' } }, deps));
    expect(wide.status).toBe(400);
    expect((wide.toBody() as any).errors.map((e: { path: string }) => e.path)).toEqual(['rep.edit', 'agent.edit']);
    const bad = await problem(putSharing(admin, 'accounts', { rep: { read: 'none' }, admin: { read: 'own', edit: 'own' } }, deps));
    expect((bad.toBody() as any).errors.map((e: { path: string }) => e.path).sort()).toEqual(['admin', 'rep.edit', 'rep.read']);
  });

  it('an active custom object has sharing (the custom defaults until set); a deactivated or unknown one is 404', async () => {
    const { store, registry, deps, meta } = setup();
    expect(await getSharing(admin, 'c_projects', deps)).toEqual({
      object: 'c_projects', rep: { read: 'all', edit: 'own' }, manager: { read: 'all', edit: 'team' }, marketer: { read: 'all', edit: 'own' },
      agent: { read: 'all', edit: 'own' }, admin: { read: 'all', edit: 'all' }, customized: [], version: 0,
    });
    const view = await putSharing(admin, 'c_projects', { rep: { read: 'own', edit: 'own' } }, deps);
    expect(view).toMatchObject({ rep: { read: 'own', edit: 'own' }, manager: { read: 'all', edit: 'team' }, customized: ['rep'], version: 1 });
    expect(store.commits[0]!.event).toMatchObject({ name: 'sharing.changed', subject: { type: 'sharing', id: 'c_projects' } });
    // The record service asks by record type: a custom object's is its API name.
    expect(await registry.sharingOf('demo', 'c_projects')).toEqual({ rep: { read: 'own', edit: 'own' } });
    const reloads = meta.reloads;
    for (const name of ['c_old', 'c_nothing', 'c_', 'projects']) {
      expect((await problem(getSharing(admin, name, deps))).status, name).toBe(404);
      expect((await problem(putSharing(admin, name, { rep: { read: 'all', edit: 'own' } }, deps))).status, name).toBe(404);
    }
    // A name that cannot be a custom object's is refused without reading the metadata.
    expect(meta.reloads).toBe(reloads + 4);
    meta.objects = [customObject('c_projects', false)];
    expect((await problem(getSharing(admin, 'c_projects', deps))).status).toBe(404);
    expect(store.commits).toHaveLength(1);
  });

  it('a concurrent change answers 409', async () => {
    const { store, deps } = setup();
    await putSharing(admin, 'leads', { rep: { read: 'team', edit: 'own' } }, deps);
    const commit = store.commit.bind(store);
    store.commit = async (c) => {
      store.items.set('leads', { ...store.items.get('leads')!, version: 9 });
      return commit(c);
    };
    expect((await problem(putSharing(admin, 'leads', { rep: { read: 'all', edit: 'own' } }, deps))).status).toBe(409);
  });

  it('the cache: the container that changed it sees the change at once, another within SHARING_REFRESH_MS', async () => {
    const { store, registry, deps, advance } = setup();
    const other = new SharingRegistry(store, deps.clock);
    expect(await other.sharingOf('demo', 'lead')).toBeUndefined();
    await putSharing(admin, 'leads', { rep: { read: 'all', edit: 'own' } }, deps);
    expect(await registry.sharingOf('demo', 'lead')).toEqual({ rep: { read: 'all', edit: 'own' } });
    expect(await other.sharingOf('demo', 'lead')).toBeUndefined();
    advance(SHARING_REFRESH_MS);
    expect(await other.sharingOf('demo', 'lead')).toEqual({ rep: { read: 'all', edit: 'own' } });
    const loads = store.loads;
    await Promise.all([other.sharingOf('demo', 'lead'), other.sharingOf('demo', 'account')]);
    expect(store.loads).toBe(loads);
    expect(await registry.allSharing('demo')).toEqual({ lead: { rep: { read: 'all', edit: 'own' } } });
  });

  it('round-trips the stored item with keys from keys.ts and refuses an item of another kind', () => {
    const s: StoredSharing = { object: 'leads', roles: { rep: { read: 'team', edit: 'own' } }, version: 3, updatedAt: '2026-12-02T08:00:00.000Z', updatedBy: 'u-admin' };
    const item = sharingCodec.encode(s, { tenantId: 'demo' });
    expect(item).toMatchObject({ pk: 'T#demo#sharing', sk: 'object#leads', entityType: 'sharing' });
    expect(sharingCodec.decode(item)).toEqual(s);
    expect(() => sharingCodec.decode({ ...item, entityType: 'meta-field' })).toThrow(/sharing/);
    expect(() => sharingCodec.decode({ ...item, roles: { rep: { read: 'everyone', edit: 'own' } } })).toThrow(/roles/);
  });
});

describe('teams and list scopes (functions/records/visibility.ts)', () => {
  const users = [
    { id: 'm1' }, { id: 'r1', managerId: 'm1' }, { id: 'r2', managerId: 'm1' }, { id: 'r3', managerId: 'm2' }, { id: 'm2', managerId: 'boss' }, { id: 'solo' },
  ];
  it('a manager\'s team is them and their reports; anyone else\'s is them, their manager and their peers', () => {
    expect(teamOf('m1', users).sort()).toEqual(['m1', 'r1', 'r2']);
    expect(teamOf('r1', users).sort()).toEqual(['m1', 'r1', 'r2']);
    expect(teamOf('m2', users).sort()).toEqual(['m2', 'r3']);
    expect(teamOf('solo', users)).toEqual(['solo']);
  });

  it('own → the owner list; team → ownerId in the team; an owner out of reach → nothing; the directory is read once', async () => {
    let reads = 0;
    const store = { directory: async () => { reads++; return users.map((u) => ({ ...u, email: '', name: u.id, role: 'rep' })); } };
    const rep = person('rep', 'r1');
    const manager = person('manager', 'm1');
    expect(await listScope(rep, visibility(rep, { store }), 'lead')).toEqual({ ownerId: 'r1' });
    expect(await listScope(rep, visibility(rep, { store }), 'lead', 'r2')).toBe('none');
    expect(await listScope(rep, visibility(rep, { store }), 'lead', 'queue:default')).toEqual({ ownerId: 'queue:default' });
    expect(await listScope(rep, visibility(rep, { store }), 'account', 'r2')).toEqual({ ownerId: 'r2' });
    const vis = visibility(manager, { store });
    expect(await listScope(manager, vis, 'lead')).toEqual({ where: [{ field: 'ownerId', op: 'in', value: ['m1', 'r1', 'r2'] }] });
    expect(await listScope(manager, vis, 'lead', 'r3')).toBe('none');
    expect(await vis.can('record:read', 'opportunity', { ownerId: 'r2' })).toBe(true);
    expect(reads).toBe(1);
    expect(await listScope(person('admin'), visibility(person('admin'), { store }), 'lead')).toEqual({});
  });
});
