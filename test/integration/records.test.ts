import { beforeAll, describe, expect, it } from 'vitest';
import { api, busEvents, login } from '../support/client.ts';

type Res = { status: number; headers: Headers | Record<string, string>; body: any };
type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Res>;

const header = (res: Res, name: string): string | undefined =>
  res.headers instanceof Headers ? (res.headers.get(name) ?? undefined) : (res.headers as Record<string, string>)[name.toLowerCase()];

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let rep1: Call;
let rep2: Call;
let manager: Call;
let acme: Call;
let rep1Id: string;
let rep2Id: string;

beforeAll(async () => {
  [rep1, rep2, manager, acme] = (await Promise.all(
    ['rep1@demo.local', 'rep2@demo.local', 'manager@demo.local', 'admin@acme.local'].map(async (e) => api(await login(e)) as Call),
  )) as [Call, Call, Call, Call];
  rep1Id = (await rep1('GET', '/api/me')).body.id;
  rep2Id = (await rep2('GET', '/api/me')).body.id;
});

describe('accounts and contacts through the local runtime', () => {
  it('answers 401 without a token and 200 on health without one', async () => {
    const anonymous = api() as Call;
    expect((await anonymous('GET', '/api/contacts')).status).toBe(401);
    expect((await anonymous('GET', '/api/health')).status).toBe(200);
  });

  it('creates a contact (201, ETag, Location), reads it back and lists it', async () => {
    const tag = unique();
    const res = await rep1('POST', '/api/contacts', { firstName: 'Ada', lastName: `Lovelace${tag}`, email: `ada.${tag}@example.com`, phone: '+44 20 7946 0000', tags: [tag] });
    expect(res.status).toBe(201);
    expect(header(res, 'etag')).toBe('"1"');
    expect(header(res, 'location')).toBe(`/api/contacts/${res.body.id}`);
    expect(res.body).toMatchObject({ name: `Ada Lovelace${tag}`, phone: '+442079460000', ownerId: rep1Id, version: 1 });
    const got = await rep2('GET', `/api/contacts/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.email).toBe(`ada.${tag}@example.com`);
    const listed = await rep1('GET', `/api/contacts?tag=${tag}`);
    expect(listed.body.items.map((c: any) => c.id)).toEqual([res.body.id]);
  });

  it('finds contacts by name, email and phone prefix, only in the caller’s tenant', async () => {
    const tag = unique();
    const c = (await rep1('POST', '/api/contacts', { firstName: '晓明', lastName: '欧阳', email: `xm.${tag}@example.cn`, phone: '139 0000 7777', country: 'CN' })).body;
    for (const q of ['欧阳', `xm.${tag}`, '1390000777', '+86 139 0000']) {
      const found = await rep2('GET', `/api/contacts?q=${encodeURIComponent(q)}`);
      expect(found.status).toBe(200);
      expect(found.body.items.map((x: any) => x.id), q).toContain(c.id);
    }
    const other = await acme('GET', `/api/contacts?q=${encodeURIComponent(`xm.${tag}`)}`);
    expect(other.body.items).toEqual([]);
    expect((await acme('GET', `/api/contacts/${c.id}`)).status).toBe(404);
    expect((await acme('PATCH', `/api/contacts/${c.id}`, { title: 'x' })).status).toBe(404);
  });

  it('refuses bad input with problem+json naming each field, and writes nothing', async () => {
    const tag = unique();
    const res = await rep1('POST', '/api/contacts', { lastName: `Bad${tag}`, email: 'not-an-email', phone: 'call me', shoeSize: 44, title: 'x'.repeat(101) });
    expect(res.status).toBe(400);
    expect(header(res, 'content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: any) => e.path).sort()).toEqual(['email', 'phone', 'shoeSize', 'title']);
    expect((await rep1('GET', `/api/contacts?q=bad${tag}`)).body.items).toEqual([]);
    const notJson = await rep1('POST', '/api/contacts', '{oops', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
  });

  it('answers 409 naming the existing contact when the email is already in the tenant', async () => {
    const tag = unique();
    const first = (await rep1('POST', '/api/contacts', { lastName: `First${tag}`, email: `dup.${tag}@example.com` })).body;
    const dup = await rep2('POST', '/api/contacts', { lastName: 'Second', email: `DUP.${tag}@example.com` });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ existingId: first.id, existingName: `First${tag}` });
    // Another tenant may hold the same person.
    expect((await acme('POST', '/api/contacts', { lastName: 'Same', email: `dup.${tag}@example.com` })).status).toBe(201);
  });

  it('honours If-Match: the current ETag saves, a stale one answers 412 with the current version', async () => {
    const c = (await rep1('POST', '/api/contacts', { lastName: `Etag${unique()}`, title: 'CEO' })).body;
    const ok = await rep1('PATCH', `/api/contacts/${c.id}`, { title: 'CTO' }, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    expect(header(ok, 'etag')).toBe('"2"');
    const stale = await rep1('PATCH', `/api/contacts/${c.id}`, { title: 'CFO' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ currentVersion: 2, current: { title: 'CTO' } });
    expect((await rep1('GET', `/api/contacts/${c.id}`)).body.title).toBe('CTO');
  });

  it('lets only the owner, a manager or an admin change a record', async () => {
    const c = (await rep1('POST', '/api/contacts', { lastName: `Owned${unique()}` })).body;
    expect((await rep2('PATCH', `/api/contacts/${c.id}`, { title: 'Hijack' })).status).toBe(403);
    expect((await rep2('DELETE', `/api/contacts/${c.id}`)).status).toBe(403);
    expect((await manager('PATCH', `/api/contacts/${c.id}`, { title: 'Reviewed', ownerId: rep2Id })).status).toBe(200);
    expect((await rep2('PATCH', `/api/contacts/${c.id}`, { title: 'Mine now' })).status).toBe(200);
  });

  it('shows nationalId to managers only and refuses it on a rep’s write', async () => {
    const refused = await rep1('POST', '/api/contacts', { lastName: 'Id', nationalId: '110101199003071234' });
    expect(refused.status).toBe(403);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'nationalId' })]);
    const c = (await manager('POST', '/api/contacts', { lastName: `Id${unique()}`, nationalId: '110101199003071234', ownerId: rep1Id })).body;
    expect(c.nationalId).toBe('110101199003071234');
    expect((await rep1('GET', `/api/contacts/${c.id}`)).body).not.toHaveProperty('nationalId');
    expect((await manager('GET', `/api/contacts/${c.id}`)).body.nationalId).toBe('110101199003071234');
    expect((await rep1('PATCH', `/api/contacts/${c.id}`, { nationalId: null })).status).toBe(403);
  });

  it('soft-deletes (204), hides from lists and search, keeps it in the trash, and restores', async () => {
    const tag = unique();
    const c = (await rep1('POST', '/api/contacts', { lastName: `Gone${tag}` })).body;
    expect((await rep1('DELETE', `/api/contacts/${c.id}`)).status).toBe(204);
    expect((await rep1('GET', `/api/contacts?q=gone${tag}`)).body.items).toEqual([]);
    expect((await rep1('GET', `/api/contacts/${c.id}`)).body.deletedAt).toBeDefined();
    const trash = await rep1('GET', '/api/contacts?deleted=true&limit=100');
    expect(trash.body.items.map((x: any) => x.id)).toContain(c.id);
    const restored = await rep1('POST', `/api/contacts/${c.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.deletedAt).toBeUndefined();
    expect((await rep1('GET', `/api/contacts?q=gone${tag}`)).body.items.map((x: any) => x.id)).toEqual([c.id]);
  });

  it('returns the timeline newest first, paged, and the audit trail with before/after', async () => {
    const c = (await rep1('POST', '/api/contacts', { lastName: `Story${unique()}`, title: 'A' })).body;
    await rep1('PATCH', `/api/contacts/${c.id}`, { title: 'B' });
    await rep1('PATCH', `/api/contacts/${c.id}`, { title: 'C' });
    const first = await rep1('GET', `/api/contacts/${c.id}/timeline?limit=2`);
    expect(first.body.items.map((e: any) => e.type)).toEqual(['updated', 'updated']);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await rep1('GET', `/api/contacts/${c.id}/timeline?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((e: any) => e.type)).toEqual(['created']);
    expect(second.body.nextCursor).toBeNull();
    const audit = await manager('GET', `/api/contacts/${c.id}/audit`);
    expect(audit.body.items[0]).toMatchObject({ action: 'update', before: { title: 'B' }, after: { title: 'C' }, actor: { id: rep1Id } });
    expect((await rep1('GET', `/api/contacts/${c.id}/timeline?cursor=garbage`)).status).toBe(400);
  });

  it('links contacts to accounts: the account lists them and its timeline notes it', async () => {
    const a = (await rep1('POST', '/api/accounts', { name: `Globex ${unique()}`, domain: 'globex.example.com', annualRevenue: { amount: 1250000, currency: 'USD' } })).body;
    expect(a.annualRevenue).toEqual({ amount: 1250000, currency: 'USD' });
    const c = (await rep1('POST', '/api/contacts', { lastName: `Staff${unique()}`, accountId: a.id })).body;
    expect(c.accountName).toBe(a.name);
    const contacts = await rep1('GET', `/api/accounts/${a.id}/contacts`);
    expect(contacts.body.items.map((x: any) => x.id)).toEqual([c.id]);
    const timeline = await rep1('GET', `/api/accounts/${a.id}/timeline`);
    expect(timeline.body.items[0]).toMatchObject({ type: 'contact-linked', subject: { id: c.id } });
    expect((await rep1('POST', '/api/accounts', { name: 'Money', annualRevenue: { amount: 12.5, currency: 'usd' } })).body.errors.map((e: any) => e.path).sort())
      .toEqual(['annualRevenue.amount', 'annualRevenue.currency']);
  });

  it('pages and sorts lists with an opaque cursor that cannot cross tenants', async () => {
    const page1 = await rep1('GET', '/api/accounts?limit=2&sort=-createdAt');
    expect(page1.body.items).toHaveLength(2);
    const page2 = await rep1('GET', `/api/accounts?limit=2&sort=-createdAt&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(2);
    const seen = [...page1.body.items, ...page2.body.items].map((a: any) => a.createdAt);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect((await acme('GET', `/api/accounts?limit=2&sort=-createdAt&cursor=${page1.body.nextCursor}`)).status).toBe(400);
    const mine = await rep1('GET', `/api/accounts?ownerId=${rep1Id}&limit=100`);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((a: any) => a.ownerId === rep1Id)).toBe(true);
    expect((await rep1('GET', '/api/accounts?limit=1000')).status).toBe(400);
  });

  it('publishes each change as a domain event through the stream to the bus', async () => {
    const c = (await rep1('POST', '/api/contacts', { lastName: `Evented${unique()}` })).body;
    await rep1('PATCH', `/api/contacts/${c.id}`, { title: 'VP' });
    let names: string[] = [];
    for (let i = 0; i < 50 && names.length < 2; i++) {
      const events = (await busEvents()) as any[];
      names = events.filter((e) => e.detail?.subject?.id === c.id).map((e) => e['detail-type'] ?? e.DetailType);
      if (names.length < 2) await new Promise((r) => setTimeout(r, 200));
    }
    expect(names.sort()).toEqual(['contact.created', 'contact.updated']);
  });

  it('serves the OpenAPI document generated from the schemas', async () => {
    const doc = await (api() as Call)('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/api/contacts/{id}'].patch.operationId).toBe('contacts-update');
  });

  it('lists the tenant’s users for owner pickers', async () => {
    const users = (await rep1('GET', '/api/users')).body.items;
    expect(users.map((u: any) => u.email)).toEqual(expect.arrayContaining(['rep1@demo.local', 'rep2@demo.local', 'manager@demo.local']));
    expect(users.map((u: any) => u.email)).not.toContain('admin@acme.local');
  });
});
