/** Form values ↔ API bodies. Empty strings mean "no value"; on update only changed fields are sent, null clears. */
export type FormValue = string | number | string[] | { amount: number; currency: string } | null | undefined;

export function normalize(v: unknown): FormValue {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (Array.isArray(v)) {
    const arr = v.map((x) => String(x).trim()).filter(Boolean);
    return arr.length ? arr : undefined;
  }
  return v as FormValue;
}

const same = (a: FormValue, b: FormValue) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function createBody(fields: readonly string[], form: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = normalize(form[f]);
    if (v !== undefined) body[f] = v;
  }
  return body;
}

export function changedBody(fields: readonly string[], form: Record<string, unknown>, original: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = normalize(form[f]);
    if (!same(v, normalize(original[f]))) body[f] = v === undefined ? null : v;
  }
  return body;
}
