import type { ViewWhere } from '#schemas/view.ts';

/**
 * A trigger's or a branch's `where` (the views' condition shape, `{"source":{"eq":"webinar"}}`) on one
 * record's fields (pure). Every field's every clause must hold; text compares case-insensitively.
 */
const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function holds(op: string, actual: unknown, expected: unknown): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  switch (op) {
    case 'eq': return values.some((a) => norm(a) === norm(expected) || String(a) === String(expected));
    case 'neq': return !values.some((a) => norm(a) === norm(expected));
    case 'in': {
      const list = (Array.isArray(expected) ? expected : String(expected).split(',')).map(norm);
      return values.some((a) => list.includes(norm(a)));
    }
    case 'contains': return values.some((a) => typeof a === 'string' && a.toLowerCase().includes(String(expected).toLowerCase()));
    case 'startsWith': return values.some((a) => typeof a === 'string' && a.toLowerCase().startsWith(String(expected).toLowerCase()));
    case 'isEmpty': return (expected === false || expected === 'false') ? !empty(actual) : empty(actual);
    case 'gt': case 'gte': case 'lt': case 'lte': {
      if (empty(actual) || Array.isArray(actual)) return false;
      const a = typeof actual === 'number' ? actual : String(actual);
      const e = typeof actual === 'number' ? Number(expected) : String(expected);
      return op === 'gt' ? a > e : op === 'gte' ? a >= e : op === 'lt' ? a < e : a <= e;
    }
    default: return false;
  }
}

const valueOf = (fields: Record<string, unknown>, path: string): unknown => {
  const v = fields[path];
  // Money and similar objects compare by their amount.
  if (v && typeof v === 'object' && !Array.isArray(v) && 'amount' in v) return (v as { amount: unknown }).amount;
  return v;
};

export function matchesWhere(where: ViewWhere | undefined, fields: Record<string, unknown>): boolean {
  if (!where) return true;
  return Object.entries(where).every(([field, clauses]) => Object.entries(clauses).every(([op, v]) => holds(op, valueOf(fields, field), v)));
}

export const WHERE_OPS = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'isEmpty'] as const;
