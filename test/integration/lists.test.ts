import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, login, type ApiCall } from '../support/client.ts';

/**
 * Filtered and sorted lists (issue 7) through the local runtime: `where[field][op]=` on standard and custom
 * fields, sort on indexed fields, exact pages and cursors, every bad clause in one 400; saved views with
 * private/team/all sharing, `?view=`, the last used view, and segment counts.
 */
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const paths = (body: any): string[] => (body.errors ?? []).map((e: any) => e.path).sort();
const TAG = `Lst${Date.now().toString(36)}`;
const N = 120;
const LEVELS = ['gold', 'silver', 'bronze'];

interface Model { id: string; name: string; firstName: string; ownerId: string; level?: string; points: number; joined: string; vip: boolean; seen: string; budget: number; source: string }
const model: Model[] = [];
let admin: ApiCall;
let rep1: ApiCall;
let rep2: ApiCall;
let manager: ApiCall;
let marketer: ApiCall;
let rep1Id: string;
let rep2Id: string;

const pad = (i: number) => String(i).padStart(3, '0');
const q = (params: Record<string, string | number>) => Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
const mine = { 'where[lastName][eq]': TAG };

/** Every page of a list: the pages' sizes and the ids in order. */
async function all(call: ApiCall, params: Record<string, string | number>, limit = 50): Promise<{ sizes: number[]; ids: string[]; items: any[] }> {
  const sizes: number[] = [];
  const items: any[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 50; n++) {
    const res = await call('GET', `/api/contacts?${q({ ...params, limit, ...(cursor ? { cursor } : {}) })}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    sizes.push(res.body.items.length);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  return { sizes, ids: items.map((i) => i.id), items };
}
const ids = (ms: Model[]) => ms.map((m) => m.id).sort();
const byName = (a: Model, b: Model) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1);

beforeAll(async () => {
  [admin, rep1, rep2, manager, marketer] = (await Promise.all(
    ['admin@demo.local', 'rep1@demo.local', 'rep2@demo.local', 'manager@demo.local', 'marketer@demo.local'].map(async (e) => api(await login(e))),
  )) as ApiCall[] as [ApiCall, ApiCall, ApiCall, ApiCall, ApiCall];
  rep1Id = (await rep1('GET', '/api/me')).body.id;
  rep2Id = (await rep2('GET', '/api/me')).body.id;
  const fields = [
    { apiName: 'c_level', type: 'picklist', label: l('Level', '级别'), options: LEVELS.map((v) => ({ value: v, label: l(v, v) })) },
    { apiName: 'c_points', type: 'number', label: l('Points', '积分') },
    { apiName: 'c_joined', type: 'date', label: l('Joined', '加入日期') },
    { apiName: 'c_vip', type: 'boolean', label: l('VIP', '贵宾') },
    { apiName: 'c_seen', type: 'datetime', label: l('Last seen', '最近访问') },
    { apiName: 'c_budget', type: 'money', label: l('Budget', '预算') },
  ];
  for (const f of fields) {
    const res = await admin('POST', '/api/metadata/objects/contacts/fields', f);
    expect([201, 400]).toContain(res.status); // 400: a rerun against kept data
  }
  await advanceClock(6);
  const sources = ['web', 'fair', 'ads'];
  for (let start = 0; start < N; start += 12) {
    await Promise.all(Array.from({ length: 12 }, async (_, k) => {
      const i = start + k;
      const day = new Date(Date.UTC(2026, 0, 1 + i));
      const m: Omit<Model, 'id' | 'name' | 'ownerId'> = {
        firstName: `F${pad(i)}`, points: i - 60, joined: day.toISOString().slice(0, 10), vip: i % 4 === 0,
        // Offsets: the same instant is compared in UTC whatever offset it was written with.
        seen: `2026-03-01T${String(i % 24).padStart(2, '0')}:00:00+08:00`, budget: i * 100, source: sources[i % 3]!,
        ...(i % 10 === 0 ? {} : { level: LEVELS[i % 3] }),
      };
      const call = i % 2 ? rep2 : rep1;
      const res = await call('POST', '/api/contacts', {
        firstName: m.firstName, lastName: TAG, email: `${TAG.toLowerCase()}.${i}@example.com`, source: m.source,
        c_points: m.points, c_joined: m.joined, c_vip: m.vip, c_seen: m.seen, c_budget: { amount: m.budget, currency: 'CNY' },
        ...(m.level ? { c_level: m.level } : {}),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      model.push({ ...m, id: res.body.id, name: res.body.name.toLowerCase(), ownerId: res.body.ownerId });
    }));
  }
}, 120_000);

describe('where clauses', () => {
  const cases: [string, Record<string, string>, (m: Model) => boolean][] = [
    ['picklist eq', { 'where[c_level][eq]': 'gold' }, (m) => m.level === 'gold'],
    ['picklist neq (empty values included)', { 'where[c_level][neq]': 'gold' }, (m) => m.level !== 'gold'],
    ['picklist in', { 'where[c_level][in]': 'silver,bronze' }, (m) => m.level === 'silver' || m.level === 'bronze'],
    ['picklist isEmpty', { 'where[c_level][isEmpty]': 'true' }, (m) => m.level === undefined],
    ['picklist not isEmpty', { 'where[c_level][isEmpty]': 'false' }, (m) => m.level !== undefined],
    ['number gt (negative)', { 'where[c_points][gt]': '-5' }, (m) => m.points > -5],
    ['number gte', { 'where[c_points][gte]': '10' }, (m) => m.points >= 10],
    ['number lt', { 'where[c_points][lt]': '-50' }, (m) => m.points < -50],
    ['number lte and gte', { 'where[c_points][lte]': '3', 'where[c_points][gte]': '-3' }, (m) => m.points <= 3 && m.points >= -3],
    ['number eq', { 'where[c_points][eq]': '0' }, (m) => m.points === 0],
    ['number in', { 'where[c_points][in]': '-60,0,59' }, (m) => [-60, 0, 59].includes(m.points)],
    ['date lte', { 'where[c_joined][lte]': '2026-01-10' }, (m) => m.joined <= '2026-01-10'],
    ['datetime gte, another offset', { 'where[c_seen][gte]': '2026-03-01T12:00:00Z' }, (m) => Date.parse(m.seen) >= Date.parse('2026-03-01T12:00:00Z')],
    ['boolean eq', { 'where[c_vip][eq]': 'true' }, (m) => m.vip],
    ['money gte (minor units)', { 'where[c_budget][gte]': '11000' }, (m) => m.budget >= 11000],
    ['standard indexed text eq', { 'where[source][eq]': 'fair' }, (m) => m.source === 'fair'],
    ['standard text startsWith', { 'where[firstName][startsWith]': 'f10' }, (m) => m.firstName.startsWith('F10')],
    ['standard email contains', { 'where[email][contains]': '.11' }, (m) => m.firstName === 'F011' || m.firstName.startsWith('F11')],
    ['standard text neq', { 'where[firstName][neq]': 'F001' }, (m) => m.firstName !== 'F001'],
    ['standard text in', { 'where[firstName][in]': 'F001,F002' }, (m) => ['F001', 'F002'].includes(m.firstName)],
    ['owner in (both reps)', { 'where[ownerId][in]': '' }, () => true],
    ['owner eq', { 'where[ownerId][eq]': '' }, (m) => m.ownerId === rep1Id],
  ];
  it.each(cases)('%s', async (_name, params, keep) => {
    const p = { ...params };
    if ('where[ownerId][in]' in p) p['where[ownerId][in]'] = `${rep1Id},${rep2Id}`;
    if ('where[ownerId][eq]' in p) p['where[ownerId][eq]'] = rep1Id;
    const got = await all(rep1, { ...mine, ...p });
    expect(got.ids.sort()).toEqual(ids(model.filter(keep)));
    // By name unless asked otherwise.
    expect(got.items.map((i) => i.id)).toEqual(model.filter(keep).sort(byName).map((m) => m.id));
  });

  it('every bad clause is named in one 400', async () => {
    const res = await rep1('GET', `/api/contacts?${q({
      'where[nope][eq]': '1', 'where[c_points][contains]': 'x', 'where[c_points][gt]': 'abc', 'where[c_level][eq]': 'platinum',
      'where[c_joined][lt]': '2026-13-45', 'where[nationalId][eq]': 'x', 'where[c_vip][isEmpty]': 'maybe', 'where[email][like]': 'a',
      'where[c_level][in]': 'gold,tin', 'where[c_budget][gte]': '1.5', 'wherever': 'x', sort: 'firstName',
    })}`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(paths(res.body)).toEqual([
      'sort', 'where[c_budget][gte]', 'where[c_joined][lt]', 'where[c_level][eq]', 'where[c_level][in]', 'where[c_points][contains]',
      'where[c_points][gt]', 'where[c_vip][isEmpty]', 'where[email][like]', 'where[nationalId][eq]', 'where[nope][eq]', 'wherever',
    ].sort());
    // A manager may read nationalId, so may filter on it.
    expect((await manager('GET', `/api/contacts?${q({ ...mine, 'where[nationalId][isEmpty]': 'true' })}`)).status).toBe(200);
  });

  it('the lists people already use answer as before', async () => {
    const res = await rep1('GET', `/api/contacts?${q({ sort: '-createdAt', limit: 5, ownerId: rep1Id })}`);
    expect(res.status).toBe(200);
    expect(res.body.items.every((i: any) => i.ownerId === rep1Id)).toBe(true);
    const times = res.body.items.map((i: any) => i.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });
});

describe('sorting', () => {
  const order = (ms: Model[], key: (m: Model) => number | string, desc = false) =>
    [...ms].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : byName(a, b)) * (desc ? -1 : 1)).map((m) => m.id);

  it('by a number, ascending and descending, negative values in place', async () => {
    expect((await all(rep1, { ...mine, sort: 'c_points' }, 40)).ids).toEqual(order(model, (m) => m.points));
    expect((await all(rep1, { ...mine, sort: '-c_points' }, 40)).ids).toEqual(order(model, (m) => m.points, true));
  });

  it('by a date, descending, with ties by name; a second key may only be the name', async () => {
    const got = await all(rep1, { ...mine, 'where[c_joined][gte]': '2026-02-01', sort: '-c_joined,-name' }, 30);
    expect(got.ids).toEqual(order(model.filter((m) => m.joined >= '2026-02-01'), (m) => m.joined, true));
    const bad = await rep1('GET', `/api/contacts?${q({ sort: 'c_joined,c_points' })}`);
    expect([bad.status, paths(bad.body)]).toEqual([400, ['sort']]);
  });

  it('by a picklist: records without a value come last', async () => {
    const got = await all(rep1, { ...mine, sort: 'c_level' }, 50);
    const withLevel = model.filter((m) => m.level).sort((a, b) => (a.level! < b.level! ? -1 : a.level! > b.level! ? 1 : byName(a, b)));
    expect(got.ids).toEqual([...withLevel.map((m) => m.id), ...model.filter((m) => !m.level).sort(byName).map((m) => m.id)]);
  });
});

describe('exact pages', () => {
  it('a page holds `limit` records whenever that many match, and the cursors neither skip nor repeat', async () => {
    // Index order (every value of c_points is indexed), 120 records.
    const range = await all(rep1, { 'where[c_points][gte]': '-60', sort: 'c_points' }, 25);
    expect(range.sizes).toEqual([25, 25, 25, 25, 20]);
    expect(new Set(range.ids).size).toBe(N);
    // A selective clause checked on the records (firstName is text): ten of hundreds of contacts, pages of three.
    const selective = await all(rep1, { 'where[firstName][startsWith]': 'F11', ...mine }, 3);
    expect(selective.sizes.slice(0, 3)).toEqual([3, 3, 3]);
    expect(selective.ids).toEqual(model.filter((m) => m.firstName.startsWith('F11')).sort(byName).map((m) => m.id));
    // An index clause merged by name (two values), pages of seven.
    const merged = await all(rep1, { 'where[c_level][in]': 'gold,bronze', ...mine }, 7);
    const expected = model.filter((m) => m.level === 'gold' || m.level === 'bronze').sort(byName).map((m) => m.id);
    expect(merged.ids).toEqual(expected);
    expect(merged.sizes.slice(0, -1).every((s) => s === 7)).toBe(true);
    // Owners merged by name: both reps' records.
    const owners = await all(rep1, { 'where[ownerId][in]': `${rep1Id},${rep2Id}`, ...mine }, 11);
    expect(owners.ids).toEqual([...model].sort(byName).map((m) => m.id));
    expect(owners.sizes.slice(0, -1).every((s) => s === 11)).toBe(true);
  });

  it('a cursor is good only for the list that gave it', async () => {
    const first = await rep1('GET', `/api/contacts?${q({ 'where[c_level][eq]': 'gold', limit: 2 })}`);
    expect(first.body.nextCursor).toBeTruthy();
    const other = await rep1('GET', `/api/contacts?${q({ 'where[c_level][eq]': 'silver', limit: 2, cursor: first.body.nextCursor })}`);
    expect([other.status, paths(other.body)]).toEqual([400, ['cursor']]);
  });
});

describe('saved views and segments', () => {
  const view = (extra: Record<string, unknown> = {}) => ({
    object: 'contacts', name: 'Gold by points', shared: 'private', columns: ['name', 'email', 'c_level', 'c_points'],
    widths: { name: 240 }, where: { c_level: { eq: 'gold' }, lastName: { eq: TAG } }, sort: ['-c_points'], density: 'compact', ...extra,
  });
  const gold = () => model.filter((m) => m.level === 'gold');

  it('private views are their owner\'s; team views reach the owner\'s team; all views everyone', async () => {
    const priv = await rep1('POST', '/api/views', view());
    expect(priv.status, JSON.stringify(priv.body)).toBe(201);
    const team = await rep1('POST', '/api/views', view({ name: 'Team gold', shared: 'team' }));
    const everyone = await rep1('POST', '/api/views', view({ name: 'Everyone gold', shared: 'all' }));
    expect([team.status, everyone.status]).toEqual([201, 201]);
    const seen = async (call: ApiCall) => (await call('GET', '/api/views?object=contacts')).body.items.map((v: any) => v.id);
    expect(await seen(rep1)).toEqual(expect.arrayContaining([priv.body.id, team.body.id, everyone.body.id]));
    // rep2 shares rep1's manager; the manager is rep1's; the marketer is outside the team.
    for (const call of [rep2, manager]) {
      const s = await seen(call);
      expect(s).toEqual(expect.arrayContaining([team.body.id, everyone.body.id]));
      expect(s).not.toContain(priv.body.id);
    }
    const m = await seen(marketer);
    expect(m).toContain(everyone.body.id);
    expect(m).not.toContain(team.body.id);
    expect((await rep2('GET', `/api/views/${priv.body.id}`)).status).toBe(404);
    expect((await marketer('GET', `/api/views/${team.body.id}`)).status).toBe(404);
    const applied = await rep2('GET', `/api/contacts?view=${priv.body.id}`);
    expect([applied.status, paths(applied.body)]).toEqual([400, ['view']]);

    // Only the owner (or an admin) changes or deletes a view.
    expect((await rep2('PATCH', `/api/views/${team.body.id}`, { name: 'Mine now' })).status).toBe(403);
    expect((await rep2('DELETE', `/api/views/${everyone.body.id}`)).status).toBe(403);
    const renamed = await admin('PATCH', `/api/views/${team.body.id}`, { name: 'Team gold (admin)' });
    expect([renamed.status, renamed.body.name, renamed.body.version]).toEqual([200, 'Team gold (admin)', 2]);
    expect((await rep1('DELETE', `/api/views/${everyone.body.id}`)).status).toBe(204);
    expect((await rep1('GET', `/api/views/${everyone.body.id}`)).status).toBe(404);
  });

  it('?view= applies its where and sort; the query adds clauses and its sort wins', async () => {
    const v = (await rep1('POST', '/api/views', view({ name: 'Applied' }))).body;
    const byPoints = (desc: boolean) => (ms: Model[]) => [...ms].sort((a, b) => (a.points - b.points) * (desc ? -1 : 1)).map((m) => m.id);
    expect((await all(rep1, { view: v.id }, 10)).ids).toEqual(byPoints(true)(gold()));
    expect((await all(rep1, { view: v.id, 'where[c_vip][eq]': 'true' }, 10)).ids).toEqual(byPoints(true)(gold().filter((m) => m.vip)));
    expect((await all(rep1, { view: v.id, sort: 'c_points' }, 10)).ids).toEqual(byPoints(false)(gold()));

    // The last used view per user and object.
    expect((await rep1('PUT', '/api/views/last', { object: 'contacts', viewId: v.id })).status).toBe(200);
    expect((await rep1('GET', '/api/views?object=contacts')).body.lastViewId).toBe(v.id);
    expect((await rep2('GET', '/api/views?object=contacts')).body.lastViewId).toBeNull();
    expect((await rep2('PUT', '/api/views/last', { object: 'contacts', viewId: v.id })).status).toBe(400);
  });

  it('a view naming unknown columns, bad clauses or an unsortable field is refused, naming each', async () => {
    const res = await rep1('POST', '/api/views', view({
      columns: ['name', 'nope', 'nationalId'], widths: { other: 100 }, where: { c_level: { eq: 'platinum' }, c_points: { like: 1 } }, sort: ['firstName'],
    }));
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['columns.1', 'columns.2', 'sort.0', 'where.c_level.eq', 'where.c_points.like', 'widths.other'].sort());
    expect(paths((await rep1('POST', '/api/views', view({ object: 'planets' }))).body)).toEqual(['object']);
  });

  it('a segment is counted', async () => {
    const seg = (await rep1('POST', '/api/views', view({ name: 'Gold audience', segment: true, shared: 'all' }))).body;
    expect(seg.segment).toBe(true);
    const res = await marketer('GET', `/api/views/${seg.id}/count`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ count: gold().length, exact: true });
    // Key conditions only (COUNT of the index partition): records of this run and no other hold c_joined.
    const byIndex = (await rep1('POST', '/api/views', view({ name: 'Joined in January', segment: true, where: { c_joined: { lte: '2026-01-31' } } }))).body;
    expect((await rep1('GET', `/api/views/${byIndex.id}/count`)).body).toEqual({ count: model.filter((m) => m.joined <= '2026-01-31').length, exact: true });
  });
});
