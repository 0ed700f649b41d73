import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/commons/auth.ts';
import { toProblem } from '../../functions/commons/problem.ts';
import { accountEntity } from '../../functions/accounts/entity.ts';
import { contactEntity } from '../../functions/contacts/entity.ts';
import { addField, deactivateField, describeMetadata, type MetadataDeps } from '../../functions/customization/service.ts';
import { MetadataRegistry } from '../../functions/metadata/custom-fields.ts';
import type { MetaJob, PurgedField, StoredField } from '../../functions/metadata/items.ts';
import type { TenantMetadata } from '../../functions/metadata/store.ts';
import { createRecord, updateRecord, type RecordDeps } from '../../functions/records/service.ts';
import { FIELD_TYPES, MAX_RELATION_IDS, compileFields, type FieldDefinition, type FieldType } from '../../schemas/metadata.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { MemoryMetadataStore } from '../support/memory-metadata-store.ts';
import { mulberry32 } from '../support/prng.ts';

/**
 * Issue 7's promise, as a property: a record's custom values that the web app accepts are accepted by the
 * server, and the other way round. The web app checks a form with `compileFields` over the field
 * definitions GET /api/metadata gave it (views/objects/RecordForm.vue `check`); the server takes the body
 * through the record service (functions/records/service.ts: `parseCustomValues` with the cached compiled
 * schema, defaults, relation targets). Here the definitions are random (every type, required, options,
 * many, defaults, deactivated fields) and are made through the admin's own service, so only definitions the
 * server takes are used; the bodies are random mixes of valid values, invalid values, nulls, omissions and
 * unknown names; each body goes to both sides and the verdicts must be the same. A seeded generator
 * (mulberry32): a failure names its seed and case, so it can be replayed.
 */
const SEED = Number(process.env.VALIDATORS_SEED ?? 20261202);
const RUNS = Number(process.env.VALIDATORS_RUNS ?? 150);

const admin: Principal = { tenantId: 'demo', userId: 'adm', email: 'adm@demo.local', name: 'Admin', role: 'admin', groups: ['admin'] };
const rep: Principal = { tenantId: 'demo', userId: 'rep-1', email: 'rep-1@demo.local', name: 'Rep', role: 'rep', groups: ['rep'] };
const l = (en: string) => ({ en, 'zh-CN': `${en}（中）` });

type Rand = ReturnType<typeof gen>;
function gen(r: () => number) {
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => r() < p;
  const chars = 'abcXYZ 中文示例-_.@/:+0123456789';
  const text = (min: number, max: number) => Array.from({ length: min + int(max - min + 1) }, () => pick([...chars])).join('');
  return { r, int, pick, chance, text };
}

const OPTION_POOL = ['gold', 'silver', 'a', 'B_2', 'x-1', 'vip', 'Z'];

// --- values -------------------------------------------------------------------------------------------------

type Def = Pick<FieldDefinition, 'type' | 'options' | 'many'>;

function validValue(f: Def, g: Rand, accounts: readonly string[]): unknown {
  const { int, pick, text, chance } = g;
  switch (f.type) {
    case 'text': return `${pick(['a', '王', 'Z'])}${text(0, chance(0.1) ? 253 : 30)}`.trim().slice(0, 255) || 'x';
    case 'longText': return text(0, chance(0.1) ? 4000 : 60);
    case 'number': return pick([0, -1, 3.25, 1e15, -0.5, (g.r() - 0.5) * 10 ** int(12)]);
    case 'percent': return pick([0, 100, -1_000_000, 1_000_000, 12.5]);
    case 'money': return { amount: pick([0, -5, 1_000_000, int(1e9)]), currency: pick(['CNY', 'USD', 'EUR']) };
    case 'date': return new Date(Date.UTC(1990 + int(60), int(12), 1 + int(28))).toISOString().slice(0, 10);
    case 'datetime': return pick([new Date(Date.UTC(2000 + int(40), int(12), 1 + int(28), int(24), int(60))).toISOString(), '2026-12-01T08:00:00+08:00']);
    case 'boolean': return chance(0.5);
    case 'picklist': return pick(f.options!).value;
    case 'multiPicklist': return f.options!.filter(() => chance(0.5)).map((o) => o.value);
    case 'email': return `${pick(['wei', 'ada.l', 'x+y'])}${int(1000)}@${pick(['example.cn', 'huawei.com'])}`;
    case 'phone': return `+86138${String(int(1e8)).padStart(8, '0')}`;
    case 'url': return `${pick(['https', 'http'])}://${pick(['example.com', 'cirrus.example.cn'])}/${text(0, 12).replace(/[^a-z0-9]/gi, '')}`;
    case 'user': return pick(['rep-1', 'adm', '01JUSER000000000000000000A']);
    case 'relation': return f.many ? accounts.filter(() => chance(0.4)) : pick(accounts);
  }
}

function invalidValue(f: Def, g: Rand): unknown {
  const { pick } = g;
  const common = [12, true, {}, [], 'x'.repeat(5000)];
  const byType: Record<FieldType, unknown[]> = {
    text: ['', '   ', 'x'.repeat(256), 12, {}],
    longText: ['x'.repeat(4001), 3, []],
    number: ['12', true, {}],
    percent: ['5%', 2_000_000, -1_000_001],
    money: [{ amount: 1.5, currency: 'CNY' }, { amount: 1, currency: 'yuan' }, 100, { amount: 1, currency: 'CNY', extra: 1 }, { currency: 'CNY' }],
    date: ['2026-13-01', '2026-02-30', '01/02/2026', 20260101, '2026-12-01T00:00:00Z'],
    datetime: ['2026-12-01', 'yesterday', '2026-12-01T25:00:00Z', '2026-12-01T08:00:00'],
    boolean: ['true', 0, 'yes'],
    picklist: ['platinum', 'GOLD', ['gold'], '', 1],
    multiPicklist: ['gold', ['platinum'], [1], f.options?.[0] ? [f.options[0].value, f.options[0].value] : ['dup', 'dup']],
    email: ['not-an-email', 'a@', `${'x'.repeat(65)}@example.com`, 'wei@@example.cn'],
    phone: ['138 0013 8000', '+0123', '+86abc', 12345678, '+861380013800012345'],
    url: ['example.com', 'ftp://example.com/x', 'javascript:alert(1)', `https://example.com/${'x'.repeat(2000)}`],
    user: ['has space', '', 'x'.repeat(65), 5, '../etc'],
    relation: f.many ? ['01JX', [''], ['a b'], Array.from({ length: MAX_RELATION_IDS + 1 }, (_, i) => `01JID${i}`)] : ['../etc', '', 7, ['01JX']],
  };
  return pick([...byType[f.type], ...(g.chance(0.2) ? common : [])]);
}

// --- the two sides ---------------------------------------------------------------------------------------------

/** The web app: the definitions as GET /api/metadata hands them out (JSON), compiled and checked like RecordForm. */
async function clientAccepts(mode: 'create' | 'update', body: Record<string, unknown>, deps: MetadataDeps): Promise<boolean> {
  const doc = JSON.parse(JSON.stringify(await describeMetadata(rep, {}, deps)));
  const contacts = doc.objects.find((o: { apiName: string }) => o.apiName === 'contacts');
  const custom = contacts.fields.filter((f: FieldDefinition) => f.custom && f.apiName.startsWith('c_')) as FieldDefinition[];
  return compileFields(custom, mode).safeParse(body).success;
}

/** The server: the record service's create or PATCH; refused = a 400 naming a custom field. */
async function serverAccepts(mode: 'create' | 'update', body: Record<string, unknown>, rdeps: RecordDeps, existing?: string): Promise<{ ok: boolean; detail: unknown }> {
  try {
    if (mode === 'create') await createRecord(contactEntity, rep, { lastName: 'Agree', ...body }, rdeps);
    else await updateRecord(contactEntity, rep, existing!, body, undefined, rdeps);
    return { ok: true, detail: undefined };
  } catch (e) {
    const p = toProblem(e);
    if (!p || p.status !== 400) throw e;
    const paths = ((p.extensions.errors ?? []) as { path: string }[]).map((x) => x.path);
    // Only custom fields are in play: a standard field's error would be a bug of this test.
    expect(paths.every((x) => x.startsWith('c_')), JSON.stringify(p)).toBe(true);
    return { ok: false, detail: p.extensions.errors };
  }
}

// --- the property ------------------------------------------------------------------------------------------------

let now: number;
let seq: number;
let mdeps: MetadataDeps;
let rdeps: RecordDeps;

beforeEach(() => {
  now = Date.parse('2026-12-02T08:00:00.000Z');
  seq = 0;
  const clock = () => new Date(now);
  const store = new MemoryMetadataStore();
  const registry = new MetadataRegistry(store, clock);
  const newId = () => `01JID${String(++seq).padStart(8, '0')}`;
  mdeps = { store, registry, clock, newId };
  rdeps = { store: new MemoryStore(), clock, newId, metadata: registry };
});

/** Random definitions made through the admin's service (the ones it refuses are left out), some deactivated. */
async function randomFields(g: Rand, accounts: readonly string[]): Promise<FieldDefinition[]> {
  const made: FieldDefinition[] = [];
  const n = 1 + g.int(6);
  for (let i = 0; i < n; i++) {
    const type = g.pick(FIELD_TYPES);
    const body: Record<string, unknown> = { apiName: `c_f${i}${type.toLowerCase()}`, type, label: l(`F${i}`), required: g.chance(0.35) };
    if (type === 'picklist' || type === 'multiPicklist') {
      const values = [...new Set(Array.from({ length: 1 + g.int(4) }, () => g.pick(OPTION_POOL)))];
      body.options = values.map((value) => ({ value, label: l(value) }));
    }
    if (type === 'relation') {
      body.target = 'accounts';
      if (g.chance(0.5)) body.many = true;
    }
    if (g.chance(0.2)) body.default = g.chance(0.7) ? validValue(body as unknown as Def, g, accounts) : invalidValue(body as unknown as Def, g);
    try {
      made.push(await addField(admin, 'contacts', body, mdeps));
    } catch (e) {
      if (toProblem(e)?.status !== 400) throw e;
    }
  }
  for (const f of made) {
    if (g.chance(0.15)) {
      await deactivateField(admin, 'contacts', f.apiName, mdeps);
      f.active = false;
    }
  }
  return made;
}

/** A body as a client could send it: per field a valid value, an invalid one, null, or nothing; now and then an unknown name. */
function randomBody(fields: readonly FieldDefinition[], g: Rand, accounts: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const roll = g.r();
    // Mostly the field's default as the form fills it in, or a value the person typed.
    if (roll < 0.2) continue;
    if (roll < 0.3) body[f.apiName] = null;
    else if (roll < 0.5) body[f.apiName] = invalidValue(f, g);
    else body[f.apiName] = f.default !== undefined && g.chance(0.3) ? structuredClone(f.default) : validValue(f, g, accounts);
  }
  if (g.chance(0.1)) body[g.pick(['c_unknown', 'c_x1', 'c_f0nope'])] = 'x';
  return body;
}

describe('client and server validators agree', () => {
  it(`on ${RUNS} random objects and bodies (seed ${SEED}): every body the web app accepts the server accepts, and the other way round`, async () => {
    const disagreements: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (let run = 0; run < RUNS; run++) {
      beforeEachRun();
      const g = gen(mulberry32(SEED + run));
      const accounts: string[] = [];
      for (let i = 0; i < 24; i++) accounts.push((await createRecord(accountEntity, rep, { name: `Acc ${run}-${i}` }, rdeps)).id);
      const fields = await randomFields(g, accounts);
      now += 60_000; // past the registry's refresh window: the record service reads the new metadata
      const active = fields.filter((f) => f.active);
      // A record to PATCH: the required fields filled in validly.
      const seedBody = Object.fromEntries(active.filter((f) => f.required).map((f) => [f.apiName, validValue(f, g, accounts)]));
      const existing = (await createRecord(contactEntity, rep, { lastName: 'Base', ...seedBody }, rdeps)).id;
      for (let c = 0; c < 4; c++) {
        const mode = g.chance(0.5) ? 'create' : 'update';
        const body = randomBody(fields, g, accounts);
        const client = await clientAccepts(mode, body, mdeps);
        const server = await serverAccepts(mode, body, rdeps, existing);
        if (client) accepted++;
        else refused++;
        if (client !== server.ok) {
          disagreements.push(`seed ${SEED + run} case ${c} ${mode}: client ${client ? 'accepts' : 'refuses'}, server ${server.ok ? 'accepts' : `refuses ${JSON.stringify(server.detail)}`}; `
            + `fields ${JSON.stringify(fields.map((f) => ({ n: f.apiName, t: f.type, req: f.required, act: f.active, many: f.many, def: f.default })))}; body ${JSON.stringify(body).slice(0, 400)}`);
        }
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // The property is only worth something if both verdicts happen often.
    expect(accepted).toBeGreaterThan(RUNS * 0.5);
    expect(refused).toBeGreaterThan(RUNS * 0.5);
  }, 120_000);
});

describe('what random bodies rarely reach', () => {
  it('two many-to-many relations holding more than MAX_RELATION_IDS records together: both sides refuse, naming both fields', async () => {
    const accounts: string[] = [];
    for (let i = 0; i < MAX_RELATION_IDS + 2; i++) accounts.push((await createRecord(accountEntity, rep, { name: `Acc ${i}` }, rdeps)).id);
    for (const n of ['c_partners', 'c_suppliers']) await addField(admin, 'contacts', { apiName: n, type: 'relation', target: 'accounts', many: true, label: l(n) }, mdeps);
    now += 60_000;
    const half = MAX_RELATION_IDS / 2;
    const tooMany = { c_partners: accounts.slice(0, half + 1), c_suppliers: accounts.slice(half + 1) };
    const justRight = { c_partners: accounts.slice(0, half), c_suppliers: accounts.slice(half, MAX_RELATION_IDS) };
    for (const [body, ok] of [[tooMany, false], [justRight, true]] as const) {
      expect(await clientAccepts('create', body, mdeps), JSON.stringify(body)).toBe(ok);
      const server = await serverAccepts('create', body, rdeps);
      expect(server.ok).toBe(ok);
      if (!ok) expect((server.detail as { path: string }[]).map((e) => e.path).sort()).toEqual(['c_partners', 'c_suppliers']);
    }
  });

  it('a required field with a default may be left out on create: the server fills it in, and the web app does not refuse it', async () => {
    await addField(admin, 'contacts', { apiName: 'c_tier', type: 'picklist', required: true, default: 'gold', options: [{ value: 'gold', label: l('Gold') }], label: l('Tier') }, mdeps);
    await addField(admin, 'contacts', { apiName: 'c_code', type: 'text', required: true, label: l('Code') }, mdeps);
    now += 60_000;
    expect([await clientAccepts('create', { c_code: 'A1' }, mdeps), (await serverAccepts('create', { c_code: 'A1' }, rdeps)).ok]).toEqual([true, true]);
    expect([await clientAccepts('create', { c_tier: 'gold' }, mdeps), (await serverAccepts('create', { c_tier: 'gold' }, rdeps)).ok]).toEqual([false, false]);
    // On a PATCH a required field still cannot be cleared, default or not.
    const c = await createRecord(contactEntity, rep, { lastName: 'X', c_code: 'A2' }, rdeps);
    expect(c.c_tier).toBe('gold');
    expect([await clientAccepts('update', { c_tier: null }, mdeps), (await serverAccepts('update', { c_tier: null }, rdeps, c.id)).ok]).toEqual([false, false]);
  });
});

/** Fresh metadata and records for each run (the stores of beforeEach are per test, the runs share one test). */
function beforeEachRun() {
  const clock = () => new Date(now);
  const store = new MemoryMetadataStore();
  const registry = new MetadataRegistry(store, clock);
  const newId = () => `01JID${String(++seq).padStart(8, '0')}`;
  mdeps = { store, registry, clock, newId };
  rdeps = { store: new MemoryStore(), clock, newId, metadata: registry };
}
