import type { OperationDoc } from '../api.ts';
import { testSendInput, consentChangeInput, marketingSettings, marketingSettingsOutput, preferencesInput, preferencesOutput } from './consent.ts';

/** OpenAPI docs of the issue 10 consent routes (contracts/marketing/consent.ts), keyed by route name; spread into schemas/api.ts. */
export const consentOperations: Readonly<Record<string, OperationDoc>> = {
  'settings-marketing-get': { summary: 'The marketing settings: subscription types people consent to, the sender, the sending rate, opt-in (ETag: version)', tag: 'marketing', response: marketingSettingsOutput },
  'settings-marketing-put': { summary: 'Change the marketing settings (admins; If-Match)', tag: 'marketing', request: marketingSettings, response: marketingSettingsOutput, ifMatch: true },
  'settings-marketing-test-send': { summary: 'Send a sample marketing email to one contact or lead through the whole send path (consent gate, send record, one-click unsubscribe); answers the outcome', tag: 'marketing', request: testSendInput },
  'contacts-consent-put': { summary: 'Record a consent the contact gave staff, overall or for one subscription type (If-Match; audited, on the timeline, consent.changed)', tag: 'marketing', request: consentChangeInput, ifMatch: true },
  'leads-consent-put': { summary: 'Record a consent the lead gave staff, overall or for one subscription type (If-Match; audited, on the timeline, consent.changed)', tag: 'marketing', request: consentChangeInput, ifMatch: true },
  'unsubscribe-one-click': { summary: 'RFC 8058 one-click unsubscribe (form body List-Unsubscribe=One-Click) from the email\'s subscription type; idempotent', tag: 'marketing' },
  'unsubscribe-link': { summary: 'The List-Unsubscribe URL opened with GET (a link scanner, a browser): changes nothing, 303 to the preference page', tag: 'marketing', status: 303 },
  'preferences-get': { summary: 'The email preference page of a marketing email\'s link: the person\'s subscription types (changes nothing)', tag: 'marketing', response: preferencesOutput },
  'preferences-post': { summary: 'Save the preference page: each subscription type, or unsubscribe from all', tag: 'marketing', request: preferencesInput, response: preferencesOutput },
};
