import type { OperationDoc } from '../api.ts';

/** OpenAPI docs of the issue 10 scoring routes (contracts/marketing/scoring.ts), keyed by route name; spread into schemas/api.ts. */
export const scoringOperations: Readonly<Record<string, OperationDoc>> = {};
