import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { invalid, staleVersion, type FieldError } from '#commons/errors.ts';
import { httpHandler, json } from '#commons/http.ts';
import { keys } from '#commons/keys.ts';
import { npsSettings, type NpsSettings } from '#schemas/nps.ts';
import { assertCan, type Actor } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { etag, parse, viewVisible } from '../records/service.ts';
import { DynamoViewStore } from '../views/store.ts';
import { nextRound } from './cadence.ts';
import { NoSegment, runRound } from './round.ts';
import { ensureNpsSchedule } from './schedule.ts';
import { loadNpsSettings, NpsSettingsChanged, saveNpsSettings, type RoundCheckpoint } from './store.ts';

/**
 * The NPS program's routes (SVC-5): `GET /api/settings/nps` (every signed-in user; the ETag is the version;
 * with when the next round is and what the last one did), `PUT /api/settings/nps` (admins: the whole program,
 * If-Match, every bad field named; saving it puts the tenant's recurring schedule) and
 * `POST /api/settings/nps/send` (admins: run this round now, within the request's time budget; again goes on).
 */
const SEND_BUDGET_MS = 15_000;
/** Read-only parts of the GET, which a client may send back with the PUT. */
const READ_ONLY = ['nextRoundAt', 'lastRound'];

async function lastRound(tenantId: string): Promise<RoundCheckpoint | undefined> {
  const res = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ScanIndexForward: false, Limit: 1,
    ExpressionAttributeValues: { ':pk': keys.config(tenantId), ':p': 'nps-round#' },
  }));
  const item = res.Items?.[0];
  if (!item) return undefined;
  const { pk: _p, sk: _s, entityType: _e, cursor: _c, ...rest } = item;
  return rest as RoundCheckpoint;
}

const present = (settings: NpsSettings, now: Date, last: RoundCheckpoint | undefined) => ({
  ...settings,
  nextRoundAt: settings.enabled && settings.segmentViewId ? nextRound(settings, now).toISOString() : null,
  lastRound: last ?? null,
});

/** What the schema cannot see: the segment is a contact view the admin may use, and a program on has one. */
async function segmentErrors(p: Actor, s: NpsSettings): Promise<FieldError[]> {
  if (!s.segmentViewId) return s.enabled ? [{ path: 'segmentViewId', message: 'Choose the segment to survey', code: 'required' }] : [];
  const view = await new DynamoViewStore().get(p.tenantId, 'contacts', s.segmentViewId);
  if (!view || !(await viewVisible(p, view, recordDeps()))) return [{ path: 'segmentViewId', message: 'No such view of contacts', code: 'unknown_view' }];
  return [];
}

export const npsHandlers = {
  settings: httpHandler(async ({ principal }) => {
    const [{ settings, version }, last] = await Promise.all([loadNpsSettings(principal.tenantId), lastRound(principal.tenantId)]);
    return json(200, present(settings, recordDeps().clock(), last), { etag: etag(version) });
  }),

  putSettings: httpHandler(async ({ principal, body, headers }) => {
    assertCan(principal, 'service-desk:manage');
    const raw = body && typeof body === 'object' && !Array.isArray(body)
      ? Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => !READ_ONLY.includes(k))) : body;
    const input = parse(npsSettings, raw);
    const errors = await segmentErrors(principal, input);
    if (errors.length) throw invalid(errors);
    const current = await loadNpsSettings(principal.tenantId);
    const ifMatch = headers['if-match'];
    const expected = ifMatch && ifMatch !== '*' ? Number(ifMatch.replace(/^W\//, '').replace(/"/g, '')) : current.version;
    const stale = () => staleVersion('Someone else changed the NPS settings; reload them.', current.version, current.settings);
    if (expected !== current.version) throw stale();
    const now = recordDeps().clock();
    let version: number;
    try {
      version = await saveNpsSettings(principal.tenantId, input, current.version, now.toISOString());
    } catch (error) {
      if (error instanceof NpsSettingsChanged) throw stale();
      throw error;
    }
    await ensureNpsSchedule(principal.tenantId, input);
    return json(200, present(input, now, await lastRound(principal.tenantId)), { etag: etag(version) });
  }),

  sendNow: httpHandler(async ({ principal }) => {
    assertCan(principal, 'service-desk:manage');
    try {
      const result = await runRound(principal.tenantId, { budgetMs: SEND_BUDGET_MS });
      return json(200, result);
    } catch (error) {
      if (error instanceof NoSegment) throw invalid([{ path: 'segmentViewId', message: error.message, code: 'required' }], error.message);
      throw error;
    }
  }),
};
