import { beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/client.ts';

/**
 * Search that finds Chinese words, through the local runtime (issue 7): GET /api/search across objects and
 * GET /api/contacts?q= find records by the words inside their Chinese names, by a phone's last digits, and
 * never another tenant's records.
 */
type Res = { status: number; body: any };
type Call = (method: string, path: string, body?: unknown) => Promise<Res>;

let rep1: Call;
let rep2: Call;
let acme: Call;
// Unique per run, so records left by earlier runs in the same local table do not change what is found.
const run = Array.from({ length: 4 }, () => '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥'[Math.floor(Math.random() * 22)]).join('');
const digits = String(Math.floor(1000 + Math.random() * 9000));

beforeAll(async () => {
  [rep1, rep2, acme] = (await Promise.all(
    ['rep1@demo.local', 'rep2@demo.local', 'admin@acme.local'].map(async (e) => api(await login(e)) as Call),
  )) as [Call, Call, Call];
});

const q = (s: string) => encodeURIComponent(s);

describe('search through the local runtime', () => {
  let account: { id: string; name: string };
  let contact: { id: string; name: string };
  let foreign: { id: string };

  beforeAll(async () => {
    const a = await rep1('POST', '/api/accounts', { name: `上海示例科技${run}`, domain: `sh${digits}.example.cn` });
    expect(a.status).toBe(201);
    account = a.body;
    const c = await rep1('POST', '/api/contacts', { lastName: '王', firstName: `伟${run}`, phone: `139 0000 ${digits}`, country: 'CN', accountId: account.id });
    expect(c.status).toBe(201);
    contact = c.body;
    const f = await acme('POST', '/api/accounts', { name: `上海示例科技${run}` });
    expect(f.status).toBe(201);
    foreign = f.body;
  });

  it('GET /api/search?q=示例 finds the account by a word inside its name, with its subtitle (then the people at it)', async () => {
    const res = await rep2('GET', `/api/search?q=${q('示例')}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(20);
    const mine = await rep2('GET', `/api/search?q=${q(`示例科技${run}`)}`);
    expect(mine.body.items).toEqual([
      { object: 'accounts', id: account.id, name: account.name, subtitle: `sh${digits}.example.cn` },
      // A contact carries its company's words (test/integration/search-company.test.ts).
      { object: 'contacts', id: contact.id, name: contact.name, subtitle: account.name },
    ]);
  });

  it('finds a contact by one character of a Chinese name, across objects and in the contact list', async () => {
    const byChar = await rep2('GET', `/api/contacts?q=${q('伟')}&limit=100`);
    expect(byChar.status).toBe(200);
    // Not only a token page: the list answers whole records, read back by id.
    const hit = byChar.body.items.find((x: any) => x.id === contact.id);
    expect(hit).toMatchObject({ name: contact.name, phone: `+861390000${digits}`, accountId: account.id, accountName: account.name, version: 1 });
    const byName = await rep2('GET', `/api/search?q=${q(`伟${run}`)}`);
    expect(byName.body.items).toEqual([{ object: 'contacts', id: contact.id, name: contact.name, subtitle: account.name }]);
    // 王伟… starts with the query, so it ranks first among what 王 finds.
    const byFamily = await rep2('GET', `/api/contacts?q=${q(`王伟${run}`)}`);
    expect(byFamily.body.items.map((x: any) => x.id)).toEqual([contact.id]);
  });

  it('finds a contact by the last four digits of its phone', async () => {
    const res = await rep2('GET', `/api/contacts?q=${q(`0000${digits}`)}`);
    expect(res.body.items.map((x: any) => x.id)).toContain(contact.id);
    const last8 = await rep2('GET', `/api/search?q=${q(`0000 ${digits}`)}`);
    expect(last8.body.items.map((x: any) => x.id)).toContain(contact.id);
  });

  it('a rename moves the record in search; another tenant never sees it', async () => {
    const renamed = await rep1('PATCH', `/api/contacts/${contact.id}`, { firstName: `明${run}` });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe(`王明${run}`);
    expect((await rep2('GET', `/api/search?q=${q(`伟${run}`)}`)).body.items).toEqual([]);
    expect((await rep2('GET', `/api/contacts?q=${q(`伟${run}`)}`)).body.items).toEqual([]);
    expect((await rep2('GET', `/api/search?q=${q(`明${run}`)}`)).body.items).toEqual([{ object: 'contacts', id: contact.id, name: `王明${run}`, subtitle: account.name }]);
    const other = await acme('GET', `/api/search?q=${q(`示例科技${run}`)}`);
    expect(other.body.items.map((x: any) => x.id)).toEqual([foreign.id]);
    expect((await acme('GET', `/api/contacts?q=${q(`明${run}`)}`)).body.items).toEqual([]);
    expect((await acme('GET', `/api/search?q=${q(`明${run}`)}`)).body.items).toEqual([]);
    expect((await rep2('GET', `/api/search?q=${q(`示例科技${run}`)}`)).body.items.map((x: any) => x.id)).toEqual([account.id, contact.id]);
  });

  it('a deleted record leaves search; an empty query is a 400 naming q', async () => {
    const got = await rep1('GET', `/api/contacts/${contact.id}`);
    expect((await rep1('DELETE', `/api/contacts/${contact.id}`, undefined)).status).toBe(204);
    expect(got.status).toBe(200);
    expect((await rep2('GET', `/api/search?q=${q(`明${run}`)}`)).body.items).toEqual([]);
    expect((await rep2('GET', `/api/contacts?q=${q(`王明${run}`)}`)).body.items).toEqual([]);
    const bad = await rep2('GET', '/api/search?q=');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path)).toContain('q');
  });
});

describe('search finds custom objects too (Ctrl+K goes to a project)', () => {
  it('a record of a searchable custom object is found by the Chinese words of its name; another tenant never sees it', async () => {
    const admin = api(await login('admin@demo.local')) as Call;
    const apiName = `c_srch${run.charCodeAt(0)}${digits}`;
    const created = await admin('POST', '/api/metadata/objects', {
      apiName, label: { en: 'Project', 'zh-CN': '项目' }, labelPlural: { en: 'Projects', 'zh-CN': '项目' },
      fields: [{ apiName: 'c_name', type: 'text', label: { en: 'Name', 'zh-CN': '名称' }, required: true }],
    });
    expect(created.status).toBe(201);
    const project = await rep1('POST', `/api/${apiName}`, { c_name: `浦东示例项目${run}` });
    expect(project.status).toBe(201);
    const found = await rep1('GET', `/api/search?q=${q(`示例项目${run}`)}`);
    expect(found.status).toBe(200);
    expect(found.body.items).toContainEqual(expect.objectContaining({ object: apiName, id: project.body.id, name: `浦东示例项目${run}` }));
    expect((await rep2('GET', `/api/search?q=${q(`浦东示例项目${run}`)}`)).body.items.map((i: { id: string }) => i.id)).toContain(project.body.id);
    expect((await acme('GET', `/api/search?q=${q(`浦东示例项目${run}`)}`)).body.items).toEqual([]);
  });
});

describe('searchable custom fields on a standard object', () => {
  it('a contact is found by a searchable custom field; once the field is deactivated its next change drops the tokens', async () => {
    const admin = api(await login('admin@demo.local')) as Call;
    const field = `c_wechat${digits}`;
    const made = await admin('POST', '/api/metadata/objects/contacts/fields', {
      apiName: field, type: 'text', searchable: true, label: { en: 'WeChat ID', 'zh-CN': '微信号' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const handle = `wx${digits}${run.charCodeAt(1)}zhang`;
    const contact = await rep1('POST', '/api/contacts', { lastName: `微信${run}`, [field]: handle });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    const prefix = handle.slice(0, handle.length - 3);
    expect((await rep1('GET', `/api/search?q=${q(prefix)}`)).body.items.map((i: { id: string }) => i.id)).toContain(contact.body.id);
    expect((await rep1('GET', `/api/contacts?q=${q(prefix)}`)).body.items.map((i: { id: string }) => i.id)).toEqual([contact.body.id]);

    expect((await admin('DELETE', `/api/metadata/objects/contacts/fields/${field}`)).status).toBe(204);
    // The deactivated field's value is kept but no longer findable once the record changes.
    expect((await rep1('PATCH', `/api/contacts/${contact.body.id}`, { title: '经理' })).status).toBe(200);
    expect((await rep1('GET', `/api/search?q=${q(prefix)}`)).body.items.map((i: { id: string }) => i.id)).not.toContain(contact.body.id);
    expect((await rep1('GET', `/api/contacts?q=${q(`微信${run}`)}`)).body.items.map((i: { id: string }) => i.id)).toEqual([contact.body.id]);
  });
});
