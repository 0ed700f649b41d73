import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser.ts';
import { api, login, type ApiCall } from '../support/client.ts';
import { VIEWS, poll, signInAs, snapshot, type View } from './support/views.ts';

/**
 * The web app offers what the server's policy allows (issue 6, "Policy"): it asks `GET /api/me` → `can`
 * instead of the role. An agent gets no claim button and no admin pages; a rep may edit and delete their own
 * contact but not a colleague's, and gives records only to themselves; a manager reads the assignment rules
 * but cannot change them, changes anyone's contact, sees their team's workload and marks a rep away; a
 * marketer is offered the forms page. Each at 1440 px and 390 px, in English and in Chinese.
 * CIRRUS_E2E_SCREENSHOTS=<dir> keeps screenshots.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

const snap = (p: Page, name: string, fullPage = true) => snapshot(p, `caps-${name}`, fullPage);

/** A fresh browser signed in as `email` through the sign-in page, in the given view. */
const signedIn = (email: string, view: View, redirect: string) => signInAs(browser, baseUrl, contexts, email, view, redirect);

const menuScope = (view: View) => (view.mobile ? '.menu-drawer' : '[data-test=sidebar]');

/** Opens the Admin submenu (if it is closed) and waits until its entries show. */
async function openAdmin(p: Page, view: View): Promise<void> {
  const sub = p.locator(`${menuScope(view)} [data-test=menu-admin]`);
  if (!((await sub.getAttribute('class')) ?? '').includes('is-opened')) await sub.locator('.el-sub-menu__title').click();
  await poll(() => sub.getAttribute('class')).toContain('is-opened');
  // A trial click waits until the last entry has stopped moving (the submenu slides open).
  await sub.locator('.el-menu-item').last().click({ trial: true });
}

/** The entries of the side menu (wide) or of the menu drawer (phone), the Admin submenu opened when there is one. */
async function menuEntries(p: Page, view: View): Promise<string[]> {
  if (view.mobile) {
    await p.click('[data-test=menu-toggle]');
    await p.locator('.menu-drawer [data-test=menu-leads]').waitFor();
  }
  if (await p.locator(`${menuScope(view)} [data-test=menu-admin]`).count()) await openAdmin(p, view);
  return p.locator(`${menuScope(view)} [data-test^=menu-]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-test')!));
}

let admin: ApiCall;
let ids: Record<string, string> = {};
let savedRules: { rules: unknown[]; version: number } | undefined;
let queuedLeadId = '';
let otherContactId = '';
let ownContactId = '';

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  admin = api(await login('admin@demo.local'));
  const users = await admin('GET', '/api/users');
  ids = Object.fromEntries((users.body.items as { id: string; email: string }[]).map((u) => [u.email.split('@')[0]!, u.id]));

  // A lead that waits in the queue: a rule (first, for this run only) gives this source to the agent, who is
  // away, so assignment finds nobody and leaves it unassigned.
  const agent = api(await login('agent@demo.local'));
  expect((await agent('PATCH', '/api/users/me', { away: true })).status).toBe(200);
  const current = await admin('GET', '/api/assignment-rules');
  savedRules = current.body;
  const source = `E2E caps ${unique}`;
  const put = await admin('PUT', '/api/assignment-rules', {
    rules: [{ id: `e2e-caps-${unique}`.slice(0, 40), name: 'E2E: nobody available', enabled: true, conditions: { sources: [source] }, assign: { type: 'user', userId: ids.agent } }, ...current.body.rules],
  }, { 'if-match': current.headers.etag ?? `"${current.body.version}"` });
  expect(put.status).toBe(200);
  const lead = await admin('POST', '/api/leads', { firstName: 'Queue', lastName: `Waiting${unique}`, email: `queue.${unique}@example.com`, source, country: 'DE' });
  expect(lead.status).toBe(201);
  queuedLeadId = lead.body.id;
  // Assignment runs on the bus (expect.poll is for tests, not hooks): wait for the lead's queue reason.
  let reason: unknown;
  for (let i = 0; i < 100 && !reason; i++) {
    reason = (await admin('GET', `/api/leads/${queuedLeadId}`)).body.queueReason;
    if (!reason) await new Promise((r) => setTimeout(r, 200));
  }
  expect(reason).toBe('nobody-available');

  // Two contacts: rep1's own and one of rep2's.
  const rep1 = api(await login('rep1@demo.local'));
  const rep2 = api(await login('rep2@demo.local'));
  const own = await rep1('POST', '/api/contacts', { firstName: 'Own', lastName: `Contact${unique}`, email: `own.${unique}@example.com` });
  const other = await rep2('POST', '/api/contacts', { firstName: 'Colleague', lastName: `Contact${unique}`, email: `colleague.${unique}@example.com` });
  expect([own.status, other.status]).toEqual([201, 201]);
  ownContactId = own.body.id;
  otherContactId = other.body.id;
});

afterAll(async () => {
  // Leave the rules and the agent as the other e2e files expect them.
  if (savedRules) {
    const now = await admin('GET', '/api/assignment-rules');
    await admin('PUT', '/api/assignment-rules', { rules: savedRules.rules }, { 'if-match': now.headers.etag ?? `"${now.body.version}"` });
  }
  await api(await login('agent@demo.local'))('PATCH', '/api/users/me', { away: false }).catch(() => undefined);
  if (ids.rep2) await admin('PATCH', `/api/users/${ids.rep2}`, { away: false }).catch(() => undefined);
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

describe.each(VIEWS)('what the web app offers, as the policy allows ($name)', (view) => {
  it('an agent: the queue shows the lead but no claim button, and there is no admin menu', async () => {
    const p = await signedIn('agent@demo.local', view, '/leads?tab=queue');
    const row = view.mobile ? p.locator(`li[data-test=lead-row][data-id="${queuedLeadId}"]`) : p.locator('tr', { has: p.locator(`[data-test=lead-row][data-id="${queuedLeadId}"]`) });
    await row.waitFor();
    await expect(p.locator('[data-test=lead-tabs]').textContent()).resolves.toContain(view.locale === 'en' ? 'Unassigned queue' : '待分配队列');
    await expect(p.locator('[data-test=claim]').count()).resolves.toBe(0);
    // No team tab either: an agent reads nobody's workload.
    await expect(p.locator('[data-test=lead-tabs] [role=tab]').count()).resolves.toBe(2);
    await snap(p, `agent-queue-${view.name}`);
    const entries = await menuEntries(p, view);
    expect(entries).toContain('menu-leads');
    expect(entries.filter((e) => e.startsWith('menu-admin'))).toEqual([]);
    await snap(p, `agent-menu-${view.name}`, false);

    // The lead page offers no claim either.
    await p.goto(`${baseUrl}/leads/${queuedLeadId}`);
    await p.locator('[data-test=queue-banner]').waitFor();
    await expect(p.locator('[data-test=claim]').count()).resolves.toBe(0);
    await snap(p, `agent-lead-${view.name}`);
  });

  it('a rep: the same queued lead can be claimed (the button is there for those the policy allows)', async () => {
    const p = await signedIn('rep2@demo.local', view, '/leads?tab=queue');
    await p.locator(`[data-test=lead-row][data-id="${queuedLeadId}"]`).waitFor();
    const row = view.mobile ? p.locator(`li[data-test=lead-row][data-id="${queuedLeadId}"]`) : p.locator('tr', { has: p.locator(`[data-test=lead-row][data-id="${queuedLeadId}"]`) });
    await expect(row.locator('[data-test=claim]').count()).resolves.toBe(1);
    await expect(row.locator('[data-test=claim]').textContent()).resolves.toContain(view.locale === 'en' ? 'Claim' : '领取');
  });

  it("a rep: a colleague's contact has no edit or delete button, their own has both, and the owner is only themselves", async () => {
    const p = await signedIn('rep1@demo.local', view, `/contacts/${otherContactId}`);
    await poll(() => p.locator('[data-test=record-title]').textContent()).toBe(`Colleague Contact${unique}`);
    await poll(() => p.locator('[data-test=value-ownerId]').textContent()).toContain('Tom Baker');
    await expect(p.locator('[data-test=object-detail] [data-test=edit]').count()).resolves.toBe(0);
    await expect(p.locator('[data-test=object-detail] [data-test=delete]').count()).resolves.toBe(0);
    // Reps do not see (or set) national IDs.
    await expect(p.locator('[data-test=value-nationalId]').count()).resolves.toBe(0);
    await snap(p, `rep-other-contact-${view.name}`);

    await p.goto(`${baseUrl}/contacts/${ownContactId}`);
    await poll(() => p.locator('[data-test=record-title]').textContent()).toBe(`Own Contact${unique}`);
    await p.locator('[data-test=object-detail] [data-test=edit]').waitFor();
    await expect(p.locator('[data-test=object-detail] [data-test=delete]').textContent()).resolves.toContain(view.locale === 'en' ? 'Delete' : '删除');
    await snap(p, `rep-own-contact-${view.name}`);

    await p.click('[data-test=object-detail] [data-test=edit]');
    const form = p.locator('[data-test=record-form]');
    await form.waitFor();
    await expect(form.locator('[data-test=field-nationalId]').count()).resolves.toBe(0);
    await form.locator('[data-test=owner-only-me]').waitFor();
    await expect(form.locator('[data-test=owner-only-me]').textContent()).resolves.toBe(view.locale === 'en' ? 'You can only give records to yourself.' : '您只能把记录分配给自己。');
    await snap(p, `rep-own-contact-form-${view.name}`);
  });

  it('a manager: the assignment rules are read-only (testing them still works), and the team shows its workload', async () => {
    const p = await signedIn('manager@demo.local', view, '/admin/assignment-rules');
    await p.locator('[data-test=rule-item]').first().waitFor();
    await p.locator('[data-test=rules-read-only]').waitFor();
    for (const control of ['add-rule', 'save-rules', 'rule-edit', 'rule-delete', 'rule-up', 'rule-down']) {
      await expect(p.locator(`[data-test=${control}]`).count(), control).resolves.toBe(0);
    }
    await expect(p.locator('[data-test=rule-toggle]').first().getAttribute('class')).resolves.toContain('is-disabled');
    await p.click('[data-test=run-test]');
    await p.locator('[data-test=test-result]').waitFor();
    await snap(p, `manager-rules-${view.name}`);
    const entries = await menuEntries(p, view);
    expect(entries).toContain('menu-admin-assignment-rules');
    expect(entries).not.toContain('menu-admin-partners');
    expect(entries).not.toContain('menu-admin-forms');

    await p.goto(`${baseUrl}/leads?tab=team`);
    const members = p.locator('[data-test=team-member]');
    await members.first().waitFor();
    const rows = await members.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(rows).toEqual(expect.arrayContaining([ids.rep1, ids.rep2]));
    const load = await p.locator(`[data-test=team-member][data-id="${ids.rep1}"] [data-test=team-open-leads]`).textContent();
    expect(load).toMatch(view.locale === 'en' ? /^\d+ open$/ : /^进行中 \d+ 条$/);
    await snap(p, `manager-team-${view.name}`);
    // The manager marks rep2 away (the server accepts it: the directory says so after a reload), then back.
    const rep2 = p.locator(`[data-test=team-member][data-id="${ids.rep2}"]`);
    await rep2.locator('[data-test=team-away]').click();
    await poll(() => rep2.getAttribute('data-away')).toBe('true');
    await p.reload();
    await poll(() => p.locator(`[data-test=team-member][data-id="${ids.rep2}"]`).getAttribute('data-away')).toBe('true');
    await p.locator(`[data-test=team-member][data-id="${ids.rep2}"] [data-test=team-away]`).click();
    await poll(() => p.locator(`[data-test=team-member][data-id="${ids.rep2}"]`).getAttribute('data-away')).toBe('false');

    // A colleague's contact is the manager's to change, national ID included.
    await p.goto(`${baseUrl}/contacts/${otherContactId}`);
    await poll(() => p.locator('[data-test=record-title]').textContent()).toBe(`Colleague Contact${unique}`);
    await p.click('[data-test=object-detail] [data-test=edit]');
    await p.locator('[data-test=record-form] [data-test=field-nationalId]').waitFor();
    await expect(p.locator('[data-test=record-form] [data-test=owner-only-me]').count()).resolves.toBe(0);
    await expect(p.locator('[data-test=object-detail] [data-test=delete]').count()).resolves.toBe(1);
  });

  it('a marketer: the forms page is offered and lets them build a form; partners and rules are not', async () => {
    const p = await signedIn('marketer@demo.local', view, '/contacts');
    const entries = await menuEntries(p, view);
    expect(entries).toContain('menu-admin-forms');
    expect(entries).not.toContain('menu-admin-partners');
    expect(entries).not.toContain('menu-admin-assignment-rules');
    await snap(p, `marketer-menu-${view.name}`, false);
    await openAdmin(p, view);
    await p.click(`${menuScope(view)} [data-test=menu-admin-forms]`);
    await p.waitForURL(/\/admin\/forms$/);
    await p.locator('[data-test=forms-admin]').waitFor();
    if (view.mobile) await p.locator('.menu-drawer').waitFor({ state: 'hidden' }); // it closes on navigation
    await expect(p.locator('[data-test=new-form]').textContent()).resolves.toContain(view.locale === 'en' ? 'New form' : '新建表单');
    await snap(p, `marketer-forms-${view.name}`);
  });
});

describe('the server refuses what the UI does not offer', () => {
  it('a rep may not change or delete a colleague\'s contact, and an agent may not claim', async () => {
    const rep1 = api(await login('rep1@demo.local'));
    const current = await rep1('GET', `/api/contacts/${otherContactId}`);
    expect((await rep1('PATCH', `/api/contacts/${otherContactId}`, { title: 'x' }, { 'if-match': `"${current.body.version}"` })).status).toBe(403);
    expect((await rep1('DELETE', `/api/contacts/${otherContactId}`, undefined, { 'if-match': `"${current.body.version}"` })).status).toBe(403);
    const agent = api(await login('agent@demo.local'));
    expect((await agent('POST', `/api/leads/${queuedLeadId}/claim`)).status).toBe(403);
    const me = await agent('GET', '/api/me');
    expect(me.body.can).toMatchObject({ leads: { claim: false }, settings: { partners: false, forms: false, assignmentRulesRead: false } });
  });
});
