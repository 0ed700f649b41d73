import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../frontend/src/locales/forms.en.ts';
import zhCN from '../../frontend/src/locales/forms.zh-CN.ts';
import appEn from '../../frontend/src/locales/en.ts';
import leadsEn from '../../frontend/src/locales/leads.en.ts';
import shellEn from '../../frontend/src/locales/app-shell.en.ts';
import { FORM_FIELDS } from '../../schemas/form.ts';

/** PLT-8 for the web-to-lead forms page (SFA-1): zh-CN and English match, every key the page uses exists. */
type Tree = { [k: string]: string | Tree };
const flatten = (t: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))),
  );

describe('web-to-lead forms page messages', () => {
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

  it('does not collide with the app or lead namespaces', () => {
    for (const ns of Object.keys(en)) {
      expect(Object.keys(appEn)).not.toContain(ns);
      expect(Object.keys(leadsEn)).not.toContain(ns);
    }
  });

  it('the menu entry is in the signed-in shell (app-shell), the rest comes with the page', () => {
    expect(flatten(shellEn as Tree)['webForms.menu']).toBe('Web-to-lead forms');
    expect(enKeys['webForms.menu']).toBeUndefined();
  });

  it('labels every form field, and every static key FormsAdmin.vue uses exists', () => {
    for (const f of FORM_FIELDS) expect(enKeys[`webForms.labels.${f}`], f).toBeTruthy();
    const all = { ...flatten(appEn as Tree), ...flatten(leadsEn as Tree), ...flatten(shellEn as Tree), ...enKeys };
    const src = readFileSync(join(import.meta.dirname, '../../frontend/src/views/admin/FormsAdmin.vue'), 'utf8');
    const missing = [...src.matchAll(/\bte?\(\s*'([A-Za-z0-9_.-]+)'/g)].map((m) => m[1]!).filter((k) => !(k in all));
    expect(missing).toEqual([]);
  });
});
