import type * as z from 'zod/mini';

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
  readonly code: string;
}

type Issue = z.core.$ZodIssue;

/** zod/mini ships no message locale (it keeps bundles small), so messages are composed here from the issue. */
function messageFor(issue: Issue): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `Must be at most ${issue.maximum} characters`
        : issue.origin === 'array'
          ? `At most ${issue.maximum} items`
          : `Must be at most ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? 'Required'
          : `Must be at least ${issue.minimum} characters`
        : `Must be at least ${issue.minimum}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'Not a valid email address' : `Not a valid ${issue.format}`;
    case 'invalid_type':
      return issue.input === undefined ? 'Required' : `Expected ${issue.expected}`;
    case 'invalid_value':
      return `Must be one of: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return 'Unknown field';
    default:
      return 'Invalid value';
  }
}

/** Flattens zod issues to `{path, message, code}`, one per field; unknown keys become one entry per key. */
export function toFieldIssues(issues: readonly Issue[]): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: base ? `${base}.${key}` : key, message: 'Unknown field', code: issue.code });
    } else {
      out.push({ path: base, message: messageFor(issue), code: issue.code });
    }
  }
  return out;
}
