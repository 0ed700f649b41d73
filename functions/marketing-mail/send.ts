import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { appUrl } from '#commons/app-url.ts';
import { config } from '#commons/config.ts';
import { logger } from '#commons/logger.ts';
import { correlationId } from '#commons/observability.ts';
import { loadMarketingSettings } from '../consent/settings-store.ts';
import { newPreferenceLink } from '../consent/links.ts';
import { domainEvent, eventPut } from '../consent/store.ts';
import { mailbox } from '../notifications/mailer.ts';
import { systemActor } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import type { StoredRecord } from '../records/entity.ts';
import { gateReason } from './gate.ts';
import { footer, sesTags } from './message.ts';
import { claimSend, getSendRecord, isSuppressed, markRefused, markSent, sendPut, type MarketingSend } from './store.ts';

/**
 * Sending one marketing email (issue 10) — the one path campaigns and journeys mail through.
 * INTERFACE FIRST (scaffold): the consent part implements it; campaigns and journeys call it as declared here.
 *
 * - The gate: an unsubscribed, suppressed, bounced or complained address (or none) is never mailed; the
 *   send record says why it was skipped (`email.skipped`).
 * - At most once: the send record `sendId` (the caller's deterministic id: one per campaign and recipient,
 *   one per journey run and step) is written before SES is called, and holds SES's MessageId after.
 *   A second call with the same `sendId` answers `already-sent` and mails nobody.
 * - Every message carries one-click unsubscribe (RFC 8058 `List-Unsubscribe` + `List-Unsubscribe-Post`),
 *   the preference page link in its footer, and `EmailTags` (tenant, send, campaign or journey, recipient)
 *   through the deployment's configuration set, so SES events find their way back.
 */
export interface MarketingRecipient {
  readonly object: 'contacts' | 'leads';
  /** The record as stored (email, language, emailConsent, emailDeliverability…). */
  readonly record: StoredRecord;
}

/** The rendered message, in the recipient's language (functions/email-templates/render.ts renders it). */
export interface MarketingMessage {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly language: 'zh-CN' | 'en';
  /** The subscription type the email belongs to (newsletter, product-updates, events…): consent is per type. */
  readonly subscriptionType: string;
  /** Display name of the sender (the tenant's marketing sender from Settings → Marketing when absent). */
  readonly fromName?: string;
}

/** What sent it: tagged on the message and the send record, read back from SES events. */
export interface MarketingSource {
  readonly kind: 'campaign' | 'journey';
  readonly campaignId?: string;
  readonly journeyId?: string;
  readonly journeyVersion?: number;
  readonly stepId?: string;
  readonly templateId?: string;
}

export type SkipReason = 'noEmail' | 'unsubscribed' | 'notAsked' | 'suppressed' | 'bounced' | 'complained';

export type SendOutcome =
  | { readonly status: 'sent'; readonly messageId: string }
  | { readonly status: 'skipped'; readonly reason: SkipReason }
  | { readonly status: 'already-sent'; readonly messageId?: string }
  /** SES refused it (throttled, quota, bad address): nothing was sent; the send record allows a retry. */
  | { readonly status: 'refused'; readonly reason: string };

export async function sendMarketingEmail(
  tenantId: string, sendId: string, recipient: MarketingRecipient, message: MarketingMessage, source: MarketingSource,
): Promise<SendOutcome> {
  const deps = recordDeps();
  const personType = recipient.object === 'contacts' ? 'contact' : 'lead';
  const done = await getSendRecord(tenantId, sendId);
  if (done && done.status !== 'refused') return { status: 'already-sent', ...(done.messageId ? { messageId: done.messageId } : {}) };

  // The gate reads the person as stored now (not as the caller read them a while ago) and the suppression list.
  const person = (await deps.store.get(tenantId, personType, recipient.record.id)) ?? recipient.record;
  const address = typeof person.email === 'string' && !person.deletedAt ? person.email.trim() : '';
  const { settings } = await loadMarketingSettings(tenantId);
  const reason = person.deletedAt ? 'noEmail' : gateReason({
    email: address, emailConsent: person.emailConsent as never, emailDeliverability: person.emailDeliverability as never,
    suppressed: address.includes('@') ? await isSuppressed(tenantId, address) : false,
    requireOptIn: settings.requireOptIn, subscriptionType: message.subscriptionType,
  });
  const now = deps.clock();
  const at = now.toISOString();
  const actor = systemActor(tenantId, 'mail', 'Marketing email', 'system:marketing-mail');
  const send: MarketingSend = {
    sendId, tenantId, status: reason ? 'skipped' : 'claimed', ...(reason ? { reason } : {}), personType, recordId: person.id,
    ...(address ? { address } : {}), subscriptionType: message.subscriptionType, language: message.language, kind: source.kind,
    ...sourceFields(source), claimedAt: at, updatedAt: at,
  };
  const subject = { type: personType, id: person.id };
  const eventData = (extra: Record<string, unknown>) => ({ sendId, address, ...sourceFields(source), ...extra });

  if (reason) {
    const taken = !(await claimSend([sendPut(send), eventPut(domainEvent('email.skipped', tenantId, actor, now, deps.newId(now), subject, eventData({ reason })))]));
    return taken ? alreadySent(tenantId, sendId) : { status: 'skipped', reason };
  }

  // The claim and the person's preference link, before SES is called: at most once, whatever happens next.
  const link = newPreferenceLink({ tenantId, personType, recordId: person.id, subscriptionType: message.subscriptionType, sendId, language: message.language }, now);
  if (!(await claimSend([sendPut(send), { Put: { TableName: tableNameOf(), Item: link.item } }]))) return alreadySent(tenantId, sendId);

  const base = (await appUrl()).replace(/\/$/, '');
  const unsubscribeUrl = `${base}/api/unsubscribe/${link.token}`;
  const preferencesUrl = `${base}/preferences/${link.token}`;
  const typeLabel = settings.subscriptionTypes.find((t) => t.id === message.subscriptionType)?.label[message.language] ?? message.subscriptionType;
  const withFooter = footer(message, { preferencesUrl, typeLabel });
  const { from, configurationSet } = config.mail();
  const cid = correlationId();
  let messageId: string | undefined;
  try {
    const res = await ses.send(new SendEmailCommand({
      FromEmailAddress: mailbox(message.fromName ?? settings.senderName ?? '', settings.senderAddress ?? from),
      Destination: { ToAddresses: [address] },
      ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
      EmailTags: sesTags(tenantId, sendId, personType, person.id, source),
      Content: {
        Simple: {
          Headers: [
            { Name: 'List-Unsubscribe', Value: `<${unsubscribeUrl}>` },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
            ...(cid ? [{ Name: 'X-Correlation-Id', Value: cid }] : []),
          ],
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: withFooter.text, Charset: 'UTF-8' }, Html: { Data: withFooter.html, Charset: 'UTF-8' } },
        },
      },
    }));
    messageId = res.MessageId;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // SES certainly sent nothing: the record says so and allows a later retry.
      const why = (error as Error).name || 'Refused';
      await logger.warn('marketing email refused by SES', { tenantId, sendId, reason: why });
      await markRefused(tenantId, sendId, why, deps.clock().toISOString());
      return { status: 'refused', reason: why };
    }
    // No answer or a 5xx: SES may have sent it. The claim stays (never mailed twice); the caller stops and resumes later.
    throw error;
  }
  const id = messageId ?? '';
  const sentAt = deps.clock();
  await markSent(tenantId, sendId, id, sentAt.toISOString(), eventPut(domainEvent('email.sent', tenantId, actor, sentAt, deps.newId(sentAt), subject, eventData({ messageId: id }))));
  return { status: 'sent', messageId: id };
}

/** One attempt per SendEmail (no idempotency token: an SDK retry could mail twice). */
const ses = new SESv2Client({ maxAttempts: 1 });
const tableNameOf = () => config.tableName();

function sourceFields(source: MarketingSource) {
  return {
    ...(source.campaignId ? { campaignId: source.campaignId } : {}), ...(source.journeyId ? { journeyId: source.journeyId } : {}),
    ...(source.journeyVersion !== undefined ? { journeyVersion: source.journeyVersion } : {}), ...(source.stepId ? { stepId: source.stepId } : {}),
    ...(source.templateId ? { templateId: source.templateId } : {}),
  };
}

async function alreadySent(tenantId: string, sendId: string): Promise<SendOutcome> {
  const done = await getSendRecord(tenantId, sendId);
  return { status: 'already-sent', ...(done?.messageId ? { messageId: done.messageId } : {}) };
}

export { getSendRecord, type MarketingSend } from './store.ts';
