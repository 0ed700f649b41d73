/**
 * The demo tenant's starter knowledge base (SVC-2), written and published through the same service the API
 * uses (records, revisions, search words), so the portal and the ticket suggestions have something to find on
 * the first start: two customer articles in English and Chinese, and one for agents only.
 */
import type { Principal } from '../../functions/commons/auth.ts';
import { systemClock } from '../../functions/commons/clock.ts';
import { newId } from '../../functions/commons/ids.ts';
import { DynamoRecordStore } from '../../functions/records/dynamo-store.ts';
import type { RecordDeps } from '../../functions/records/service.ts';
import { createArticle, publishArticle } from '../../functions/knowledge/service.ts';
import type { SeedOwner } from './seed-records.ts';

interface SeedArticle { title: string; category: string; summary: string; keywords: string[]; body: string }

const ARTICLES: { en: SeedArticle; zh?: SeedArticle; internal?: boolean }[] = [
  {
    en: {
      title: 'How to reset your password', category: 'Account', summary: 'Forgot your password? Set a new one from the sign-in page in two minutes.',
      keywords: ['password', 'login', 'sign in'],
      body: '## Reset it yourself\n\n1. Open the sign-in page and choose **Forgot password**.\n2. Enter the email address of your account.\n3. Open the email we send you (it arrives within a few minutes; check your spam folder) and follow the link.\n4. Choose a new password of at least 8 characters.\n\nThe link works once and for 1 hour. Still stuck? Reply to your ticket and we will help.',
    },
    zh: {
      title: '如何重置密码', category: '账户', summary: '忘记密码？两分钟内在登录页面设置新密码。',
      keywords: ['密码', '登录', '忘记密码'],
      body: '## 自助重置\n\n1. 打开登录页面，点击 **忘记密码**。\n2. 输入账户的邮箱地址。\n3. 打开我们发送的邮件（几分钟内送达，请留意垃圾邮件文件夹），点击其中的链接。\n4. 设置至少 8 位的新密码。\n\n链接仅可使用一次，1 小时内有效。仍有问题？回复您的工单，我们会协助处理。',
    },
  },
  {
    en: {
      title: 'Where to find and download your invoices', category: 'Billing', summary: 'Every invoice is in Billing → Invoices as a PDF, including fapiao requests.',
      keywords: ['invoice', 'billing', 'fapiao', 'receipt'],
      body: '## Download an invoice\n\nGo to **Billing → Invoices**. Each month has a PDF; choose **Download**.\n\n## Need a fapiao (发票)?\n\nChoose **Request fapiao** next to the invoice and enter your company\'s tax number. It is issued within 3 working days.',
    },
    zh: {
      title: '如何查找和下载发票', category: '账单', summary: '所有账单都在“账单 → 发票”中，可下载 PDF，也可申请开具发票。',
      keywords: ['发票', '账单', '开票', '收据'],
      body: '## 下载账单\n\n进入 **账单 → 发票**，每月一份 PDF，点击 **下载**。\n\n## 需要开具发票？\n\n在账单旁点击 **申请开票**，填写公司税号，3 个工作日内开具。',
    },
  },
  {
    internal: true,
    en: {
      title: 'Escalating an outage to engineering', category: 'Internal', summary: 'When several customers report the same failure: what to collect and whom to page.',
      keywords: ['outage', 'escalation', 'incident'],
      body: '## Before you escalate\n\n- At least two customers report the same failure.\n- Note the time it started, the region and an example ticket number.\n\n## Escalate\n\nSet the tickets to **On hold**, tag them `incident`, and post in the #incident channel with the details. Reply to the customers with the status page link.',
    },
  },
];

export async function seedArticles(tenantId: string, author: SeedOwner): Promise<void> {
  const deps: RecordDeps = { store: new DynamoRecordStore(), clock: systemClock, newId };
  const p: Principal = { tenantId, userId: author.id, email: author.email, name: author.name, role: 'agent', groups: ['agent'] };
  for (const a of ARTICLES) {
    const en = await createArticle(p, { ...a.en, language: 'en', visibility: a.internal ? 'internal' : 'public' }, deps);
    await publishArticle(p, en.id, undefined, deps);
    if (a.zh) {
      const zh = await createArticle(p, { ...a.zh, language: 'zh-CN', translationOf: en.id, visibility: 'public' }, deps);
      await publishArticle(p, zh.id, undefined, deps);
    }
  }
}
