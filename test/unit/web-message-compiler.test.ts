import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { messageCompiler, parseMessage } from '../../frontend/src/modules/message-compiler.ts';
import en from '../../frontend/src/locales/en.ts';
import zhCN from '../../frontend/src/locales/zh-CN.ts';
import leadsEn from '../../frontend/src/locales/leads.en.ts';
import leadsZhCN from '../../frontend/src/locales/leads.zh-CN.ts';
import formsEn from '../../frontend/src/locales/forms.en.ts';
import formsZhCN from '../../frontend/src/locales/forms.zh-CN.ts';
import shellEn from '../../frontend/src/locales/app-shell.en.ts';
import shellZhCN from '../../frontend/src/locales/app-shell.zh-CN.ts';

/**
 * The web build drops vue-i18n's message compiler (issue 7, first load) and compiles messages with
 * frontend/src/modules/message-compiler.ts. Every message of every locale must render exactly as vue-i18n's
 * own compiler renders it, with named values, list values and literals.
 */
// The shell's messages share namespaces with the lead and forms pages' (the app merges them deeply too).
type Tree = { [k: string]: string | Tree };
const deep = (a: Tree, b: Tree): Tree =>
  Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => {
    const x = a[k];
    const y = b[k];
    return [k, typeof x === 'object' && typeof y === 'object' ? deep(x, y) : (y ?? x)!];
  }));
const messages = {
  en: deep({ ...en, ...leadsEn, ...formsEn } as Tree, shellEn as Tree),
  'zh-CN': deep({ ...zhCN, ...leadsZhCN, ...formsZhCN } as Tree, shellZhCN as Tree),
};

function keysOf(obj: unknown, prefix = ''): string[] {
  if (typeof obj === 'string') return [prefix];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

const named = new Proxy({} as Record<string, unknown>, { get: (_t, key) => (typeof key === 'string' ? `<${key}>` : undefined), has: () => true });

function i18nWith(compiler?: typeof messageCompiler) {
  return createI18n({ legacy: false, locale: 'en', fallbackLocale: 'en', messages, missingWarn: false, fallbackWarn: false, ...(compiler ? { messageCompiler: compiler } : {}) });
}

describe('the web app message compiler', () => {
  const ours = i18nWith(messageCompiler).global;
  const theirs = i18nWith().global;

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`renders every ${locale} message as vue-i18n does`, () => {
      const keys = keysOf(messages[locale]);
      expect(keys.length).toBeGreaterThan(300);
      const params: Record<string, unknown> = {};
      for (const key of keys) {
        const source = String(key.split('.').reduce<any>((o, k) => o[k], messages[locale]));
        for (const m of source.matchAll(/\{\s*([A-Za-z_$][\w$]*)\s*\}/g)) params[m[1]!] = named[m[1]!];
      }
      for (const key of keys) {
        expect(ours.t(key, params, { locale }), key).toBe(theirs.t(key, params, { locale }));
      }
    });
  }

  it('fills named and list values and keeps literals', () => {
    const fn = messageCompiler("{n} shown to {name} at {0}, mail me{'@'}x", {} as never);
    const i18n = createI18n({ legacy: false, locale: 'en', messages: { en: { k: "{n} shown to {name} at {0}, mail me{'@'}x" } }, messageCompiler });
    expect(typeof fn).toBe('function');
    expect(i18n.global.t('k', { n: 3, name: 'Wang Wei' })).toBe('3 shown to Wang Wei at , mail me@x');
    expect(i18n.global.t('k', [7])).toBe(' shown to  at 7, mail me@x');
  });

  it('refuses the vue-i18n syntax it does not implement instead of rendering it wrong', () => {
    expect(() => parseMessage('no apples | one apple | {count} apples')).toThrow(/plural or linked/);
    expect(() => parseMessage('@:common.save now')).toThrow(/plural or linked/);
    expect(parseMessage("a {'|'} b")).toEqual(['a ', '|', ' b']);
  });
});
