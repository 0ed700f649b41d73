import { beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/client.ts';

/**
 * Contacts found by their company (issue 7, the "示例" case): a contact carries its account name's whole
 * name and first words as search tokens, within a budget of its own (MAX_PARENT_TOKENS_PER_RECORD), so
 * `/api/contacts?q=示例` finds the people at 上海示例科技 even when their own name, email and phones fill
 * their own 24 tokens. Moving a contact to another account (or off it) moves it in search.
 */
type Res = { status: number; body: any };
type Call = (method: string, path: string, body?: unknown) => Promise<Res>;

let rep1: Call;
let rep2: Call;
let acme: Call;
// Unique per run, so records left by earlier runs in the same local table do not change what is found.
const pick = (chars: string, n: number) => Array.from({ length: n }, () => chars[Math.floor(Math.random() * chars.length)]).join('');
const run = pick('甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥', 4);
const latin = pick('bcdfghjklmnpqrstvwxz', 6);
const digits = String(Math.floor(1000 + Math.random() * 9000));
const q = (s: string) => encodeURIComponent(s);
const ids = (r: Res): string[] => (r.body.items ?? []).map((x: { id: string }) => x.id);

let shanghai: { id: string; name: string };
let northwind: { id: string; name: string };
let bank: { id: string; name: string };
/** At 上海示例科技…, with a Chinese name, an email, a phone and a mobile: its own tokens are full. */
let wang: { id: string; name: string };
let smith: { id: string; name: string };
let banker: { id: string; name: string };

beforeAll(async () => {
  [rep1, rep2, acme] = (await Promise.all(
    ['rep1@demo.local', 'rep2@demo.local', 'admin@acme.local'].map(async (e) => api(await login(e)) as Call),
  )) as [Call, Call, Call];
  const account = async (name: string) => {
    const r = await rep1('POST', '/api/accounts', { name });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  shanghai = await account(`上海示例科技${run}`);
  northwind = await account(`Northwind Trading${latin}`);
  bank = await account(`北京示范银行${run}`);
  const contact = async (body: Record<string, unknown>) => {
    const r = await rep1('POST', '/api/contacts', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  wang = await contact({
    lastName: '王', firstName: `伟${run}`, email: `wei.${digits}@example.cn`, phone: `139 0000 ${digits}`, mobile: `138 1111 ${digits}`, country: 'CN',
    accountId: shanghai.id,
  });
  smith = await contact({ firstName: 'Anna', lastName: `Smith${latin}`, accountId: northwind.id });
  banker = await contact({ lastName: '赵', firstName: `云${run}`, accountId: bank.id });
});

describe('a contact is found by its company', () => {
  it('/api/contacts?q=示例 finds the people at 上海示例科技…, though their own tokens are full', async () => {
    const res = await rep2('GET', `/api/contacts?q=${q('示例')}&limit=100`);
    expect(res.status).toBe(200);
    expect(ids(res)).toContain(wang.id);
    // 北京示范银行 has 示范, not 示例.
    expect(ids(res)).not.toContain(banker.id);
    // The list answers the whole record, with the company it was found by.
    expect(res.body.items.find((c: { id: string }) => c.id === wang.id)).toMatchObject({ name: wang.name, accountId: shanghai.id, accountName: shanghai.name, email: `wei.${digits}@example.cn` });
    expect(ids(await rep2('GET', `/api/contacts?q=${q('上海')}&limit=100`))).toContain(wang.id);
    // A longer query: the whole of it must be in the name or the company.
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`示例科技${run}`)}`))).toEqual([wang.id]);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`示例银行${run}`)}`))).toEqual([]);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`示范银行${run}`)}`))).toEqual([banker.id]);
    // Its own name, email and phones still find it: the company's tokens take none of its own 24 (full here,
    // test/unit/search-parent-tokens.test.ts).
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`王伟${run}`)}`))).toEqual([wang.id]);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`wei.${digits}`)}`))).toEqual([wang.id]);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`0000${digits}`)}`))).toEqual([wang.id]);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`1381111${digits}`)}`))).toEqual([wang.id]);
  });

  it('a Latin company name by its whole name and by each word', async () => {
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`trading${latin}`)}`))).toEqual([smith.id]);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`Northwind Trading${latin}`)}`))).toEqual([smith.id]);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`smith${latin}`)}`))).toEqual([smith.id]);
  });

  it('/api/search lists the account first, then the people at it; another tenant finds none of them', async () => {
    const res = await rep2('GET', `/api/search?q=${q(`示例科技${run}`)}`);
    expect(res.body.items).toEqual([
      { object: 'accounts', id: shanghai.id, name: shanghai.name },
      { object: 'contacts', id: wang.id, name: wang.name, subtitle: shanghai.name },
    ]);
    expect((await acme('GET', `/api/contacts?q=${q(`示例科技${run}`)}`)).body.items).toEqual([]);
    expect((await acme('GET', `/api/search?q=${q(`trading${latin}`)}`)).body.items).toEqual([]);
  });

  it('moving a contact to another account moves it in search; off any account, the company no longer finds it', async () => {
    const moved = await rep1('PATCH', `/api/contacts/${wang.id}`, { accountId: northwind.id });
    expect(moved.status).toBe(200);
    expect(moved.body.accountName).toBe(northwind.name);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`示例科技${run}`)}`))).toEqual([]);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`trading${latin}`)}`)).sort()).toEqual([smith.id, wang.id].sort());

    expect((await rep1('PATCH', `/api/contacts/${wang.id}`, { accountId: null })).status).toBe(200);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`trading${latin}`)}`))).toEqual([smith.id]);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`王伟${run}`)}`))).toEqual([wang.id]);

    expect((await rep1('PATCH', `/api/contacts/${wang.id}`, { accountId: shanghai.id })).status).toBe(200);
    // A change of another field keeps what finds it.
    expect((await rep1('PATCH', `/api/contacts/${wang.id}`, { title: '采购经理' })).status).toBe(200);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`示例科技${run}`)}`))).toEqual([wang.id]);
  });

  it('a deleted contact is no longer found by its company; restored, it is again', async () => {
    expect((await rep1('DELETE', `/api/contacts/${banker.id}`)).status).toBe(204);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`示范银行${run}`)}`))).toEqual([]);
    expect((await rep1('POST', `/api/contacts/${banker.id}/restore`)).status).toBe(200);
    expect(ids(await rep2('GET', `/api/contacts?q=${q(`示范银行${run}`)}`))).toEqual([banker.id]);
  });
});
