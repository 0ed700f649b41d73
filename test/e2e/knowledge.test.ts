import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, login, settle, type ApiCall } from '../support/client.ts';
import { launchChromium } from './support/browser.ts';
import { VIEWS, poll, signInAs, snapshot, type View } from './support/views.ts';

/**
 * Issue 9 in Chromium, the knowledge base (SVC-2): an agent writes an article in Markdown (the preview shows
 * it rendered), saves the draft, publishes it, and adds its other language version; a ticket about the same
 * thing suggests it and "Insert link" puts its portal link into the reply; a customer finds it on the portal by
 * searching, in their language, with a link to the other version. Wide in English and on a phone in Chinese.
 */
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let agent: ApiCall;

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  agent = api(await login('agent@demo.local'));
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

async function portalPage(view: View, path: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: view.width, height: view.height }, locale: view.locale === 'en' ? 'en-US' : 'zh-CN', timezoneId: 'Asia/Shanghai',
    ...(view.mobile ? { isMobile: true, hasTouch: true } : {}),
  });
  contexts.push(context);
  await context.addInitScript((l: string) => localStorage.setItem('cirrus.locale', l), view.locale);
  const p = await context.newPage();
  p.setDefaultTimeout(15_000);
  await p.goto(`${baseUrl}${path}`);
  return p;
}

describe('the knowledge base at 1440-en and 390-zh', () => {
  const wide = VIEWS.find((v) => v.name === '1440-en')!;
  const phone = VIEWS.find((v) => v.name === '390-zh')!;
  const keyword = `zebrafax${unique}`;
  let articleId = '';

  it('an agent writes, previews, saves and publishes an article; its Chinese version is added on a phone', async () => {
    const p = await signInAs(browser, baseUrl, contexts, 'agent@demo.local', wide, '/knowledge');
    await p.locator('[data-test=knowledge-base]').waitFor();
    await p.click('[data-test=kb-new]');
    await p.locator('input[data-test=kb-title]').fill(`Reset the ${keyword} printer`);
    // A new category is typed into the select (it offers the ones in use) and taken with Enter.
    await p.click('[data-test=kb-category-input]');
    await p.keyboard.type('Printers');
    await p.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: 'Printers' }).first().waitFor();
    await p.keyboard.press('Enter');
    await p.locator('textarea[data-test=kb-body]').fill(`## Steps\n\n1. Hold **Reset** for 5 seconds on the ${keyword}.\n2. Wait for the green light.\n\n<script>alert(1)</script>`);
    // The preview renders the Markdown and drops the script.
    await poll(() => p.locator('[data-test=kb-preview] h2').textContent()).toBe('Steps');
    expect(await p.locator('[data-test=kb-preview] strong').textContent()).toBe('Reset');
    expect(await p.locator('[data-test=kb-preview] script').count()).toBe(0);
    await p.click('[data-test=kb-save]');
    await p.waitForURL((u) => /^\/knowledge\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('/new'));
    articleId = new URL(p.url()).pathname.split('/').pop()!;
    await poll(() => p.locator('[data-test=kb-status]').textContent()).toBe('Draft');

    await p.click('[data-test=kb-publish]');
    await poll(() => p.locator('[data-test=kb-status]').textContent()).toBe('Published');
    await poll(() => p.locator('[data-test=kb-revisions] li').count()).toBe(1);
    await snapshot(p, 'knowledge-1440-en-published', true);
    const stored = (await agent('GET', `/api/articles/${articleId}`)).body;
    expect(stored).toMatchObject({ status: 'published', language: 'en', category: 'Printers', publishedRevision: 1, visibility: 'public' });

    // On a phone, in Chinese: the Chinese version of the same article.
    const z = await signInAs(browser, baseUrl, contexts, 'agent@demo.local', phone, `/knowledge/${articleId}`);
    await z.locator('[data-test=kb-article]').waitFor();
    await z.click('[data-test=kb-add-translation]');
    await z.locator('input[data-test=kb-title]').fill(`重置 ${keyword} 打印机`);
    await z.locator('textarea[data-test=kb-body]').fill(`按住 **重置** 键 5 秒，等待绿灯亮起。`);
    await z.click('[data-test=kb-publish]');
    await poll(() => z.locator('[data-test=kb-status]').textContent()).toBe('已发布');
    await poll(() => z.locator('[data-test=kb-versions] li').count()).toBe(2);
    await snapshot(z, 'knowledge-390-zh-translation', true);
    const versions = (await agent('GET', `/api/articles/${articleId}/translations`)).body.items as { language: string; status: string }[];
    expect(versions.map((v) => [v.language, v.status]).sort()).toEqual([['en', 'published'], ['zh-CN', 'published']]);
  });

  it('a ticket about the same thing suggests the article, and Insert link puts its portal link in the reply', async () => {
    const t = (await agent('POST', '/api/tickets', { subject: `My ${keyword} printer is stuck`, requesterEmail: `kb.${unique}@example.cn` })).body;
    await settle();
    const p = await signInAs(browser, baseUrl, contexts, 'agent@demo.local', wide, `/tickets/${t.id}`);
    await p.locator('[data-test=ticket-subject]').waitFor();
    const suggestion = p.locator('[data-test=suggested-article]', { hasText: keyword }).first();
    await suggestion.waitFor();
    await suggestion.locator('[data-test=suggested-insert]').click();
    await poll(() => p.locator('textarea[data-test=composer-text]').inputValue()).toContain(`/portal/demo/articles/${articleId}`);
    await snapshot(p, 'knowledge-1440-en-suggested', false);
  });

  it('a customer finds it on the portal by searching, in their language, and reads it with the other version linked', async () => {
    const p = await portalPage(phone, '/portal/demo');
    // Signed out, the portal offers both: sign in by email, and the answers by category without signing in.
    await p.locator('input[data-test=portal-email]').waitFor();
    await p.locator('[data-test=portal-kb-article]', { hasText: '打印机' }).first().waitFor();
    await p.locator('input[data-test=portal-kb-search]').fill(keyword);
    const hit = p.locator('[data-test=portal-kb-hit]').first();
    await hit.waitFor();
    expect(await hit.textContent()).toContain('打印机');
    await hit.locator('a').click();
    await p.locator('[data-test=portal-article]').waitFor();
    expect(await p.locator('[data-test=portal-article-body] strong').textContent()).toBe('重置');
    await snapshot(p, 'knowledge-390-zh-portal', true);
    await p.click('[data-test=portal-article-version]');
    await poll(() => p.locator('[data-test=portal-article-body] h2').textContent()).toBe('Steps');
    expect(await p.locator('[data-test=portal-article-body] script').count()).toBe(0);

    // Taken off the portal, it is gone there.
    await agent('POST', `/api/articles/${articleId}/unpublish`, {});
    await p.reload();
    await p.locator('text=这篇文章不可用').waitFor();
    expect(await p.locator('[data-test=portal-article]').count()).toBe(0);
  });
});

