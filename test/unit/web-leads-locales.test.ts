import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../frontend/src/locales/leads.en.ts';
import zhCN from '../../frontend/src/locales/leads.zh-CN.ts';
import appEn from '../../frontend/src/locales/en.ts';
import shellEn from '../../frontend/src/locales/app-shell.en.ts';
import shellZh from '../../frontend/src/locales/app-shell.zh-CN.ts';
import formsEn from '../../frontend/src/locales/forms.en.ts';
import { LEAD_STATUSES } from '../../schemas/lead.ts';

/**
 * PLT-8 for the lead pages: zh-CN and English have the same keys, and every static key the lead views use exists.
 * The lead pages' messages come with those pages (leads.*.ts); what every signed-in page shows of them (the menu,
 * lead source names, the bell) is in app-shell.*.ts, merged into the same namespaces.
 */
type Tree = { [k: string]: string | Tree };
const flatten = (t: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))),
  );

const ROOT = join(import.meta.dirname, '../../frontend/src');
const FILES = [
  ...readdirSync(join(ROOT, 'views/leads')).map((f) => `views/leads/${f}`),
  'views/admin/PartnersAdmin.vue',
  'views/admin/AssignmentRules.vue',
  'views/admin/RuleDialog.vue',
  'components/NotificationBell.vue',
  'components/AwayToggle.vue',
].filter((f) => /\.(vue|ts)$/.test(f));

describe('lead page messages', () => {
  const enKeys = { ...flatten(en as Tree), ...flatten(shellEn as Tree) };
  const zhKeys = { ...flatten(zhCN as Tree), ...flatten(shellZh as Tree) };
  const all = { ...flatten(appEn as Tree), ...enKeys };

  it('a message is in the shell or in the lead pages\' file, not both', () => {
    const page = Object.keys({ ...flatten(en as Tree), ...flatten(formsEn as Tree) });
    const shell = Object.keys(flatten(shellEn as Tree));
    expect(shell.filter((k) => page.includes(k))).toEqual([]);
    expect(Object.keys(flatten(shellZh as Tree)).sort()).toEqual(shell.sort());
  });

  it('zh-CN and en have exactly the same keys, none empty', () => {
    expect(Object.keys(zhKeys).sort()).toEqual(Object.keys(enKeys).sort());
    for (const [k, v] of Object.entries({ ...enKeys, ...zhKeys })) expect(v.trim(), k).not.toBe('');
  });

  it('placeholders match between the languages', () => {
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(enKeys)) expect(params(zhKeys[k]!), k).toEqual(params(enKeys[k]!));
  });

  it('no message uses vue-i18n special characters by accident (@ | outside placeholders)', () => {
    for (const [k, v] of Object.entries({ ...enKeys, ...zhKeys })) expect(v, k).not.toMatch(/[@|]/);
  });

  it('the top-level namespaces do not collide with the app messages', () => {
    for (const ns of Object.keys(en)) expect(Object.keys(appEn)).not.toContain(ns);
  });

  it('every static key used by the lead views exists', () => {
    const missing: string[] = [];
    for (const f of FILES) {
      const src = readFileSync(join(ROOT, f), 'utf8');
      for (const m of src.matchAll(/\bte?\(\s*'([A-Za-z0-9_.-]+)'/g)) if (!(m[1]! in all)) missing.push(`${f}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('every lead status, timeline entry type and notification kind has a label', () => {
    for (const s of LEAD_STATUSES) expect(enKeys[`leads.status.${s}`], s).toBeTruthy();
    const types = ['created', 'updated', 'assigned', 'claimed', 'queued', 'call', 'email', 'meeting', 'note', 'contacted', 'qualified', 'disqualified', 'converted', 'callback-overdue', 'lead-resubmitted'];
    for (const ty of types) expect(enKeys[`leads.timeline.types.${ty}`], ty).toBeTruthy();
    for (const k of ['lead-assigned', 'lead-callback-reminder', 'lead-callback-escalation']) expect(enKeys[`notify.kinds.${k}`], k).toBeTruthy();
  });
});
