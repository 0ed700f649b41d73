import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, unique, type ApiCall } from '../support/client.ts';

/**
 * Record visibility (CD-7) at the edge, with the seeded demo users: rep1 and rep2 report to the manager
 * (infra/local/seed.ts), so rep1's team is {rep1, rep2, manager} and the manager's is {manager, rep1, rep2};
 * the admin, the marketer and the agent are in no one's team. Every record below is created by its owner.
 * Defaults (functions/policy/policy.ts DEFAULT_SHARING): reps read all accounts and contacts and edit their
 * own, read and edit only their own leads and opportunities; managers read and edit their team's leads and
 * opportunities (accounts and contacts: read all, edit the team's); admins everything.
 */
const who = ['admin', 'manager', 'rep1', 'rep2', 'marketer', 'agent'] as const;
type Who = (typeof who)[number];
const as = {} as Record<Who | 'acme', ApiCall>;
const ids = {} as Record<Who, string>;
const tag = `Vis${unique()}`;
/** owner → object → record id */
const made = {} as Record<'rep1' | 'rep2' | 'admin', Record<'accounts' | 'contacts' | 'leads', string>>;
let opportunityOfRep1 = '';
let acmeLead = '';

beforeAll(async () => {
  for (const w of who) {
    as[w] = api(await login(`${w}@demo.local`));
    ids[w] = (await as[w]('GET', '/api/me')).body.id;
  }
  as.acme = api(await login('admin@acme.local'));
  for (const owner of ['rep1', 'rep2', 'admin'] as const) {
    const call = as[owner];
    const account = await call('POST', '/api/accounts', { name: `${tag} ${owner} Co` });
    const contact = await call('POST', '/api/contacts', { lastName: `${tag}${owner}`, accountId: account.body.id });
    const lead = await call('POST', '/api/leads', { lastName: `${tag}${owner}`, email: `${tag}.${owner}@example.com`.toLowerCase(), company: `${tag} ${owner} Lead Co`, ownerId: ids[owner] });
    for (const r of [account, contact, lead]) expect(r.status, JSON.stringify(r.body)).toBe(201);
    made[owner] = { accounts: account.body.id, contacts: contact.body.id, leads: lead.body.id };
  }
  const convertMe = await as.rep1('POST', '/api/leads', { lastName: `${tag}conv`, email: `${tag}.conv@example.com`.toLowerCase(), company: `${tag} Conv Co`, ownerId: ids.rep1 });
  const converted = await as.rep1('POST', `/api/leads/${convertMe.body.id}/convert`, { createOpportunity: true });
  expect(converted.status, JSON.stringify(converted.body)).toBe(200);
  opportunityOfRep1 = converted.body.opportunity.id;
  acmeLead = (await as.acme('POST', '/api/leads', { lastName: `${tag}acme`, email: `${tag}.acme@example.com`.toLowerCase(), company: 'Acme' })).body.id;
});

/** Back to the defaults, whatever a test set (other files share the runtime). */
const DEFAULTS = {
  leads: { rep: { read: 'own', edit: 'own' }, manager: { read: 'team', edit: 'team' } },
  contacts: { rep: { read: 'all', edit: 'own' } },
};
afterAll(async () => {
  for (const [object, body] of Object.entries(DEFAULTS)) await as.admin('PUT', `/api/metadata/objects/${object}/sharing`, body);
});

// viewer → owner → may read (true) or 404 (false), per object, with the defaults.
const READ: Record<'accounts' | 'contacts' | 'leads', Record<Who, Record<'rep1' | 'rep2' | 'admin', boolean>>> = {
  accounts: Object.fromEntries(who.map((w) => [w, { rep1: true, rep2: true, admin: true }])) as never,
  contacts: Object.fromEntries(who.map((w) => [w, { rep1: true, rep2: true, admin: true }])) as never,
  leads: {
    admin: { rep1: true, rep2: true, admin: true },
    manager: { rep1: true, rep2: true, admin: false },
    rep1: { rep1: true, rep2: false, admin: false },
    rep2: { rep1: false, rep2: true, admin: false },
    marketer: { rep1: true, rep2: true, admin: true },
    agent: { rep1: false, rep2: false, admin: false },
  },
};
const cases = (['accounts', 'contacts', 'leads'] as const).flatMap((object) =>
  who.flatMap((viewer) => (['rep1', 'rep2', 'admin'] as const).map((owner) => [object, viewer, owner, READ[object][viewer][owner]] as const)));

describe('record visibility: role × object × own/team/other', () => {
  it.each(cases)('%s: %s reading %s\'s → get, timeline, audit, list, search agree', async (object, viewer, owner, visible) => {
    const id = made[owner][object];
    const call = as[viewer];
    for (const path of [`/api/${object}/${id}`, `/api/${object}/${id}/timeline`, `/api/${object}/${id}/audit`]) {
      expect((await call('GET', path)).status, `${viewer} GET ${path}`).toBe(visible ? 200 : 404);
    }
    const listed = await call('GET', `/api/${object}?q=${encodeURIComponent(`${tag}`)}&limit=100`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.some((r: any) => r.id === id), `${viewer} list ${object}`).toBe(visible);
    const byOwner = await call('GET', `/api/${object}?ownerId=${ids[owner]}&limit=100`);
    expect(byOwner.status).toBe(200);
    expect(byOwner.body.items.some((r: any) => r.id === id), `${viewer} list ${object}?ownerId`).toBe(visible);
    const found = await call('GET', `/api/search?q=${encodeURIComponent(tag)}&limit=20`);
    expect(found.body.items.some((r: any) => r.id === id), `${viewer} search`).toBe(visible);
  });

  it('opportunities: the owner, their manager and admins read one; another rep, the marketer and the agent get 404', async () => {
    const expected: Record<Who, number> = { admin: 200, manager: 200, rep1: 200, rep2: 404, marketer: 404, agent: 404 };
    for (const w of who) {
      expect((await as[w]('GET', `/api/opportunities/${opportunityOfRep1}`)).status, w).toBe(expected[w]);
      const list = await as[w]('GET', '/api/opportunities?limit=100');
      expect(list.body.items.some((o: any) => o.id === opportunityOfRep1), w).toBe(expected[w] === 200);
    }
  });

  it('a rep\'s lead list is their own; a manager\'s is the team\'s; another owner asked for gives an empty page', async () => {
    const mine = (await as.rep1('GET', '/api/leads?limit=100')).body.items as any[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((l) => l.ownerId === ids.rep1)).toBe(true);
    const theirs = await as.rep1('GET', `/api/leads?ownerId=${ids.rep2}`);
    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual({ items: [], nextCursor: null });
    const team = (await as.manager('GET', '/api/leads?limit=100')).body.items as any[];
    expect(team.some((l) => l.id === made.rep1.leads) && team.some((l) => l.id === made.rep2.leads)).toBe(true);
    expect(team.some((l) => l.id === made.admin.leads)).toBe(false);
    expect(team.every((l) => [ids.manager, ids.rep1, ids.rep2].includes(l.ownerId))).toBe(true);
  });

  it('read but not edit is 403; not read is 404 on patch, delete, restore and the lead workflow', async () => {
    expect((await as.rep1('PATCH', `/api/accounts/${made.rep2.accounts}`, { industry: 'Retail' })).status).toBe(403);
    expect((await as.rep1('DELETE', `/api/accounts/${made.rep2.accounts}`)).status).toBe(403);
    expect((await as.manager('PATCH', `/api/accounts/${made.rep1.accounts}`, { industry: 'Retail' })).status).toBe(200);
    expect((await as.manager('PATCH', `/api/accounts/${made.admin.accounts}`, { industry: 'Retail' })).status).toBe(403);
    for (const [method, path, body] of [
      ['PATCH', `/api/leads/${made.rep2.leads}`, { title: 'Boss' }],
      ['DELETE', `/api/leads/${made.rep2.leads}`, undefined],
      ['POST', `/api/leads/${made.rep2.leads}/restore`, undefined],
      ['POST', `/api/leads/${made.rep2.leads}/activities`, { type: 'call' }],
      ['POST', `/api/leads/${made.rep2.leads}/convert`, {}],
    ] as const) expect((await as.rep1(method, path, body)).status, `${method} ${path}`).toBe(404);
    expect((await as.manager('PATCH', `/api/leads/${made.rep2.leads}`, { title: 'Lead buyer' })).status).toBe(200);
  });

  it('a hidden record answers the same 404 as another tenant\'s, byte for byte apart from the id', async () => {
    const hidden = await as.rep1('GET', `/api/leads/${made.rep2.leads}`);
    const foreign = await as.rep1('GET', `/api/leads/${acmeLead}`);
    expect(acmeLead).toBeTruthy();
    expect(hidden.status).toBe(404);
    expect(foreign.status).toBe(404);
    expect(hidden.headers['content-type']).toBe(foreign.headers['content-type']);
    const strip = (r: any, id: string) => JSON.parse(JSON.stringify(r.body).replaceAll(id, '<id>'));
    expect(strip(hidden, made.rep2.leads)).toEqual(strip(foreign, acmeLead));
  });

  it('related lists leave out what the caller may not read', async () => {
    // The admin's account lists the contact at it for everyone (contacts: read all) ...
    const c = await as.rep1('POST', '/api/contacts', { lastName: `${tag}rel`, accountId: made.rep2.accounts });
    expect(c.status).toBe(201);
    const shown = await as.rep2('GET', `/api/accounts/${made.rep2.accounts}/contacts?limit=100`);
    expect(shown.body.items.map((x: any) => x.id)).toContain(c.body.id);
    // ... until contacts are own-only for reps: rep2 no longer sees rep1's contact at rep2's account.
    expect((await as.admin('PUT', '/api/metadata/objects/contacts/sharing', { rep: { read: 'own', edit: 'own' } })).status).toBe(200);
    const hidden = await as.rep2('GET', `/api/accounts/${made.rep2.accounts}/contacts?limit=100`);
    expect(hidden.status).toBe(200);
    expect(hidden.body.items.map((x: any) => x.id)).not.toContain(c.body.id);
    expect((await as.rep2('GET', `/api/contacts/${c.body.id}`)).status).toBe(404);
    expect((await as.admin('PUT', '/api/metadata/objects/contacts/sharing', DEFAULTS.contacts)).status).toBe(200);
    expect((await as.rep2('GET', `/api/contacts/${c.body.id}`)).status).toBe(200);
  });
});

describe('PUT /api/metadata/objects/{object}/sharing', () => {
  it('is for admins: others get 403, an unknown object 404, and a bad body 400 naming every bad path', async () => {
    for (const w of ['manager', 'rep1', 'marketer', 'agent'] as const) {
      expect((await as[w]('GET', '/api/metadata/objects/leads/sharing')).status, w).toBe(403);
      expect((await as[w]('PUT', '/api/metadata/objects/leads/sharing', { rep: { read: 'all', edit: 'all' } })).status, w).toBe(403);
    }
    expect((await as.admin('PUT', '/api/metadata/objects/c_nothing/sharing', { rep: { read: 'all', edit: 'all' } })).status).toBe(404);
    const bad = await as.admin('PUT', '/api/metadata/objects/leads/sharing', { rep: { read: 'own', edit: 'all' }, manager: { read: 'everyone', edit: 'own' }, admin: { read: 'own', edit: 'own' }, boss: {} });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const paths = bad.body.errors.map((e: any) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['admin', 'boss', 'manager.read']));
    // The edit-wider-than-read rule is named as soon as the levels themselves parse.
    const wide = await as.admin('PUT', '/api/metadata/objects/leads/sharing', { rep: { read: 'own', edit: 'all' }, marketer: { read: 'team', edit: 'all' } });
    expect(wide.status).toBe(400);
    expect(wide.body.errors.map((e: any) => e.path).sort()).toEqual(['marketer.edit', 'rep.edit']);
  });

  it('changes what a rep sees at once (the container that made it; others within 5 s), shows it to the admin, and /api/me tells the web app', async () => {
    const before = await as.admin('GET', '/api/metadata/objects/leads/sharing');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ object: 'leads', rep: { read: 'own', edit: 'own' }, manager: { read: 'team', edit: 'team' }, admin: { read: 'all', edit: 'all' } });
    expect((await as.rep1('GET', `/api/leads/${made.rep2.leads}`)).status).toBe(404);
    expect((await as.rep1('GET', '/api/me')).body.can).toMatchObject({ visibility: { lead: { read: 'own', edit: 'own' } } });

    const put = await as.admin('PUT', '/api/metadata/objects/leads/sharing', { rep: { read: 'team', edit: 'own' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ object: 'leads', rep: { read: 'team', edit: 'own' }, manager: { read: 'team', edit: 'team' }, customized: expect.arrayContaining(['rep']) });
    // At once: rep1 now reads rep2's lead (same team), may not edit it, and still not the admin's.
    expect((await as.rep1('GET', `/api/leads/${made.rep2.leads}`)).status).toBe(200);
    expect((await as.rep1('PATCH', `/api/leads/${made.rep2.leads}`, { title: 'x' })).status).toBe(403);
    expect((await as.rep1('GET', `/api/leads/${made.admin.leads}`)).status).toBe(404);
    const list = (await as.rep1('GET', `/api/leads?q=${tag}&limit=100`)).body.items.map((l: any) => l.id);
    expect(list).toEqual(expect.arrayContaining([made.rep1.leads, made.rep2.leads]));
    expect(list).not.toContain(made.admin.leads);
    const found = (await as.rep1('GET', `/api/search?q=${tag}`)).body.items.map((r: any) => r.id);
    expect(found).toContain(made.rep2.leads);
    const me = (await as.rep1('GET', '/api/me')).body.can;
    expect(me.visibility.lead).toEqual({ read: 'team', edit: 'own' });
    expect(me.team).toEqual(expect.arrayContaining([ids.rep1, ids.rep2, ids.manager]));
    expect(me.team).not.toContain(ids.admin);
    expect((await as.admin('GET', '/api/metadata/objects/leads/sharing')).body.rep).toEqual({ read: 'team', edit: 'own' });

    expect((await as.admin('PUT', '/api/metadata/objects/leads/sharing', DEFAULTS.leads)).status).toBe(200);
    expect((await as.rep1('GET', `/api/leads/${made.rep2.leads}`)).status).toBe(404);
  });
});
