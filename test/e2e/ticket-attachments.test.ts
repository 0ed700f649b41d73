import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { api, login, sentMail, settle, type ApiCall } from '../support/client.ts';
import { launchChromium } from './support/browser.ts';
import { VIEWS, poll, signInAs, snapshot } from './support/views.ts';

/**
 * Issue 9 in Chromium, the composer's attachments: an agent attaches a file (uploaded straight to S3 with
 * progress), sends the reply, the customer's email carries it, and the thread shows it as a link that opens a
 * download. Wide in English, on a phone in Chinese.
 */
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let agent: ApiCall;

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  browser = await launchChromium();
  agent = api(await login('agent@demo.local'));
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

describe('reply attachments', () => {
  for (const view of [VIEWS.find((v) => v.name === '1440-en')!, VIEWS.find((v) => v.name === '390-zh')!]) {
    it(`at ${view.name}: an agent attaches a file to a reply; the email carries it and the thread links it`, async () => {
      const customer = `att.${unique}.${view.locale}@example.cn`;
      const t = (await agent('POST', '/api/tickets', { subject: `Invoice copy ${unique} ${view.name}`, requesterEmail: customer })).body;
      await settle();
      const p = await signInAs(browser, baseUrl, contexts, 'agent@demo.local', view, `/tickets/${t.id}`);
      await p.locator('[data-test=ticket-subject]').waitFor();
      await p.locator('[data-test=composer-file-input]').setInputFiles({ name: '发票-2026.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 invoice') });
      const chip = p.locator('[data-test=composer-file]', { hasText: '发票-2026.pdf' });
      await chip.waitFor();
      await poll(() => chip.locator('.el-progress').count()).toBe(0); // uploaded
      await p.locator('textarea[data-test=composer-text]').fill(view.locale === 'en' ? 'Your invoice is attached.' : '发票已附上。');
      await snapshot(p, `attachments-${view.name}-composer`, false);
      await p.click('[data-test=composer-send]');
      const link = p.locator('[data-test=attachment-link]', { hasText: '发票-2026.pdf' });
      await link.waitFor();
      expect(await p.locator('[data-test=composer-file]').count()).toBe(0);
      const mail = await poll(async () => (await sentMail(customer)).length).toBe(1).then(async () => (await sentMail(customer))[0]);
      expect(mail.Attachments?.map((a: { FileName: string }) => a.FileName) ?? mail.RawData).toBeTruthy();
      // The link asks for a short-lived signed URL and opens it (the file downloads there).
      const [request] = await Promise.all([p.context().waitForEvent('request', (r) => r.url().includes('X-Amz-Signature')), link.click()]);
      const res = await fetch(request.url());
      expect([res.status, await res.text()]).toEqual([200, '%PDF-1.4 invoice']);
    });
  }
});
