import { beforeAll, describe, expect, it } from 'vitest';
import { api, login, sentMail, unique, type ApiCall } from '../support/client.ts';

/**
 * Email templates (issue 10, MA-6) through the local runtime: a marketer creates a template in both languages
 * with merge fields; every bad field (and every unknown merge field, by its path) is named in one 400; a rep
 * may read but not change templates; preview renders en and zh-CN for the sample or for a real contact, with
 * fallbacks and escaped values; a test send reaches the signed-in user in /_aws/ses, marked as a test.
 */
let marketer: ApiCall;
let rep: ApiCall;
let admin: ApiCall;
const tag = unique();
const paths = (body: any): string[] => (body.errors ?? []).map((e: any) => e.path).sort();

const body = () => ({
  name: `Spring newsletter ${tag}`,
  subject: { en: 'News for {{contact.firstName | "you"}}', 'zh-CN': '{{contact.firstName | "朋友"}}，春季资讯' },
  html: {
    en: '<p>Hi {{contact.firstName | "there"}} at {{lead.company | "your company"}}</p><p>Tier: {{contact.c_tpltier | "standard"}}</p><p>{{owner.name}}</p>',
    'zh-CN': '<p>{{contact.firstName | "朋友"}}，您好！</p><p>{{owner.name | "销售团队"}}</p>',
  },
  subscriptionType: 'newsletter',
});

let templateId = '';

beforeAll(async () => {
  [marketer, rep, admin] = await Promise.all([api(await login('marketer@demo.local')), api(await login('rep1@demo.local')), api(await login('admin@demo.local'))]);
  const field = await admin('POST', '/api/metadata/objects/contacts/fields', { apiName: 'c_tpltier', type: 'text', label: { en: 'Tier', 'zh-CN': '等级' } });
  expect([201, 409], JSON.stringify(field.body)).toContain(field.status);
});

describe('saving a template', () => {
  it('creates it in both languages; a rep may not', async () => {
    expect((await rep('POST', '/api/email-templates', body())).status).toBe(403);
    const r = await marketer('POST', '/api/email-templates', body());
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ name: `Spring newsletter ${tag}`, subscriptionType: 'newsletter', languages: ['en', 'zh-CN'] });
    expect(r.headers.etag).toBe('"1"');
    templateId = r.body.id;
    const got = await rep('GET', `/api/email-templates/${templateId}`);
    expect(got.status).toBe(200);
    expect(got.body.subject.en).toBe('News for {{contact.firstName | "you"}}');
    expect((await rep('PATCH', `/api/email-templates/${templateId}`, { name: 'x' }, { 'if-match': '"1"' })).status).toBe(403);
  });

  it('names every bad field at once, unknown merge fields by the language they are in', async () => {
    const bad = await marketer('POST', '/api/email-templates', {
      name: '', subject: { en: 'Hi {{contact.shoeSize}}' }, html: { en: '<p>{{contact.c_nothere}}</p>', 'zh-CN': '<p>{{ hello }}</p>' }, subscriptionType: 'Bad Type',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(paths(bad.body)).toEqual(['html.en', 'html.zh-CN', 'name', 'subject.en', 'subject.zh-CN', 'subscriptionType']);
    expect(bad.body.errors.find((e: any) => e.path === 'html.en').message).toMatch(/contact\.c_nothere/);
    const none = await marketer('POST', '/api/email-templates', { name: 'Empty', subject: {}, html: {} });
    expect(paths(none.body)).toEqual(['html', 'subject']);
  });

  it('a change is version-checked and its merge fields checked again (a map replaces the whole map); blocks compile to html', async () => {
    const stale = await marketer('PATCH', `/api/email-templates/${templateId}`, { name: 'Renamed' }, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    const bad = await marketer('PATCH', `/api/email-templates/${templateId}`, { html: { ...body().html, en: '<p>{{owner.phone}}</p>' } }, { 'if-match': '"1"' });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(['html.en']);
    const ok = await marketer('PATCH', `/api/email-templates/${templateId}`, {
      blocks: { en: [{ type: 'heading', text: 'Hello {{contact.firstName | "there"}}' }, { type: 'button', text: 'Go', url: 'https://example.com/go' }] },
    }, { 'if-match': '"1"' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.html.en).toContain('width="600"');
    expect(ok.body.html.en).toContain('Hello {{contact.firstName | "there"}}');
    expect(ok.body.html['zh-CN']).toBe(body().html['zh-CN']);
    const audit = await marketer('GET', `/api/email-templates/${templateId}/audit`);
    expect(audit.body.items.map((a: any) => a.action)).toEqual(['update', 'create']);
  });
});

describe('preview and test send', () => {
  it('the sample recipient in English and in Chinese', async () => {
    const en = await marketer('POST', `/api/email-templates/${templateId}/preview`, { language: 'en' });
    expect(en.status, JSON.stringify(en.body)).toBe(200);
    expect(en.body).toMatchObject({ language: 'en', subject: 'News for Alex', sample: true, subscriptionType: 'newsletter' });
    expect(en.body.html).toContain('Hello Alex');
    expect(en.body.text).toContain('Go (https://example.com/go)');
    const zh = await rep('POST', `/api/email-templates/${templateId}/preview`, { language: 'zh-CN' });
    expect(zh.status).toBe(200);
    expect(zh.body).toMatchObject({ language: 'zh-CN', subject: '晓明，春季资讯' });
    expect(zh.body.text).toContain('晓明，您好！');
  });

  it('a real contact: its values escaped, fallbacks for what it lacks, its owner\'s name', async () => {
    const c = await marketer('POST', '/api/contacts', { firstName: '<Tom & Co>', lastName: `Tpl${tag}`, email: `tom.${tag}@example.com`, c_tpltier: 'gold' });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    await marketer('PATCH', `/api/email-templates/${templateId}`, { blocks: null, html: body().html }, { 'if-match': '"2"' });
    const en = await marketer('POST', `/api/email-templates/${templateId}/preview`, { language: 'en', recordId: c.body.id, object: 'contacts' });
    expect(en.status, JSON.stringify(en.body)).toBe(200);
    const me = await marketer('GET', '/api/me');
    expect(me.body.name).toBeTruthy();
    expect(en.body.html).toBe(`<p>Hi &lt;Tom &amp; Co&gt; at your company</p><p>Tier: gold</p><p>${me.body.name}</p>`);
    expect(en.body.html).not.toContain('<Tom');
    expect(en.body.subject).toBe('News for <Tom & Co>');
    expect(en.body.text).toContain('Hi <Tom & Co> at your company');
    const nameless = await marketer('POST', '/api/contacts', { lastName: `Tpl${tag}b` });
    const zh = await marketer('POST', `/api/email-templates/${templateId}/preview`, { language: 'zh-CN', recordId: nameless.body.id });
    expect(zh.body).toMatchObject({ subject: '朋友，春季资讯', sample: false, recordId: nameless.body.id });
    const missing = await marketer('POST', `/api/email-templates/${templateId}/preview`, { language: 'fr', recordId: 'nope' });
    expect(paths(missing.body)).toEqual(['language']);
    expect(paths((await marketer('POST', `/api/email-templates/${templateId}/preview`, { language: 'en', recordId: 'nope' })).body)).toEqual(['recordId']);
  });

  it('a test send reaches the signed-in marketer, marked as a test, in the language asked for', async () => {
    const sent = await marketer('POST', `/api/email-templates/${templateId}/test-send`, { language: 'zh-CN' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body).toMatchObject({ to: 'marketer@demo.local', language: 'zh-CN', subject: '[测试] 晓明，春季资讯' });
    const mail = (await sentMail('marketer@demo.local')).find((m) => m.Id === sent.body.messageId);
    expect(mail, 'the test email in /_aws/ses').toBeTruthy();
    expect(mail.Subject).toBe('[测试] 晓明，春季资讯');
    expect(mail.Body.html_part).toContain('晓明，您好！');
    expect(mail.Body.text_part).toContain('晓明，您好！');
    expect((await rep('POST', `/api/email-templates/${templateId}/test-send`, { language: 'en' })).status).toBe(403);
  });

  it('the demo tenant has the welcome email and the webinar invitation in both languages', async () => {
    for (const id of ['tpl-welcome', 'tpl-webinar']) {
      const t = await rep('GET', `/api/email-templates/${id}`);
      expect(t.status).toBe(200);
      expect(t.body.languages).toEqual(['en', 'zh-CN']);
    }
  });
});
