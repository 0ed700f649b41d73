import * as z from 'zod/mini';
import { event, v1 } from '../event-kit.ts';

/**
 * What happened to a marketing email (issue 10), as Cirrus events: the SES configuration set's events
 * (`source: aws.ses`, forwarded from the default bus) are read by functions/email-events/ and published
 * again as these, about the contact or lead (`subject`), so journeys, scoring and campaign results react to
 * catalogued events and never to SES's own shapes. `data.first` is true on the first open or click of a
 * message (unique counts); `data.link` is the clicked URL.
 */
const emailData = z.looseObject({
  /** The send record's id (functions/marketing-mail): one per recipient and campaign, or per journey step. */
  sendId: z.string(),
  messageId: z.optional(z.string()),
  address: z.string(),
  campaignId: z.optional(z.string()),
  journeyId: z.optional(z.string()),
  journeyVersion: z.optional(z.int()),
  stepId: z.optional(z.string()),
  templateId: z.optional(z.string()),
  first: z.optional(z.boolean()),
  link: z.optional(z.string()),
  /** On bounces: Permanent or Transient (SES bounceType) and its subtype; on skips: why. */
  bounceType: z.optional(z.string()),
  bounceSubType: z.optional(z.string()),
  reason: z.optional(z.string()),
});

/** A consent change of a contact or lead (`data.subscriptionType`, `data.status`, `data.source`). */
const consentData = z.looseObject({
  subscriptionType: z.string(),
  status: z.enum(['subscribed', 'unsubscribed', 'notAsked']),
  source: z.string(),
  at: z.string(),
});

export const emailEvents = {
  'email.sent': v1('A marketing email was handed to SES for a contact or lead (`data.sendId`, `data.messageId`).', event(emailData)),
  'email.skipped': v1('A marketing email was not sent: the address is unsubscribed, suppressed, bounced or complained, or there is none (`data.reason`).', event(emailData)),
  'email.delivered': v1('SES delivered a marketing email to the recipient\'s mail server.', event(emailData)),
  'email.bounced': v1('A marketing email bounced (`data.bounceType`: Permanent suppresses the address).', event(emailData)),
  'email.complained': v1('The recipient marked a marketing email as spam: the address is suppressed and unsubscribed.', event(emailData)),
  'email.opened': v1('The recipient opened a marketing email (`data.first` on the first open of the message).', event(emailData)),
  'email.clicked': v1('The recipient clicked a link of a marketing email (`data.link`; `data.first` on the first click of the message).', event(emailData)),
  'consent.changed': v1('A contact\'s or lead\'s email consent for a subscription type changed (by the person on the preference page, one-click unsubscribe, a complaint, or staff).', event(consentData)),
} as const;
