import type { OperationDoc } from '../api.ts';

/** OpenAPI docs of the issue 10 journeys routes (contracts/marketing/journeys.ts), keyed by route name; spread into schemas/api.ts. */
export const journeysOperations: Readonly<Record<string, OperationDoc>> = {};
