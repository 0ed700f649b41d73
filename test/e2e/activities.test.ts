import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, login, type ApiCall } from '../support/client.ts';
import { launchChromium } from './support/browser.ts';
import { VIEWS, choose, poll, signInAs, snapshot, type View } from './support/views.ts';

/**
 * Issue 8 in Chromium: a rep logs a call from the composer on a deal's page and sees it on the timeline; adds a
 * task with a reminder and finds it among the deal's open tasks and on My day, ticks it off there; and makes a
 * calendar-feed address. Wide in English, phone-sized in Chinese.
 */
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const TESTED: View[] = [VIEWS.find((v) => v.name === '1440-en')!, VIEWS.find((v) => v.name === '390-zh')!];

let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let rep: ApiCall;

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  rep = api(await login('rep1@demo.local'));
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

describe.each(TESTED)('activities at $name', (view) => {
  const zh = view.locale === 'zh-CN';
  let p: Page;
  let dealId = '';

  it('logs a call from the composer on a deal\'s page; it is on the timeline with its outcome and notes', async () => {
    const made = await rep('POST', '/api/opportunities', { name: `Composer deal ${view.name} ${unique}`, closeDate: '2031-06-30' });
    expect(made.status).toBe(201);
    dealId = made.body.id;
    p = await signInAs(browser, baseUrl, contexts, 'rep1@demo.local', view, `/opportunities/${dealId}`);
    const composer = p.locator('[data-test=activity-composer]');
    await composer.waitFor();
    // Saving without a subject names the field, and writes nothing.
    await composer.locator('[data-test=composer-save]').click();
    await poll(() => composer.locator('.el-form-item__error').first().textContent()).toBe(zh ? '请填写主题' : 'Say what it is about');
    await composer.locator('input[data-test=composer-subject]').fill(`Discovery call ${unique}`);
    await choose(p, composer.locator('[data-test=composer-outcome]'), zh ? '已接通' : 'Reached');
    await composer.locator('textarea[data-test=composer-notes]').fill('Budget confirmed for Q1');
    await snapshot(p, `activity-composer-${view.name}`, false);
    await composer.locator('[data-test=composer-save]').click();
    const entry = p.locator('[data-test=timeline-entry][data-type=call]').first();
    await entry.waitFor();
    expect(await entry.locator('[data-test=timeline-notes]').textContent()).toBe('Budget confirmed for Q1');
    expect(await entry.locator('[data-test=timeline-outcome]').textContent()).toBe(zh ? '已接通' : 'Reached');
    expect(await entry.textContent()).toContain(`Discovery call ${unique}`);
    // The form is empty again for the next one.
    expect(await composer.locator('input[data-test=composer-subject]').inputValue()).toBe('');
    const related = (await rep('GET', `/api/opportunities/${dealId}/related/activities`)).body.items;
    expect(related.map((a: any) => [a.activityType, a.name, a.done])).toEqual([['call', `Discovery call ${unique}`, true]]);
  });

  it('adds a task with a reminder; it is among the deal\'s open tasks and on My day, where it is ticked off', async () => {
    const composer = p.locator('[data-test=activity-composer]');
    await composer.locator('[data-test=composer-type-task]').click();
    await composer.locator('input[data-test=composer-subject]').fill(`Send the quote ${view.name} ${unique}`);
    // Due later today, in the browser's time zone (Asia/Shanghai): it is today's task on My day.
    const due = new Date(Date.now() + 5 * 60_000);
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(due);
    const picker = composer.locator('[data-test=composer-at] input');
    await picker.click();
    await picker.fill(local);
    await picker.press('Enter');
    await p.keyboard.press('Escape');
    await choose(p, composer.locator('[data-test=composer-remind]'), zh ? '到时提醒' : 'At that time');
    await composer.locator('[data-test=composer-save]').click();
    const open = p.locator('[data-test=open-activity]', { hasText: `Send the quote ${view.name} ${unique}` });
    await open.waitFor();
    const task = (await rep('GET', `/api/opportunities/${dealId}/related/activities`)).body.items.find((a: any) => a.activityType === 'task');
    const stored = (await rep('GET', `/api/activities/${task.id}`)).body;
    expect(stored.remindAt).toBe(stored.dueAt);
    expect(Math.abs(Date.parse(stored.dueAt) - due.getTime())).toBeLessThan(60_000);

    await p.goto(`${baseUrl}/my-day`);
    const today = p.locator('[data-test=my-day-today] [data-test=my-day-item]', { hasText: `Send the quote ${view.name} ${unique}` });
    await today.waitFor();
    expect(await p.locator('[data-test=week-day] [data-test=week-item]', { hasText: `Send the quote ${view.name} ${unique}` }).count()).toBe(1);
    await snapshot(p, `my-day-${view.name}`, true);
    await today.locator('.el-checkbox').click();
    await poll(async () => (await rep('GET', `/api/activities/${task.id}`)).body.done).toBe(true);
    await poll(() => today.locator('.el-checkbox.is-checked').count()).toBe(1);
  });

  it('makes a calendar-feed address that serves the rep\'s calendar', async () => {
    await p.locator('[data-test=feed-make]').click();
    // A second address (the other view made one) asks first: the old one stops working.
    const confirm = p.locator('.el-message-box .el-button--primary');
    if (await confirm.isVisible().catch(() => false) || await confirm.waitFor({ timeout: 1500 }).then(() => true, () => false)) await confirm.click();
    const url = await (async () => { await p.locator('input[data-test=feed-url]').waitFor(); return p.locator('input[data-test=feed-url]').inputValue(); })();
    expect(url).toMatch(new RegExp(`^${baseUrl}/api/calendar/[A-Za-z0-9_-]{32}$`));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`SUMMARY:✓ Send the quote ${view.name} ${unique}`);
  });
});

describe.each(TESTED)('the shared pool at $name', (view) => {
  it('a deal released to the pool shows so on its page and another rep claims it from there', async () => {
    const zh = view.locale === 'zh-CN';
    const deal = (await rep('POST', '/api/opportunities', { name: `Pooled deal ${view.name} ${unique}`, closeDate: '2031-06-30' })).body;
    const released = await rep('POST', `/api/opportunities/${deal.id}/release`);
    expect([released.status, released.body.ownerId]).toEqual([200, 'pool']);
    const p = await signInAs(browser, baseUrl, contexts, 'rep2@demo.local', view, `/opportunities/${deal.id}`);
    const banner = p.locator('[data-test=pool-banner]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(zh ? '公海池' : 'shared pool');
    expect(await p.locator('[data-test=record-subtitle]').textContent()).toContain(zh ? '公海池' : 'Shared pool');
    await snapshot(p, `pool-banner-${view.name}`, false);
    await p.locator('[data-test=pool-claim]').click();
    await banner.waitFor({ state: 'detached' });
    await poll(() => p.locator('[data-test=record-subtitle]').textContent()).toContain('Tom Baker');
    // rep1 (reps see their own deals) no longer sees it; rep2 has it, claimed from the pool.
    expect((await rep('GET', `/api/opportunities/${deal.id}`)).status).toBe(404);
    const rep2 = api(await login('rep2@demo.local'));
    expect((await rep2('GET', `/api/opportunities/${deal.id}`)).body).toMatchObject({ claimedBy: expect.any(String), ownerId: expect.not.stringMatching(/^pool$/) });
  });
});
