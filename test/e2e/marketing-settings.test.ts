import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, login, settle, type ApiCall } from '../support/client.ts';
import { launchChromium } from './support/browser.ts';
import { VIEWS, choose, poll, signInAs, snapshot, type View } from './support/views.ts';

/**
 * Issue 10 in Chromium: a marketer edits the lead scoring rules (threshold, a new profile rule), saves, reloads
 * and finds them kept; a negative half-life is refused with the message next to the field. An admin changes the
 * sender name in Settings → Marketing, saves and reloads. On a contact's page the consent and deliverability
 * show; an admin unsubscribes the contact by hand, the status and the consent history follow, the timeline
 * has the change. One phone pass in Chinese over a lead whose address bounced. Settings are restored after.
 */
const WIDE: View = VIEWS.find((v) => v.name === '1440-en')!;
const PHONE: View = VIEWS.find((v) => v.name === '390-zh')!;
const tag = `Mkt${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: ApiCall;
let marketer: ApiCall;
let scoringBefore: Record<string, unknown> | undefined;
let marketingBefore: Record<string, unknown> | undefined;

/** An Element Plus input (the attribute lands on the <input> itself, or on a wrapper around it). */
const input = (p: Page, test: string) => p.locator(`input[data-test=${test}], [data-test=${test}] input`).first();

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  [admin, marketer] = await Promise.all([api(await login('admin@demo.local')), api(await login('marketer@demo.local'))]);
  const s = await marketer('GET', '/api/scoring');
  const { version: _v, updatedAt: _a, updatedBy: _b, ...rules } = s.body;
  scoringBefore = rules;
  const m = await admin('GET', '/api/settings/marketing');
  const { version: _mv, ...settings } = m.body;
  marketingBefore = settings;
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  // Other files score leads and mail people: they find the rules and settings as they were.
  if (scoringBefore) {
    const now = await marketer('GET', '/api/scoring');
    await marketer('PUT', '/api/scoring', scoringBefore, { 'if-match': now.headers.etag! });
  }
  if (marketingBefore) {
    const now = await admin('GET', '/api/settings/marketing');
    await admin('PUT', '/api/settings/marketing', marketingBefore, { 'if-match': now.headers.etag! });
  }
});

describe('Settings → Lead scoring at 1440-en', () => {
  it('a marketer changes the threshold and adds a profile rule; after a reload both are kept', async () => {
    const p = await signInAs(browser, baseUrl, contexts, 'marketer@demo.local', WIDE, '/admin/scoring');
    await input(p, 'scoring-threshold').waitFor();
    const rulesBefore = await p.locator('[data-test=scoring-rule]').count();

    await input(p, 'scoring-threshold').fill('77');
    await p.click('[data-test=add-demographic]');
    const rule = p.locator('[data-test=scoring-rule][data-kind=demographic]').last();
    await rule.locator('input[data-test=rule-label]').fill(`Executive ${tag}`);
    await choose(p, rule.locator('[data-test=condition-field]'), /^Title$/);
    await choose(p, rule.locator('[data-test=condition-op]'), /^contains$/);
    await rule.locator('input[data-test=condition-value]').fill(`Chief ${tag}`);
    await rule.locator('[data-test=rule-points] input').fill('15');
    await rule.locator('[data-test=rule-points] input').press('Tab');
    await snapshot(p, 'scoring-edit-1440-en', true);
    await p.click('[data-test=scoring-save]');
    await p.locator('.el-message--success', { hasText: 'Scoring rules saved' }).waitFor();
    expect(await p.locator('[data-test=scoring-version]').textContent()).toMatch(/saved by/);

    await p.reload();
    await p.locator('[data-test=scoring-rule]').nth(rulesBefore).waitFor();
    expect(await input(p, 'scoring-threshold').inputValue()).toBe('77');
    const kept = p.locator('[data-test=scoring-rule][data-kind=demographic]').last();
    expect(await kept.locator('input[data-test=rule-label]').inputValue()).toBe(`Executive ${tag}`);
    expect(await kept.locator('input[data-test=condition-value]').inputValue()).toBe(`Chief ${tag}`);
    expect(await kept.locator('[data-test=rule-points] input').inputValue()).toBe('15');
    expect(await kept.locator('[data-test=condition-field]').textContent()).toContain('Title');
    // The server has them too, as data.
    const saved = (await marketer('GET', '/api/scoring')).body;
    expect(saved.threshold).toBe(77);
    expect(saved.rules).toContainEqual(expect.objectContaining({ label: `Executive ${tag}`, where: { title: { contains: `Chief ${tag}` } }, points: 15 }));
  });

  it('a negative half-life is refused: the message is next to the field and nothing is saved', async () => {
    const before = (await marketer('GET', '/api/scoring')).body;
    const p = await signInAs(browser, baseUrl, contexts, 'marketer@demo.local', WIDE, '/admin/scoring');
    await input(p, 'scoring-threshold').waitFor();
    if (!(await p.locator('[data-test=scoring-half-life]').count())) await p.click('[data-test=scoring-decays]');
    await input(p, 'scoring-half-life').fill('-5');
    await input(p, 'scoring-half-life').press('Tab');
    await p.click('[data-test=scoring-save]');
    const fieldError = p.locator('[data-test=field-half-life] .el-form-item__error');
    await fieldError.waitFor();
    expect((await fieldError.textContent())!.trim()).not.toBe('');
    expect(await p.locator('[data-test=scoring-errors] [data-path]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))).toEqual(['decay.halfLifeDays']);
    expect(await p.locator('[data-test=field-threshold] .el-form-item__error').count()).toBe(0);
    await snapshot(p, 'scoring-error-1440-en', false);
    const after = (await marketer('GET', '/api/scoring')).body;
    expect(after.version).toBe(before.version);
    expect(after.decay).toEqual(before.decay);
  });
});

describe('Settings → Marketing at 1440-en', () => {
  it('an admin changes the sender name, saves, and after a reload it is kept', async () => {
    const p = await signInAs(browser, baseUrl, contexts, 'admin@demo.local', WIDE, '/admin/marketing');
    await p.locator('[data-test=marketing-settings] [data-test=marketing-settings-save]').waitFor();
    expect(await p.locator('[data-test=subscription-type]').count()).toBeGreaterThan(0);
    expect(await p.locator('[data-test=subscription-type] input[data-test=subscription-type-en]').first().inputValue()).not.toBe('');
    await p.locator('input[data-test=sender-name]').fill(`Cirrus ${tag}`);
    await p.click('[data-test=marketing-settings-save]');
    await p.locator('.el-message--success', { hasText: 'Marketing settings saved' }).waitFor();
    await p.reload();
    await p.locator('input[data-test=sender-name]').waitFor();
    await poll(() => p.locator('input[data-test=sender-name]').inputValue()).toBe(`Cirrus ${tag}`);
    expect((await admin('GET', '/api/settings/marketing')).body.senderName).toBe(`Cirrus ${tag}`);
    await snapshot(p, 'marketing-settings-1440-en', true);

    // A bad sending rate is named next to its field, and not saved.
    await input(p, 'send-rate').fill('0');
    await input(p, 'send-rate').press('Tab');
    await p.click('[data-test=marketing-settings-save]');
    await p.locator('[data-test=marketing-settings-errors] [data-path=sendRatePerSecond]').waitFor();
    expect((await admin('GET', '/api/settings/marketing')).body.sendRatePerSecond).not.toBe(0);
  });
});

describe('a contact\'s consent at 1440-en', () => {
  it('shows consent and deliverability; an admin unsubscribes the contact by hand and the page follows', async () => {
    const c = await admin('POST', '/api/contacts', { firstName: 'Ada', lastName: tag, email: `ada.${tag.toLowerCase()}@example.cn`, language: 'en' });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const p = await signInAs(browser, baseUrl, contexts, 'admin@demo.local', WIDE, `/contacts/${c.body.id}`);
    const panel = p.locator('[data-test=consent-panel]');
    await panel.waitFor();
    expect(await panel.locator('[data-test=consent-status]').textContent()).toContain('Not asked');
    expect(await panel.locator('[data-test=deliverability-status]').textContent()).toContain('OK');
    expect(await panel.locator('[data-test=deliverability-warning]').count()).toBe(0);
    await poll(() => panel.locator('[data-test=consent-type]').count()).toBeGreaterThan(0);
    expect(await panel.locator('[data-test=consent-history-empty]').count()).toBe(1);

    await panel.locator('[data-test=consent-unsubscribe]').click();
    const dialog = p.locator('.el-dialog', { hasText: 'Record a consent' });
    await dialog.waitFor();
    expect(await dialog.locator('[data-test=consent-new-status] label.is-checked').textContent()).toContain('Unsubscribed');
    await dialog.locator('textarea[data-test=consent-note]').fill(`Asked on the phone ${tag}`);
    await snapshot(p, 'consent-dialog-1440-en', false);
    await dialog.locator('[data-test=consent-save]').click();
    await p.locator('.el-message--success', { hasText: 'Consent saved' }).waitFor();

    await poll(() => panel.locator('[data-test=consent-status]').getAttribute('data-status')).toBe('unsubscribed');
    expect(await panel.locator('[data-test=consent-status]').textContent()).toContain('Unsubscribed');
    expect(await panel.locator('[data-test=consent-source]').textContent()).toContain('Recorded by staff (verbal)');
    await poll(() => panel.locator('[data-test=consent-history-entry]').count()).toBe(1);
    expect(await panel.locator('[data-test=consent-history-entry]').textContent()).toContain(`Asked on the phone ${tag}`);
    expect(await panel.locator('[data-test=consent-unsubscribe]').count()).toBe(0);
    await snapshot(p, 'consent-contact-1440-en', true);
    const stored = (await admin('GET', `/api/contacts/${c.body.id}`)).body;
    expect(stored.emailConsent).toMatchObject({ status: 'unsubscribed', source: 'staff:verbal' });

    // The record's timeline has the change (it is read when the page opens).
    await p.reload();
    const entry = p.locator('[data-test=timeline-entry][data-type=consent-changed]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain('Email consent changed');
    expect(await entry.textContent()).toContain(`Asked on the phone ${tag}`);
  });

  it('a stale page is told to reload instead of overwriting', async () => {
    const c = await admin('POST', '/api/contacts', { firstName: 'Bo', lastName: tag, email: `bo.${tag.toLowerCase()}@example.cn` });
    const p = await signInAs(browser, baseUrl, contexts, 'admin@demo.local', WIDE, `/contacts/${c.body.id}`);
    const panel = p.locator('[data-test=consent-panel]');
    await panel.locator('[data-test=consent-opt-in]').waitFor();
    // Someone else changes the contact meanwhile.
    expect((await admin('PATCH', `/api/contacts/${c.body.id}`, { title: 'Buyer' }, { 'if-match': `"${c.body.version}"` })).status).toBe(200);
    await panel.locator('[data-test=consent-opt-in]').click();
    await p.locator('[data-test=consent-save]').click();
    await p.locator('[data-test=consent-stale]').waitFor();
    expect((await admin('GET', `/api/contacts/${c.body.id}`)).body.emailConsent).toBeUndefined();
    await p.click('[data-test=consent-reload]');
    await panel.locator('[data-test=consent-opt-in]').click();
    await p.locator('[data-test=consent-save]').click();
    await poll(() => panel.locator('[data-test=consent-status]').getAttribute('data-status')).toBe('subscribed');
  });
});

describe('consent on a lead at 390-zh', () => {
  it('shows the bounced warning and records an opt-in to one subscription type, in Chinese', async () => {
    const l = await marketer('POST', '/api/leads', { firstName: '敏', lastName: `王${tag}`, company: `Co ${tag}`, email: `bounce+${tag.toLowerCase()}@simulator.amazonses.com`, language: 'zh-CN' });
    expect(l.status, JSON.stringify(l.body)).toBe(201);
    const sent = await marketer('POST', '/api/settings/marketing/test-send', { object: 'leads', id: l.body.id, subscriptionType: 'newsletter' });
    expect(sent.body.status, JSON.stringify(sent.body)).toBe('sent');
    await poll(async () => (await admin('GET', `/api/leads/${l.body.id}`)).body.emailDeliverability, 20_000).toBe('bounced');
    await settle();

    const p = await signInAs(browser, baseUrl, contexts, 'admin@demo.local', PHONE, `/leads/${l.body.id}`);
    const panel = p.locator('[data-test=consent-panel]');
    await panel.waitFor();
    expect(await panel.locator('[data-test=consent-status]').textContent()).toContain('未询问');
    expect(await panel.locator('[data-test=deliverability-status]').textContent()).toContain('退信');
    expect(await panel.locator('[data-test=deliverability-warning]').textContent()).toContain('退回');
    await poll(() => panel.locator('[data-test=consent-type][data-type=events]').textContent()).toContain('活动与网络研讨会');
    // Nothing of the panel is wider than the phone.
    expect(await panel.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await panel.scrollIntoViewIfNeeded();
    await snapshot(p, 'consent-lead-390-zh', false);

    await panel.locator('[data-test=consent-change-events]').click();
    const dialog = p.locator('.el-dialog', { hasText: '记录订阅意愿' });
    await dialog.waitFor();
    expect(await dialog.locator('[data-test=consent-new-status] label.is-checked').textContent()).toContain('已订阅');
    await choose(p, dialog.locator('[data-test=consent-new-source]'), '活动');
    await snapshot(p, 'consent-dialog-390-zh', false);
    await dialog.locator('[data-test=consent-save]').click();
    await p.locator('.el-message--success', { hasText: '订阅意愿已保存' }).waitFor();
    const events = panel.locator('[data-test=consent-type][data-type=events]');
    await poll(() => events.locator('[data-test=consent-type-status]').textContent()).toContain('已订阅');
    expect(await events.textContent()).toContain('员工记录（活动）');
    // Saying yes to a type is saying yes to marketing email overall.
    await poll(() => panel.locator('[data-test=consent-status]').getAttribute('data-status')).toBe('subscribed');
    // The history, newest first: this change, then the bounce.
    await poll(() => panel.locator('[data-test=consent-history-entry]').first().textContent()).toContain('活动与网络研讨会：已订阅');
    expect(await panel.locator('[data-test=consent-history-entry]').last().textContent()).toContain('可送达性：退信');
    await panel.scrollIntoViewIfNeeded();
    await snapshot(p, 'consent-lead-after-390-zh', true);
    const stored = (await admin('GET', `/api/leads/${l.body.id}`)).body;
    expect(stored.emailConsent.types.events).toMatchObject({ status: 'subscribed', source: 'staff:event' });
  });
});
