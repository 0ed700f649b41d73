import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Every check runs wide and phone-sized, in English and in Chinese. */
export const VIEWS = [
  { name: '1440-en', width: 1440, height: 900, locale: 'en' as const, mobile: false },
  { name: '1440-zh', width: 1440, height: 900, locale: 'zh-CN' as const, mobile: false },
  { name: '390-en', width: 390, height: 844, locale: 'en' as const, mobile: true },
  { name: '390-zh', width: 390, height: 844, locale: 'zh-CN' as const, mobile: true },
];
export type View = { name: string; width: number; height: number; locale: 'en' | 'zh-CN'; mobile: boolean };

export const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 200 });

/** With CIRRUS_E2E_SCREENSHOTS=<dir>, keeps a screenshot `<dir>/<file>.png` (after dialogs have faded in). */
export async function snapshot(p: Page, file: string, fullPage: boolean): Promise<void> {
  const shots = process.env.CIRRUS_E2E_SCREENSHOTS;
  if (!shots) return;
  // A dialog still fading in would be half transparent in the picture.
  await p.waitForFunction(() => !document.querySelector('.dialog-fade-enter-active, .el-fade-in-linear-enter-active'));
  mkdirSync(shots, { recursive: true });
  await p.screenshot({ path: join(shots, `${file}.png`), fullPage });
}

/**
 * A fresh browser context signed in as `email` through the sign-in page, in the given view; `redirect`
 * undefined = the person's start page. The context is added to `contexts` for the file's cleanup.
 */
export async function signInAs(
  browser: Browser, baseUrl: string, contexts: BrowserContext[], email: string, view: View, redirect?: string,
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: view.width, height: view.height }, locale: view.locale === 'en' ? 'en-US' : 'zh-CN', timezoneId: 'Asia/Shanghai',
    ...(view.mobile ? { isMobile: true, hasTouch: true } : {}),
  });
  contexts.push(context);
  await context.addInitScript((l: string) => localStorage.setItem('cirrus.locale', l), view.locale);
  const p = await context.newPage();
  p.setDefaultTimeout(15_000);
  await p.goto(`${baseUrl}/sign-in${redirect ? `?redirect=${encodeURIComponent(redirect)}` : ''}`);
  await p.locator('input[data-test=signin-email]').fill(email);
  await p.locator('input[data-test=signin-password]').fill('Demo123!');
  await p.click('[data-test=signin-submit]');
  await p.waitForURL((u) => !u.pathname.startsWith('/sign-in') && (!redirect || u.pathname === redirect.split('?')[0]) && u.pathname !== '/');
  await poll(() => p.locator('[data-test=user-menu] .avatar').textContent()).not.toBe('');
  return p;
}

/** Picks the option labelled `text` of the Element Plus select `select` (its dropdown is teleported to the body). */
export async function choose(p: Page, select: import('playwright-core').Locator, text: string | RegExp): Promise<void> {
  await select.click();
  const option = p.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first();
  await option.waitFor({ state: 'visible' });
  await option.click();
}

/** A label in both languages, as metadata takes it. */
export const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
