import { describe, expect, it } from 'vitest';
import { applyConsentChanges, OVERALL, worseDeliverability, type ConsentChange, type EmailConsent } from '../../functions/consent/consent.ts';
import { effectiveConsent, gateReason, type GateInput } from '../../functions/marketing-mail/gate.ts';
import { footer, sesTags, tagsOf } from '../../functions/marketing-mail/message.ts';
import { keys } from '../../functions/commons/keys.ts';
import { defaultMarketingSettings, marketingSettings } from '../../schemas/marketing/consent.ts';
import { mulberry32 } from '../support/prng.ts';

/** Issue 10: the consent gate of every marketing email, consent changes, the footer and the SES tags (pure). */
const base: GateInput = { email: 'ann@example.com', suppressed: false, requireOptIn: false, subscriptionType: 'newsletter' };

describe('the consent gate', () => {
  it('mails someone never asked, unless the tenant requires opt-in', () => {
    expect(gateReason(base)).toBeUndefined();
    expect(gateReason({ ...base, requireOptIn: true })).toBe('notAsked');
    expect(gateReason({ ...base, requireOptIn: true, emailConsent: { status: 'subscribed' } })).toBeUndefined();
    expect(gateReason({ ...base, requireOptIn: true, emailConsent: { status: 'subscribed', types: { newsletter: { status: 'notAsked' } } } })).toBe('notAsked');
  });

  it('skips no address, bounced, complained, suppressed and unsubscribed, with the reason', () => {
    expect(gateReason({ ...base, email: undefined })).toBe('noEmail');
    expect(gateReason({ ...base, email: 'not an address' })).toBe('noEmail');
    expect(gateReason({ ...base, emailDeliverability: 'bounced' })).toBe('bounced');
    expect(gateReason({ ...base, emailDeliverability: 'complained' })).toBe('complained');
    expect(gateReason({ ...base, emailDeliverability: 'suppressed' })).toBe('suppressed');
    expect(gateReason({ ...base, suppressed: true })).toBe('suppressed');
    expect(gateReason({ ...base, emailConsent: { status: 'unsubscribed' } })).toBe('unsubscribed');
    expect(gateReason({ ...base, emailConsent: { status: 'subscribed', types: { newsletter: { status: 'unsubscribed' } } } })).toBe('unsubscribed');
    // Unsubscribed from another type only: this one is still mailed.
    expect(gateReason({ ...base, emailConsent: { status: 'subscribed', types: { events: { status: 'unsubscribed' } } } })).toBeUndefined();
  });

  it('property: no unsubscribed, bounced, complained or suppressed person is ever mailed, whatever else holds', () => {
    const rnd = mulberry32(1010);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const statuses = ['subscribed', 'unsubscribed', 'notAsked', undefined] as const;
    for (let i = 0; i < 3000; i++) {
      const typeStatus = pick(statuses);
      const input: GateInput = {
        email: pick(['a@b.cn', '', undefined, 'x@y.com']), subscriptionType: pick(['newsletter', 'events']),
        emailConsent: { ...(pick(statuses) ? { status: pick(['subscribed', 'unsubscribed', 'notAsked'] as const) } : {}), ...(typeStatus ? { types: { newsletter: { status: typeStatus } } } : {}) },
        emailDeliverability: pick(['ok', 'bounced', 'complained', 'suppressed', undefined] as const),
        suppressed: rnd() < 0.2, requireOptIn: rnd() < 0.5,
      };
      const reason = gateReason(input);
      const eff = effectiveConsent(input.emailConsent, input.subscriptionType);
      const mustSkip = !input.email || input.emailDeliverability === 'bounced' || input.emailDeliverability === 'complained'
        || input.emailDeliverability === 'suppressed' || input.suppressed || eff === 'unsubscribed' || input.emailConsent?.status === 'unsubscribed'
        || (input.requireOptIn && eff !== 'subscribed');
      expect(reason !== undefined, JSON.stringify(input)).toBe(mustSkip);
    }
  });
});

describe('consent changes', () => {
  const at = '2026-12-04T08:00:00.000Z';

  it('records status, time and source per type; the same change again changes nothing', () => {
    const first = applyConsentChanges(undefined, [{ subscriptionType: 'newsletter', status: 'unsubscribed' }], at, 'one-click-unsubscribe');
    expect(first.changed).toEqual([{ subscriptionType: 'newsletter', status: 'unsubscribed' }]);
    expect(first.next).toEqual({ status: 'notAsked', types: { newsletter: { status: 'unsubscribed', at, source: 'one-click-unsubscribe' } } });
    const again = applyConsentChanges(first.next, [{ subscriptionType: 'newsletter', status: 'unsubscribed' }], '2026-12-05T00:00:00.000Z', 'one-click-unsubscribe');
    expect(again.changed).toEqual([]);
    expect(again.next).toEqual(first.next);
  });

  it('a yes to a type makes an overall "never asked" a yes; an overall no keeps the types for later', () => {
    const yes = applyConsentChanges(undefined, [{ subscriptionType: 'events', status: 'subscribed' }], at, 'staff:verbal');
    expect(yes.next.status).toBe('subscribed');
    expect(yes.changed).toContainEqual({ subscriptionType: OVERALL, status: 'subscribed' });
    const no = applyConsentChanges(yes.next, [{ subscriptionType: OVERALL, status: 'unsubscribed' }], at, 'preference-page');
    expect(no.next.status).toBe('unsubscribed');
    expect(no.next.types?.events?.status).toBe('subscribed');
    expect(effectiveConsent(no.next, 'events')).toBe('unsubscribed');
  });

  it('property: the same choices again change nothing (an unsubscribe link clicked twice, a page saved twice)', () => {
    const rnd = mulberry32(77);
    const types = [OVERALL, 'newsletter', 'events', 'product-updates'];
    const st = ['subscribed', 'unsubscribed', 'notAsked'] as const;
    for (let i = 0; i < 500; i++) {
      let c: EmailConsent | undefined;
      for (let j = 0; j < 5; j++) {
        const chosen = types.filter(() => rnd() < 0.5);
        const changes: ConsentChange[] = chosen.map((subscriptionType) => ({ subscriptionType, status: st[Math.floor(rnd() * 3)]! }));
        const once = applyConsentChanges(c, changes, `2026-12-0${j + 1}T00:00:00.000Z`, 's');
        const twice = applyConsentChanges(once.next, changes, '2026-12-09T00:00:00.000Z', 't');
        expect(twice.changed).toEqual([]);
        expect(twice.next).toEqual(once.next);
        for (const ch of once.changed) expect(ch.subscriptionType === OVERALL ? once.next.status : once.next.types?.[ch.subscriptionType]?.status).toBe(ch.status);
        c = once.next;
      }
    }
  });

  it('deliverability only gets worse from events', () => {
    expect(worseDeliverability(undefined, 'bounced')).toBe('bounced');
    expect(worseDeliverability('complained', 'bounced')).toBe('complained');
    expect(worseDeliverability('bounced', 'complained')).toBe('complained');
  });
});

describe('what a marketing email carries', () => {
  it('the footer links the preference page in the message language, inside the body', () => {
    const zh = footer({ language: 'zh-CN', html: '<html><body><p>你好</p></body></html>', text: '你好' }, { preferencesUrl: 'https://crm.example/preferences/T', typeLabel: '新闻简报' });
    expect(zh.html).toMatch(/<p>你好<\/p><div[^>]*>.*管理邮件偏好.*<\/div><\/body><\/html>$/);
    expect(zh.html).toContain('href="https://crm.example/preferences/T"');
    expect(zh.text).toContain('管理邮件偏好: https://crm.example/preferences/T');
    const en = footer({ language: 'en', html: '<p>Hi</p>', text: 'Hi' }, { preferencesUrl: 'https://crm.example/preferences/T', typeLabel: 'News & <events>' });
    expect(en.html).toContain('Manage your email preferences');
    expect(en.html).toContain('News &amp; &lt;events&gt;');
  });

  it('tags carry tenant, send, source and person, in SES\'s alphabet, and read back', () => {
    const tags = sesTags('demo', 'camp:01J#x', 'lead', '01JLEAD', { kind: 'campaign', campaignId: '01JCAMP' });
    for (const t of tags) {
      expect(t.Name).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(t.Value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    }
    const asSes = Object.fromEntries(tags.map((t) => [t.Name, [t.Value]]));
    expect(tagsOf(asSes)).toEqual({ tenant: 'demo', send: 'camp:01J#x', kind: 'campaign', object: 'lead', record: '01JLEAD', campaign: '01JCAMP' });
  });
});

describe('consent keys and settings', () => {
  it('pins the keys of sends, SES event markers, the suppression list and the settings', () => {
    expect(keys.marketingSend('demo', 'c1:r1')).toBe('T#demo#msend#c1:r1');
    expect(keys.marketingSendSk).toBe('~send');
    expect(keys.sesEventSk('Delivery', 'e-1')).toBe('ses#Delivery#e-1');
    expect(keys.suppression('demo')).toBe('T#demo#suppression');
    expect(keys.suppressionSk(' Bounce@Simulator.AmazonSES.com ')).toBe('bounce@simulator.amazonses.com');
    expect(keys.marketingSettingsSk).toBe('marketing-settings');
    expect(keys.route('preference', 'h')).toBe('R#preference#h');
  });

  it('the default settings are valid and name three types in both languages', () => {
    const d = defaultMarketingSettings();
    expect(marketingSettings.safeParse(d).success).toBe(true);
    expect(d.subscriptionTypes.map((t) => t.id)).toEqual(['newsletter', 'product-updates', 'events']);
    expect(marketingSettings.safeParse({ ...d, sendRatePerSecond: 0 }).success).toBe(false);
  });
});
