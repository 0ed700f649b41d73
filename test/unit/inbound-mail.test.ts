import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { classifyInbound, messageIdHash, referencedIds, replyText, supportAddressOf, ticketNumberOf, REPLY_ABOVE } from '../../functions/tickets/inbound-mail.ts';
import { replyAboveLines, ticketReplyMail } from '../../functions/notifications/templates.ts';
import { replyAddress } from '../../functions/tickets/reply-mail.ts';
import { mailbox } from '../../functions/notifications/mailer.ts';

/** Raw messages as a customer's mail program (or a robot) sends them, parsed by mailparser as the Lambda does. */
const raw = (headers: Record<string, string>, body = 'Hello,\r\nthe printer is on fire.\r\n') =>
  simpleParser(Buffer.from(`${Object.entries({ From: 'Wang Fang <wang.fang@example.cn>', To: 'support@demo.local', Subject: 'Printer', 'Message-ID': '<m1@example.cn>', Date: 'Thu, 03 Dec 2026 09:00:00 +0800', ...headers }).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`));
const OWN = ['support@demo.local'];

describe('inbound support mail', () => {
  it('a plain customer mail is mail, to our support address, naming no ticket', async () => {
    const m = await raw({});
    expect(classifyInbound(m, OWN)).toBe('mail');
    expect(supportAddressOf(m, OWN)).toBe('support@demo.local');
    expect(ticketNumberOf(m)).toBeUndefined();
    expect(referencedIds(m)).toEqual([]);
  });

  it('a reply threads by the subject reference, by the plus address, and names the messages it answers', async () => {
    const bySubject = await raw({ Subject: 'Re: [T-000042] Printer', 'In-Reply-To': '<0100abc@email.amazonses.com>', References: '<m1@example.cn> <0100abc@email.amazonses.com>' });
    expect(ticketNumberOf(bySubject)).toBe('T-000042');
    expect(referencedIds(bySubject)).toEqual(['0100abc@email.amazonses.com', 'm1@example.cn']);
    const byAddress = await raw({ To: 'Support <support+t-000042@demo.local>', Subject: 'Re: Printer' });
    expect(ticketNumberOf(byAddress)).toBe('T-000042');
    expect(supportAddressOf(byAddress, OWN)).toBe('support@demo.local');
    // A colleague forwarding our mail keeps the reference in the subject.
    expect(ticketNumberOf(await raw({ Subject: 'Fwd: Re: [T-000042] Printer' }))).toBe('T-000042');
  });

  it('auto-replies are recognised by RFC 3834 and the headers mail programs use, in both languages', async () => {
    expect(classifyInbound(await raw({ 'Auto-Submitted': 'auto-replied' }), OWN)).toBe('auto-reply');
    expect(classifyInbound(await raw({ 'Auto-Submitted': 'no' }), OWN)).toBe('mail');
    expect(classifyInbound(await raw({ 'X-Autoreply': 'yes' }), OWN)).toBe('auto-reply');
    expect(classifyInbound(await raw({ Precedence: 'bulk' }), OWN)).toBe('auto-reply');
    expect(classifyInbound(await raw({ Subject: 'Automatic reply: [T-000042] Printer' }), OWN)).toBe('auto-reply');
    expect(classifyInbound(await raw({ Subject: '自动回复: 打印机' }), OWN)).toBe('auto-reply');
    expect(classifyInbound(await raw({ Subject: 'Out of Office' }), OWN)).toBe('auto-reply');
  });

  it('bounces and our own mail coming back (a loop) are not mail', async () => {
    expect(classifyInbound(await raw({ From: 'MAILER-DAEMON@mx.example.cn', Subject: 'Undelivered Mail Returned to Sender' }), OWN)).toBe('bounce');
    expect(classifyInbound(await raw({ 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="b"' }, '--b\r\n\r\nx\r\n--b--\r\n'), OWN)).toBe('bounce');
    expect(classifyInbound(await raw({ 'X-Cirrus-Loop': 'demo' }), OWN)).toBe('loop');
    expect(classifyInbound(await raw({ From: 'support+t-000042@demo.local' }), OWN)).toBe('loop');
  });

  it('the reply text leaves out what the customer quoted', () => {
    expect(replyText(`Thanks, it works now.\r\n\r\n${REPLY_ABOVE}\r\nOur earlier mail`)).toBe('Thanks, it works now.');
    expect(replyText('Still broken.\n\nOn Thu, 3 Dec 2026 at 10:00, Support <support@demo.local> wrote:\n> Try again')).toBe('Still broken.');
    expect(replyText('还是不行。\n\n在 2026年12月3日 10:00，Support 写道：\n> 请重试')).toBe('还是不行。');
    expect(replyText('First line\n> quoted\n> more')).toBe('First line');
  });

  it('our reply line in either language cuts the quote, whatever the client puts before it', () => {
    for (const line of replyAboveLines) {
      expect(replyText(`OK now\n\n${line}\nOur mail`)).toBe('OK now');
      expect(replyText(`OK now\n> ${line}\n> Our mail`)).toBe('OK now');
    }
  });

  it('a Message-ID SES gave our reply is the same reference whatever the region in its domain', () => {
    const id = '0100019a8b7c6d5e-1234abcd-0000';
    expect(messageIdHash(`<${id}@email.amazonses.com>`)).toBe(messageIdHash(id));
    expect(messageIdHash(`<${id}@eu-west-1.amazonses.com>`)).toBe(messageIdHash(id));
    expect(messageIdHash('<a@example.cn>')).toBe(messageIdHash('a@example.cn'));
    expect(messageIdHash('<a@example.cn>')).not.toBe(messageIdHash('<b@example.cn>'));
  });
});

describe('the reply email', () => {
  const base = { number: 'T-000042', reply: { body: '请重启。', authorName: 'Agent Li' }, supportName: 'Demo Support', earlier: [{ authorName: '陈静', at: '2026-12-03T01:00:00Z', body: '打印机坏了\n第二行' }] };
  it('subject Re: <subject> [T-…] once, however many Re:/回复: and references the subject had', () => {
    expect(ticketReplyMail({ ...base, subject: 'Printer' }, 'en', 'Asia/Shanghai').subject).toBe('Re: Printer [T-000042]');
    expect(ticketReplyMail({ ...base, subject: 'RE: 回复：Printer [T-000042]' }, 'zh-CN', 'Asia/Shanghai').subject).toBe('Re: Printer [T-000042]');
  });
  it('starts with the reply line of its language, then the reply, then the earlier messages quoted', () => {
    const m = ticketReplyMail({ ...base, subject: 'Printer' }, 'zh-CN', 'Asia/Shanghai');
    expect(m.text.split('\n')[0]).toBe(replyAboveLines[0]);
    expect(m.text).toContain('请重启。');
    expect(m.text).toContain('> 打印机坏了\n> 第二行');
    expect(m.html).not.toContain('<script');
    expect(ticketReplyMail({ ...base, subject: 'x', reply: { body: '<script>alert(1)</script>', authorName: 'A' } }, 'en', 'UTC').html).toContain('&#60;script&#62;');
    expect(replyAddress('support@demo.local', 'T-000042')).toBe('support+t-000042@demo.local');
  });
  it('the sender\'s name is quoted, or an RFC 2047 encoded word when it is not ASCII (as SES requires)', () => {
    expect(mailbox('Demo Support', 'support@demo.local')).toBe('"Demo Support" <support@demo.local>');
    expect(mailbox('客服中心', 'support@demo.local')).toBe(`=?UTF-8?B?${Buffer.from('客服中心').toString('base64')}?= <support@demo.local>`);
    expect(mailbox('Evil"\r\nBcc: x', 'support@demo.local')).toBe('"Evil Bcc: x" <support@demo.local>');
    expect(mailbox('', 'support@demo.local')).toBe('support@demo.local');
  });
});
