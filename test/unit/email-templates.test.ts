import { describe, expect, it } from 'vitest';
import {
  compileBlocks, decodeEntities, escapeHtml, htmlToText, mergeFieldProblems, parseMergeFields, pickLanguage,
  renderMergeFields, templateProblems, templateLanguages,
} from '../../schemas/marketing/template.ts';
import { renderTemplate } from '../../functions/email-templates/render.ts';
import type { StoredRecord } from '../../functions/records/entity.ts';

/** Email templates (issue 10, MA-6): the merge-field grammar, the renderer, the text part and the block compiler. */

/** A small seeded generator (property tests without a dependency): the same cases on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const ALPHABET = ['a', 'Z', '7', ' ', '<', '>', '&', '"', "'", '王', '晓', '{', '}', '|', '\n', 'é', '😀', '/'];
const randomText = (r: () => number, max = 20) => Array.from({ length: Math.floor(r() * max) }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join('');

const vocabulary = { record: new Set(['firstName', 'lastName', 'company', 'title', 'c_tier', 'name', 'email']) };
const record = (fields: Record<string, unknown>): StoredRecord => ({
  id: 'r1', name: String(fields.name ?? ''), ownerId: 'u1', version: 1, createdAt: '', createdBy: '', updatedAt: '', updatedBy: '', ...fields,
});
const template = (subject: Record<string, string>, html: Record<string, string>) => record({ subject, html, languages: templateLanguages({ subject, html }), subscriptionType: 'events' });

describe('merge fields', () => {
  it('parses a field, custom fields and a fallback in any of its quotings', () => {
    const { fields, errors } = parseMergeFields('Hi {{contact.firstName}}, {{ lead.c_tier | "gold" }} {{owner.name|&quot;us&quot;}} {{contact.title | \'boss\'}}');
    expect(errors).toEqual([]);
    expect(fields.map((f) => [f.namespace, f.field, f.fallback])).toEqual([
      ['contact', 'firstName', undefined], ['lead', 'c_tier', 'gold'], ['owner', 'name', 'us'], ['contact', 'title', 'boss'],
    ]);
  });

  it('names what is not a merge field and what nobody has', () => {
    expect(mergeFieldProblems('{{hello}}', vocabulary)[0]).toMatch(/not a merge field/);
    expect(mergeFieldProblems('{{contact.firstName | there}}', vocabulary)[0]).toMatch(/not a merge field/);
    expect(mergeFieldProblems('{{contact.shoeSize}}', vocabulary)).toEqual(['Unknown merge field contact.shoeSize']);
    expect(mergeFieldProblems('{{account.name}}', vocabulary)[0]).toMatch(/Unknown merge field account\.name/);
    expect(mergeFieldProblems('{{owner.phone}}', vocabulary)).toEqual(['Unknown merge field owner.phone']);
    expect(mergeFieldProblems('{{contact.c_tier}} {{lead.company}} {{owner.email}}', vocabulary)).toEqual([]);
  });

  it('a value is escaped in html, not in the subject; empty values take the fallback or nothing', () => {
    const values = (_ns: string, f: string) => ({ firstName: '<b>Tom & "Jerry"</b>', company: '', title: undefined } as Record<string, unknown>)[f];
    expect(renderMergeFields('Hi {{contact.firstName}}', values, true)).toBe('Hi &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;');
    expect(renderMergeFields('Hi {{contact.firstName}}', values, false)).toBe('Hi <b>Tom & "Jerry"</b>');
    expect(renderMergeFields('[{{lead.company | "your team"}}][{{contact.title}}]', values, true)).toBe('[your team][]');
    expect(renderMergeFields('{{contact.title | "<there>"}}', values, true)).toBe('&lt;there&gt;');
  });

  it('property: the html never carries a value unescaped, and text outside merge fields is kept as written', () => {
    const r = rng(42);
    for (let i = 0; i < 500; i++) {
      const value = randomText(r);
      const before = randomText(r).replace(/[{}]/g, '');
      const after = randomText(r).replace(/[{}]/g, '');
      const fallback = randomText(r, 8).replace(/["{}]/g, '');
      const html = renderMergeFields(`${before}{{contact.firstName | "${fallback}"}}${after}`, () => value, true);
      const shown = value.trim() !== '' ? value.trim() : fallback;
      expect(html).toBe(before + escapeHtml(shown) + after);
      expect(decodeEntities(escapeHtml(shown))).toBe(shown);
      if (/[<>"']/.test(shown)) expect(html.slice(before.length, html.length - after.length)).not.toMatch(/[<>"']/);
    }
  });
});

describe('rendering a template', () => {
  const t = template(
    { en: 'Welcome, {{contact.firstName | "there"}}', 'zh-CN': '{{contact.lastName}}{{contact.firstName | "朋友"}}，欢迎' },
    { en: '<p>Hi {{contact.firstName | "there"}} from {{lead.company | "your company"}}</p><p>{{owner.name}}</p>', 'zh-CN': '<p>{{contact.firstName | "朋友"}}，您好！</p><p>{{owner.name | "销售团队"}}</p>' },
  );

  it('in English and Chinese, with values and with fallbacks', () => {
    const full = { object: 'contacts' as const, record: record({ firstName: 'Ann', lastName: '李', company: 'Acme' }), owner: { name: 'Rita Rep' } };
    const en = renderTemplate(t, 'en', full);
    expect(en).toMatchObject({ subject: 'Welcome, Ann', language: 'en', subscriptionType: 'events' });
    expect(en.html).toBe('<p>Hi Ann from Acme</p><p>Rita Rep</p>');
    expect(en.text).toBe('Hi Ann from Acme\n\nRita Rep');
    const empty = { object: 'leads' as const, record: record({}) };
    expect(renderTemplate(t, 'en', empty)).toMatchObject({ subject: 'Welcome, there', html: '<p>Hi there from your company</p><p></p>' });
    const zh = renderTemplate(t, 'zh-CN', empty);
    expect(zh).toMatchObject({ subject: '朋友，欢迎', language: 'zh-CN', text: '朋友，您好！\n\n销售团队' });
    expect(renderTemplate(t, 'zh-CN', full).subject).toBe('李Ann，欢迎');
  });

  it('a contact\'s company is its account; a lead\'s is its company', () => {
    const c = renderTemplate(t, 'en', { object: 'contacts', record: record({ firstName: 'Bo', accountName: 'Globex' }) });
    expect(c.html).toContain('from Globex');
  });

  it('a template without the recipient\'s language is rendered in the one it has', () => {
    const enOnly = template({ en: 'Hello' }, { en: '<p>Hello</p>' });
    expect(renderTemplate(enOnly, 'zh-CN', { object: 'contacts', record: record({}) }).language).toBe('en');
    expect(pickLanguage(['zh-CN'], 'en')).toBe('zh-CN');
    expect(pickLanguage(['en', 'zh-CN'], 'zh-CN')).toBe('zh-CN');
  });

  it('the subject stays one line even when a value has line breaks', () => {
    expect(renderTemplate(t, 'en', { object: 'contacts', record: record({ firstName: 'A\r\nBcc: x@y' }) }).subject).toBe('Welcome, A Bcc: x@y');
  });
});

describe('the text part', () => {
  it('links, line breaks, entities, and no head or comments', () => {
    const html = '<html><head><title>x</title><style>p{color:red}</style></head><body><!--[if mso]>ms<![endif]--><h1>Title</h1><p>One<br>two &amp; three&nbsp;four</p><a href="https://x.test/a?b=1&amp;c=2">Read more</a><hr><img src="i.png" alt="Logo"></body></html>';
    expect(htmlToText(html)).toBe('Title\n\nOne\ntwo & three four\n\nRead more (https://x.test/a?b=1&c=2)\n----------\nLogo');
  });
});

describe('the block editor', () => {
  it('compiles blocks into a 600 px table email with merge fields kept and text escaped', () => {
    const html = compileBlocks([
      { type: 'heading', text: 'Hi {{contact.firstName | "there"}} & co' },
      { type: 'text', text: 'Line one\nline <two>\n\nSecond paragraph' },
      { type: 'button', text: 'Register', url: 'https://example.com/r?x=1&y=2' },
      { type: 'image', src: 'https://example.com/i.png', alt: 'Banner' },
      { type: 'divider' },
    ], 'en');
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('width="600"');
    expect(html).toContain('<!--[if mso]>');
    expect(html).toContain('Hi {{contact.firstName | "there"}} &amp; co');
    expect(html).toContain('Line one<br>line &lt;two&gt;</p><p');
    expect(html).toContain('href="https://example.com/r?x=1&amp;y=2"');
    expect(html).not.toMatch(/<div|display:flex|<script/);
    const rendered = renderTemplate(template({ en: 's' }, { en: html }), 'en', { object: 'contacts', record: record({ firstName: 'Zoë' }) });
    expect(rendered.html).toContain('Hi Zoë &amp; co');
    expect(rendered.text).toContain('Register (https://example.com/r?x=1&y=2)');
  });
});

describe('saving a template', () => {
  it('at least one language, a subject and a body in each, every bad merge field named by its path', () => {
    expect(templateProblems({ subject: {}, html: {} }, vocabulary).map((e) => e.path)).toEqual(['subject', 'html']);
    expect(templateProblems({ subject: { en: 'Hi' }, html: { 'zh-CN': '<p>好</p>' } }, vocabulary).map((e) => e.path)).toEqual(['html.en', 'subject.zh-CN']);
    const bad = templateProblems({ subject: { en: 'Hi {{contact.nope}}' }, html: { en: '<p>{{contact.c_missing}}</p>' } }, vocabulary);
    expect(bad).toEqual([
      { path: 'subject.en', message: 'Unknown merge field contact.nope', code: 'merge_field' },
      { path: 'html.en', message: 'Unknown merge field contact.c_missing', code: 'merge_field' },
    ]);
    expect(templateProblems({ subject: { en: 'Hi' }, blocks: { en: [{ type: 'text', text: '{{lead.company}}' }] } }, vocabulary)).toEqual([]);
  });
});
