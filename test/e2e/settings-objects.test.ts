import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser.ts';
import { VIEWS, poll, signInAs, snapshot, type View } from './support/views.ts';
import { api, login, type ApiCall } from '../support/client.ts';

/**
 * Settings → Objects and fields (issue 7) through the browser, wide in English and phone-sized in Chinese:
 * an admin creates a custom object "Project" related to accounts and adds a picklist with two options to
 * contacts; the server's field errors show beside their inputs (a missing label, a taken API name); a
 * deactivated field leaves the list and comes back with restore; the record-visibility tab shows the custom
 * object's defaults, refuses an edit level wider than read beside that level and then saves; a rep gets no
 * Settings entry and no page; Ctrl+K (the header button on a phone) finds a contact by its Chinese name and
 * Enter opens it.
 * CIRRUS_E2E_SCREENSHOTS=<dir> keeps screenshots.
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
const HAN = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥';
const given = Array.from({ length: 4 }, () => HAN[Math.floor(Math.random() * HAN.length)]).join('');
let contactId = '';
let savedManager: { read: string; edit: string } = { read: 'team', edit: 'team' };

const TESTED: View[] = [VIEWS.find((v) => v.name === '1440-en')!, VIEWS.find((v) => v.name === '390-zh')!];
/** The object API names the views create (the second view first tries the first one's, which is taken). */
const objectNames = TESTED.map((_, i) => `projects${unique}${i ? 'z' : ''}`);

const menuScope = (view: View) => (view.mobile ? '.menu-drawer' : '[data-test=sidebar]');

async function openAdminMenu(p: Page, view: View): Promise<void> {
  if (view.mobile) {
    await p.click('[data-test=menu-toggle]');
    await p.locator('.menu-drawer [data-test=menu-leads]').waitFor();
  }
  const sub = p.locator(`${menuScope(view)} [data-test=menu-admin]`);
  if (!(await sub.count())) return;
  if (!((await sub.getAttribute('class')) ?? '').includes('is-opened')) await sub.locator('.el-sub-menu__title').click();
  await poll(() => sub.getAttribute('class')).toContain('is-opened');
  await sub.locator('.el-menu-item').last().click({ trial: true });
}

/** Picks an option of an Element Plus select (the dropdown is teleported to the body). */
async function pick(p: Page, select: string, option: string): Promise<void> {
  await p.click(select);
  const item = p.locator(`.el-select-dropdown__item${option}:visible`).first();
  await item.click();
  await item.waitFor({ state: 'hidden' });
}

/** The error Element Plus shows under the form item that holds `input`. */
const errorBeside = (p: Page, input: string) => p.locator('.el-form-item', { has: p.locator(input) }).last().locator('.el-form-item__error');

async function confirmBox(p: Page): Promise<void> {
  const ok = p.locator('.el-message-box__btns .el-button--primary');
  await ok.click();
  await ok.waitFor({ state: 'hidden' });
}

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  admin = api(await login('admin@demo.local'));
  // A contact with a Chinese name no other record has, for the command palette to find.
  const created = await admin('POST', '/api/contacts', { lastName: '司徒', firstName: given, email: `situ.${unique}@example.cn` });
  expect(created.status).toBe(201);
  contactId = created.body.id;
  savedManager = (await admin('GET', '/api/metadata/objects/opportunities/sharing')).body.manager;
});

afterAll(async () => {
  await admin?.('PUT', '/api/metadata/objects/opportunities/sharing', { manager: savedManager }).catch(() => undefined);
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

describe.each(TESTED.map((view, i) => ({ view, i })))('Settings → Objects and fields at $view.name', ({ view, i }) => {
  const zh = view.locale === 'zh-CN';
  const objectApiName = `c_${objectNames[i]}`;
  const fieldLabel = `Tier ${unique}${i}`;
  let p: Page;

  it('the admin opens Objects and fields from the Admin menu and sees the standard objects', async () => {
    p = await signInAs(browser, baseUrl, contexts, 'admin@demo.local', view);
    await openAdminMenu(p, view);
    await p.click(`${menuScope(view)} [data-test=menu-admin-objects]`);
    await p.waitForURL(/\/admin\/objects/);
    await poll(() => p.locator('[data-test=object-title]').textContent()).toBe(zh ? '联系人' : 'Contacts');
    await poll(() => p.locator('[data-test=field-row]').count()).toBeGreaterThan(3);
    if (!view.mobile) await expect(p.locator('[data-test=object-list]').textContent()).resolves.toContain('Accounts');
    await snapshot(p, `objects-${view.name}`, true);
  });

  it('creates the custom object Project related to accounts; a taken API name is refused beside the field', async () => {
    await p.click('[data-test=new-object]');
    await p.locator('[data-test=object-form]').waitFor();
    await p.fill('input[data-test=object-label-en]', 'Project');
    await p.fill('input[data-test=object-label-zh]', '项目');
    // The plural and the API name follow the label until typed.
    await poll(() => p.inputValue('input[data-test=object-plural-en]')).toBe('Projects');
    await poll(() => p.inputValue('input[data-test=object-api-name]')).toBe('projects');
    await p.fill('input[data-test=object-api-name]', i ? objectNames[0]! : objectNames[i]!);
    await pick(p, '[data-test=object-relation]', '[data-test=relation-accounts]');
    if (i) {
      await p.click('[data-test=object-save]');
      await poll(() => errorBeside(p, 'input[data-test=object-api-name]').textContent()).toContain('名称已被使用');
      await snapshot(p, `object-taken-${view.name}`, false);
      await p.fill('input[data-test=object-api-name]', objectNames[i]!);
    }
    await p.click('[data-test=object-save]');
    await p.locator('[data-test=object-form]').waitFor({ state: 'hidden' });
    await poll(() => p.locator('[data-test=object-title]').textContent()).toBe(zh ? '项目' : 'Projects');
    await expect(p.url()).toContain(`object=${objectApiName}`);

    const meta = await admin('GET', '/api/metadata');
    const project = meta.body.objects.find((o: { apiName: string }) => o.apiName === objectApiName);
    expect(project).toMatchObject({ custom: true, label: { en: 'Project', 'zh-CN': '项目' }, labelPlural: { en: 'Projects', 'zh-CN': '项目' } });
    expect(project.fields.map((f: { apiName: string }) => f.apiName)).toEqual(expect.arrayContaining(['c_name', 'c_account']));
    expect(project.fields.find((f: { apiName: string }) => f.apiName === 'c_account')).toMatchObject({ type: 'relation', target: 'accounts' });
  });

  it('adds a picklist with two options to contacts; a missing label is named beside its input', async () => {
    if (view.mobile) await pick(p, '[data-test=object-picker]', ':has-text("联系人")');
    else await p.click('[data-test=object-contacts]');
    await poll(() => p.locator('[data-test=object-title]').textContent()).toBe(zh ? '联系人' : 'Contacts');
    await p.click('[data-test=add-field]');
    await p.locator('[data-test=field-form]').waitFor();
    await p.fill('input[data-test=field-label-en]', fieldLabel);
    await pick(p, '[data-test=field-type]', '[data-test=field-type-picklist]');
    await p.fill('input[data-test=option-en-0]', 'Gold');
    await p.fill('input[data-test=option-zh-0]', '金牌');
    await p.fill('input[data-test=option-en-1]', 'Silver');
    await p.fill('input[data-test=option-zh-1]', '银牌');
    await expect(p.inputValue('input[data-test=option-value-1]')).resolves.toBe('silver');
    // No Chinese label: the server's 400 names label.zh-CN, shown under that input (and nowhere else).
    await p.click('[data-test=field-save]');
    await poll(() => errorBeside(p, 'input[data-test=field-label-zh]').textContent()).toBe(zh ? '必填' : 'Required');
    await expect(errorBeside(p, 'input[data-test=field-label-en]').count()).resolves.toBe(0);
    await snapshot(p, `field-error-${view.name}`, false);

    await p.fill('input[data-test=field-label-zh]', `等级${unique}${i}`);
    await p.click('[data-test=field-save]');
    await p.locator('[data-test=field-form]').waitFor({ state: 'hidden' });
    const row = p.locator('[data-test=field-row]', { hasText: zh ? `等级${unique}${i}` : fieldLabel });
    await poll(() => row.count()).toBe(1);
    const apiName = await row.getAttribute('data-field');
    // The API name followed the English label: `Tier abc1` → c_tierAbc1.
    expect(apiName).toBe(`c_tier${unique[0]!.toUpperCase()}${unique.slice(1)}${i}`);

    const meta = await admin('GET', '/api/metadata');
    const field = meta.body.objects.find((o: { apiName: string }) => o.apiName === 'contacts').fields.find((f: { apiName: string }) => f.apiName === apiName);
    expect(field).toMatchObject({ type: 'picklist', options: [{ value: 'gold', label: { en: 'Gold', 'zh-CN': '金牌' } }, { value: 'silver', label: { en: 'Silver', 'zh-CN': '银牌' } }] });
    await snapshot(p, `fields-${view.name}`, true);
  });

  it('deactivating the field hides it (its values kept) and restore brings it back', async () => {
    const label = zh ? `等级${unique}${i}` : fieldLabel;
    const row = () => p.locator(view.mobile ? '.card' : '.el-table__row', { has: p.locator('[data-test=field-row]', { hasText: label }) });
    await row().locator('[data-test=deactivate-field]').click();
    await confirmBox(p);
    await poll(() => p.locator('[data-test=field-row]', { hasText: label }).count()).toBe(0);
    const meta = await admin('GET', '/api/metadata');
    expect(meta.body.objects.find((o: { apiName: string }) => o.apiName === 'contacts').fields.some((f: { label: { en: string } }) => f.label.en === fieldLabel)).toBe(false);

    await p.click('[data-test=show-inactive]');
    await poll(() => row().locator('[data-test=field-inactive]').count()).toBe(1);
    await snapshot(p, `field-inactive-${view.name}`, true);
    await row().locator('[data-test=restore-field]').click();
    await poll(() => row().locator('[data-test=field-inactive]').count()).toBe(0);
    await poll(() => row().locator('[data-test=edit-field]').count()).toBe(1);
    const after = await admin('GET', '/api/metadata');
    expect(after.body.objects.find((o: { apiName: string }) => o.apiName === 'contacts').fields.some((f: { label: { en: string } }) => f.label.en === fieldLabel)).toBe(true);
  });

  it('the record-visibility tab refuses edit wider than read beside the level, then saves', async () => {
    // A custom object has record visibility too: its defaults (reps read all, edit their own), none set yet.
    if (view.mobile) await pick(p, '[data-test=object-picker]', ':has-text("项目")');
    else await p.click(`[data-test=object-${objectApiName}]`);
    await poll(() => p.locator('[data-test=object-title]').textContent()).toBe(zh ? '项目' : 'Projects');
    await p.click('#tab-sharing');
    await p.locator('[data-test=sharing-panel] [data-test=sharing-rep-read]').waitFor();
    await poll(() => p.locator('[data-test=sharing-rep-read] .el-select__placeholder').first().textContent()).toBe(zh ? '全部记录' : 'All records');
    await poll(() => p.locator('[data-test=sharing-rep-edit] .el-select__placeholder').first().textContent()).toBe(zh ? '自己的记录' : 'Own records');
    expect(await p.locator('[data-test=sharing-unsupported]').count()).toBe(0);
    if (view.mobile) await pick(p, '[data-test=object-picker]', ':has-text("商机")');
    else await p.click('[data-test=object-opportunities]');
    await poll(() => p.locator('[data-test=object-title]').textContent()).toBe(zh ? '商机' : 'Opportunities');
    await p.click('#tab-sharing');
    await p.locator('[data-test=sharing-panel] [data-test=sharing-manager-read]').waitFor();
    await pick(p, '[data-test=sharing-manager-edit]', '[data-test=level-all]');
    await p.click('[data-test=sharing-save]');
    await poll(() => p.locator('[data-test=sharing-manager] .el-form-item__error').textContent()).toBe(zh ? '编辑范围不能大于查看范围' : 'Edit cannot reach further than read');
    await snapshot(p, `sharing-error-${view.name}`, true);

    await pick(p, '[data-test=sharing-manager-read]', '[data-test=level-all]');
    await p.click('[data-test=sharing-save]');
    await poll(async () => (await admin('GET', '/api/metadata/objects/opportunities/sharing')).body.manager).toEqual({ read: 'all', edit: 'all' });
    await poll(() => p.locator('[data-test=sharing-manager] .el-form-item__error').count()).toBe(0);
    await snapshot(p, `sharing-${view.name}`, true);
    // Back to the defaults for the files after this one.
    expect((await admin('PUT', '/api/metadata/objects/opportunities/sharing', { manager: savedManager })).status).toBe(200);
  });

  it('Ctrl+K (the search button on a phone) finds a contact by its Chinese name; Enter opens it', async () => {
    if (view.mobile) await p.click('[data-test=palette-button]');
    else await p.keyboard.press('Control+k');
    const input = p.locator('[data-test=palette-input]');
    await input.waitFor();
    await poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-test'))).toBe('palette-input');
    // Before typing: the commands (Settings among them for an admin).
    await poll(() => p.locator('[data-test=palette-command]').count()).toBeGreaterThan(4);
    await input.fill(given);
    const hit = p.locator('[data-test=palette-hit]', { hasText: given });
    await poll(() => hit.count(), 20_000).toBeGreaterThan(0);
    await expect(p.locator('[data-test=palette-group-o\\:contacts] h3').textContent()).resolves.toBe(zh ? '联系人' : 'Contacts');
    await snapshot(p, `palette-${view.name}`, false);
    await input.press('Enter');
    await p.waitForURL(new RegExp(`/contacts/${contactId}$`));
    await poll(() => p.locator('body').textContent()).toContain(given);
    // Esc closes it; the arrows move through the commands.
    await p.keyboard.press(view.mobile ? 'Control+k' : 'Meta+k');
    await input.waitFor();
    await input.press('ArrowDown');
    await expect(p.locator('[data-test=palette-command].on').textContent()).resolves.toContain(zh ? '线索' : 'Leads');
    await input.press('Escape');
    await input.waitFor({ state: 'hidden' });
  });

  it('a rep sees no Settings entry and gets no objects page', async () => {
    const rep = await signInAs(browser, baseUrl, contexts, 'rep1@demo.local', view);
    await openAdminMenu(rep, view);
    await expect(rep.locator(`${menuScope(view)} [data-test=menu-admin-objects]`).count()).resolves.toBe(0);
    await rep.goto(`${baseUrl}/admin/objects`);
    await rep.locator('[data-test=forbidden]').waitFor();
    await expect(rep.locator('[data-test=new-object]').count()).resolves.toBe(0);
  });
});
