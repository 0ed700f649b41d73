import type { MessageCompiler, MessageContext } from 'vue-i18n';

/**
 * The app's own message compiler, so the build can use vue-i18n's runtime-only build (issue 7, first load:
 * vue-i18n's full message compiler is ≈10 KB gzipped on every page). Our locale files use a small part of
 * vue-i18n's message syntax, and this compiler implements exactly that part with vue-i18n's meaning:
 *  - `{name}` a named value, `{0}` a value from a list (`t('k', { name })`, `t('k', [x])`);
 *  - `{'@'}` a literal (for characters that are syntax in vue-i18n: `@ { } |`).
 * Anything else (plurals with `|`, linked `@:key`) is refused with an error naming the message, so a locale
 * string that needs the full syntax fails loudly in the unit test instead of rendering wrong.
 */
type Part = string | { named: string } | { list: number };
const TOKEN = /\{\s*(?:'([^']*)'|([A-Za-z_$][\w$-]*)|(\d+))\s*\}/g;

export function parseMessage(source: string): Part[] {
  if (/@[.:]|(?<!\{')\|(?!'\})/.test(source.replace(TOKEN, ''))) {
    throw new Error(`message uses vue-i18n syntax this app's compiler does not implement (plural or linked): ${JSON.stringify(source)}`);
  }
  const parts: Part[] = [];
  let last = 0;
  for (const m of source.matchAll(TOKEN)) {
    if (m.index > last) parts.push(source.slice(last, m.index));
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push({ named: m[2] });
    else parts.push({ list: Number(m[3]) });
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  if (/[{}]/.test(parts.filter((p) => typeof p === 'string').join('').replace(/'[^']*'/g, '')) && !source.includes("{'")) {
    throw new Error(`message has an unbalanced brace: ${JSON.stringify(source)}`);
  }
  return parts;
}

export const messageCompiler: MessageCompiler = (source) => {
  if (typeof source !== 'string') throw new Error('precompiled (AST) messages are not used by this app');
  const parts = parseMessage(source);
  if (parts.every((p) => typeof p === 'string')) {
    const text = (parts as string[]).join('');
    return () => text;
  }
  // normalize/interpolate are on every context vue-i18n's core builds (createMessageContext), not in its types.
  return (context: MessageContext) => {
    const ctx = context as MessageContext & { normalize(values: unknown[]): string; interpolate(value: unknown): unknown };
    return ctx.normalize(parts.map((p) => (typeof p === 'string' ? p : ctx.interpolate('named' in p ? ctx.named(p.named) : ctx.list(p.list)))));
  };
};
