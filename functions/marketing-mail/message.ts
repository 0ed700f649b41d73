import type { MarketingMessage, MarketingSource } from './send.ts';

/**
 * What every marketing email carries besides its content (issue 10): the footer with the preference page link
 * and unsubscribe link in the message's language, and the SES `EmailTags` that bring its events back
 * (functions/email-events reads them with `tagsOf`).
 */
/** The footer links both open the preference page (a GET changes nothing; the page's button POSTs). */
export interface FooterLinks { preferencesUrl: string; typeLabel: string }

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const WORDS = {
  en: { why: (t: string) => `You get this email because you subscribed to ${t}.`, manage: 'Manage your email preferences', unsubscribe: 'Unsubscribe' },
  'zh-CN': { why: (t: string) => `您收到此邮件，是因为您订阅了“${t}”。`, manage: '管理邮件偏好', unsubscribe: '退订' },
} as const;

export function footer(message: Pick<MarketingMessage, 'html' | 'text' | 'language'>, links: FooterLinks): { html: string; text: string } {
  const w = WORDS[message.language] ?? WORDS.en;
  const html = `<div style="margin-top:24px;padding-top:12px;border-top:1px solid #e5e7eb;color:#6b7280;font-size:12px;line-height:1.5;font-family:Arial,sans-serif">`
    + `${escapeHtml(w.why(links.typeLabel))} <a ses:no-track href="${escapeHtml(links.preferencesUrl)}" style="color:#6b7280">${w.manage}</a> · `
    + `<a ses:no-track href="${escapeHtml(`${links.preferencesUrl}?unsubscribe=all`)}" style="color:#6b7280">${w.unsubscribe}</a></div>`;
  const at = message.html.search(/<\/body>/i);
  return {
    html: at >= 0 ? `${message.html.slice(0, at)}${html}${message.html.slice(at)}` : `${message.html}${html}`,
    text: `${message.text}\n\n--\n${w.why(links.typeLabel)}\n${w.manage}: ${links.preferencesUrl}\n`,
  };
}

/** SES tag values may hold only ASCII letters, digits, `_` and `-` (at most 256): others are sent base64url under `<name>-b64`. */
const TAG_VALUE = /^[A-Za-z0-9_-]{1,256}$/;
export const TAG = { tenant: 'cirrus-tenant', send: 'cirrus-send', kind: 'cirrus-kind', campaign: 'cirrus-campaign', journey: 'cirrus-journey', object: 'cirrus-object', record: 'cirrus-record' } as const;

function tag(name: string, value: string): { Name: string; Value: string } {
  return TAG_VALUE.test(value) ? { Name: name, Value: value } : { Name: `${name}-b64`, Value: Buffer.from(value, 'utf8').toString('base64url').slice(0, 256) };
}

export function sesTags(tenantId: string, sendId: string, personType: 'contact' | 'lead', recordId: string, source: MarketingSource) {
  return [
    tag(TAG.tenant, tenantId), tag(TAG.send, sendId), tag(TAG.kind, source.kind), tag(TAG.object, personType), tag(TAG.record, recordId),
    ...(source.campaignId ? [tag(TAG.campaign, source.campaignId)] : []), ...(source.journeyId ? [tag(TAG.journey, source.journeyId)] : []),
  ];
}

/** The tags of an SES event (`mail.tags`: name → values) back as values. */
export function tagsOf(tags: Record<string, readonly string[] | undefined> | undefined): Partial<Record<keyof typeof TAG, string>> {
  const out: Partial<Record<keyof typeof TAG, string>> = {};
  for (const [key, name] of Object.entries(TAG) as [keyof typeof TAG, string][]) {
    const plain = tags?.[name]?.[0];
    const encoded = tags?.[`${name}-b64`]?.[0];
    if (plain !== undefined) out[key] = plain;
    else if (encoded !== undefined) out[key] = Buffer.from(encoded, 'base64url').toString('utf8');
  }
  return out;
}

/** The sample of Settings → Marketing's test send, in the person's language. */
export function testMessage(language: 'zh-CN' | 'en'): Pick<MarketingMessage, 'subject' | 'html' | 'text' | 'language'> {
  return language === 'zh-CN'
    ? { language, subject: '营销邮件测试', text: '这是一封营销邮件测试。\n阅读更多：https://example.com/cirrus', html: '<html><body><p>这是一封营销邮件测试。</p><p><a href="https://example.com/cirrus">阅读更多</a></p></body></html>' }
    : { language, subject: 'Marketing email test', text: 'This is a test of the marketing email.\nRead more: https://example.com/cirrus', html: '<html><body><p>This is a test of the marketing email.</p><p><a href="https://example.com/cirrus">Read more</a></p></body></html>' };
}
