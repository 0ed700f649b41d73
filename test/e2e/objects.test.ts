import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './support/browser.ts';
import { api, login, type ApiCall } from '../support/client.ts';
import { ensureCustomObject } from './support/metadata.ts';
import { VIEWS, choose, l, poll, signInAs, snapshot, type View } from './support/views.ts';

/**
 * Objects as data in the web app (issue 7, generic record pages): an admin creates `c_projects` through the
 * API (a required name, a stage picklist with colours, a relation to accounts); a rep opens its list from
 * the side menu (labelled in the UI language), creates a project in the form generated from metadata (the
 * required-field error beside the field first), edits it against someone else's save (412, reload their
 * version), filters the list by the picklist, saves the view, reloads
 * and finds the view remembered, and opens the project to see its account (and the account's generic page lists the project). At 1440 px in English and
 * 390 px in Chinese. CIRRUS_E2E_SCREENSHOTS=<dir> keeps screenshots.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const projects = {
  apiName: 'c_projects', label: l('Project', '项目'), labelPlural: l('Projects', '项目'),
  fields: [
    { apiName: 'c_name', type: 'text', label: l('Project name', '项目名称'), required: true, searchable: true },
    {
      apiName: 'c_stage', type: 'picklist', label: l('Stage', '阶段'),
      options: [
        { value: 'planning', label: l('Planning', '规划中'), color: '#909399' },
        { value: 'active', label: l('Active', '进行中'), color: '#1f6feb' },
        { value: 'done', label: l('Done', '已完成'), color: '#67c23a' },
      ],
    },
    { apiName: 'c_account', type: 'relation', target: 'accounts', label: l('Account', '客户') },
  ],
};

let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let rep: ApiCall;
const accountName = `E2E 项目客户 ${unique}`;
let accountId = '';

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  await ensureCustomObject(projects);
  rep = api(await login('rep1@demo.local'));
  const account = await rep('POST', '/api/accounts', { name: accountName });
  expect(account.status).toBe(201);
  accountId = account.body.id;
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

describe.each(VIEWS.filter((v) => v.name === '1440-en' || v.name === '390-zh'))('custom objects at $name', (view: View) => {
  const zh = view.locale === 'zh-CN';
  const shot = (p: Page, name: string, fullPage = false) => snapshot(p, `objects-${name}-${view.name}`, fullPage);
  const projectName = `ERP rollout ${unique} ${view.name}`;
  const otherName = `Done project ${unique} ${view.name}`;
  const viewName = `Active ${view.name} ${unique}`;

  it('opens the list from the menu, creates a project (required field first), filters, saves the view, remembers it, opens the project', async () => {
    // Another project, finished, that the filter must leave out.
    expect((await rep('POST', '/api/c_projects', { c_name: otherName, c_stage: 'done' })).status).toBe(201);
    // The same person ran the other view first: start from "all records", not the view they saved there.
    expect((await rep('PUT', '/api/views/last', { object: 'c_projects', viewId: null })).status).toBe(200);
    const p = await signInAs(browser, baseUrl, contexts, 'rep1@demo.local', view);

    // The side menu lists the custom object in the UI language.
    let entry: Locator;
    if (view.mobile) {
      await p.click('[data-test=menu-toggle]');
      entry = p.locator('.menu-drawer [data-test=menu-o-c_projects]');
    } else entry = p.locator('[data-test=sidebar] [data-test=menu-o-c_projects]');
    await entry.waitFor({ state: 'visible' });
    expect((await entry.textContent())!.trim()).toBe(zh ? '项目' : 'Projects');
    await entry.click();
    await p.waitForURL(/\/o\/c_projects$/);
    await p.waitForSelector('[data-test=c_projects-list]');
    expect(await p.textContent('[data-test=list-title]')).toBe(zh ? '项目' : 'Projects');
    const rows = p.locator(view.mobile ? '[data-test=list-cards] [data-test=row-name]' : '[data-test=list-table] [data-test=row-name]');
    await poll(() => rows.allTextContents()).toContain(otherName);
    await shot(p, 'list');

    // Create: Save with no name shows the required error beside the name, and nothing is sent.
    await p.click('[data-test=new-record]');
    const form = p.locator('[data-test=record-form]');
    await form.waitFor();
    await p.click('[data-test=form-save]');
    const nameItem = form.locator('.el-form-item[data-field=c_name]');
    await poll(() => nameItem.getAttribute('class')).toContain('is-error');
    expect(await nameItem.locator('.el-form-item__error').textContent()).toBe(zh ? '必填' : 'Required');
    expect(await form.locator('.el-form-item.is-error').count()).toBe(1);
    await shot(p, 'form-required');

    await form.locator('[data-test=field-c_name]').fill(projectName);
    await choose(p, form.locator('.el-form-item[data-field=c_stage] .el-select'), zh ? '进行中' : 'Active');
    const accountSelect = form.locator('.el-form-item[data-field=c_account] .el-select');
    await accountSelect.click();
    await p.keyboard.type(unique);
    const accountOption = p.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: accountName }).first();
    await accountOption.waitFor({ state: 'visible' });
    await accountOption.click();
    await shot(p, 'form-filled');
    await p.click('[data-test=form-save]');

    // The new project's page: its name, its stage in the UI language, and its account linked.
    await p.waitForURL(/\/o\/c_projects\/[^/]+$/);
    await poll(() => p.textContent('[data-test=record-title]')).toBe(projectName);
    await poll(() => p.textContent('[data-test=value-c_stage]')).toContain(zh ? '进行中' : 'Active');
    const accountLink = p.locator('[data-test=value-c_account] a');
    await poll(() => accountLink.textContent()).toBe(accountName);
    expect(await accountLink.getAttribute('href')).toBe(`/accounts/${accountId}`);
    await p.waitForSelector('[data-test=timeline-entry][data-type=created]');
    await shot(p, 'detail', true);

    // Someone else saves first: the form's save answers 412 and offers their version.
    const id = new URL(p.url()).pathname.split('/').pop()!;
    await p.click('[data-test=edit]');
    await form.waitFor();
    expect(await form.locator('[data-test=field-c_name]').inputValue()).toBe(projectName);
    expect((await rep('PATCH', `/api/c_projects/${id}`, { c_stage: 'planning' }, { 'if-match': '"1"' })).status).toBe(200);
    await form.locator('[data-test=field-c_name]').fill(`${projectName} v2`);
    await p.click('[data-test=form-save]');
    await p.locator('[data-test=conflict-dialog]').waitFor();
    await shot(p, 'conflict');
    await p.click('[data-test=conflict-reload]');
    await poll(() => form.locator('.el-form-item[data-field=c_stage] .el-select__placeholder').textContent()).toBe(zh ? '规划中' : 'Planning');
    expect(await form.locator('[data-test=field-c_name]').inputValue()).toBe(projectName);
    await choose(p, form.locator('.el-form-item[data-field=c_stage] .el-select'), zh ? '进行中' : 'Active');
    await p.click('[data-test=form-save]');
    await form.waitFor({ state: 'hidden' });
    await poll(() => p.textContent('[data-test=value-version]')).toBe('3');
    await poll(() => p.textContent('[data-test=value-c_stage]')).toContain(zh ? '进行中' : 'Active');

    // Back to the list: filter by the stage picklist.
    await p.click('.crumbs .el-page-header__back');
    await p.waitForURL(/\/o\/c_projects$/);
    await poll(() => rows.allTextContents()).toEqual(expect.arrayContaining([projectName, otherName]));
    await p.click('[data-test=filter-open]');
    const builder = p.locator('[data-test=filter-builder]');
    await builder.waitFor();
    await choose(p, builder.locator('[data-test=filter-row]').first().locator('.el-select').first(), zh ? '阶段' : 'Stage');
    await choose(p, builder.locator('[data-test=filter-row]').first().locator('.f-value .el-select'), zh ? '进行中' : 'Active');
    await shot(p, 'filter');
    await p.click('[data-test=filter-apply]');
    await poll(() => rows.allTextContents()).toContain(projectName);
    await poll(() => rows.allTextContents()).not.toContain(otherName);
    expect(await p.textContent('[data-test=filter-chip]')).toBe(zh ? '阶段 等于 进行中' : 'Stage is Active');

    // Save it as a view; the switcher shows it.
    await p.click('[data-test=view-save]');
    const viewForm = p.locator('[data-test=view-form]');
    await viewForm.waitFor();
    await p.fill('[data-test=view-name]', viewName);
    await p.click('[data-test=view-submit]');
    await viewForm.waitFor({ state: 'hidden' });
    const selected = p.locator('[data-test=view-select] .el-select__placeholder');
    await poll(() => selected.first().textContent()).toContain(viewName);
    await p.locator('[data-test=view-dirty]').waitFor({ state: 'detached' });
    await shot(p, 'view-saved');

    // Reload: the last view is remembered (PUT /api/views/last) and applied.
    await p.reload();
    await p.waitForSelector('[data-test=c_projects-list]');
    await poll(() => selected.first().textContent()).toContain(viewName);
    await poll(() => rows.allTextContents()).toContain(projectName);
    expect(await rows.allTextContents()).not.toContain(otherName);
    expect(await p.textContent('[data-test=filter-chip]')).toBe(zh ? '阶段 等于 进行中' : 'Stage is Active');
    await shot(p, 'view-remembered');

    // The project opens from the list and shows its account.
    await rows.filter({ hasText: projectName }).first().click();
    await p.waitForURL(/\/o\/c_projects\/[^/]+$/);
    await poll(() => p.locator('[data-test=value-c_account] a').textContent()).toBe(accountName);

    // The other side of the relation: the account's generic page lists its projects.
    await p.goto(`${baseUrl}/o/accounts/${accountId}`);
    const related = p.locator('[data-test=related-list][data-related=c_projects]');
    await poll(() => related.locator('[data-test=related-link]').allTextContents()).toContain(projectName);
    expect((await related.locator('h2').textContent())!).toContain(zh ? '项目' : 'Projects');
    await shot(p, 'account-related', true);
    await p.close();
  });
});
