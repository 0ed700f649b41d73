import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser.ts';
import { api, login, type ApiCall } from '../support/client.ts';
import { ensureCustomObject } from './support/metadata.ts';
import { VIEWS, choose, l, poll, signInAs, snapshot, type View } from './support/views.ts';

/**
 * The object list as a worktable (issue 7): on a custom object `c_initiatives`, a manager edits cells in
 * place (a picklist by double-click, a text by F2 and Enter, Esc to cancel, a bad email refused beside the
 * cell before sending; saved after a reload; someone else's save first → the row shows their version), the
 * list's search and sort live in the address (reload, back, forward), three records get a new owner in bulk
 * while one of them was changed meanwhile (the summary names it, the other two stay done), two are deleted
 * in bulk (gone from the list, restorable) and two get a field set in bulk. A rep is offered inline edit and
 * bulk actions only on their own records (the detail page's rule). At 390 px in Chinese: select
 * mode on the cards, delete one. Pictures of the bulk bar go to /tmp/h8-*.png; CIRRUS_E2E_SCREENSHOTS=<dir>
 * keeps the others.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const initiatives = {
  apiName: 'c_initiatives', label: l('Initiative', '举措'), labelPlural: l('Initiatives', '举措'),
  fields: [
    { apiName: 'c_name', type: 'text', label: l('Initiative name', '举措名称'), required: true, searchable: true },
    {
      apiName: 'c_phase', type: 'picklist', label: l('Phase', '阶段'),
      options: [
        { value: 'idea', label: l('Idea', '构想'), color: '#909399' },
        { value: 'running', label: l('Running', '进行中'), color: '#1f6feb' },
      ],
    },
    { apiName: 'c_note', type: 'text', label: l('Note', '备注') },
    { apiName: 'c_email', type: 'email', label: l('Contact email', '联系邮箱') },
  ],
};

let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let manager: ApiCall;
let ids: Record<string, string> = {};

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  await ensureCustomObject(initiatives);
  manager = api(await login('manager@demo.local'));
  const users = await manager('GET', '/api/users');
  ids = Object.fromEntries((users.body.items as { id: string; email: string }[]).map((u) => [u.email.split('@')[0]!, u.id]));
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

/** Before a picture: dialogs have faded in, checkboxes and buttons finished their transitions. */
async function still(p: Page): Promise<void> {
  await p.waitForFunction(() => !document.querySelector('.dialog-fade-enter-active, .el-fade-in-linear-enter-active'));
  await p.waitForTimeout(300);
}

/** Records named `<word> <tag>` (the tag is one search word), made by the manager; name → record. */
async function make(tag: string, words: string[]): Promise<Record<string, any>> {
  const out: Record<string, any> = {};
  for (const w of words) {
    const r = await manager('POST', '/api/c_initiatives', { c_name: `${w} ${tag}`, c_phase: 'idea' });
    expect(r.status).toBe(201);
    out[w] = r.body;
  }
  return out;
}

const [wide, phone] = [VIEWS.find((v) => v.name === '1440-en')!, VIEWS.find((v) => v.name === '390-zh')!];

describe('the object list as a worktable at 1440-en', () => {
  const view: View = wide;
  const tag = `w${unique}`;
  const shot = (p: Page, name: string) => snapshot(p, `objects-bulk-${name}-${view.name}`, false);

  it('edits cells in place, keeps search and sort in the address, assigns three in bulk (one stale) and deletes two', async () => {
    const recs = await make(tag, ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']);
    const p = await signInAs(browser, baseUrl, contexts, 'manager@demo.local', view, `/o/c_initiatives?q=${tag}`);
    await p.waitForSelector('[data-test=c_initiatives-list]');
    const table = p.locator('[data-test=list-table]');
    const names = table.locator('[data-test=row-name]');
    const row = (w: string) => table.locator('tr.el-table__row', { hasText: `${w} ${tag}` });
    // The search from the address is in the box and filters the list.
    await poll(() => p.inputValue('[data-test=list-search]')).toBe(tag);
    await poll(async () => (await names.allTextContents()).sort()).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'].map((w) => `${w} ${tag}`));

    // Double-click a picklist cell: its editor opens; choosing saves (PATCH with If-Match), and the page stays.
    await row('Alpha').locator('[data-inline-cell=c_phase]').dblclick();
    const phaseEditor = row('Alpha').locator('[data-inline-editing][data-field=c_phase]');
    await phaseEditor.waitFor();
    expect(p.url()).toContain('/o/c_initiatives?');
    await choose(p, phaseEditor.locator('.el-select'), 'Running');
    await phaseEditor.waitFor({ state: 'detached' });
    await poll(() => row('Alpha').locator('[data-inline-cell=c_phase]').textContent()).toContain('Running');

    // F2 on a focused text cell, type, Enter saves; Esc on another edit throws it away.
    await row('Alpha').locator('[data-inline-cell=c_note]').focus();
    await p.keyboard.press('F2');
    const noteInput = row('Alpha').locator('[data-inline-editing][data-field=c_note] input');
    await noteInput.waitFor();
    await noteInput.fill('Kick-off on Monday');
    await p.keyboard.press('Enter');
    await noteInput.waitFor({ state: 'detached' });
    await poll(() => row('Alpha').locator('[data-inline-cell=c_note]').textContent()).toContain('Kick-off on Monday');
    await row('Alpha').locator('[data-inline-cell=c_note]').dblclick();
    await noteInput.fill('not this');
    await p.keyboard.press('Escape');
    await noteInput.waitFor({ state: 'detached' });
    expect(await row('Alpha').locator('[data-inline-cell=c_note]').textContent()).toContain('Kick-off on Monday');

    // What the server's rules refuse is refused before sending, beside the cell; a good value then saves.
    await row('Alpha').locator('[data-inline-cell=c_email]').dblclick();
    const emailInput = row('Alpha').locator('[data-inline-editing][data-field=c_email] input');
    await emailInput.fill('not-an-email');
    await p.keyboard.press('Enter');
    await poll(() => row('Alpha').locator('[data-test=inline-error]').textContent()).toBe('Not a valid email address');
    await shot(p, 'inline-error');
    expect((await manager('GET', `/api/c_initiatives/${recs.Alpha.id}`)).body.version).toBe(3);
    await emailInput.fill('alpha@example.com');
    await p.keyboard.press('Enter');
    await emailInput.waitFor({ state: 'detached' });
    await shot(p, 'inline-saved');

    // Someone else saves Bravo first: the inline save answers 412, the cell says so and shows their version.
    expect((await manager('PATCH', `/api/c_initiatives/${recs.Bravo.id}`, { c_note: 'theirs' }, { 'if-match': `"${recs.Bravo.version}"` })).status).toBe(200);
    await row('Bravo').locator('[data-inline-cell=c_note]').dblclick();
    const bravoInput = row('Bravo').locator('[data-inline-editing][data-field=c_note] input');
    await bravoInput.fill('mine');
    await p.keyboard.press('Enter');
    await poll(() => row('Bravo').locator('[data-test=inline-notice]').textContent()).toContain('Someone else changed');
    await poll(() => row('Bravo').locator('[data-inline-cell=c_note]').textContent()).toContain('theirs');

    // Reload: the edits were saved, and the search is still applied from the address.
    await p.reload();
    await poll(() => row('Alpha').locator('[data-inline-cell=c_phase]').textContent()).toContain('Running');
    expect(await row('Alpha').locator('[data-inline-cell=c_note]').textContent()).toContain('Kick-off on Monday');
    expect(await names.count()).toBe(5);
    const alpha = await manager('GET', `/api/c_initiatives/${recs.Alpha.id}`);
    expect([alpha.body.c_phase, alpha.body.c_note, alpha.body.c_email, alpha.body.version]).toEqual(['running', 'Kick-off on Monday', 'alpha@example.com', 4]);

    // Sort by name: in the address; back returns to the unsorted list, forward to the sorted one.
    await table.locator('th', { hasText: 'Initiative name' }).click();
    await p.waitForURL(/[?&]sort=name(&|$)/);
    await poll(() => names.allTextContents()).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'].map((w) => `${w} ${tag}`));
    await p.goBack();
    await p.waitForURL((u) => !u.searchParams.has('sort') && u.searchParams.get('q') === tag);
    await p.goForward();
    await p.waitForURL(/[?&]sort=name(&|$)/);
    await p.reload();
    await poll(() => names.allTextContents()).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'].map((w) => `${w} ${tag}`));
    await poll(() => table.locator('th.ascending', { hasText: 'Initiative name' }).count()).toBe(1);
    // Open a record and come back: the record's address is its own, and back brings the same list.
    await row('Delta').locator('[data-test=row-name]').click();
    await p.waitForURL(/\/o\/c_initiatives\/[^/?]+$/);
    await p.waitForSelector('[data-test=record-title]');
    await p.waitForTimeout(300);
    expect(new URL(p.url()).search).toBe('');
    await p.goBack();
    await p.waitForURL((u) => u.pathname === '/o/c_initiatives' && u.searchParams.get('q') === tag && u.searchParams.get('sort') === 'name');
    await poll(() => names.allTextContents()).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'].map((w) => `${w} ${tag}`));

    // Select three: the bulk bar counts them.
    for (const w of ['Alpha', 'Bravo', 'Charlie']) await row(w).locator('[data-test=row-select]').click();
    const bar = p.locator('[data-test=bulk-bar]');
    await poll(() => bar.locator('[data-test=bulk-count]').textContent()).toBe('3 selected');
    await poll(() => table.locator('[data-test=row-select].is-checked').count()).toBe(3);
    expect(p.url()).toContain('/o/c_initiatives?');
    await still(p);
    await p.screenshot({ path: '/tmp/h8-bulk-bar-1440-en.png' });
    await shot(p, 'bar');

    // Charlie changes after the list was loaded; assigning all three to Li Na does Alpha and Bravo, not Charlie.
    const charlie = await manager('GET', `/api/c_initiatives/${recs.Charlie.id}`);
    expect((await manager('PATCH', `/api/c_initiatives/${recs.Charlie.id}`, { c_note: 'meanwhile' }, { 'if-match': `"${charlie.body.version}"` })).status).toBe(200);
    await bar.locator('[data-test=bulk-assign]').click();
    const form = p.locator('[data-test=bulk-form]');
    await form.waitFor();
    await choose(p, form.locator('.el-select'), 'Li Na');
    await p.click('[data-test=bulk-apply]');
    const summary = p.locator('[data-test=bulk-summary]');
    await summary.waitFor();
    expect(await summary.locator('[data-test=bulk-summary-text]').textContent()).toBe('2 of 3 done. Not done:');
    expect(await summary.locator('[data-test=bulk-failure]').allTextContents()).toEqual([`Charlie ${tag} — Someone else changed it after the list was loaded.`]);
    expect(await summary.locator('[data-test=bulk-failure]').getAttribute('data-status')).toBe('412');
    await shot(p, 'summary');
    await p.click('[data-test=bulk-summary-close]');
    const owners = await Promise.all(['Alpha', 'Bravo', 'Charlie'].map(async (w) => (await manager('GET', `/api/c_initiatives/${recs[w].id}`)).body.ownerId));
    expect(owners).toEqual([ids.rep1, ids.rep1, ids.manager]);
    // The list reloaded: the new owners show, and only the record not done is still selected.
    await poll(() => row('Alpha').locator('[data-inline-cell=ownerId]').textContent()).toContain('Li Na');
    await poll(() => bar.locator('[data-test=bulk-count]').textContent()).toBe('1 selected');
    await bar.locator('[data-test=bulk-clear]').click();
    await bar.waitFor({ state: 'detached' });

    // Delete two: confirm, both gone from the list, and each restorable (soft delete).
    for (const w of ['Delta', 'Echo']) await row(w).locator('[data-test=row-select]').click();
    await poll(() => bar.locator('[data-test=bulk-count]').textContent()).toBe('2 selected');
    await bar.locator('[data-test=bulk-delete]').click();
    const box = p.locator('.el-message-box');
    await box.waitFor();
    expect(await box.textContent()).toContain('Delete 2 records?');
    await box.locator('.el-button--danger').click();
    await summary.waitFor();
    expect(await summary.locator('[data-test=bulk-summary-text]').textContent()).toBe('All 2 done.');
    await p.click('[data-test=bulk-summary-close]');
    await poll(() => names.allTextContents()).toEqual(['Alpha', 'Bravo', 'Charlie'].map((w) => `${w} ${tag}`));
    const deleted = await manager('GET', `/api/c_initiatives/${recs.Delta.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletedAt).toBeTruthy();
    expect((await manager('POST', `/api/c_initiatives/${recs.Delta.id}/restore`)).status).toBe(200);

    // Edit a field of two: pick the field, its editor gives the value, both change.
    for (const w of ['Bravo', 'Charlie']) await row(w).locator('[data-test=row-select]').click();
    await bar.locator('[data-test=bulk-edit]').click();
    await form.waitFor();
    await choose(p, form.locator('.el-form-item').first().locator('.el-select'), 'Phase');
    await choose(p, form.locator('.el-form-item[data-field=bulk-value] .el-select'), 'Running');
    await p.click('[data-test=bulk-apply]');
    await summary.waitFor();
    expect(await summary.locator('[data-test=bulk-summary-text]').textContent()).toBe('All 2 done.');
    await p.click('[data-test=bulk-summary-close]');
    for (const w of ['Bravo', 'Charlie']) await poll(() => row(w).locator('[data-inline-cell=c_phase]').textContent()).toContain('Running');
    await p.close();
  });
});

describe('what a rep is offered at 1440-en', () => {
  const tag = `r${unique}`;

  it('edits in place and acts in bulk only on their own records', async () => {
    await make(tag, ['Oscar']);
    const rep2 = api(await login('rep2@demo.local'));
    expect((await rep2('POST', '/api/c_initiatives', { c_name: `Papa ${tag}` })).status).toBe(201);
    const p = await signInAs(browser, baseUrl, contexts, 'rep2@demo.local', wide, `/o/c_initiatives?q=${tag}`);
    const table = p.locator('[data-test=list-table]');
    const row = (w: string) => table.locator('tr.el-table__row', { hasText: `${w} ${tag}` });
    await poll(() => table.locator('[data-test=row-name]').count()).toBe(2);
    // The manager's record reads, but none of its cells edits; the rep's own does.
    await poll(() => row('Papa').locator('[data-inline-cell]').count()).toBeGreaterThan(0);
    expect(await row('Oscar').locator('[data-inline-cell]').count()).toBe(0);
    // Selected alone, the manager's record offers nothing to do to it; with the rep's own, edit and delete.
    await row('Oscar').locator('[data-test=row-select]').click();
    const bar = p.locator('[data-test=bulk-bar]');
    await poll(() => bar.locator('[data-test=bulk-count]').textContent()).toBe('1 selected');
    expect(await bar.locator('[data-test=bulk-edit], [data-test=bulk-assign], [data-test=bulk-delete]').count()).toBe(0);
    await row('Papa').locator('[data-test=row-select]').click();
    await poll(() => bar.locator('[data-test=bulk-count]').textContent()).toBe('2 selected');
    expect(await bar.locator('[data-test=bulk-edit]').count()).toBe(1);
    expect(await bar.locator('[data-test=bulk-delete]').count()).toBe(1);
    await p.close();
  });
});

describe('the object list at 390-zh', () => {
  const view: View = phone;
  const tag = `m${unique}`;

  it('selects a card in select mode and deletes it', async () => {
    await make(tag, ['Kilo', 'Lima']);
    const p = await signInAs(browser, baseUrl, contexts, 'manager@demo.local', view, `/o/c_initiatives?q=${tag}`);
    const cards = p.locator('[data-test=list-cards] [data-test=list-row]');
    await poll(() => cards.count()).toBe(2);
    expect(await p.locator('[data-test=row-select]').count()).toBe(0);
    await p.click('[data-test=select-mode]');
    // In select mode a tap selects instead of opening.
    await cards.filter({ hasText: `Kilo ${tag}` }).click();
    const bar = p.locator('[data-test=bulk-bar]');
    await poll(() => bar.locator('[data-test=bulk-count]').textContent()).toBe('已选 1 条');
    expect(p.url()).toContain('/o/c_initiatives?');
    // The bar is on screen, at the bottom, within the phone's width.
    const box = (await bar.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(390);
    expect(box.y + box.height).toBeGreaterThan(844 - 4);
    await still(p);
    await p.screenshot({ path: '/tmp/h8-bulk-bar-390-zh.png' });
    await snapshot(p, `objects-bulk-bar-${view.name}`, false);

    await bar.locator('[data-test=bulk-delete]').click();
    const confirm = p.locator('.el-message-box');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('删除 1 条记录？');
    await confirm.locator('.el-button--danger').click();
    const summary = p.locator('[data-test=bulk-summary]');
    await summary.waitFor();
    expect(await summary.locator('[data-test=bulk-summary-text]').textContent()).toBe('1 条全部完成。');
    await still(p);
    await p.screenshot({ path: '/tmp/h8-bulk-summary-390-zh.png' });
    await p.click('[data-test=bulk-summary-close]');
    await poll(() => cards.allTextContents()).toEqual([expect.stringContaining(`Lima ${tag}`)]);
    await bar.waitFor({ state: 'detached' });
    await p.close();
  });
});
