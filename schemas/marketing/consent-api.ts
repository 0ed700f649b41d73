import type { OperationDoc } from '../api.ts';

/** OpenAPI docs of the issue 10 consent routes (contracts/marketing/consent.ts), keyed by route name; spread into schemas/api.ts. */
export const consentOperations: Readonly<Record<string, OperationDoc>> = {
  'settings-marketing-get': { summary: 'The marketing settings: subscription types people consent to, the sender, the sending rate', tag: 'marketing' },
};
