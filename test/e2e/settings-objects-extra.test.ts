import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser.ts';
import { VIEWS, poll, signInAs, snapshot, type View } from './support/views.ts';
import { api, login, type ApiCall } from '../support/client.ts';

/**
 * Settings → Objects and fields, the rest of issue 7, wide in English and phone-sized in Chinese: the admin
 * moves a field up with the keyboard and another with a click, saves the order, and the record page shows
 * the fields in that order; "Purge values…" on a deactivated field asks for its API name typed out, then
 * shows the job's progress until it is done (the values are gone from the records); Ctrl+K offers
 * "New <object>" and opens that object's create form. CIRRUS_E2E_SCREENSHOTS=<dir> keeps screenshots.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: ApiCall;

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const TESTED: View[] = [VIEWS.find((v) => v.name === '1440-en')!, VIEWS.find((v) => v.name === '390-zh')!];

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  admin = api(await login('admin@demo.local'));
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

/** The custom field API names in the order an element list shows them (`data-test=value-c_…` or `data-field`). */
const customOrder = (p: Page, selector: string, attr: string) =>
  p.locator(selector).evaluateAll((els, a) => els.map((e) => e.getAttribute(a)!.replace(/^value-/, '')).filter((n) => n.startsWith('c_')), attr);

describe.each(TESTED.map((view, i) => ({ view, i })))('Settings → Objects and fields, more, at $view.name', ({ view, i }) => {
  const zh = view.locale === 'zh-CN';
  const object = `c_ord${unique}${i}`;
  let recordIds: string[] = [];
  let p: Page;

  beforeAll(async () => {
    const created = await admin('POST', '/api/metadata/objects', {
      apiName: object, label: l(`Order test ${i}`, `排序测试${i}`), labelPlural: l(`Order tests ${i}`, `排序测试${i}`),
      fields: [
        { apiName: 'c_name', type: 'text', required: true, label: l('Name', '名称') },
        { apiName: 'c_alpha', type: 'text', label: l('Alpha', '甲') },
        { apiName: 'c_beta', type: 'number', label: l('Beta', '乙') },
        { apiName: 'c_gamma', type: 'date', label: l('Gamma', '丙') },
        { apiName: 'c_gone', type: 'text', label: l('Old notes', '旧备注') },
      ],
    });
    expect(created.status).toBe(201);
    recordIds = [];
    for (let n = 0; n < 3; n++) {
      const r = await admin('POST', `/api/${object}`, { c_name: `Rec ${n}`, c_alpha: 'a', c_beta: n, c_gamma: '2026-12-01', c_gone: `old ${n}` });
      expect(r.status).toBe(201);
      recordIds.push(r.body.id);
    }
    expect((await admin('DELETE', `/api/metadata/objects/${object}/fields/c_gone`)).status).toBe(204);
  });

  it('moves fields with the keyboard and a click, saves the order, and the record page shows it', async () => {
    p = await signInAs(browser, baseUrl, contexts, 'admin@demo.local', view);
    await p.goto(`${baseUrl}/admin/objects?object=${object}`);
    await poll(() => p.locator('[data-test=object-title]').textContent()).toBe(zh ? `排序测试${i}` : `Order tests ${i}`);
    const rows = view.mobile ? '[data-test=fields-cards] [data-test=field-row]' : '[data-test=fields-table] [data-test=field-row]';
    // The order the pages use before an admin sets one: the naming field first (the others made together: by name).
    await poll(() => customOrder(p, rows, 'data-field')).toEqual(['c_name', 'c_alpha', 'c_beta', 'c_gamma']);
    const moveUp = (field: string) => p.locator(`[data-move="${field}"][data-dir=up]`);
    const moveDown = (field: string) => p.locator(`[data-move="${field}"][data-dir=down]`);

    // c_gamma up twice from the keyboard: the focus stays on its button.
    await moveUp('c_gamma').focus();
    await p.keyboard.press('Enter');
    await poll(() => customOrder(p, rows, 'data-field')).toEqual(['c_name', 'c_alpha', 'c_gamma', 'c_beta']);
    await poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-move'))).toBe('c_gamma');
    await p.keyboard.press('Space');
    await poll(() => customOrder(p, rows, 'data-field')).toEqual(['c_name', 'c_gamma', 'c_alpha', 'c_beta']);
    // The naming field down once with a click: the pages follow the admin's order, name field or not.
    await moveDown('c_name').click();
    await poll(() => customOrder(p, rows, 'data-field')).toEqual(['c_gamma', 'c_name', 'c_alpha', 'c_beta']);
    await poll(() => p.locator('[data-test=order-changed]').count()).toBe(1);
    await snapshot(p, `field-order-${view.name}`, true);
    await p.click('[data-test=save-order]');
    await poll(() => p.locator('[data-test=order-changed]').count()).toBe(0);

    const meta = await admin('GET', '/api/metadata');
    const o = meta.body.objects.find((x: { apiName: string }) => x.apiName === object);
    expect(o.fields.map((f: { apiName: string }) => f.apiName).filter((n: string) => n.startsWith('c_'))).toEqual(['c_gamma', 'c_name', 'c_alpha', 'c_beta']);

    // The record page and its edit form, in the new order.
    await p.goto(`${baseUrl}/o/${object}/${recordIds[0]}`);
    await p.locator('[data-test=record-title]').waitFor();
    await poll(() => customOrder(p, '[data-test^=value-c_]', 'data-test')).toEqual(['c_gamma', 'c_name', 'c_alpha', 'c_beta']);
    await snapshot(p, `record-in-order-${view.name}`, true);
    await p.click('[data-test=edit]');
    await poll(() => customOrder(p, '.el-dialog .el-form-item[data-field]', 'data-field')).toEqual(['c_gamma', 'c_name', 'c_alpha', 'c_beta']);
    await p.keyboard.press('Escape');
  });

  it('purges a deactivated field: warned, the API name typed out, then the job\'s progress until done', async () => {
    await p.goto(`${baseUrl}/admin/objects?object=${object}`);
    await poll(() => p.locator('[data-test=object-title]').textContent()).toBe(zh ? `排序测试${i}` : `Order tests ${i}`);
    await p.click('[data-test=show-inactive]');
    const row = p.locator(view.mobile ? '.card' : '.el-table__row', { has: p.locator('[data-test=field-row][data-field=c_gone]') });
    await row.locator('[data-test=purge-field]').click();
    const dialog = p.locator('[data-test=purge-dialog]');
    await dialog.locator('[data-test=purge-warning]').waitFor();
    await expect(dialog.locator('[data-test=purge-warning]').textContent()).resolves.toContain(zh ? '此操作无法撤销' : 'This cannot be undone');
    const start = dialog.locator('[data-test=purge-start]');
    await expect(start.isDisabled()).resolves.toBe(true);
    await dialog.locator('input[data-test=purge-confirm-input]').fill('c_gon');
    await expect(start.isDisabled()).resolves.toBe(true);
    await dialog.locator('input[data-test=purge-confirm-input]').fill('c_gone');
    await expect(start.isDisabled()).resolves.toBe(false);
    await snapshot(p, `purge-confirm-${view.name}`, false);
    await start.click();

    const progress = dialog.locator('[data-test=purge-progress]');
    await progress.waitFor();
    await poll(() => progress.getAttribute('data-status'), 60_000).toBe('done');
    await expect(dialog.locator('[data-test=purge-status]').textContent()).resolves.toBe(zh ? '已完成' : 'Done');
    await expect(dialog.locator('[data-test=purge-cleared]').textContent()).resolves.toBe('3');
    expect(Number(await dialog.locator('[data-test=purge-examined]').textContent())).toBeGreaterThanOrEqual(3);
    await snapshot(p, `purge-done-${view.name}`, false);
    await dialog.locator('[data-test=purge-close]').click();
    await dialog.waitFor({ state: 'hidden' });
    // The field is gone, the list too (reloaded when the job was done).
    await poll(() => p.locator('[data-test=field-row][data-field=c_gone]').count()).toBe(0);
    const inactive = await admin('GET', '/api/metadata?include=inactive');
    expect(inactive.body.objects.find((x: { apiName: string }) => x.apiName === object).fields.some((f: { apiName: string }) => f.apiName === 'c_gone')).toBe(false);
    // Restoring it answers 409: its values are gone.
    expect((await admin('POST', `/api/metadata/objects/${object}/fields/c_gone/restore`)).status).toBe(409);
  });

  it('Ctrl+K offers "New <object>" and opens the object\'s create form', async () => {
    if (view.mobile) await p.click('[data-test=palette-button]');
    else await p.keyboard.press('Control+k');
    const input = p.locator('[data-test=palette-input]');
    await input.waitFor();
    const label = zh ? `新建排序测试${i}` : `New order test ${i}`;
    await input.fill(zh ? '新建排序' : 'new order');
    const command = p.locator(`[data-test=palette-command][data-command=new-${object}]`);
    await poll(() => command.textContent()).toContain(label);
    await expect(p.locator('[data-test=palette-group-create] h3').textContent()).resolves.toBe(zh ? '新建' : 'Create');
    // Contacts, accounts, leads and opportunities too.
    await input.fill('');
    for (const std of ['contacts', 'accounts', 'leads', 'opportunities']) {
      await poll(() => p.locator(`[data-test=palette-command][data-command=new-${std}]`).count()).toBe(1);
    }
    await input.fill(zh ? '新建排序' : 'new order');
    await poll(() => command.count()).toBe(1);
    await snapshot(p, `palette-new-${view.name}`, false);
    await command.click();
    await p.waitForURL(new RegExp(`/o/${object}$`));
    const form = p.locator('.el-dialog .el-form-item[data-field=c_name]');
    await form.waitFor();
    await poll(() => customOrder(p, '.el-dialog .el-form-item[data-field]', 'data-field')).toEqual(['c_gamma', 'c_name', 'c_alpha', 'c_beta']);
    await snapshot(p, `palette-new-form-${view.name}`, false);
  });
});
