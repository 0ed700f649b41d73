import * as z from 'zod/mini';
import { id, longText, recordMeta, shortText } from '../common.ts';

/**
 * Issue 10 (MA-6): email templates — subject and body per language with merge fields, and the pure parts
 * the server and the web app share: the merge-field grammar and renderer, the html → text conversion and
 * the structured block editor's compiler (heading, text, button, image, divider blocks → a 600 px,
 * table-based HTML email that renders in Outlook; no MJML at run time). No eval, no dependencies.
 *
 * Merge fields: `{{contact.firstName}}`, `{{lead.company}}`, custom fields (`{{contact.c_tier}}`),
 * `{{owner.name}}`, with a fallback `{{contact.firstName | "there"}}` (the fallback may also be written
 * `&quot;there&quot;` — what an HTML editor makes of the quotes — or `'there'`). `contact.*` and `lead.*`
 * both name the recipient, whether it is a contact or a lead.
 */
export const TEMPLATE_LANGUAGES = ['en', 'zh-CN'] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];
/** Per language; the record, its audit entry (before and after) and its event stay well inside DynamoDB's and EventBridge's sizes. */
export const MAX_TEMPLATE_HTML = 30000;
export const MAX_TEMPLATE_SUBJECT = 300;
export const MAX_TEMPLATE_BLOCKS = 30;
export const MERGE_NAMESPACES = ['contact', 'lead', 'owner'] as const;
export const OWNER_FIELDS = ['name', 'email'] as const;
export const DEFAULT_SUBSCRIPTION_TYPE = 'newsletter';

// --- merge fields -------------------------------------------------------------------------------------

export interface MergeField {
  /** The whole token as written, `{{ … }}`. */
  readonly raw: string;
  readonly start: number;
  readonly end: number;
  readonly namespace: string;
  readonly field: string;
  readonly fallback?: string;
}
export interface MergeFieldError { readonly raw: string; readonly message: string }

const TOKEN = /\{\{([\s\S]*?)\}\}/g;
const INNER = /^\s*([A-Za-z]+)\.([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\s*(?:"([^"]*)"|&quot;((?:(?!&quot;).)*)&quot;|'([^']*)')\s*)?$/s;

/** The merge fields of a text, and the tokens that are not merge fields at all (`{{hello}}`, `{{contact.x | there}}`). */
export function parseMergeFields(text: string): { fields: MergeField[]; errors: MergeFieldError[] } {
  const fields: MergeField[] = [];
  const errors: MergeFieldError[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const inner = INNER.exec(m[1]!);
    if (!inner) {
      errors.push({ raw: m[0], message: `${m[0]} is not a merge field: write {{contact.firstName}} or {{contact.firstName | "fallback"}}` });
      continue;
    }
    const fallback = inner[3] ?? (inner[4] !== undefined ? decodeEntities(inner[4]) : undefined) ?? inner[5];
    fields.push({ raw: m[0], start: m.index!, end: m.index! + m[0].length, namespace: inner[1]!, field: inner[2]!, ...(fallback !== undefined ? { fallback } : {}) });
  }
  return { fields, errors };
}

/** Which fields a template may name: the recipient's (contact and lead fields, custom ones included) and the owner's. */
export interface MergeVocabulary {
  readonly record: ReadonlySet<string>;
  readonly owner?: ReadonlySet<string>;
}

/** Problems of one text (a subject or an html): malformed tokens and fields nobody has; empty when it is fine. */
export function mergeFieldProblems(text: string, vocabulary: MergeVocabulary): string[] {
  const { fields, errors } = parseMergeFields(text);
  const problems = errors.map((e) => e.message);
  const owner = vocabulary.owner ?? new Set<string>(OWNER_FIELDS);
  for (const f of fields) {
    if (!(MERGE_NAMESPACES as readonly string[]).includes(f.namespace)) {
      problems.push(`Unknown merge field ${f.namespace}.${f.field}: use contact., lead. or owner.`);
    } else if (f.namespace === 'owner' ? !owner.has(f.field) : !vocabulary.record.has(f.field)) {
      problems.push(`Unknown merge field ${f.namespace}.${f.field}`);
    }
  }
  return [...new Set(problems)];
}

/** What a merge field resolves to for one recipient; undefined or '' when it has no value. */
export type MergeValues = (namespace: string, field: string) => unknown;

/** A field value as text: strings as they are, numbers and booleans written out, lists joined. */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(valueText).filter((s) => s !== '').join(', ');
  if (typeof v === 'object' && 'amount' in v && 'currency' in v) return `${String((v as { currency: unknown }).currency)} ${String((v as { amount: unknown }).amount)}`;
  return '';
}

/**
 * Replaces every merge field by its value (or its fallback, or nothing), HTML-escaped when `escape` (the
 * html part); a token that is not a merge field stays as written (saving refuses those anyway).
 */
export function renderMergeFields(text: string, values: MergeValues, escape: boolean): string {
  const { fields } = parseMergeFields(text);
  let out = '';
  let at = 0;
  for (const f of fields) {
    out += text.slice(at, f.start);
    const value = valueText(values(f.namespace, f.field)).trim();
    const shown = value !== '' ? value : f.fallback ?? '';
    out += escape ? escapeHtml(shown) : shown;
    at = f.end;
  }
  return out + text.slice(at);
}

// --- html ---------------------------------------------------------------------------------------------

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', hellip: '…', mdash: '—', ndash: '–' };
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

/** The plain-text part of an email from its html: paragraphs and rows on their own lines, links as `text (url)`. */
export function htmlToText(html: string): string {
  let s = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<a\b[^>]*?href\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, _q, h1: string | undefined, h2: string | undefined, inner: string) => {
      const href = decodeEntities(h1 ?? h2 ?? '');
      const label = inner.replace(/<[^>]*>/g, '').trim();
      const labelText = decodeEntities(label).trim();
      if (!href || href.startsWith('#') || href.startsWith('mailto:') && labelText.includes(href.slice(7))) return label;
      return labelText && labelText !== href ? `${label} (${escapeHtml(href)})` : escapeHtml(href);
    })
    .replace(/<img\b[^>]*?alt\s*=\s*("([^"]*)"|'([^']*)')[^>]*>/gi, (_m, _q, a1: string | undefined, a2: string | undefined) => a1 ?? a2 ?? '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<hr\b[^>]*>/gi, '\n----------\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|h[1-6]|tr|li|table|ul|ol|blockquote)\s*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '');
  s = decodeEntities(s).replace(/\u00a0/g, ' ');
  s = s.split('\n').map((line) => line.replace(/[ \t\r\f\v]+/g, ' ').trim()).join('\n');
  return s.replace(/\n{3,}/g, '\n\n').trim();
}

// --- blocks (the structured editor) ---------------------------------------------------------------------

const blockText = z.string().check(z.maxLength(3000));
const url = z.string().check(z.trim(), z.minLength(1), z.maxLength(2000), z.regex(/^(https?:\/\/|mailto:|\{\{)/, 'Start the link with https://, http:// or mailto:'));
export const templateBlock = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('heading'), text: blockText }),
  z.strictObject({ type: z.literal('text'), text: blockText }),
  z.strictObject({ type: z.literal('button'), text: z.string().check(z.maxLength(200)), url }),
  z.strictObject({ type: z.literal('image'), src: url, alt: z.optional(z.string().check(z.maxLength(300))), href: z.optional(url) }),
  z.strictObject({ type: z.literal('divider') }),
]);
export type TemplateBlock = z.infer<typeof templateBlock>;
export const BLOCK_TYPES = ['heading', 'text', 'button', 'image', 'divider'] as const;

/** Text of a block escaped for html, its merge fields kept as written (they are filled in, escaped, when rendered). */
function escapeKeepingFields(text: string): string {
  const { fields } = parseMergeFields(text);
  let out = '';
  let at = 0;
  for (const f of fields) {
    out += escapeHtml(text.slice(at, f.start)) + f.raw;
    at = f.end;
  }
  return out + escapeHtml(text.slice(at));
}
const FONT = "font-family:Arial,Helvetica,'PingFang SC','Microsoft YaHei',sans-serif";

function blockRow(b: TemplateBlock): string {
  const cell = (style: string, inner: string) => `<tr><td style="padding:${style}">${inner}</td></tr>`;
  switch (b.type) {
    case 'heading':
      return cell('24px 32px 8px 32px', `<h1 style="margin:0;${FONT};font-size:24px;line-height:32px;color:#1f2937;font-weight:bold">${escapeKeepingFields(b.text)}</h1>`);
    case 'text':
      return cell('8px 32px', b.text.split(/\n{2,}/).map((p) => `<p style="margin:0 0 12px 0;${FONT};font-size:16px;line-height:24px;color:#374151">${escapeKeepingFields(p).replace(/\n/g, '<br>')}</p>`).join(''));
    case 'button': {
      const href = escapeKeepingFields(b.url);
      const label = escapeKeepingFields(b.text);
      // A bulletproof button: a table cell with the colour (Outlook ignores padding on <a>), VML for rounded corners there.
      return cell('16px 32px', `<table role="presentation" border="0" cellpadding="0" cellspacing="0"><tr><td align="center" bgcolor="#2563eb" style="border-radius:6px">`
        + `<a href="${href}" target="_blank" style="display:inline-block;padding:12px 24px;${FONT};font-size:16px;line-height:20px;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px">${label}</a>`
        + '</td></tr></table>');
    }
    case 'image': {
      const img = `<img src="${escapeKeepingFields(b.src)}" alt="${escapeKeepingFields(b.alt ?? '')}" width="536" style="display:block;width:100%;max-width:536px;height:auto;border:0;outline:none;text-decoration:none">`;
      return cell('8px 32px', b.href ? `<a href="${escapeKeepingFields(b.href)}" target="_blank">${img}</a>` : img);
    }
    case 'divider':
      return cell('16px 32px', '<table role="presentation" width="100%" border="0" cellpadding="0" cellspacing="0"><tr><td style="border-top:1px solid #e5e7eb;font-size:1px;line-height:1px">&nbsp;</td></tr></table>');
  }
}

/**
 * The blocks as a complete email: a centred 600 px table (a ghost table for Outlook, fluid below 600 px on
 * phones), inline styles only, so it renders the same in Outlook, Gmail and phone mail apps.
 */
export function compileBlocks(blocks: readonly TemplateBlock[], language: TemplateLanguage): string {
  return '<!DOCTYPE html>'
    + `<html lang="${language}" xmlns="http://www.w3.org/1999/xhtml" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">`
    + '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="X-UA-Compatible" content="IE=edge">'
    + '<!--[if mso]><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->'
    + '<style>@media only screen and (max-width:620px){.cirrus-container{width:100% !important}}</style></head>'
    + '<body style="margin:0;padding:0;background-color:#f3f4f6">'
    + '<table role="presentation" width="100%" border="0" cellpadding="0" cellspacing="0" style="background-color:#f3f4f6"><tr><td align="center" style="padding:24px 8px">'
    + '<!--[if mso]><table role="presentation" width="600" border="0" cellpadding="0" cellspacing="0"><tr><td><![endif]-->'
    + '<table role="presentation" class="cirrus-container" width="600" border="0" cellpadding="0" cellspacing="0" style="width:600px;max-width:600px;background-color:#ffffff;border-radius:8px">'
    + blocks.map(blockRow).join('')
    + '<tr><td style="padding:0 0 16px 0;font-size:1px;line-height:1px">&nbsp;</td></tr>'
    + '</table>'
    + '<!--[if mso]></td></tr></table><![endif]-->'
    + '</td></tr></table></body></html>';
}

// --- the record -----------------------------------------------------------------------------------------

/** A map by language with at least one of them (labels-style): `{"en": "...", "zh-CN": "..."}`. */
const byLanguage = <T extends z.ZodMiniType>(value: T) => z.strictObject({ en: z.optional(value), 'zh-CN': z.optional(value) });
export const templateSubject = byLanguage(shortText(MAX_TEMPLATE_SUBJECT));
export const templateHtml = byLanguage(longText(MAX_TEMPLATE_HTML));
export const templateBlocks = byLanguage(z.array(templateBlock).check(z.maxLength(MAX_TEMPLATE_BLOCKS)));
export const subscriptionType = z.string().check(z.regex(/^[a-z][a-z0-9-]{0,39}$/, 'A subscription type is lower-case letters, digits and -, e.g. newsletter'));

const templateFields = {
  name: shortText(200),
  description: z.optional(longText(1000)),
  subject: templateSubject,
  /** The body per language. With `blocks` in a language, the server compiles them into its html. */
  html: z.optional(templateHtml),
  blocks: z.optional(templateBlocks),
  subscriptionType: z.optional(subscriptionType),
  ownerId: z.optional(id),
};
export const templateCreate = z.strictObject(templateFields);
export const templateUpdate = z.strictObject({
  name: z.optional(templateFields.name),
  description: z.optional(z.nullable(longText(1000))),
  subject: z.optional(templateSubject),
  html: z.optional(z.nullable(templateHtml)),
  blocks: z.optional(z.nullable(templateBlocks)),
  subscriptionType: z.optional(subscriptionType),
  ownerId: z.optional(z.nullable(id)),
});

export const emailTemplate = z.object({
  ...recordMeta,
  name: z.string(),
  description: z.optional(z.string()),
  subject: templateSubject,
  html: templateHtml,
  blocks: z.optional(templateBlocks),
  subscriptionType: z.string(),
  languages: z.array(z.enum(TEMPLATE_LANGUAGES)),
});
export type EmailTemplateRecord = z.infer<typeof emailTemplate>;

type LangMap = Partial<Record<TemplateLanguage, string>>;

/** The html per language: compiled from the blocks where a language has them, else as written. */
export function templateBodies(fields: { html?: unknown; blocks?: unknown }): LangMap {
  const out: LangMap = { ...((fields.html ?? {}) as LangMap) };
  const blocks = (fields.blocks ?? {}) as Partial<Record<TemplateLanguage, TemplateBlock[]>>;
  for (const lang of TEMPLATE_LANGUAGES) if (Array.isArray(blocks[lang])) out[lang] = compileBlocks(blocks[lang], lang);
  return out;
}

/**
 * Whole-template rules: at least one language, a subject and a body in each language it has, and only
 * merge fields that exist — every problem named by its path (`html.en`, `subject.zh-CN`).
 */
export function templateProblems(fields: { subject?: unknown; html?: unknown; blocks?: unknown }, vocabulary: MergeVocabulary): { path: string; message: string; code: string }[] {
  const subject = (fields.subject ?? {}) as LangMap;
  const html = templateBodies(fields);
  const errors: { path: string; message: string; code: string }[] = [];
  const langs = TEMPLATE_LANGUAGES.filter((l) => (subject[l] ?? '').trim() !== '' || (html[l] ?? '').trim() !== '');
  if (langs.length === 0) {
    errors.push({ path: 'subject', message: 'Write the subject in at least one language (en or zh-CN)', code: 'required' });
    errors.push({ path: 'html', message: 'Write the body in at least one language (en or zh-CN)', code: 'required' });
  }
  for (const l of langs) {
    if ((subject[l] ?? '').trim() === '') errors.push({ path: `subject.${l}`, message: `The ${l} version needs a subject`, code: 'required' });
    if ((html[l] ?? '').trim() === '') errors.push({ path: `html.${l}`, message: `The ${l} version needs a body`, code: 'required' });
    else if (html[l]!.length > MAX_TEMPLATE_HTML) errors.push({ path: `blocks.${l}`, message: `The ${l} version is too long: at most ${MAX_TEMPLATE_HTML} characters of HTML`, code: 'too_big' });
    for (const [path, text] of [[`subject.${l}`, subject[l]], [`html.${l}`, html[l]]] as const) {
      if (!text) continue;
      for (const message of mergeFieldProblems(text, vocabulary)) errors.push({ path, message, code: 'merge_field' });
    }
  }
  return errors;
}

/** The languages a template has a version in. */
export function templateLanguages(fields: { subject?: unknown; html?: unknown; blocks?: unknown }): TemplateLanguage[] {
  const subject = (fields.subject ?? {}) as LangMap;
  const html = templateBodies(fields);
  return TEMPLATE_LANGUAGES.filter((l) => (subject[l] ?? '').trim() !== '' && (html[l] ?? '').trim() !== '');
}

/** The language to render in: the one asked for if the template has it, else the other one it has. */
export function pickLanguage(available: readonly TemplateLanguage[], wanted: TemplateLanguage): TemplateLanguage {
  return available.includes(wanted) ? wanted : available[0] ?? wanted;
}
