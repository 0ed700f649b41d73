import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../frontend/src/locales/objects.en.ts';
import zhCN from '../../frontend/src/locales/objects.zh-CN.ts';
import appEn from '../../frontend/src/locales/en.ts';
import leadsEn from '../../frontend/src/locales/leads.en.ts';
import formsEn from '../../frontend/src/locales/forms.en.ts';
import activitiesEn from '../../frontend/src/locales/activities.en.ts';
import shellEn from '../../frontend/src/locales/app-shell.en.ts';
import activitiesZh from '../../frontend/src/locales/activities.zh-CN.ts';
import { OPS_BY_TYPE } from '../../frontend/src/components/fields/ops.ts';
import { FIELD_TYPES, STANDARD_OBJECTS } from '../../schemas/metadata.ts';
import { routes } from '../../contracts/routes.ts';

/** PLT-8 for the generic record pages (issue 7): zh-CN and English match, and every key the pages use exists. */
type Tree = { [k: string]: string | Tree };
const flatten = (t: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))),
  );
const web = join(import.meta.dirname, '../../frontend/src');

describe('generic record page messages', () => {
  const enKeys = flatten(en as Tree);
  const zhKeys = flatten(zhCN as Tree);

  it('zh-CN and en have exactly the same keys, none empty, same placeholders, no stray @ or |', () => {
    expect(Object.keys(zhKeys).sort()).toEqual(Object.keys(enKeys).sort());
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(enKeys)) {
      expect(zhKeys[k]!.trim(), k).not.toBe('');
      expect(params(zhKeys[k]!), k).toEqual(params(enKeys[k]!));
    }
    for (const [k, v] of Object.entries({ ...enKeys, ...zhKeys })) expect(v, k).not.toMatch(/[@|]/);
  });

  it('the activity composer and My day: zh-CN and en have the same keys and placeholders, none empty', () => {
    const e = flatten(activitiesEn as Tree);
    const z = flatten(activitiesZh as Tree);
    expect(Object.keys(z).sort()).toEqual(Object.keys(e).sort());
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(e)) {
      expect(z[k]!.trim(), k).not.toBe('');
      expect(params(z[k]!), k).toEqual(params(e[k]!));
    }
    for (const ns of Object.keys(activitiesEn)) for (const other of [appEn, leadsEn, formsEn, en]) expect(Object.keys(other)).not.toContain(ns);
  });

  it('does not collide with the other namespaces', () => {
    for (const ns of Object.keys(en)) for (const other of [appEn, leadsEn, formsEn]) expect(Object.keys(other)).not.toContain(ns);
  });

  it('names every filter operator any field type offers', () => {
    for (const type of FIELD_TYPES) for (const op of OPS_BY_TYPE[type] ?? []) expect(enKeys[`objects.ops.${op}`], `${type} ${op}`).toBeTruthy();
  });

  it('offers New/Edit/Delete on a standard object exactly when the API has its write routes', async () => {
    const { READ_ONLY_OBJECTS } = await import('../../frontend/src/views/objects/readOnly.ts');
    for (const o of Object.keys(STANDARD_OBJECTS)) {
      const writes = routes.some((r) => r.method === 'POST' && r.path === `/api/${o}`);
      expect(READ_ONLY_OBJECTS.has(o), o).toBe(!writes);
    }
  });

  it('every static key the object pages and field components use exists', () => {
    const all = { ...flatten(appEn as Tree), ...flatten(leadsEn as Tree), ...flatten(formsEn as Tree), ...flatten(activitiesEn as Tree), ...flatten(shellEn as Tree), ...enKeys };
    const files = [
      ...readdirSync(join(web, 'views/objects')).map((f) => join(web, 'views/objects', f)),
      ...readdirSync(join(web, 'views/activities')).map((f) => join(web, 'views/activities', f)),
      ...readdirSync(join(web, 'components/fields')).map((f) => join(web, 'components/fields', f)),
    ];
    const used = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bte?\(\s*'([A-Za-z0-9_.-]+)'/g)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(30);
    expect(used.filter((k) => !(k in all))).toEqual([]);
  });
});
