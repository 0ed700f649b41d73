import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser.ts';

/**
 * CD-1, CD-2, CD-10, PLT-8 through the browser: sign in, create, search, open, edit (timeline), zh-CN,
 * an edit conflict (412) and a phone-sized list. Runs against the runtime the global setup started.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; headers: unknown; body: any }>;

/** Waits for the UI (debounced search, transitions) with a sensible deadline. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000, interval: 100 });

let baseUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const lastName = `Tester${unique}`;
const firstName = 'Grace';
const email = `grace.${unique}@example.com`;
let contactId = '';

/** A token for another user: the shared test client when present, else the same Cognito wire call the app makes. */
async function apiAs(userEmail: string): Promise<Call> {
  try {
    const client = (await import('../support/client.ts')) as { login(e: string): Promise<string>; api(t: string): Call };
    return client.api(await client.login(userEmail));
  } catch {
    const config = (await (await fetch(`${baseUrl}/config.json`)).json()) as { region: string; userPoolClientId: string; cognitoEndpoint?: string };
    const res = await fetch(config.cognitoEndpoint ?? `https://cognito-idp.${config.region}.amazonaws.com/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: config.userPoolClientId, AuthParameters: { USERNAME: userEmail, PASSWORD: 'Demo123!' } }),
    });
    const token = ((await res.json()) as any).AuthenticationResult.IdToken as string;
    return async (method, path, body, headers = {}) => {
      const r = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : undefined };
    };
  }
}


beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  // The list opens the view a person used last (issue 7): another file's rep may have left a filtered one
  // on contacts (objects-proof saves one). This file starts from the plain list.
  const rep = await apiAs('rep1@demo.local');
  expect((await rep('PUT', '/api/views/last', { object: 'contacts', viewId: null })).status).toBeLessThan(300);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await browser?.close();
});

describe('contacts in the web app', () => {
  it('signs in with Cognito, lands a rep on their lead inbox and opens the contacts list', async () => {
    await page.goto(`${baseUrl}/`);
    await page.waitForURL(/\/sign-in/);
    await poll(() => page.textContent('[data-test=demo-hint]')).toContain('rep1@demo.local / Demo123!');

    await page.fill('[data-test=signin-email]', 'rep1@demo.local');
    await page.fill('[data-test=signin-password]', 'wrong-password');
    await page.click('[data-test=signin-submit]');
    await poll(() => page.textContent('[data-test=signin-error]')).toMatch(/wrong email or password/i);

    await page.fill('[data-test=signin-password]', 'Demo123!');
    await page.click('[data-test=signin-submit]');
    // A rep's start page is their lead inbox (views/layout/home.ts); the contacts are one click away.
    await page.waitForURL(/\/leads/);
    await page.waitForSelector('[data-test=lead-inbox]');
    await page.click('[data-test=menu-contacts]');
    await page.waitForURL(/\/contacts/);
    await page.waitForSelector('[data-test=contacts-list]');
    await poll(() => page.textContent('[data-test=user-role]')).toBe('Sales rep');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
  });

  it('creates a contact and opens its page', async () => {
    await page.click('[data-test=new-record]');
    await page.waitForSelector('[data-test=record-form]');
    await page.fill('[data-test=record-form] [data-test=field-lastName]', lastName);
    await page.fill('[data-test=record-form] [data-test=field-firstName]', firstName);
    await page.fill('[data-test=record-form] [data-test=field-email]', email);
    // A number without a country cannot be stored in E.164: the server's 400 shows beside the field.
    await page.fill('[data-test=record-form] [data-test=field-phone]', '12345');
    await page.click('[data-test=form-save]');
    await poll(() => page.locator('[data-test=record-form] .el-form-item.is-error').count()).toBe(1);
    expect(await page.textContent('[data-test=record-form] .el-form-item.is-error')).toMatch(/international/i);
    await page.fill('[data-test=record-form] [data-test=field-phone]', '+44 20 7946 0123');
    await page.click('[data-test=form-save]');
    await page.waitForURL(/\/contacts\/[^/]+$/);
    contactId = new URL(page.url()).pathname.split('/').pop()!;
    await poll(() => page.textContent('[data-test=record-title]')).toBe(`${firstName} ${lastName}`);
    await poll(() => page.textContent('[data-test=value-phone]')).toContain('+442079460123');
    await page.waitForSelector('[data-test=timeline-entry][data-type=created]');
  });

  it('refuses a second contact with the same email and links to the existing one', async () => {
    await page.click('[data-test=menu-contacts]');
    await page.click('[data-test=new-record]');
    await page.fill('[data-test=record-form] [data-test=field-lastName]', `Copy${unique}`);
    await page.fill('[data-test=record-form] [data-test=field-email]', email);
    await page.click('[data-test=form-save]');
    await page.waitForSelector('[data-test=duplicate-warning]');
    expect(await page.textContent('[data-test=duplicate-warning]')).toContain(`${firstName} ${lastName}`);
    await page.click('[data-test=duplicate-link]');
    await page.waitForURL(new RegExp(`/contacts/${contactId}$`));
    await poll(() => page.textContent('[data-test=record-title]')).toBe(`${firstName} ${lastName}`);
  });

  it('finds it by search and opens it from the list', async () => {
    await page.click('[data-test=menu-contacts]');
    await page.waitForURL(/\/contacts($|\?)/);
    await page.fill('[data-test=list-search]', lastName.slice(0, 12));
    await poll(async () => page.$$eval('[data-test=list-table] [data-test=row-name]', (els) => els.map((e) => e.textContent?.trim()))).toEqual([
      `${firstName} ${lastName}`,
    ]);
    expect(page.url()).toContain(`q=${lastName.slice(0, 12)}`);
    await page.click('[data-test=list-table] [data-test=row-name]');
    await page.waitForURL(new RegExp(`/contacts/${contactId}$`));
    await poll(() => page.textContent('[data-test=record-title]')).toBe(`${firstName} ${lastName}`);
  });

  it('edits it and shows the change and a timeline entry', async () => {
    await page.click('[data-test=edit]');
    await page.waitForSelector('[data-test=record-form]');
    await page.fill('[data-test=record-form] [data-test=field-title]', 'Head of Testing');
    await page.click('[data-test=form-save]');
    await poll(() => page.textContent('[data-test=value-title]')).toBe('Head of Testing');
    await poll(() => page.textContent('[data-test=value-version]')).toBe('2');
    const updated = page.locator('[data-test=timeline-entry][data-type=updated]');
    await updated.first().waitFor();
    expect(await updated.first().textContent()).toMatch(/Title/);
  });

  it('switches to Chinese and shows Chinese labels', async () => {
    await page.click('[data-test=language-switch] button');
    await page.click('[data-test=language-zh-CN]');
    await poll(() => page.getAttribute('html', 'lang')).toBe('zh-CN');
    await poll(() => page.textContent('[data-test=menu-contacts]')).toContain('联系人');
    await poll(() => page.textContent('[data-test=edit]')).toContain('编辑');
    await poll(() => page.textContent('[data-test=timeline]')).toContain('修改了');
    expect(await page.evaluate(() => localStorage.getItem('cirrus.locale'))).toBe('zh-CN');
  });

  it('reports an edit conflict when someone else saved first, and reloads their version', async () => {
    await page.click('[data-test=edit]');
    await page.waitForSelector('[data-test=record-form]');
    // Meanwhile a manager changes the record through the API.
    const manager = await apiAs('manager@demo.local');
    const current = await manager('GET', `/api/contacts/${contactId}`);
    expect(current.status).toBe(200);
    const changed = await manager('PATCH', `/api/contacts/${contactId}`, { department: 'Quality' }, { 'if-match': `"${current.body.version}"` });
    expect(changed.status).toBe(200);

    await page.fill('[data-test=record-form] [data-test=field-title]', 'Chief Tester');
    await page.click('[data-test=form-save]');
    const dialog = page.locator('[data-test=conflict-dialog]');
    await dialog.waitFor();
    expect(await page.textContent('[data-test=conflict-message]')).toContain('他人');
    await page.screenshot({ path: '/tmp/cirrus-conflict.png' });
    await page.click('[data-test=conflict-reload]');
    await poll(() => page.inputValue('[data-test=record-form] [data-test=field-department]')).toBe('Quality');
    expect(await page.inputValue('[data-test=record-form] [data-test=field-title]')).toBe('Head of Testing');
    await page.click('[data-test=form-cancel]');
    await poll(() => page.textContent('[data-test=value-department]')).toBe('Quality');
    await page.locator('.el-overlay-dialog').first().waitFor({ state: 'hidden' });
    await page.waitForTimeout(400);
    await page.screenshot({ path: '/tmp/cirrus-contact-detail.png', fullPage: true });
  });

  it('deletes it (banner with Restore) and restores it', async () => {
    await page.click('[data-test=delete]');
    await page.click('.el-message-box__btns button:last-child');
    await page.waitForSelector('[data-test=deleted-banner]');
    expect(await page.isVisible('[data-test=edit]')).toBe(false);
    await page.click('[data-test=restore]');
    await page.locator('[data-test=deleted-banner]').waitFor({ state: 'detached' });
    await page.waitForSelector('[data-test=timeline-entry][data-type=restored]');
    expect(await page.isVisible('[data-test=edit]')).toBe(true);
  });

  it('refreshes the ID token with the refresh token after a 401, once', async () => {
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('cirrus.session')!);
      localStorage.setItem('cirrus.session', JSON.stringify({ ...s, idToken: 'not.a.token', expiresAt: Math.floor(Date.now() / 1000) + 3000 }));
    });
    const refreshed = page.waitForRequest((r) => r.method() === 'POST' && (r.postData() ?? '').includes('REFRESH_TOKEN_AUTH'));
    await page.reload();
    await refreshed;
    await poll(() => page.textContent('[data-test=record-title]')).toBe(`${firstName} ${lastName}`);
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('cirrus.session')!).idToken)).not.toBe('not.a.token');
  });

  it('keeps the contacts list usable on a 390 px wide phone', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${baseUrl}/contacts`);
    await phone.waitForSelector('[data-test=list-cards] [data-test=list-row]');
    expect(await phone.isVisible('[data-test=sidebar]')).toBe(false);
    const overflow = await phone.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
      width: window.innerWidth,
    }));
    expect(overflow.doc).toBeLessThanOrEqual(overflow.width);
    expect(overflow.body).toBeLessThanOrEqual(overflow.width);
    expect(await phone.isVisible('[data-test=list-search]')).toBe(true);
    expect(await phone.isVisible('[data-test=new-record]')).toBe(true);
    await phone.screenshot({ path: '/tmp/cirrus-contacts-390.png' });
    // The menu opens as a drawer.
    await phone.click('[data-test=menu-toggle]');
    await phone.locator('[data-test=menu-accounts]').waitFor({ state: 'visible' });
    await phone.click('[data-test=menu-accounts]');
    await phone.waitForURL(/\/accounts/);
    await phone.waitForSelector('[data-test=accounts-list]');
    await phone.close();
  });
});
