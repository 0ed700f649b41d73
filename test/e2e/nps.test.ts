import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { api, login, sentMail, settle, type ApiCall } from '../support/client.ts';
import { launchChromium } from './support/browser.ts';
import { VIEWS, choose, poll, signInAs, snapshot, type View } from './support/views.ts';

/**
 * Issue 9, NPS in Chromium: an admin turns the program on with a saved contact view as its segment and sends a
 * round now; the survey link from the email opens, a score is chosen and sent; the service dashboard shows the
 * NPS. Wide in English and on a phone in Chinese.
 */
const TESTED: View[] = [VIEWS.find((v) => v.name === '1440-en')!, VIEWS.find((v) => v.name === '390-zh')!];
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: ApiCall;

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  admin = api(await login('admin@demo.local'));
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

describe.each(TESTED)('NPS at $name', (view) => {
  const tag = `Nps${unique}${view.name.replace('-', '')}`;
  const to = `nps.${tag.toLowerCase()}@example.cn`;

  it('an admin turns NPS on with a segment and sends now; the customer answers from the email; the dashboard shows it', async () => {
    const c = await admin('POST', '/api/contacts', { firstName: 'Nora', lastName: tag, email: to, language: view.locale });
    expect(c.status).toBe(201);
    await admin('POST', '/api/contacts', { firstName: 'Nomail', lastName: tag });
    const segment = `NPS ${tag}`;
    expect((await admin('POST', '/api/views', { object: 'contacts', name: segment, shared: 'all', columns: ['name', 'email'], where: { lastName: { eq: tag } } })).status).toBe(201);
    await settle();

    const p = await signInAs(browser, baseUrl, contexts, 'admin@demo.local', view, '/admin/service-desk');
    await p.locator('[data-test=queue]').first().waitFor();
    await p.click('#tab-nps');
    await p.locator('[data-test=nps-settings]').waitFor();
    const enabled = p.locator('[data-test=nps-enabled]');
    if (!(await enabled.locator('input').isChecked())) await enabled.click();
    await choose(p, p.locator('[data-test=nps-segment]'), segment);
    await p.click('[data-test=nps-save]');
    await p.locator('.el-message--success').waitFor();
    await poll(() => p.locator('[data-test=nps-next]').textContent()).toMatch(/\d/);
    await p.click('[data-test=nps-send]');
    await p.locator('[data-test=nps-result]').waitFor();
    expect(await p.locator('[data-test=nps-result]').textContent()).toMatch(view.locale === 'en' ? /Sent 1; skipped 1 without an email/ : /已发送 1；跳过：无邮箱 1/);
    await snapshot(p, `nps-admin-${view.name}`, true);

    const mail = await poll(async () => (await sentMail(to)).length).toBe(1).then(async () => (await sentMail(to))[0]);
    const link = /(http\S+\/survey\/[A-Za-z0-9_-]{43})\?score=9/.exec(mail.Body.text_part)![1]!;
    const context = await browser.newContext({ viewport: { width: view.width, height: view.height }, ...(view.mobile ? { isMobile: true, hasTouch: true } : {}) });
    contexts.push(context);
    // A browser that last used the other language: the page still opens in the survey's (the contact's) language.
    await context.addInitScript((l: string) => localStorage.setItem('cirrus.locale', l), view.locale === 'en' ? 'zh-CN' : 'en');
    const s = await context.newPage();
    await s.goto(`${link.replace(/^https?:\/\/[^/]+/, baseUrl)}?score=9`);
    await s.locator('[data-test=nps-question]').waitFor();
    expect(await s.locator('[data-test=nps-question]').textContent()).toMatch(view.locale === 'en' ? /recommend/ : /推荐/);
    await s.locator('[data-test=survey-score][data-score="9"][aria-checked=true]').waitFor();
    expect(await s.locator('[data-test=survey-score]').count()).toBe(11);
    await s.click('[data-test=survey-score][data-score="10"]');
    await s.locator('[data-test=survey-comment]').fill(view.locale === 'en' ? 'Always helpful.' : '一直很有帮助。');
    await snapshot(s, `nps-survey-${view.name}`, true);
    await s.click('[data-test=survey-send]');
    await s.locator('[data-test=survey-outcome][data-state=thanks]').waitFor();
    await poll(async () => (await admin('GET', `/api/contacts/${c.body.id}`)).body.nps?.score).toBe(10);

    await p.goto(`${baseUrl}/service/dashboard`);
    const card = p.locator('[data-test=dashboard-card][data-figure=nps]');
    await card.waitFor();
    await poll(() => card.locator('.card-value').textContent()).toMatch(/^-?\d+$/);
    expect(await card.locator('[data-test=nps-bands]').textContent()).toMatch(view.locale === 'en' ? /promoters/ : /推荐者/);
    await snapshot(p, `nps-dashboard-${view.name}`, true);
  });
});
