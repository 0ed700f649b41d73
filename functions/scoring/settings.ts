import { randomBytes } from 'node:crypto';
import { invalid, staleVersion, type FieldError } from '#commons/errors.ts';
import { STANDARD_OBJECT_DEFINITIONS } from '#schemas/standard-objects.ts';
import { scoringProblems, scoringSettingsInput, type ScoringSettings } from '#schemas/marketing/scoring.ts';
import { toFieldIssues } from '#schemas/validation.ts';
import { assertCan, type Actor } from '../policy/policy.ts';
import type { RecordDeps } from '../records/service.ts';
import { loadScoring, saveScoring, ScoringSettingsChanged, type StoredScoring } from './store.ts';

/** GET/PUT /api/scoring: the tenant's scoring rules (marketers and admins change them; everyone reads them). */

const OPS = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'isEmpty'];
/** Fields scoring itself writes: a rule on them would feed on its own output. */
const NOT_SCORABLE = new Set(['score', 'scoreBreakdown', 'mql', 'mqlAt']);

async function leadFields(tenantId: string, deps: Pick<RecordDeps, 'metadata'>): Promise<Set<string>> {
  const standard = (STANDARD_OBJECT_DEFINITIONS.find((o) => o.apiName === 'leads')?.fields ?? []).map((f) => f.apiName);
  const custom = deps.metadata ? (await deps.metadata.customFields(tenantId, 'lead')).fields.filter((f) => f.active).map((f) => f.apiName) : [];
  return new Set([...standard, 'name', 'ownerId', 'tags', 'createdAt', ...custom].filter((f) => !NOT_SCORABLE.has(f)));
}

export const presentScoring = (s: StoredScoring) => ({
  enabled: s.settings.enabled !== false, threshold: s.settings.threshold, rules: s.settings.rules, decay: s.settings.decay, version: s.version,
  ...(s.updatedAt ? { updatedAt: s.updatedAt } : {}), ...(s.updatedBy ? { updatedBy: s.updatedBy } : {}),
});

export async function putScoring(p: Actor, body: unknown, ifMatch: string | undefined, deps: RecordDeps): Promise<StoredScoring> {
  assertCan(p, 'scoring:manage');
  const raw = body && typeof body === 'object' && !Array.isArray(body)
    ? Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => !['version', 'updatedAt', 'updatedBy'].includes(k))) : body;
  const parsed = scoringSettingsInput.safeParse(raw ?? {});
  const errors: FieldError[] = parsed.success ? [] : toFieldIssues(parsed.error.issues);
  if (parsed.success) {
    errors.push(...scoringProblems(parsed.data));
    const fields = await leadFields(p.tenantId, deps);
    parsed.data.rules.forEach((r, i) => {
      for (const [field, clauses] of Object.entries(r.where ?? {})) {
        if (!fields.has(field)) errors.push({ path: `rules.${i}.where.${field}`, message: `Leads have no field ${field}`, code: 'unknown_field' });
        for (const op of Object.keys(clauses)) {
          if (!OPS.includes(op)) errors.push({ path: `rules.${i}.where.${field}.${op}`, message: `Unknown operator; use one of ${OPS.join(', ')}`, code: 'unknown_operator' });
        }
      }
    });
  }
  if (errors.length || !parsed.success) throw invalid(errors);
  const current = await loadScoring(p.tenantId);
  const expected = ifMatch && ifMatch !== '*' ? Number(ifMatch.replace(/^W\//, '').replace(/"/g, '')) : current.version;
  const stale = () => staleVersion('Someone else changed the scoring rules; reload them.', current.version, presentScoring(current));
  if (expected !== current.version) throw stale();
  // Every rule keeps its id (a lead's breakdown names it); a new rule gets one.
  const settings: ScoringSettings = {
    enabled: parsed.data.enabled ?? true,
    threshold: parsed.data.threshold,
    decay: parsed.data.decay,
    rules: parsed.data.rules.map((r) => ({
      id: r.id ?? `r-${randomBytes(5).toString('hex')}`,
      ...(r.label ? { label: r.label } : {}), ...(r.where && Object.keys(r.where).length ? { where: r.where } : {}), ...(r.event ? { event: r.event } : {}),
      points: r.points,
    })),
  };
  const now = deps.clock().toISOString();
  const by = { id: p.userId, name: p.name };
  try {
    const version = await saveScoring(p.tenantId, settings, current.version, now, by);
    return { settings, version, updatedAt: now, updatedBy: by };
  } catch (error) {
    if (error instanceof ScoringSettingsChanged) throw stale();
    throw error;
  }
}
