import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { api, login, sentMail, settle, type ApiCall } from '../support/client.ts';
import { mimeMessage, sendSmtp } from '../support/smtp.ts';
import { launchChromium } from './support/browser.ts';
import { VIEWS, choose, poll, signInAs, snapshot, type View } from './support/views.ts';

/**
 * Issue 9 in Chromium, the service desk's proof: an email sent over SMTP to the local listener becomes a
 * ticket in the agent's "My open tickets" (the support queue gives it to them), the agent opens it, sees its SLA
 * targets, and replies from the composer; the customer gets the reply from support@demo.local with the ticket's
 * reference, answers it (another SMTP message, threaded by In-Reply-To), the answer shows in the thread, and the
 * agent solves the ticket. Wide in English and on a phone in Chinese; the dashboard counts the tickets.
 */
const TESTED: View[] = [VIEWS.find((v) => v.name === '1440-en')!, VIEWS.find((v) => v.name === '390-zh')!];
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

describe('Settings → Service desk at 1440-zh', () => {
  const view = VIEWS.find((v) => v.name === '1440-zh')!;
  it('an admin adds a macro and saves; the agent inserts it in the composer, merged; then merges one ticket into another', async () => {
    const admin = api(await login('admin@demo.local'));
    const before = await admin('GET', '/api/settings/service-desk');
    const p = await signInAs(browser, baseUrl, contexts, 'admin@demo.local', view, '/admin/service-desk');
    await p.locator('[data-test=queue]').first().waitFor();
    await p.click('.el-tabs__item:has-text("快捷回复")');
    await p.click('button:has-text("添加快捷回复")');
    const macro = p.locator('[data-test=macro]').last();
    await macro.locator('input').nth(0).fill(`Restart ${unique}`);
    await macro.locator('input').nth(1).fill(`重启 ${unique}`);
    await macro.locator('textarea').nth(1).fill('{{requester.name|您}}好，请重启设备。工单 {{ticket.number}}');
    await snapshot(p, 'service-admin-1440-zh-macros', true);
    await p.click('[data-test=service-desk-save]');
    await p.locator('.el-message--success').waitFor();
    const saved = (await admin('GET', '/api/settings/service-desk')).body;
    const made = saved.macros.find((m: { name: { en: string } }) => m.name.en === `Restart ${unique}`);
    expect(made).toMatchObject({ name: { 'zh-CN': `重启 ${unique}` }, body: { 'zh-CN': '{{requester.name|您}}好，请重启设备。工单 {{ticket.number}}' } });

    // The agent's composer offers it and merges the ticket into it (the support address's language: zh-CN).
    const t = await agent('POST', '/api/tickets', { subject: `Macro ${unique}`, requesterEmail: `m.${unique}@example.cn`, requesterName: '王芳' });
    await settle();
    const a = await signInAs(browser, baseUrl, contexts, 'agent@demo.local', view, `/tickets/${t.body.id}`);
    await a.locator('[data-test=ticket-subject]').waitFor();
    await choose(a, a.locator('[data-test=composer-macro]'), `重启 ${unique}`);
    await poll(() => a.locator('textarea[data-test=composer-text]').inputValue()).toBe(`王芳好，请重启设备。工单 ${t.body.number}`);
    // Put the settings back for the other tests.
    const now = await admin('GET', '/api/settings/service-desk');
    expect((await admin('PUT', '/api/settings/service-desk', before.body, { 'if-match': now.headers.etag! })).status).toBe(200);

    // The same customer wrote twice: the agent merges the second ticket into the first from the workspace.
    const first = (await agent('POST', '/api/tickets', { subject: `Printer ${unique} A`, requesterEmail: `m.${unique}@example.cn` })).body;
    const second = (await agent('POST', '/api/tickets', { subject: `Printer ${unique} B`, requesterEmail: `m.${unique}@example.cn` })).body;
    await agent('POST', `/api/tickets/${second.id}/replies`, { body: `Note on B ${unique}`, public: false });
    await settle();
    await a.goto(`${baseUrl}/tickets/${second.id}`);
    await a.locator('[data-test=ticket-subject]', { hasText: 'B' }).waitFor();
    await a.locator('input[data-test=ticket-merge-number]').fill(first.number);
    await a.click('[data-test=ticket-merge]');
    await a.locator('.el-message-box__btns .el-button--primary').click();
    await a.waitForURL((u) => u.pathname === `/tickets/${first.id}`);
    await poll(() => a.locator('[data-test=ticket-message]', { hasText: `Note on B ${unique}` }).count()).toBe(1);
    expect((await agent('GET', `/api/tickets/${second.id}`)).body).toMatchObject({ status: 'closed', mergedInto: first.id });

    // A phone call: the agent types the ticket in; a bad email is named beside its field.
    await a.click('[data-test=ticket-new]');
    await a.locator('[data-test=ticket-new-subject] input, input[data-test=ticket-new-subject]').first().fill(`Phone call ${unique}`);
    await a.locator('input[data-test=ticket-new-email]').fill('not-an-email');
    await a.click('[data-test=ticket-new-save]');
    await a.locator('[data-test=ticket-new-dialog] .el-form-item__error').first().waitFor();
    await a.locator('input[data-test=ticket-new-email]').fill(`caller.${unique}@example.cn`);
    await a.click('[data-test=ticket-new-save]');
    await a.locator('[data-test=ticket-subject]', { hasText: `Phone call ${unique}` }).waitFor();
  });
});


describe.each(TESTED)('service desk at $name', (view) => {
  const customer = `kunde.${view.name}.${unique}@example.cn`;
  const subject = view.locale === 'en' ? `Cannot print ${unique} ${view.name}` : `无法打印 ${unique} ${view.name}`;
  const messageId = `<first.${view.name}.${unique}@mail.example.cn>`;

  let ticketId = '';
  it('an email becomes a ticket the agent answers from the workspace; the customer\'s answer threads in; the agent solves it', async () => {
    await sendSmtp(customer, ['support@demo.local'], mimeMessage({ from: `Jing Chen <${customer}>`, to: 'support@demo.local', subject, messageId, text: 'The printer says 0x0000011b since yesterday.' }));
    await settle();

    const p = await signInAs(browser, baseUrl, contexts, 'agent@demo.local', view, '/tickets');
    const row = p.locator('[data-test=ticket-row]', { hasText: subject });
    // The mail is a ticket within moments; the list shows it once loaded (reloaded until it does).
    await poll(async () => {
      if (await row.count()) return true;
      await p.reload();
      await row.waitFor({ timeout: 2000 }).catch(() => undefined);
      return (await row.count()) > 0;
    }).toBe(true);
    const number = await row.getAttribute('data-number');
    expect(number).toMatch(/^T-\d{6}$/);
    await snapshot(p, `service-${view.name}-list`, false);
    await row.click();
    await p.locator('[data-test=ticket-subject]', { hasText: subject }).waitFor();
    ticketId = new URL(p.url()).pathname.split('/').pop()!;
    if (view.mobile) expect(await p.locator('[data-test=ticket-list]').count()).toBe(0); // one screen at a time on a phone
    await expect.poll(() => p.locator('[data-test=ticket-sla] [data-test=sla-badge]').count()).toBe(2);
    expect(await p.locator('[data-test=ticket-sla] [data-target=firstResponse]').getAttribute('data-state')).not.toBe('met');
    await expect.poll(() => p.locator('[data-test=ticket-message][data-from=customer]').count()).toBe(1);

    // The reply, sent with Ctrl+Enter after setting "pending on the customer".
    const reply = view.locale === 'en' ? 'Please restart the print spooler and try again.' : '请重启打印服务后再试一次。';
    await choose(p, p.locator('[data-test=composer-status]'), view.locale === 'en' ? /Pending/ : /等待客户/);
    await p.locator('textarea[data-test=composer-text]').fill(reply);
    await snapshot(p, `service-${view.name}-composer`, false);
    await p.locator('textarea[data-test=composer-text]').press('Control+Enter');
    await expect.poll(() => p.locator('[data-test=ticket-message][data-from=agent]').count()).toBe(1);
    await poll(async () => (await sentMail(customer)).length).toBe(1);
    const [mail] = await sentMail(customer);
    expect(mail.Subject).toBe(`Re: ${subject} [${number}]`);
    expect(mail.Body.text_part).toContain(reply);
    expect(mail.ReplyToAddresses).toEqual([`support+${number!.toLowerCase()}@demo.local`]);
    await poll(() => p.locator('[data-test=ticket-message-mail]').last().textContent()).toMatch(view.locale === 'en' ? /Emailed/ : /已发送邮件/);
    await expect.poll(async () => (await agent('GET', `/api/tickets/${ticketId}`)).body.status).toBe('pending');

    // The customer answers the email; it threads in by In-Reply-To and takes the ticket back to open.
    await sendSmtp(customer, [`support+${number!.toLowerCase()}@demo.local`], mimeMessage({
      from: `Jing Chen <${customer}>`, to: `support+${number!.toLowerCase()}@demo.local`, subject: `Re: ${subject} [${number}]`,
      messageId: `<second.${view.name}.${unique}@mail.example.cn>`, inReplyTo: `<${mail.Id}@email.amazonses.com>`,
      text: `It works now, thank you!\n\nOn Thu, 3 Dec 2026, Demo Support wrote:\n> ${reply}`,
    }));
    await settle();
    await poll(async () => {
      await p.reload();
      await p.locator('[data-test=ticket-thread]').waitFor();
      return p.locator('[data-test=ticket-message][data-from=customer]').count();
    }).toBe(2);
    expect(await p.locator('[data-test=ticket-message][data-from=customer]').last().locator('.msg-body').textContent()).toBe('It works now, thank you!');
    await snapshot(p, `service-${view.name}-thread`, true);

    // Solved from the status select.
    await choose(p, p.locator('[data-test=ticket-status]'), view.locale === 'en' ? /^Solved$/ : /^已解决$/);
    await expect.poll(async () => (await agent('GET', `/api/tickets/${ticketId}`)).body.status).toBe('solved');
  });

  it('the customer rates the solved ticket from the survey email, then signs in to the portal with a magic link and sees it solved', async () => {
    const survey = await poll(async () => (await sentMail(customer)).find((m) => /How did we do|满意/.test(m.Subject))).toBeTruthy().then(async () => (await sentMail(customer)).find((m) => /How did we do|满意/.test(m.Subject)));
    const link = /(http\S+\/survey\/[A-Za-z0-9_-]{43})\?score=5/.exec(survey.Body.text_part)![1]!;
    const context = await browser.newContext({ viewport: { width: view.width, height: view.height }, ...(view.mobile ? { isMobile: true, hasTouch: true } : {}) });
    contexts.push(context);
    await context.addInitScript((l: string) => localStorage.setItem('cirrus.locale', l), view.locale);
    const c = await context.newPage();
    await c.goto(`${link.replace(/^https?:\/\/[^/]+/, baseUrl)}?score=5`);
    await c.locator('[data-test=survey-score][data-score="5"][aria-checked=true]').waitFor();
    await c.locator('[data-test=survey-comment]').fill(view.locale === 'en' ? 'Quick and kind.' : '又快又好。');
    await snapshot(c, `service-${view.name}-survey`, false);
    await c.click('[data-test=survey-send]');
    await c.locator('[data-test=survey-outcome][data-state=thanks]').waitFor();
    await expect.poll(async () => (await agent('GET', `/api/tickets/${ticketId}`)).body.csat?.score).toBe(5);

    // The portal: a sign-in link by email, used once; the customer's requests are listed with the solved one.
    await c.goto(`${baseUrl}/portal/demo`);
    await c.locator('[data-test=portal-email]').fill(customer);
    await c.click('[data-test=portal-send-link]');
    await c.locator('[data-test=portal-notice]').waitFor();
    const linkMail = await poll(async () => (await sentMail(customer)).find((m) => /portal|客户门户/.test(m.Subject))).toBeTruthy().then(async () => (await sentMail(customer)).find((m) => /portal|客户门户/.test(m.Subject)));
    const signIn = /(http\S+\/portal\/demo\/sign-in\?token=[A-Za-z0-9_-]{43})/.exec(linkMail.Body.text_part)![1]!;
    await c.goto(signIn.replace(/^https?:\/\/[^/]+/, baseUrl));
    await c.locator('[data-test=portal-sign-out]').waitFor();
    const row = c.locator('[data-test=portal-ticket-row]', { hasText: subject });
    await row.waitFor();
    expect(await row.locator('.status').getAttribute('data-status')).toBe('solved');
    await snapshot(c, `service-${view.name}-portal`, false);
    await row.click();
    await expect.poll(() => c.locator('[data-test=portal-message]').count()).toBe(3);
  });

  it('the service dashboard shows the backlog and the period\'s figures', async () => {
    const p = await signInAs(browser, baseUrl, contexts, 'manager@demo.local', view, '/service/dashboard');
    await p.locator('[data-test=dashboard-card][data-figure=created]').waitFor();
    await expect.poll(async () => Number((await p.locator('[data-test=dashboard-card][data-figure=created] .card-value').textContent()) ?? 0)).toBeGreaterThan(0);
    await expect.poll(async () => Number((await p.locator('[data-test=dashboard-card][data-figure=solved] .card-value').textContent()) ?? 0)).toBeGreaterThan(0);
    await snapshot(p, `service-${view.name}-dashboard`, true);
  });
});
