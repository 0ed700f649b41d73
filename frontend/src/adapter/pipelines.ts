import { api } from './http';
import { objectsApi, type AnyRecord, type Localized, type ViewWhere } from './objects';
import type { Page } from './records';

/**
 * Pipelines and stages (issue 8, SFA-4): `GET/POST/PUT /api/pipelines`, the opportunities of one stage for
 * the board (the generic list, `where[pipelineId][eq]` and `where[stage][eq]`), a stage move (a PATCH of the
 * opportunity with If-Match: 412 when someone changed it first, 400 naming the fields the stage needs) and
 * `GET /api/opportunities/{id}/stage-history`. Shapes as the contract names them.
 */
export type StageKind = 'open' | 'won' | 'lost';
export interface Stage {
  id: string;
  /** `{en, zh-CN}`; a stage without one is shown by the opportunity stage picklist's label, else its id. */
  label?: Localized;
  probability: number;
  kind: StageKind;
  /** Opportunity fields (api names) a deal must have to enter the stage. */
  requiredFields?: string[];
}
export interface Pipeline {
  id: string;
  name: Localized;
  stages: Stage[];
  version?: number;
}
export type PipelineInput = Pick<Pipeline, 'name' | 'stages'> & { id?: string };

export type ForecastCategory = 'pipeline' | 'bestCase' | 'commit' | 'omitted';
export const FORECAST_CATEGORIES: readonly ForecastCategory[] = ['pipeline', 'bestCase', 'commit', 'omitted'];

export interface Money {
  amount: number;
  currency: string;
}
/** An opportunity as the board shows it (any custom fields ride along). */
export interface Deal extends AnyRecord {
  accountId?: string;
  amount?: Money;
  closeDate?: string;
  pipelineId?: string;
  stage?: string;
  forecastCategory?: ForecastCategory;
  lostReason?: string;
}

export interface StageChange {
  from: string | null;
  to: string;
  at: string;
  by: string;
  /** Time spent in `from`, if the server says. */
  durationMs?: number;
}

const seg = (s: string) => encodeURIComponent(s);
/** Cards fetched per column at a time. */
export const BOARD_PAGE = 20;

export const pipelinesApi = {
  list: () => api.get<{ items: Pipeline[] }>('/api/pipelines').then((r) => r.data.items),
  create: (p: PipelineInput) => api.post<Pipeline>('/api/pipelines', p).then((r) => r.data),
  update: (id: string, p: PipelineInput, etag?: string) =>
    api.put<Pipeline>(`/api/pipelines/${seg(id)}`, p, etag ? { 'if-match': etag } : undefined).then((r) => r.data),
  /** One column of the board: the deals of `stage` in `pipelineId` matching `where` (owner, saved view…). */
  column: (pipelineId: string, stage: string, where: ViewWhere, cursor?: string | null, signal?: AbortSignal): Promise<Page<Deal>> =>
    objectsApi.list(
      'opportunities',
      { limit: BOARD_PAGE, cursor, sort: ['closeDate'], where: { ...where, pipelineId: { eq: pipelineId }, stage: { eq: stage } } },
      signal,
    ) as Promise<Page<Deal>>,
  get: (id: string) => objectsApi.get('opportunities', id) as Promise<{ data: Deal; etag?: string; status: number }>,
  /** Moves a deal (and fills in what the stage needs): If-Match the version the card showed. */
  move: (id: string, changes: Record<string, unknown>, etag: string) =>
    objectsApi.update('opportunities', id, changes, etag) as Promise<{ data: Deal; etag?: string; status: number }>,
  stageHistory: (id: string) => api.get<{ items: StageChange[] }>(`/api/opportunities/${seg(id)}/stage-history`).then((r) => r.data.items),
};
