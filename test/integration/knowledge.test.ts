import { beforeAll, describe, expect, it } from 'vitest';
import { api, login, unique, type ApiCall } from '../support/client.ts';

/**
 * Issue 9, the knowledge base (SVC-2) through the local runtime: articles are records with language versions;
 * publishing makes a numbered revision that the portal shows (a later edit stays a draft until published
 * again); search matches a question's words, Chinese by its words; a ticket gets the published articles
 * about it; customers see only published public articles, without signing in.
 */
let agent: ApiCall;
let rep: ApiCall;
const anon = api();
const tag = unique().replace(/[^a-z0-9]/gi, '').toLowerCase();
const product = `zork${tag}`;

beforeAll(async () => {
  agent = api(await login('agent@demo.local'));
  rep = api(await login('rep1@demo.local'));
});

describe('knowledge base', () => {
  let en = '';
  let zh = '';

  it('an article is written as a draft, refused with every bad field named, and not on the portal until published', async () => {
    const bad = await agent('POST', '/api/articles', { title: '', language: 'fr', visibility: 'everyone' });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['language', 'title', 'visibility']);

    const created = await agent('POST', '/api/articles', {
      title: `Reset your ${product} password`, language: 'en', category: 'Account',
      summary: 'When you forgot the password', body: `# Reset\n\nOpen **Settings → Security** and choose *Reset password*. The ${product} app emails you a link.`,
      keywords: ['login'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    en = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'draft', visibility: 'public', language: 'en' });
    expect((await anon('GET', `/api/portal/demo/articles/${en}`)).status).toBe(404);
    const none = await anon('GET', `/api/portal/demo/articles?q=${product}`);
    expect(none.body.items).toEqual([]);
  });

  it('publishing makes revision 1 (If-Match checked); a later edit is a draft the portal does not show until published again', async () => {
    const stale = await agent('POST', `/api/articles/${en}/publish`, undefined, { 'if-match': '"99"' });
    expect(stale.status).toBe(412);
    const published = await agent('POST', `/api/articles/${en}/publish`, undefined, { 'if-match': '"1"' });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body).toMatchObject({ status: 'published', publishedRevision: 1, changedSincePublish: false });
    // Publishing again with nothing new changes nothing.
    const again = await agent('POST', `/api/articles/${en}/publish`);
    expect(again.body.version).toBe(published.body.version);

    const edited = await agent('PATCH', `/api/articles/${en}`, { body: `Open Settings, then Security. The ${product} app emails you a link (valid 1 hour).` }, { 'if-match': `"${published.body.version}"` });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'published', changedSincePublish: true, publishedRevision: 1 });
    const portal = await anon('GET', `/api/portal/demo/articles/${en}`);
    expect(portal.status).toBe(200);
    expect(portal.body).toMatchObject({ revision: 1, title: `Reset your ${product} password` });
    expect(portal.body.body).toContain('**Settings → Security**');

    const second = await agent('POST', `/api/articles/${en}/publish`, undefined, { 'if-match': `"${edited.body.version}"` });
    expect(second.body).toMatchObject({ publishedRevision: 2, changedSincePublish: false });
    expect((await anon('GET', `/api/portal/demo/articles/${en}`)).body.body).toContain('valid 1 hour');
    const revisions = await agent('GET', `/api/articles/${en}/revisions`);
    expect((revisions.body.items as { revision: number }[]).map((r) => r.revision)).toEqual([2, 1]);
    expect(revisions.body.items[1].body).toContain('**Settings → Security**');
    const timeline = await agent('GET', `/api/articles/${en}/timeline`);
    expect((timeline.body.items as { type: string }[]).filter((e) => e.type === 'article-published')).toHaveLength(2);
  });

  it('a translation is another language version of the same article, one per language', async () => {
    const same = await agent('POST', '/api/articles', { title: '同语言', language: 'en', translationOf: en });
    expect(same.status).toBe(400);
    expect((same.body.errors as { path: string }[])[0]!.path).toBe('language');
    const created = await agent('POST', '/api/articles', {
      title: `如何重置${product}密码`, language: 'zh-CN', translationOf: en, category: '账户',
      body: `打开设置页面，进入安全，点击重置密码。${product} 会向您的邮箱发送重置链接。`,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    zh = created.body.id as string;
    const twice = await agent('POST', '/api/articles', { title: '又一个中文版', language: 'zh-CN', translationOf: zh });
    expect(twice.status).toBe(409);
    const versions = await agent('GET', `/api/articles/${zh}/translations`);
    expect((versions.body.items as { id: string; language: string; original: boolean }[]).map((v) => [v.id, v.language, v.original]))
      .toEqual([[en, 'en', true], [zh, 'zh-CN', false]]);
    const moved = await agent('PATCH', `/api/articles/${zh}`, { language: 'en' }, { 'if-match': '"1"' });
    expect(moved.status).toBe(400);
    expect((await agent('POST', `/api/articles/${zh}/publish`)).status).toBe(200);
  });

  it('search matches the words of a question, Chinese by its words, and a rep may read but not publish', async () => {
    const words = await agent('GET', `/api/knowledge/search?q=${encodeURIComponent(`how do I reset my ${product} passw`)}`);
    expect(words.status).toBe(200);
    expect((words.body.items as { id: string }[])[0]!.id).toBe(en);
    const chinese = await agent('GET', `/api/knowledge/search?q=${encodeURIComponent('忘记密码怎么重置')}&language=zh-CN`);
    expect((chinese.body.items as { id: string }[]).map((h) => h.id)).toContain(zh);
    expect((await agent('GET', '/api/knowledge/search?q=')).status).toBe(400);

    const read = await rep('GET', `/api/knowledge/search?q=${product}`);
    expect((read.body.items as { id: string }[]).map((h) => h.id).sort()).toEqual([en, zh].sort());
    expect((await rep('POST', `/api/articles/${en}/unpublish`)).status).toBe(403);
  });

  it('a ticket gets the published articles about it, in the customer\'s language first', async () => {
    const t = await agent('POST', '/api/tickets', { subject: `Cannot reset ${product} password`, description: 'The reset email never arrives' });
    expect(t.status).toBe(201);
    const s = await agent('GET', `/api/tickets/${t.body.id as string}/suggested-articles`);
    expect(s.status).toBe(200);
    expect((s.body.items as { id: string }[]).map((h) => h.id)).toContain(en);
  });

  it('the portal lists and searches published public articles only, without signing in; internal and unpublished ones are not there', async () => {
    const internal = await agent('POST', '/api/articles', { title: `${product} escalation runbook`, language: 'en', visibility: 'internal', body: 'Call the on-duty engineer.' });
    await agent('POST', `/api/articles/${internal.body.id as string}/publish`);
    const found = await anon('GET', `/api/portal/demo/articles?q=${product}&language=zh-CN`);
    expect(found.status).toBe(200);
    const ids = (found.body.items as { id: string }[]).map((h) => h.id);
    expect(ids[0]).toBe(zh);
    expect(ids).toContain(en);
    expect(ids).not.toContain(internal.body.id);
    expect((await anon('GET', `/api/portal/demo/articles/${internal.body.id as string}`)).status).toBe(404);
    const browse = await anon('GET', '/api/portal/demo/articles?language=en');
    expect(browse.status, JSON.stringify(browse.body)).toBe(200);
    expect((browse.body.items as { id: string }[]).map((h) => h.id)).toContain(en);
    expect((browse.body.items as { id: string }[]).map((h) => h.id)).not.toContain(internal.body.id);
    // Browsing in Chinese: the Chinese version of a translated article, and an English-only one as it is.
    const englishOnly = await agent('POST', '/api/articles', { title: `${product} API limits`, language: 'en', body: 'At most 100 requests a minute.' });
    await agent('POST', `/api/articles/${englishOnly.body.id as string}/publish`);
    const zhBrowse = ((await anon('GET', '/api/portal/demo/articles?language=zh-CN')).body.items as { id: string }[]).map((h) => h.id);
    expect(zhBrowse).toContain(zh);
    expect(zhBrowse).not.toContain(en);
    expect(zhBrowse).toContain(englishOnly.body.id);
    const zhPage = await anon('GET', `/api/portal/demo/articles/${zh}`);
    expect(zhPage.body.versions).toEqual([{ id: en, language: 'en' }]);

    const off = await agent('POST', `/api/articles/${en}/unpublish`, { archive: true });
    expect(off.body.status).toBe('archived');
    expect((await anon('GET', `/api/portal/demo/articles/${en}`)).status).toBe(404);
    expect((await anon('GET', '/api/portal/nosuchtenant/articles')).status).toBe(404);
  });
});
