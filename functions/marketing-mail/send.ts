import type { StoredRecord } from '../records/entity.ts';

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
  _tenantId: string, _sendId: string, _recipient: MarketingRecipient, _message: MarketingMessage, _source: MarketingSource,
): Promise<SendOutcome> {
  throw new Error('sendMarketingEmail: not implemented yet (issue 10 scaffold)');
}
