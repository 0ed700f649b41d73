import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { api, login, sentMail, settle, type ApiCall } from '../support/client.ts';
import { launchChromium } from './support/browser.ts';
import { VIEWS, choose, poll, signInAs, snapshot, type View } from './support/views.ts';

/**
 * Issue 10, campaigns in Chromium: a marketer creates an email campaign on a segment (a saved view of
 * contacts) with the welcome template, sends it now after confirming, watches the progress reach sent and
 * sees the stats and members; the recipient has the email in their language. Wide in English, phone in Chinese.
 */
const TESTED: View[] = [VIEWS.find((v) => v.name === '1440-en')!, VIEWS.find((v) => v.name === '390-zh')!];
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let marketer: ApiCall;

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  marketer = api(await login('marketer@demo.local'));
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

describe.each(TESTED)('campaigns at $name', (view) => {
  const tag = `Cmp${unique}${view.name.replace('-', '')}`;
  const to = `cmp.${tag.toLowerCase()}@example.cn`;

  it('a marketer creates an email campaign on a segment, sends it, watches it reach sent and sees the stats', async () => {
    expect((await marketer('POST', '/api/contacts', { firstName: 'Mia', lastName: tag, email: to, language: view.locale })).status).toBe(201);
    expect((await marketer('POST', '/api/contacts', { firstName: 'Nomail', lastName: tag })).status).toBe(201);
    const segment = `Segment ${tag}`;
    expect((await marketer('POST', '/api/views', { object: 'contacts', name: segment, shared: 'all', columns: ['name', 'email'], where: { lastName: { eq: tag } } })).status).toBe(201);
    await settle();

    const p = await signInAs(browser, baseUrl, contexts, 'marketer@demo.local', view, '/marketing/campaigns');
    await p.locator('[data-test=campaigns-page]').waitFor();
    await p.click('[data-test=new-campaign]');
    await p.locator('input[data-test=campaign-name]').fill(`Welcome ${tag}`);
    await choose(p, p.locator('[data-test=campaign-template]'), view.locale === 'en' ? 'Welcome email' : '欢迎邮件');
    await choose(p, p.locator('[data-test=campaign-segment]'), segment);
    await poll(() => p.locator('[data-test=segment-count]').textContent()).toMatch(view.locale === 'en' ? /2 recipients/ : /2 位收件人/);
    await snapshot(p, `campaign-create-${view.name}`, false);
    await p.click('[data-test=campaign-save]');

    await p.locator('[data-test=campaign-detail]').waitFor();
    expect(await p.locator('[data-test=campaign-title]').textContent()).toContain(tag);
    expect(await p.locator('[data-test=campaign-status]').textContent()).toMatch(view.locale === 'en' ? /Draft/ : /草稿/);
    await p.click('[data-test=send-now]');
    await p.locator('.el-message-box').waitFor();
    expect(await p.locator('.el-message-box').textContent()).toMatch(view.locale === 'en' ? /to 2 recipients/ : /2 位收件人/);
    await p.click('.el-message-box .el-button--primary');
    await p.locator('[data-test=send-progress]').waitFor();
    await poll(() => p.locator('[data-test=campaign-status]').textContent(), 30_000).toMatch(view.locale === 'en' ? /Sent/ : /已发送/);
    await poll(() => p.locator('[data-test=send-progress]').textContent()).toMatch(/2 \/ 2|2 of 2/);
    await poll(() => p.locator('[data-test=stat-sent] .stat-value').textContent()).toBe('1');
    await poll(() => p.locator('[data-test=stat-skipped] .stat-value').textContent()).toBe('1');
    await poll(() => p.locator('[data-test=member-status]').count()).toBe(2);
    expect(await p.locator('[data-test=campaign-detail]').textContent()).toMatch(view.locale === 'en' ? /no email address/ : /没有邮箱地址/);
    await snapshot(p, `campaign-detail-${view.name}`, true);

    const mails = await sentMail(to);
    expect(mails).toHaveLength(1);
    expect(mails[0].Subject).toBe(view.locale === 'en' ? 'Welcome to Cirrus, Mia' : 'Mia，欢迎了解 Cirrus');

    await p.goto(`${baseUrl}/marketing/campaigns`);
    await p.locator('[data-test=campaign-row]', { hasText: tag }).waitFor();
    await snapshot(p, `campaigns-list-${view.name}`, false);
  });
});
