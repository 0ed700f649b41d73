import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser.ts';
import { advanceClock, api, login, type ApiCall } from '../support/client.ts';
import { VIEWS, choose, l, poll, signInAs, snapshot, type View } from './support/views.ts';

/**
 * Issue 7's proof, the rep's half (the admin's half, adding a picklist to contacts and a Project object
 * related to accounts in Settings → Objects and fields, is test/e2e/settings-objects.test.ts; here the admin
 * does the same through the API): a rep fills the new picklist in on a contact and creates a project for an
 * account in the forms generated from metadata, filters the contacts by the new field, saves that as a view,
 * and finds the project with Ctrl+K (the header's search button on a phone). 1440 px in English, 390 px in
 * Chinese.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const object = `c_proof${unique}`;
const tier = `c_tier${unique}`;
const TESTED: View[] = [VIEWS.find((v) => v.name === '1440-en')!, VIEWS.find((v) => v.name === '390-zh')!];

let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let rep: ApiCall;
const accountName = `Proof 客户 ${unique}`;

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  const admin = api(await login('admin@demo.local'));
  const made = await admin('POST', '/api/metadata/objects', {
    apiName: object, label: l('Project', '项目'), labelPlural: l('Projects', '项目'),
    fields: [
      { apiName: 'c_name', type: 'text', label: l('Project name', '项目名称'), required: true, searchable: true },
      { apiName: 'c_account', type: 'relation', target: 'accounts', label: l('Account', '客户') },
    ],
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const field = await admin('POST', '/api/metadata/objects/contacts/fields', {
    apiName: tier, type: 'picklist', label: l(`Tier ${unique}`, `等级${unique}`),
    options: [{ value: 'gold', label: l('Gold', '金牌'), color: '#d4a017' }, { value: 'silver', label: l('Silver', '银牌') }],
  });
  expect(field.status, JSON.stringify(field.body)).toBe(201);
  // The records unit's metadata cache refreshes after METADATA_REFRESH_MS.
  await advanceClock(6);
  rep = api(await login('rep1@demo.local'));
  expect((await rep('POST', '/api/accounts', { name: accountName })).status).toBe(201);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

describe.each(TESTED)('a rep works with the new field and object at $name', (view) => {
  const zh = view.locale === 'zh-CN';
  const shot = (p: Page, name: string, fullPage = false) => snapshot(p, `proof-${name}-${view.name}`, fullPage);
  const goldName = `Gold${unique}${view.name.replace('-', '')}`;
  const silverName = `Silver${unique}${view.name.replace('-', '')}`;
  const projectName = `Proof project ${unique} ${view.name}`;
  const viewName = `Gold ${view.name} ${unique}`;

  it('fills the picklist in on a contact, filters contacts by it, saves the view, creates a project and finds it with Ctrl+K', async () => {
    const gold = (await rep('POST', '/api/contacts', { lastName: goldName })).body;
    expect((await rep('POST', '/api/contacts', { lastName: silverName, [tier]: 'silver' })).status).toBe(201);
    // The same person ran the other view first: start from all contacts, not the view they saved there.
    expect((await rep('PUT', '/api/views/last', { object: 'contacts', viewId: null })).status).toBe(200);
    const p = await signInAs(browser, baseUrl, contexts, 'rep1@demo.local', view);

    // The contact's page, generated from metadata, shows the new field; the rep sets it to Gold.
    await p.goto(`${baseUrl}/o/contacts/${gold.id}`);
    await poll(() => p.textContent('[data-test=record-title]')).toContain(goldName);
    await p.click('[data-test=edit]');
    const form = p.locator('[data-test=record-form]');
    await form.waitFor();
    await choose(p, form.locator(`.el-form-item[data-field=${tier}] .el-select`), zh ? '金牌' : 'Gold');
    await shot(p, 'contact-form');
    await p.click('[data-test=form-save]');
    await form.waitFor({ state: 'hidden' });
    // The server first (did the save carry the value?), then the page (does it show what was saved?).
    await poll(async () => (await rep('GET', `/api/contacts/${gold.id}`)).body[tier]).toBe('gold');
    await poll(() => p.textContent(`[data-test=value-${tier}]`)).toContain(zh ? '金牌' : 'Gold');

    // The contacts list filtered by the new field: Gold only.
    await p.goto(`${baseUrl}/o/contacts`);
    await p.waitForSelector('[data-test=contacts-list]');
    const rows = p.locator(view.mobile ? '[data-test=list-cards] [data-test=row-name]' : '[data-test=list-table] [data-test=row-name]');
    await p.click('[data-test=filter-open]');
    const builder = p.locator('[data-test=filter-builder]');
    await builder.waitFor();
    await choose(p, builder.locator('[data-test=filter-row]').first().locator('.el-select').first(), zh ? `等级${unique}` : `Tier ${unique}`);
    await choose(p, builder.locator('[data-test=filter-row]').first().locator('.f-value .el-select'), zh ? '金牌' : 'Gold');
    await p.click('[data-test=filter-apply]');
    // (The other view's run left a Gold contact too: this view's Gold one is there, its Silver one is not.)
    await poll(async () => {
      const names = await rows.allTextContents();
      return names.includes(goldName) && !names.includes(silverName) && names.length <= TESTED.length;
    }).toBe(true);
    expect(await p.textContent('[data-test=filter-chip]')).toBe(zh ? `等级${unique} 等于 金牌` : `Tier ${unique} is Gold`);
    await shot(p, 'contacts-filtered');

    // Saved as a view: the switcher shows it, and the server applies it to the list.
    await p.click('[data-test=view-save]');
    const viewForm = p.locator('[data-test=view-form]');
    await viewForm.waitFor();
    await p.fill('[data-test=view-name]', viewName);
    await p.click('[data-test=view-submit]');
    await viewForm.waitFor({ state: 'hidden' });
    await poll(() => p.locator('[data-test=view-select] .el-select__placeholder').first().textContent()).toContain(viewName);
    const saved = (await rep('GET', '/api/views?object=contacts')).body.items.find((v: { name: string }) => v.name === viewName);
    expect(saved.where).toEqual({ [tier]: { eq: 'gold' } });
    const applied = await rep('GET', `/api/contacts?view=${saved.id}&limit=100`);
    expect(applied.body.items.map((c: { name: string }) => c.name)).toContain(goldName);
    expect(applied.body.items.every((c: Record<string, unknown>) => c[tier] === 'gold')).toBe(true);

    // A project for the account, in the object's generated form.
    await p.goto(`${baseUrl}/o/${object}`);
    await p.waitForSelector(`[data-test=${object}-list]`);
    await p.click('[data-test=new-record]');
    await form.waitFor();
    await form.locator('[data-test=field-c_name]').fill(projectName);
    const accountSelect = form.locator('.el-form-item[data-field=c_account] .el-select');
    await accountSelect.click();
    await p.keyboard.type(unique);
    const accountOption = p.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: accountName }).first();
    await accountOption.waitFor({ state: 'visible' });
    await accountOption.click();
    await p.click('[data-test=form-save]');
    await p.waitForURL(new RegExp(`/o/${object}/[^/]+$`));
    const projectId = new URL(p.url()).pathname.split('/').pop()!;
    await poll(() => p.locator('[data-test=value-c_account] a').textContent()).toBe(accountName);

    // Somewhere else, Ctrl+K (the search button on a phone) finds the project by a word of its name.
    await p.goto(`${baseUrl}/o/contacts`);
    await p.waitForSelector('[data-test=contacts-list]');
    if (view.mobile) await p.click('[data-test=palette-button]');
    else await p.keyboard.press('Control+k');
    const input = p.locator('[data-test=palette-input]');
    await input.waitFor();
    await input.fill(`Proof project ${unique}`);
    const hit = p.locator(`[data-test=palette-group-o\\:${object}] [data-test=palette-hit]`, { hasText: projectName });
    await poll(() => hit.count(), 20_000).toBeGreaterThan(0);
    await expect(p.locator(`[data-test=palette-group-o\\:${object}] h3`).textContent()).resolves.toBe(zh ? '项目' : 'Projects');
    await shot(p, 'palette');
    await hit.first().click();
    await p.waitForURL(new RegExp(`/o/${object}/${projectId}$`));
    await poll(() => p.textContent('[data-test=record-title]')).toBe(projectName);
    await shot(p, 'project', true);
    await p.close();
  });

  it('moves an opportunity to Proposal in the generated form from its page', async () => {
    const opp = (await rep('POST', '/api/opportunities', { name: `Proof deal ${unique} ${view.name}`, amount: { amount: 880_000, currency: 'CNY' } })).body;
    expect(opp.stage).toBe('prospecting');
    const p = await signInAs(browser, baseUrl, contexts, 'rep1@demo.local', view);
    await p.goto(`${baseUrl}/opportunities/${opp.id}`);
    await poll(() => p.textContent('[data-test=value-stage]')).toBe(zh ? '初步接洽' : 'Prospecting');
    await p.click('[data-test=edit]');
    const form = p.locator('[data-test=record-form]');
    await form.waitFor();
    await choose(p, form.locator('.el-form-item[data-field=stage] .el-select'), zh ? '方案提供' : 'Proposal');
    await p.click('[data-test=form-save]');
    await form.waitFor({ state: 'hidden' });
    await poll(() => p.textContent('[data-test=value-stage]')).toBe(zh ? '方案提供' : 'Proposal');
    await poll(() => p.textContent('[data-test=value-version]')).toBe('2');
    const after = (await rep('GET', `/api/opportunities/${opp.id}`)).body;
    expect(after).toMatchObject({ stage: 'proposal', amount: { amount: 880_000, currency: 'CNY' } });
    expect(await p.textContent('[data-test=value-amount]')).toContain('8,800.00');
    await shot(p, 'opportunity', true);
    await p.close();
  });
});
