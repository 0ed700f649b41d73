import type { OperationDoc } from '../api.ts';

/** OpenAPI docs of the issue 10 campaigns routes (contracts/marketing/campaigns.ts), keyed by route name; spread into schemas/api.ts. */
export const campaignsOperations: Readonly<Record<string, OperationDoc>> = {};
