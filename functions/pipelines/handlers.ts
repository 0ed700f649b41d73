import { httpHandler, json, type HttpRequest } from '#commons/http.ts';
import { conflict, invalid, notFound, staleVersion } from '#commons/errors.ts';
import { DEFAULT_PIPELINE, MAX_PIPELINES, pipelineCreate, pipelinePut, type Pipeline } from '#schemas/pipeline.ts';
import { standardObject } from '#schemas/standard-objects.ts';
import { assertCan } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { getRecord, parse } from '../records/service.ts';
import { opportunityEntityWith } from '../opportunities/entity.ts';
import { loadPipelines, savePipeline } from './store.ts';

/** The opportunity fields a stage may require: the standard ones a deal can hold, and the tenant's `c_` fields. */
async function requiredFieldErrors(p: HttpRequest['principal'], stages: Pipeline['stages']) {
  const custom = await recordDeps().metadata?.customFields(p.tenantId, 'opportunity');
  const known = new Set([
    ...(standardObject('opportunities')?.fields ?? []).map((f) => f.apiName),
    ...(custom?.fields ?? []).filter((f) => f.active).map((f) => f.apiName),
  ]);
  return stages.flatMap((s, i) => s.requiredFields
    .filter((f) => !known.has(f))
    .map((f) => ({ path: `stages.${i}.requiredFields`, message: `No such opportunity field: ${f}`, code: 'unknown_field' })));
}

const versionOf = (ifMatch: string | undefined) => (ifMatch ? Number(ifMatch.replace(/^W\//, '').replace(/"/g, '')) : undefined);

export const pipelineHandlers = {
  /** GET /api/pipelines: every pipeline with its stages (any signed-in user; the board and forms need them). */
  list: httpHandler(async ({ principal }) => json(200, { items: await loadPipelines(principal.tenantId) })),

  /** POST /api/pipelines (admins): a new pipeline. */
  create: httpHandler(async ({ principal, body }) => {
    assertCan(principal, 'pipelines:manage');
    const input = parse(pipelineCreate, body);
    const errors = await requiredFieldErrors(principal, input.stages);
    if (errors.length) throw invalid(errors);
    const all = await loadPipelines(principal.tenantId);
    if (all.some((x) => x.id === input.id)) throw invalid([{ path: 'id', message: `A pipeline ${input.id} exists already`, code: 'duplicate' }]);
    if (all.length >= MAX_PIPELINES) throw invalid([{ path: 'id', message: `At most ${MAX_PIPELINES} pipelines`, code: 'too_many' }]);
    const now = recordDeps().clock().toISOString();
    const saved = await savePipeline(principal.tenantId, { ...input, version: 1, updatedAt: now, updatedBy: principal.userId }, 0);
    if (!saved) throw conflict(`A pipeline ${input.id} was just created by someone else.`);
    return json(201, saved, { etag: `"${saved.version}"`, location: `/api/pipelines/${saved.id}` });
  }),

  /**
   * PUT /api/pipelines/{id} (admins, If-Match): the whole pipeline. A stage that deals are in may be renamed,
   * re-weighted or re-required; its id stays (deals name it). Changing probabilities re-weights a deal at its
   * next move (its probability is copied when it enters a stage, as in Salesforce).
   */
  put: httpHandler(async ({ principal, params, body, headers }) => {
    assertCan(principal, 'pipelines:manage');
    const input = parse(pipelinePut, body);
    const all = await loadPipelines(principal.tenantId);
    const current = all.find((x) => x.id === params.id);
    if (!current) throw notFound('No such pipeline.');
    const errors = await requiredFieldErrors(principal, input.stages);
    const removed = current.stages.filter((s) => !input.stages.some((n) => n.id === s.id)).map((s) => s.id);
    if (params.id === DEFAULT_PIPELINE.id && removed.length) {
      errors.push({ path: 'stages', message: `The default pipeline keeps its stages (${removed.join(', ')}): deals and integrations name them`, code: 'stage_removed' });
    }
    if (errors.length) throw invalid(errors);
    const expected = versionOf(headers['if-match']) ?? current.version;
    if (expected !== current.version) throw staleVersion('Someone else changed this pipeline; reload it.', current.version, current);
    const now = recordDeps().clock().toISOString();
    const saved = await savePipeline(principal.tenantId, { id: current.id, ...input, version: current.version + 1, updatedAt: now, updatedBy: principal.userId }, current.version);
    if (!saved) {
      const fresh = (await loadPipelines(principal.tenantId)).find((x) => x.id === params.id)!;
      throw staleVersion('Someone else changed this pipeline; reload it.', fresh.version, fresh);
    }
    return json(200, saved, { etag: `"${saved.version}"` });
  }),

  /** GET /api/opportunities/{id}/stage-history: every move, newest first (the deal as the caller may see it). */
  stageHistory: httpHandler(async ({ principal, params }) => {
    const deps = recordDeps();
    const entity = opportunityEntityWith(await loadPipelines(principal.tenantId));
    await getRecord(entity, principal, params.id!, deps);
    const entries = (await deps.store.history?.(principal.tenantId, 'opportunity', params.id!, 'stage', 200)) ?? [];
    return json(200, { items: entries.map((e) => ({ ...e.data, at: e.at })) });
  }),
};
