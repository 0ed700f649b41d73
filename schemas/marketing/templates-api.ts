import type { OperationDoc } from '../api.ts';

/** OpenAPI docs of the issue 10 templates routes (contracts/marketing/templates.ts), keyed by route name; spread into schemas/api.ts. */
export const templatesOperations: Readonly<Record<string, OperationDoc>> = {};
