import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, login, unique, type ApiCall } from '../support/client.ts';

/**
 * Record visibility (CD-7) of a CUSTOM object, at the edge, with the seeded demo users: rep1 and rep2
 * report to the manager (infra/local/seed.ts), so rep1's team is {rep1, rep2, manager}; the admin, the
 * marketer and the agent are in no one's team. An admin creates an object "Milestone" related to accounts;
 * rep1, rep2 and the admin each create one record of it at one account (read by all). The matrix is
 * role × owner × (get, timeline, audit, list, list ?q=, list ?ownerId=, /api/search, the account's related
 * list, PATCH, DELETE) with the custom objects' defaults, and again after a PUT of the object's sharing.
 * The object is this file's own, so nothing is reset afterwards.
 */
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const who = ['admin', 'manager', 'rep1', 'rep2', 'marketer', 'agent'] as const;
type Who = (typeof who)[number];
const owners = ['rep1', 'rep2', 'admin'] as const;
type Owner = (typeof owners)[number];

const as = {} as Record<Who, ApiCall>;
const ids = {} as Record<Who, string>;
const suffix = unique();
const tag = `Cvis${suffix}`;
const object = `c_milestones${suffix}`;
const made = {} as Record<Owner, string>;
let accountId = '';
/** Past the metadata and sharing caches' refresh window of every other container (5 s). */
const refreshWindow = () => advanceClock(6);

beforeAll(async () => {
  for (const w of who) {
    as[w] = api(await login(`${w}@demo.local`));
    ids[w] = (await as[w]('GET', '/api/me')).body.id;
  }
  const created = await as.admin('POST', '/api/metadata/objects', {
    apiName: object, label: l('Milestone', '里程碑'), labelPlural: l('Milestones', '里程碑'),
    fields: [
      { apiName: 'c_name', type: 'text', label: l('Name', '名称'), required: true },
      { apiName: 'c_account', type: 'relation', target: 'accounts', label: l('Account', '客户') },
      { apiName: 'c_note', type: 'text', label: l('Note', '备注') },
    ],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const account = await as.admin('POST', '/api/accounts', { name: `Milestone holder ${suffix}` });
  expect(account.status).toBe(201);
  accountId = account.body.id;
  await refreshWindow();
  for (const owner of owners) {
    const r = await as[owner]('POST', `/api/${object}`, { c_name: `${tag} ${owner}`, c_account: accountId });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.ownerId).toBe(ids[owner]);
    made[owner] = r.body.id;
  }
});

type Rule = { read: 'own' | 'team' | 'all'; edit: 'own' | 'team' | 'all' };
/** What a viewer gets on an owner's record: 'edit' (read and change), 'read' (read, change 403), 'none' (404). */
type Reach = 'edit' | 'read' | 'none';
const TEAM: Record<Who, readonly Who[]> = {
  admin: ['admin'], manager: ['manager', 'rep1', 'rep2'], rep1: ['rep1', 'rep2', 'manager'], rep2: ['rep2', 'rep1', 'manager'],
  marketer: ['marketer'], agent: ['agent'],
};
const within = (viewer: Who, owner: Owner, level: Rule['read']) => level === 'all' || owner === viewer || (level === 'team' && TEAM[viewer].includes(owner));
const reach = (viewer: Who, owner: Owner, rule: Rule): Reach =>
  !within(viewer, owner, rule.read) ? 'none' : within(viewer, owner, rule.edit) ? 'edit' : 'read';

/** The custom objects' defaults (docs/data-model.md, Record visibility): read all; edit own, managers their team's. */
const DEFAULTS: Record<Who, Rule> = {
  admin: { read: 'all', edit: 'all' },
  manager: { read: 'all', edit: 'team' },
  rep1: { read: 'all', edit: 'own' },
  rep2: { read: 'all', edit: 'own' },
  marketer: { read: 'all', edit: 'own' },
  agent: { read: 'all', edit: 'own' },
};
/** What the PUT below sets (the marketer is left out: keeps the default). */
const PUT = { rep: { read: 'team', edit: 'team' }, manager: { read: 'team', edit: 'own' }, agent: { read: 'own', edit: 'own' } } as const;
const AFTER: Record<Who, Rule> = { ...DEFAULTS, rep1: PUT.rep, rep2: PUT.rep, manager: PUT.manager, agent: PUT.agent };

const ids$ = (r: { body: { items?: { id: string }[] } }) => (r.body.items ?? []).map((x) => x.id);

/** Every read surface and the edit surfaces agree on what `viewer` may do with `owner`'s record. */
async function expectReach(viewer: Who, owner: Owner, expected: Reach) {
  const id = made[owner];
  const call = as[viewer];
  const visible = expected !== 'none';
  const what = `${viewer} on ${owner}'s`;
  for (const path of [`/api/${object}/${id}`, `/api/${object}/${id}/timeline`, `/api/${object}/${id}/audit`]) {
    expect((await call('GET', path)).status, `${what}: GET ${path}`).toBe(visible ? 200 : 404);
  }
  const list = await call('GET', `/api/${object}?limit=100`);
  expect(list.status).toBe(200);
  expect(ids$(list).includes(id), `${what}: list`).toBe(visible);
  expect(ids$(await call('GET', `/api/${object}?q=${tag}&limit=100`)).includes(id), `${what}: list ?q=`).toBe(visible);
  expect(ids$(await call('GET', `/api/${object}?ownerId=${ids[owner]}&limit=100`)).includes(id), `${what}: list ?ownerId=`).toBe(visible);
  expect(ids$(await call('GET', `/api/search?q=${tag}`)).includes(id), `${what}: /api/search`).toBe(visible);
  const related = await call('GET', `/api/accounts/${accountId}/related/${object}?limit=100`);
  expect(related.status).toBe(200);
  expect(ids$(related).includes(id), `${what}: the account's related list`).toBe(visible);

  const patched = await call('PATCH', `/api/${object}/${id}`, { c_note: `by ${viewer}` });
  expect(patched.status, `${what}: PATCH ${JSON.stringify(patched.body)}`).toBe(expected === 'edit' ? 200 : expected === 'read' ? 403 : 404);
  if (expected !== 'edit') {
    // A refused delete writes nothing: the record is still there for its owner.
    expect((await call('DELETE', `/api/${object}/${id}`)).status, `${what}: DELETE`).toBe(expected === 'read' ? 403 : 404);
    expect((await as[owner]('GET', `/api/${object}/${id}`)).body.deletedAt).toBeUndefined();
  }
}

const matrix = (rules: Record<Who, Rule>) => who.flatMap((viewer) => owners.map((owner) => [viewer, owner, reach(viewer, owner, rules[viewer])] as const));

describe('record visibility of a custom object: role × own/team/other', () => {
  it('GET sharing shows the custom objects\' defaults, none of them set yet', async () => {
    const view = await as.admin('GET', `/api/metadata/objects/${object}/sharing`);
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body).toEqual({
      object, rep: { read: 'all', edit: 'own' }, manager: { read: 'all', edit: 'team' }, marketer: { read: 'all', edit: 'own' },
      agent: { read: 'all', edit: 'own' }, admin: { read: 'all', edit: 'all' }, customized: [], version: 0,
    });
  });

  it.each(matrix(DEFAULTS))('defaults: %s on %s\'s record → %s', async (viewer, owner, expected) => {
    await expectReach(viewer, owner, expected);
  });

  it('an admin sets the object\'s sharing: audited, the roles it names change, the marketer keeps the default', async () => {
    const put = await as.admin('PUT', `/api/metadata/objects/${object}/sharing`, PUT);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ object, ...PUT, marketer: { read: 'all', edit: 'own' }, version: 1 });
    expect([...put.body.customized].sort()).toEqual(['agent', 'manager', 'rep']);
    expect((await as.admin('GET', `/api/metadata/objects/${object}/sharing`)).body).toEqual(put.body);
    await refreshWindow();
    // /api/me tells the web app the rep's levels on this object.
    expect((await as.rep1('GET', '/api/me')).body.can.visibility[object]).toEqual(PUT.rep);
  });

  it.each(matrix(AFTER))('after the PUT: %s on %s\'s record → %s', async (viewer, owner, expected) => {
    await expectReach(viewer, owner, expected);
  });

  it('after the PUT a rep deletes and restores a teammate\'s record (edit: team), not the admin\'s', async () => {
    expect((await as.rep1('DELETE', `/api/${object}/${made.rep2}`)).status).toBe(204);
    expect(ids$(await as.rep2('GET', `/api/${object}?limit=100`))).not.toContain(made.rep2);
    expect((await as.rep1('POST', `/api/${object}/${made.rep2}/restore`)).status).toBe(200);
    expect(ids$(await as.rep2('GET', `/api/${object}?limit=100`))).toContain(made.rep2);
    expect((await as.rep1('POST', `/api/${object}/${made.admin}/restore`)).status).toBe(404);
  });

  it('a rep\'s list of the object is their team\'s; another owner out of reach gives an empty page', async () => {
    const items = (await as.rep1('GET', `/api/${object}?limit=100`)).body.items as { ownerId: string }[];
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.every((r) => TEAM.rep1.map((w) => ids[w]).includes(r.ownerId))).toBe(true);
    expect((await as.agent('GET', `/api/${object}?ownerId=${ids.rep1}`)).body).toEqual({ items: [], nextCursor: null });
  });
});

describe('GET/PUT /api/metadata/objects/{custom object}/sharing', () => {
  it('is for admins (403 for others), refuses a bad body naming every bad path (400), and 404s an unknown object', async () => {
    for (const w of ['manager', 'rep1', 'marketer', 'agent'] as const) {
      expect((await as[w]('GET', `/api/metadata/objects/${object}/sharing`)).status, w).toBe(403);
      expect((await as[w]('PUT', `/api/metadata/objects/${object}/sharing`, { rep: { read: 'all', edit: 'all' } })).status, w).toBe(403);
    }
    const bad = await as.admin('PUT', `/api/metadata/objects/${object}/sharing`, { rep: { read: 'own', edit: 'all' }, agent: { read: 'anyone', edit: 'own' }, admin: { read: 'own', edit: 'own' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['admin', 'agent.read']);
    const wide = await as.admin('PUT', `/api/metadata/objects/${object}/sharing`, { rep: { read: 'own', edit: 'all' } });
    expect([wide.status, wide.body.errors.map((e: { path: string }) => e.path)]).toEqual([400, ['rep.edit']]);
    // Nothing was written by the refused PUTs.
    expect((await as.admin('GET', `/api/metadata/objects/${object}/sharing`)).body).toMatchObject({ ...PUT, version: 1 });
    for (const name of [`c_nothing${suffix}`, 'c_', 'nothing', 'Accounts']) {
      expect((await as.admin('GET', `/api/metadata/objects/${name}/sharing`)).status, name).toBe(404);
      expect((await as.admin('PUT', `/api/metadata/objects/${name}/sharing`, { rep: { read: 'all', edit: 'own' } })).status, name).toBe(404);
    }
  });

  it('a deactivated object answers 404; restored, its records keep the sharing that was set', async () => {
    expect((await as.admin('DELETE', `/api/metadata/objects/${object}`)).status).toBe(204);
    expect((await as.admin('GET', `/api/metadata/objects/${object}/sharing`)).status).toBe(404);
    expect((await as.admin('PUT', `/api/metadata/objects/${object}/sharing`, { rep: { read: 'all', edit: 'all' } })).status).toBe(404);
    expect((await as.admin('POST', `/api/metadata/objects/${object}/restore`)).status).toBe(200);
    expect((await as.admin('GET', `/api/metadata/objects/${object}/sharing`)).body).toMatchObject({ ...PUT, version: 1 });
    await refreshWindow();
    expect((await as.agent('GET', `/api/${object}/${made.rep1}`)).status).toBe(404);
    expect((await as.rep1('GET', `/api/${object}/${made.rep2}`)).status).toBe(200);
  });
});
