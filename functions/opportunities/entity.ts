import { opportunitySchemas } from '#schemas/opportunity.ts';
import { DEFAULT_PIPELINE, type Pipeline, type Stage } from '#schemas/pipeline.ts';
import { forecastDeltas } from './forecast-contribution.ts';
import type { EntityDefinition } from '../records/entity.ts';
import type { HistoryEntry } from '../records/store.ts';
import { claimCounters, claimEnds } from '../records/pool-claims.ts';

/** Open for the shared pool's claim count: not won or lost. */
const openDeal = (r: Record<string, unknown>) => r.stageKind !== 'won' && r.stageKind !== 'lost';

type Fields = Record<string, unknown>;
type FieldError = { path: string; message: string; code: string };

const pipelineOf = (pipelines: readonly Pipeline[], f: Fields) =>
  pipelines.find((p) => p.id === (typeof f.pipelineId === 'string' ? f.pipelineId : DEFAULT_PIPELINE.id));
const stageOf = (pipelines: readonly Pipeline[], f: Fields): Stage | undefined => pipelineOf(pipelines, f)?.stages.find((s) => s.id === f.stage);
const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
const moved = (before: Fields | undefined, after: Fields) =>
  !before || before.stage !== after.stage || (before.pipelineId ?? DEFAULT_PIPELINE.id) !== (after.pipelineId ?? DEFAULT_PIPELINE.id);

/**
 * What entering `after`'s stage asks of the deal: the pipeline and stage exist, the stage's required fields
 * are filled in, a lost stage has a lost reason. Checked only when the stage moves (or the deal is new), so a
 * field an admin makes required later does not block other edits of deals already there.
 */
function stageErrors(pipelines: readonly Pipeline[], before: Fields | undefined, after: Fields): FieldError[] {
  const pipeline = pipelineOf(pipelines, after);
  if (!pipeline) return [{ path: 'pipelineId', message: `No such pipeline: ${String(after.pipelineId)}`, code: 'unknown_pipeline' }];
  const stage = pipeline.stages.find((s) => s.id === after.stage);
  if (!stage) return [{ path: 'stage', message: `Not a stage of pipeline ${pipeline.id}: ${String(after.stage)} (one of ${pipeline.stages.map((s) => s.id).join(', ')})`, code: 'unknown_stage' }];
  if (!moved(before, after)) return [];
  const errors: FieldError[] = stage.requiredFields
    .filter((f) => isEmpty(after[f]))
    .map((f) => ({ path: f, message: `Needed to enter the stage ${stage.label.en}`, code: 'required_for_stage' }));
  if (stage.kind === 'lost' && isEmpty(after.lostReason) && !errors.some((e) => e.path === 'lostReason')) {
    errors.push({ path: 'lostReason', message: 'Say why the deal was lost', code: 'required_for_stage' });
  }
  return errors;
}

/**
 * SFA-4 opportunities in the tenant's pipelines. The entity is made per request with the tenant's pipelines
 * (functions/units/sales.ts loads them): the stage rules, the server-set fields (probability, stage kind,
 * closedAt, stageEnteredAt, the forecast category of a closed deal), the stage history and the forecast
 * aggregates all follow from them, in the record kernel's one transaction.
 */
export function opportunityEntityWith(pipelines: readonly Pipeline[]): EntityDefinition {
  const stageIds = [...new Set(pipelines.flatMap((p) => p.stages.map((s) => s.id)))];
  const schemas = opportunitySchemas(stageIds);
  return {
    type: 'opportunity',
    plural: 'opportunities',
    createSchema: schemas.create as EntityDefinition['createSchema'],
    updateSchema: schemas.update as EntityDefinition['updateSchema'],
    displayName: (f) => String(f.name ?? '').trim(),
    defaults: { pipelineId: DEFAULT_PIPELINE.id },
    listOptions: { stage: stageIds, pipelineId: pipelines.map((p) => p.id) },
    phoneFields: [],
    uniqueFields: [],
    searchFields: [],
    parent: { field: 'accountId', type: 'account', nameField: 'accountName' },
    // The account's list of deals shows each one's stage; the follow-up watchdog asks it which are still open.
    linkFields: ['stage', 'stageKind', 'closeDate'],
    derive(before, after, at) {
      const out: Fields = {};
      const pipeline = pipelineOf(pipelines, after);
      if (!after.pipelineId) out.pipelineId = DEFAULT_PIPELINE.id;
      if (!after.stage && pipeline) out.stage = pipeline.stages.find((s) => s.kind === 'open')?.id ?? pipeline.stages[0]!.id;
      const next = { ...after, ...out };
      const stage = stageOf(pipelines, next);
      if (!stage) return out;
      if (moved(before, next)) {
        out.probability = stage.probability;
        out.stageKind = stage.kind;
        out.stageEnteredAt = at;
        if (stage.kind !== 'open') out.closedAt = at;
        else if (next.closedAt) out.closedAt = undefined;
        if (stage.kind === 'lost') out.forecastCategory = 'omitted';
        else if (stage.kind === 'won') out.forecastCategory = 'commit';
        // Reopened: back to pipeline unless the same change says otherwise.
        else if (before && before.stageKind !== undefined && before.stageKind !== 'open' && next.forecastCategory === before.forecastCategory) out.forecastCategory = 'pipeline';
        if (stage.kind !== 'lost' && next.lostReason !== undefined) out.lostReason = undefined;
      }
      if ((next.forecastCategory ?? out.forecastCategory) === undefined) out.forecastCategory = 'pipeline';
      if (claimEnds(before, { ...next, ...out }, openDeal)) out.claimedBy = undefined;
      return out;
    },
    validateNew: (f) => stageErrors(pipelines, undefined, f),
    validateChange: (before, after) => stageErrors(pipelines, before, after),
    changeExtras: (before, after) => {
      const counters = claimCounters(before, after, openDeal);
      return {
        ...(moved(before, after) ? { verb: 'stage_changed', timelineType: 'stage-changed', timelineData: { from: before.stage ?? null, to: after.stage } } : {}),
        ...(counters.length ? { counters } : {}),
      };
    },
    history(before, after, at, by): HistoryEntry[] {
      if (!moved(before, after)) return [];
      const entered = typeof before?.stageEnteredAt === 'string' ? Date.parse(before.stageEnteredAt) : NaN;
      return [{
        kind: 'stage', id: `v${String(after.version ?? 1)}`, at,
        data: {
          from: before ? (before.stage ?? null) : null, to: after.stage, by: by.id, byName: by.name,
          ...(Number.isFinite(entered) ? { msInStage: Date.parse(at) - entered } : {}),
        },
      }];
    },
    aggregates: (before, after) => forecastDeltas(pipelines, before, after),
  };
}

/** The entity with the default pipeline only (tests and code that has not loaded the tenant's pipelines). */
export const opportunityEntity: EntityDefinition = opportunityEntityWith([DEFAULT_PIPELINE]);
