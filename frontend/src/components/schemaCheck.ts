import * as z from 'zod/mini';
import { toFieldIssues } from '#schemas/validation.ts';
import { translateFieldProblem } from '@/utils/problems';

/**
 * Client-side checks with the server's own schema (`#schemas/*`): every field's problem at once, keyed by
 * the top-level field and worded as the server's 400 would be in the user's language. `known` (the form's
 * own messages) win for the fields they name.
 */
export function schemaErrors(schema: z.core.$ZodType, body: Record<string, unknown>, known: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { ...known };
  const r = z.safeParse(schema, body);
  if (r.success) return out;
  for (const issue of toFieldIssues(r.error.issues)) {
    const key = issue.path.split('.')[0] || '_';
    if (key === '_' || out[key]) continue;
    out[key] = translateFieldProblem(issue);
  }
  return out;
}
