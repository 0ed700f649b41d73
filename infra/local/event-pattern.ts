/**
 * EventBridge event pattern matching, the subset Cirrus uses plus a little more: exact values (strings,
 * numbers, booleans, null), arrays as OR, `prefix`, `suffix`, `anything-but` (a value, a list, or
 * `{prefix}`), `exists`, `numeric` and nested objects (`detail.data.status`). Arrays in the event match
 * when any element matches (as in EventBridge).
 */
export type Pattern = { readonly [field: string]: unknown };

function matchesRule(rule: unknown, value: unknown, present: boolean): boolean {
  if (rule !== null && typeof rule === 'object' && !Array.isArray(rule)) {
    const r = rule as Record<string, unknown>;
    if ('exists' in r) return r.exists ? present : !present;
    if (!present) return false;
    if ('prefix' in r) {
      const p = r.prefix;
      if (typeof p === 'object' && p !== null && 'equals-ignore-case' in p) {
        return typeof value === 'string' && value.toLowerCase().startsWith(String((p as Record<string, unknown>)['equals-ignore-case']).toLowerCase());
      }
      return typeof value === 'string' && value.startsWith(String(p));
    }
    if ('suffix' in r) return typeof value === 'string' && value.endsWith(String(r.suffix));
    if ('equals-ignore-case' in r) return typeof value === 'string' && value.toLowerCase() === String(r['equals-ignore-case']).toLowerCase();
    if ('anything-but' in r) {
      const ab = r['anything-but'];
      if (ab !== null && typeof ab === 'object' && !Array.isArray(ab)) {
        const inner = ab as Record<string, unknown>;
        if ('prefix' in inner) return typeof value === 'string' && !value.startsWith(String(inner.prefix));
        if ('suffix' in inner) return typeof value === 'string' && !value.endsWith(String(inner.suffix));
        return true;
      }
      const list = Array.isArray(ab) ? ab : [ab];
      return !list.some((x) => x === value);
    }
    if ('numeric' in r) {
      if (typeof value !== 'number') return false;
      const ops = r.numeric as unknown[];
      for (let i = 0; i + 1 < ops.length; i += 2) {
        const op = ops[i];
        const n = Number(ops[i + 1]);
        const ok = op === '=' ? value === n : op === '<' ? value < n : op === '<=' ? value <= n : op === '>' ? value > n : op === '>=' ? value >= n : false;
        if (!ok) return false;
      }
      return true;
    }
    throw new Error(`Unsupported event pattern operator: ${JSON.stringify(rule)}`);
  }
  return present && rule === value;
}

function matchesValues(rules: readonly unknown[], value: unknown, present: boolean): boolean {
  if (present && Array.isArray(value)) {
    // An array in the event matches if any element matches; `exists`/`anything-but` see the array as a whole element-wise.
    if (value.length === 0) return rules.some((r) => typeof r === 'object' && r !== null && 'exists' in r && (r as { exists: boolean }).exists);
    return value.some((v) => rules.some((r) => matchesRule(r, v, true)));
  }
  return rules.some((r) => matchesRule(r, value, present));
}

/** True when `event` (an EventBridge event object, detail parsed) matches `pattern`. */
export function matchesPattern(pattern: Pattern | object, event: Record<string, unknown>): boolean {
  for (const [field, rule] of Object.entries(pattern as Pattern)) {
    const present = event !== null && typeof event === 'object' && Object.prototype.hasOwnProperty.call(event, field) && event[field] !== undefined;
    const value = present ? event[field] : undefined;
    if (Array.isArray(rule)) {
      if (!matchesValues(rule, value, present)) return false;
    } else if (rule !== null && typeof rule === 'object') {
      if (!present || value === null || typeof value !== 'object' || Array.isArray(value)) return false;
      if (!matchesPattern(rule as Pattern, value as Record<string, unknown>)) return false;
    } else {
      throw new Error(`Event pattern field ${field} must be an array or an object`);
    }
  }
  return true;
}
