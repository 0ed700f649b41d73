import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, login, unique, type ApiCall, type ApiResponse } from '../support/client.ts';

/**
 * Inputs that answered 500 before (issue 6, "190 answers were 500 from ten causes"), through the local
 * runtime: each must be a 4xx problem+json naming the field (or simply work), and a refused one writes nothing.
 */

let rep1: ApiCall;
let manager: ApiCall;
let admin: ApiCall;
let rep1Id: string;

async function runtimeNow(): Promise<number> {
  const res = await fetch(`${baseUrl()}/_local/clock`);
  return Math.floor(Date.parse(((await res.json()) as { now: string }).now) / 1000);
}

/** Posts raw bytes the way a partner does (demo-partner's secret), signed over the raw body. */
async function webhook(raw: string, partnerId = 'demo-partner'): Promise<ApiResponse> {
  const t = await runtimeNow();
  const sig = createHmac('sha256', 'whsec_demo_secret').update(`${t}.${raw}`).digest('hex');
  return api()('POST', `/api/webhooks/leads/${partnerId}`, raw, { 'content-type': 'application/json', 'crm-signature': `t=${t},v1=${sig}` });
}

async function formSubmit(formId: string, fields: Record<string, string>): Promise<ApiResponse> {
  const res = await fetch(`${baseUrl()}/api/forms/${formId}/submissions`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields),
  });
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  return { status: res.status, headers, body };
}

/** The problem+json answer names `field` (exactly, or as the parent of a nested path). */
function expectProblem(res: ApiResponse, status: number, field?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status });
  if (field !== undefined) expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(field);
}

/** Nothing of this marker is findable (search reads the same items a write would have made). */
async function expectNothingFound(plural: string, marker: string) {
  const found = await manager('GET', `/api/${plural}?q=${encodeURIComponent(marker)}&limit=100`);
  expect(found.status).toBe(200);
  expect(found.body.items).toEqual([]);
}

/** A valid-looking address under 254 characters with 110 `.`/`_`/`+`/`-` before the @ (each was a search-token write). */
const manySeparators = (u: string) => `${['x', ...Array.from({ length: 120 }, (_, i) => '._+-'[i % 4] + 'a')].join('').slice(0, 220)}${u}@example.com`;

let formId: string;

beforeAll(async () => {
  [rep1, manager, admin] = (await Promise.all(['rep1@demo.local', 'manager@demo.local', 'admin@demo.local'].map(async (e) => api(await login(e))))) as [ApiCall, ApiCall, ApiCall];
  rep1Id = (await rep1('GET', '/api/me')).body.id;
  const form = await admin('POST', '/api/forms', {
    name: `Bad input ${unique()}`, language: 'en', thankYouText: 'Thanks', source: 'Bad input test',
    fields: [{ name: 'lastName', required: true }, { name: 'email', required: true }],
  });
  expect(form.status).toBe(201);
  formId = form.body.id;
});

describe('an email with ~120 separators (was: >100 search-token writes in one transaction)', () => {
  const u = unique();
  const email = manySeparators(u);

  it('is refused with 400 naming email on every route that takes one, and nothing is written', async () => {
    expect(email.split('@')[0]!.length).toBeGreaterThan(64);
    expect((email.match(/[._+-]/g) ?? []).length).toBeGreaterThanOrEqual(100);
    const lastName = `Sep${u}`;
    expectProblem(await rep1('POST', '/api/contacts', { lastName, email }), 400, 'email');
    expectProblem(await rep1('POST', '/api/leads', { lastName, email }), 400, 'email');
    expectProblem(await rep1('POST', '/api/accounts', { name: `Sep Co ${u}`, email }), 400, 'email');
    expectProblem(await webhook(JSON.stringify({ lastName, email })), 400, 'email');
    expectProblem(await formSubmit(formId, { lastName, email }), 400, 'email');
    await expectNothingFound('contacts', lastName);
    await expectNothingFound('leads', lastName);
    await expectNothingFound('accounts', `Sep Co ${u}`);
  });

  it('as long as the address is deliverable (≤ 64 before the @) it is stored with capped tokens and found', async () => {
    const local = `t${u}`.padEnd(12, 'x') + Array.from({ length: 25 }, (_, i) => '._+-'[i % 4] + 'b').join('');
    expect(local.length).toBeLessThanOrEqual(64);
    const ok = `${local.slice(0, 64)}@example.com`;
    const created = await rep1('POST', '/api/contacts', { lastName: `Capped${u}`, email: ok });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const byEmail = await rep1('GET', `/api/contacts?q=${encodeURIComponent(ok)}`);
    expect(byEmail.body.items.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    const lead = await webhook(JSON.stringify({ lastName: `Capped${u}`, email: ok.replace(/^t/, 'w') }));
    expect(lead.status, JSON.stringify(lead.body)).toBe(202);
  });

  it('states the limits in the OpenAPI document', async () => {
    const doc = (await api()('GET', '/api/openapi.json')).body;
    const props = doc.paths['/api/leads'].post.requestBody.content['application/json'].schema.properties;
    expect(props.email.maxLength).toBe(254);
    expect(props.phone.maxLength).toBe(40);
    expect(props.lastName.maxLength).toBe(100);
  });
});

describe('ids in paths that cannot exist (was: DynamoDB key-size errors)', () => {
  const k1 = 'a'.repeat(1100);
  const k2 = 'b'.repeat(2100);
  const cases: [string, string, string, unknown?][] = [
    ['GET', '/api/contacts/{2 KB}', `/api/contacts/${k2}`],
    ['GET', '/api/contacts/{1 KB}', `/api/contacts/${k1}`],
    ['PATCH', '/api/accounts/{2 KB}', `/api/accounts/${k2}`, { name: 'x' }],
    ['DELETE', '/api/leads/{1 KB}', `/api/leads/${k1}`],
    ['GET', '/api/accounts/{1 KB}/timeline', `/api/accounts/${k1}/timeline`],
    ['GET', '/api/accounts/{2 KB}/contacts', `/api/accounts/${k2}/contacts`],
    ['GET', '/api/leads/{1 KB}/audit', `/api/leads/${k1}/audit`],
    ['POST', '/api/leads/{2 KB}/convert', `/api/leads/${k2}/convert`, {}],
    ['POST', '/api/leads/{1 KB}/claim', `/api/leads/${k1}/claim`],
    ['POST', '/api/contacts/{2 KB}/restore', `/api/contacts/${k2}/restore`],
    ['PATCH', '/api/users/{2 KB}', `/api/users/${k2}`, { away: true }],
    ['POST', '/api/partners/{1 KB}/rotate-secret', `/api/partners/${k1}/rotate-secret`],
    ['GET', '/api/contacts/a%20b', `/api/contacts/${encodeURIComponent('a b')}`],
    ['GET', '/api/contacts/x%23y', `/api/contacts/${encodeURIComponent('x#y')}`],
  ];
  it.each(cases)('%s %s → 400 naming id', async (method, _label, path, body) => {
    const call = path.startsWith('/api/users') || path.includes('rotate-secret') ? admin : rep1;
    expectProblem(await call(method, path, body), 400, 'id');
  });

  it('public routes too: a partner or form id of 2 KB is 400, a well-formed unknown one 401/404', async () => {
    expectProblem(await webhook(JSON.stringify({ lastName: 'X', email: 'x@example.com' }), k2), 400, 'partnerId');
    expectProblem(await formSubmit(k2, { lastName: 'X', email: 'x@example.com' }), 400, 'formId');
    expectProblem(await formSubmit('no-such-form', { lastName: 'X', email: 'x@example.com' }), 404);
  });

  it('a well-formed id that names nothing is 404', async () => {
    expectProblem(await rep1('GET', '/api/contacts/01J00000000000000000000000'), 404);
  });
});

describe('notification ids', () => {
  it('a space (%20) is 400 naming id; a one-letter or undecodable id is 404; nothing is marked', async () => {
    expectProblem(await rep1('POST', '/api/notifications/%20/read'), 400, 'id');
    for (const id of ['A', '_', 'AAAA', 'zz-_']) expectProblem(await rep1('POST', `/api/notifications/${id}/read`), 404);
    const bell = await rep1('GET', '/api/notifications');
    expect(bell.status).toBe(200);
  });
});

describe('cursors from another list (was: a start key outside the query)', () => {
  async function cursorOf(path: string): Promise<string> {
    const page = await manager('GET', path);
    expect(page.status).toBe(200);
    expect(page.body.nextCursor, path).toBeTruthy();
    return page.body.nextCursor as string;
  }

  beforeAll(async () => {
    // Enough of each kind for a second page.
    for (let i = 0; i < 2; i++) {
      await rep1('POST', '/api/leads', { lastName: `Cursor${unique()}`, email: `cursor.${unique()}@example.com`, ownerId: rep1Id });
    }
  });

  it('a contacts cursor on accounts, a leads cursor on another owner’s leads, a timeline cursor on another record: 400 invalid_cursor', async () => {
    const u = unique();
    const a = (await rep1('POST', '/api/contacts', { lastName: `Tl${u}A`, title: '1' })).body;
    await rep1('PATCH', `/api/contacts/${a.id}`, { title: '2' });
    const b = (await rep1('POST', '/api/contacts', { lastName: `Tl${u}B` })).body;
    const contacts = await cursorOf('/api/contacts?limit=1');
    const contactsByDate = await cursorOf('/api/contacts?limit=1&sort=-createdAt');
    const mine = await cursorOf(`/api/leads?limit=1&ownerId=${rep1Id}`);
    const leads = await cursorOf('/api/leads?limit=1');
    const search = await cursorOf(`/api/contacts?limit=1&q=tl${u}`);
    const timeline = await cursorOf(`/api/contacts/${a.id}/timeline?limit=1`);

    const refused: [string, string][] = [
      [`/api/accounts?limit=1&cursor=${contacts}`, 'contacts → accounts'],
      [`/api/accounts?limit=1&sort=-createdAt&cursor=${contactsByDate}`, 'contacts by date → accounts by date'],
      [`/api/leads?limit=1&cursor=${contacts}`, 'contacts → leads'],
      [`/api/leads?limit=1&ownerId=someone-else&cursor=${mine}`, 'my leads → another owner'],
      [`/api/leads?limit=1&ownerId=x&cursor=${leads}`, 'all leads → ownerId=x'],
      [`/api/leads?limit=1&status=new&cursor=${leads}`, 'all leads → a filtered list'],
      [`/api/contacts?limit=1&q=tl${u}a&cursor=${search}`, 'one search → another'],
      [`/api/contacts/${b.id}/timeline?limit=1&cursor=${timeline}`, 'A’s timeline → B’s'],
      [`/api/contacts/${a.id}/audit?limit=1&cursor=${timeline}`, 'timeline → audit'],
      [`/api/contacts?limit=1&cursor=${timeline}`, 'timeline → list'],
    ];
    // Asked by an admin, who may read every owner's leads: for the manager, `ownerId=someone-else` is a list
    // they may not see, an empty page that never reaches the store.
    expect((await manager('GET', `/api/leads?limit=1&ownerId=someone-else&cursor=${mine}`)).body).toEqual({ items: [], nextCursor: null });
    for (const [path, why] of refused) {
      const res = await admin('GET', path);
      expect(res.status, why).toBe(400);
      expectProblem(res, 400, 'cursor');
      expect(res.body.errors[0].code).toBe('invalid_cursor');
    }
    // The cursor still works on the list that gave it out.
    expect((await manager('GET', `/api/contacts?limit=1&cursor=${contacts}`)).status).toBe(200);
    expect((await manager('GET', `/api/leads?limit=1&ownerId=${rep1Id}&cursor=${mine}`)).status).toBe(200);
    expect((await manager('GET', `/api/contacts/${a.id}/timeline?limit=1&cursor=${timeline}`)).status).toBe(200);
    expect((await manager('GET', `/api/contacts?limit=1&q=tl${u}&cursor=${search}`)).body.items.map((c: { id: string }) => c.id)).toHaveLength(1);
  });

  it('a search for nothing but # is an empty page, not an error', async () => {
    const res = await rep1('GET', `/api/contacts?q=${encodeURIComponent('#')}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});

describe('keys a client chooses (was: `constructor` in utm broke the DynamoDB marshaller)', () => {
  for (const key of ['constructor', 'prototype', '__proto__']) {
    it(`a utm key named ${key} is 400 naming it, on the webhook and manual entry, and nothing is written`, async () => {
      const u = unique();
      const lead = { lastName: `Utm${u}`, email: `utm.${u}@example.com`, utm: { utm_source: 'x', [key]: 'y' } };
      const raw = `{"lastName":"Utm${u}","email":"utm.${u}@example.com","utm":{"utm_source":"x","${key}":"y"}}`;
      expectProblem(await webhook(raw), 400, `utm.${key}`);
      expectProblem(await rep1('POST', '/api/leads', raw), 400, `utm.${key}`);
      if (key !== '__proto__') expectProblem(await rep1('POST', '/api/leads', lead), 400, `utm.${key}`);
      await expectNothingFound('leads', `Utm${u}`);
    });
  }

  it('ordinary utm keys still work', async () => {
    const u = unique();
    const res = await webhook(JSON.stringify({ lastName: `UtmOk${u}`, email: `utmok.${u}@example.com`, utm: { utm_source: 'expo', utm_campaign: '2026' } }));
    expect(res.status).toBe(202);
  });
});

describe('owner ids (was: an empty or 2,000-character ownerId reached the directory read)', () => {
  const owners: [string, unknown][] = [['empty', ''], ['2,000 characters', 'o'.repeat(2000)], ['a number', 42], ['a space', 'a b']];
  it.each(owners)('POST /api/leads with ownerId %s → 400 naming ownerId, nothing written', async (_label, ownerId) => {
    const u = unique();
    expectProblem(await manager('POST', '/api/leads', { lastName: `Own${u}`, email: `own.${u}@example.com`, ownerId }), 400, 'ownerId');
    expectProblem(await manager('POST', '/api/contacts', { lastName: `Own${u}`, ownerId }), 400, 'ownerId');
    await expectNothingFound('leads', `Own${u}`);
    await expectNothingFound('contacts', `Own${u}`);
  });

  it('PATCH with such an ownerId is 400 and the record keeps its version', async () => {
    const c = (await rep1('POST', '/api/contacts', { lastName: `Keep${unique()}` })).body;
    for (const ownerId of ['', 'o'.repeat(2000)]) expectProblem(await rep1('PATCH', `/api/contacts/${c.id}`, { ownerId }), 400, 'ownerId');
    expect((await rep1('GET', `/api/contacts/${c.id}`)).body.version).toBe(1);
  });
});

describe('refused manual entry writes nothing (was: the lead was written, then assigned and mailed)', () => {
  it('an owner a rep may not set is 403 naming ownerId; an unknown owner is 400; neither lead exists', async () => {
    const u = unique();
    const managerId = (await manager('GET', '/api/me')).body.id;
    const other = await rep1('POST', '/api/leads', { lastName: `NotMine${u}`, email: `notmine.${u}@example.com`, ownerId: managerId });
    expectProblem(other, 403, 'ownerId');
    const unknown = await manager('POST', '/api/leads', { lastName: `Nobody${u}`, email: `nobody.${u}@example.com`, ownerId: 'no-such-user' });
    expectProblem(unknown, 400, 'ownerId');
    await expectNothingFound('leads', `NotMine${u}`);
    await expectNothingFound('leads', `Nobody${u}`);
    // The same person can be entered afterwards: no guard item was left behind either.
    const ok = await rep1('POST', '/api/leads', { lastName: `NotMine${u}`, email: `notmine.${u}@example.com`, ownerId: rep1Id });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ ownerId: rep1Id, status: 'assigned' });
  });
});

describe('the body', () => {
  it('over 64 KiB is 413 problem+json and nothing is written', async () => {
    const u = unique();
    expectProblem(await rep1('POST', '/api/contacts', { lastName: `Big${u}`, notes: 'x'.repeat(70 * 1024) }), 413);
    await expectNothingFound('contacts', `Big${u}`);
  });

  it('that is not JSON, or holds a __proto__ key anywhere, is 400', async () => {
    expectProblem(await rep1('POST', '/api/contacts', '{"lastName":'), 400, '');
    const u = unique();
    expectProblem(await rep1('POST', '/api/contacts', `{"lastName":"Proto${u}","tags":["a"],"__proto__":{"x":1}}`), 400, '__proto__');
    await expectNothingFound('contacts', `Proto${u}`);
  });
});
