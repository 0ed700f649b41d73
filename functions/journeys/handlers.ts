import { invalid, notFound, staleVersion, type FieldError } from '#commons/errors.ts';
import { httpHandler, json } from '#commons/http.ts';
import { isId } from '#commons/ids.ts';
import { EMAIL_TEMPLATE_TYPE } from '#schemas/marketing/template-object.ts';
import { journeyInput, type JourneyInput } from '#schemas/marketing/journey.ts';
import { contactEntity } from '../contacts/entity.ts';
import { loadTemplate } from '../email-templates/render.ts';
import { DynamoViewStore } from '../views/store.ts';
import { leadEntity } from '../leads/entity.ts';
import { assertCan, type Actor } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { etag, loadRecord, parse } from '../records/service.ts';
import type { StoredRun } from './store.ts';
import { createJourney, getJourney, JourneyChanged, listJourneys, runsOf, saveJourney, setStatus, type StoredJourney } from './store.ts';
import { validateJourney } from './validate.ts';

/**
 * The journeys' routes (MA-3): build and change a journey (every bad field in one 400; If-Match, 412 when
 * stale; saving makes a new version), activate and pause it, read its per-step counts (kept by the engine's
 * transitions, never counted from runs) and where a person is in it or in every journey. Marketers and admins
 * manage; everyone reads; a person's place is shown only to those who may read the person.
 */
const READ_ONLY = ['id', 'status', 'version', 'liveVersion', 'counts', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'activatedAt', 'pausedAt'];

const countsOf = (j: StoredJourney) => ({
  entered: j.counters.entered ?? 0, active: j.counters.active ?? 0, exited: j.counters.exited ?? 0, completed: j.counters.completed ?? 0,
});

export function present(j: StoredJourney) {
  const { counters: _c, ...rest } = j;
  return { ...rest, counts: countsOf(j) };
}

export function stepStats(j: StoredJourney) {
  const steps: Record<string, { here: number; waiting: number; exited: number; done: number }> = {};
  for (const s of j.steps) steps[s.id] = { here: 0, waiting: 0, exited: 0, done: 0 };
  for (const [k, n] of Object.entries(j.counters)) {
    const m = /^(.+)\.(here|waiting|exited|done)$/.exec(k);
    if (!m) continue;
    const s = (steps[m[1]!] ??= { here: 0, waiting: 0, exited: 0, done: 0 });
    s[m[2] as 'here'] = Math.max(0, n);
  }
  return { journeyId: j.id, version: j.version, ...(j.liveVersion ? { liveVersion: j.liveVersion } : {}), counts: countsOf(j), steps };
}

const stripReadOnly = (body: unknown) => (body && typeof body === 'object' && !Array.isArray(body)
  ? Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => !READ_ONLY.includes(k))) : body);

/** Templates the journey's emails name must exist. */
async function templateErrors(tenantId: string, input: JourneyInput): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  for (const [i, s] of input.steps.entries()) {
    if (s.type !== 'sendEmail' || !s.templateId) continue;
    let found: boolean;
    try {
      found = !!(await loadTemplate(tenantId, s.templateId));
    } catch {
      // Until the templates part lands, its records are read where the record kernel keeps them.
      const r = isId(s.templateId) ? await recordDeps().store.get(tenantId, EMAIL_TEMPLATE_TYPE, s.templateId) : undefined;
      found = !!r && !r.deletedAt;
    }
    if (!found) errors.push({ path: `steps.${i}.templateId`, message: `No email template ${s.templateId}`, code: 'unknown_template' });
  }
  const segmentId = input.trigger.event === 'segment.joined' ? input.trigger.segmentId : undefined;
  if (segmentId) {
    const views = new DynamoViewStore();
    const [asLeads, asContacts] = await Promise.all([views.get(tenantId, 'leads', segmentId), views.get(tenantId, 'contacts', segmentId)]);
    if (!asLeads && !asContacts) errors.push({ path: 'trigger.segmentId', message: `No segment (saved view of leads or contacts) ${segmentId}`, code: 'unknown_segment' });
  }
  for (const [i, s] of input.steps.entries()) {
    if (s.type !== 'addToCampaign' || !s.campaignId) continue;
    const campaign = isId(s.campaignId) ? await recordDeps().store.get(tenantId, 'campaign', s.campaignId) : undefined;
    if (!campaign || campaign.deletedAt) errors.push({ path: `steps.${i}.campaignId`, message: `No campaign ${s.campaignId}`, code: 'unknown_campaign' });
  }
  return errors;
}

async function readInput(tenantId: string, body: unknown): Promise<JourneyInput> {
  const input = parse(journeyInput, stripReadOnly(body));
  const errors = validateJourney(input);
  errors.push(...(await templateErrors(tenantId, input)));
  if (errors.length) throw invalid(errors);
  return input;
}

async function load(p: Actor, id: string): Promise<StoredJourney> {
  const j = isId(id) ? await getJourney(p.tenantId, id, true) : undefined;
  if (!j) throw notFound(`No journey with id ${isId(id) ? id : '(invalid)'}.`);
  return j;
}

function expectVersion(ifMatch: string | undefined, j: StoredJourney) {
  if (!ifMatch || ifMatch === '*') return;
  const v = Number(ifMatch.replace(/^W\//, '').replace(/"/g, ''));
  if (v !== j.version) throw staleVersion('Someone else changed this journey; reload it.', j.version, present(j));
}
const stale = (j: StoredJourney) => staleVersion('Someone else changed this journey; reload it.', j.version, present(j));
const by = (p: Actor) => ({ id: p.userId, name: p.name });

/** The person's record (lead or contact) if the caller may read it; else 404, as for any record. */
async function readablePerson(p: Actor, object: 'leads' | 'contacts', id: string) {
  return loadRecord(object === 'leads' ? leadEntity : contactEntity, p, id, recordDeps());
}

function presentRun(run: StoredRun, journey: StoredJourney | undefined) {
  const { rev: _r, acting: _a, waitEvent, ...rest } = run;
  const step = journey && run.version === journey.version ? journey.steps.find((s) => s.id === run.stepId) : undefined;
  return {
    ...rest, journeyName: journey?.name, ...(waitEvent ? { waitingFor: waitEvent } : {}),
    ...(step ? { stepType: step.type } : {}),
    history: [...run.history].reverse(),
  };
}

export const journeyHandlers = {
  list: httpHandler(async ({ principal }) => {
    assertCan(principal, 'journeys:read');
    const items = (await listJourneys(principal.tenantId)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return json(200, { items: items.map(present), nextCursor: null });
  }),

  create: httpHandler(async ({ principal, body }) => {
    assertCan(principal, 'journeys:manage');
    const input = await readInput(principal.tenantId, body);
    const deps = recordDeps();
    const now = deps.clock();
    const j = await createJourney(principal.tenantId, deps.newId(now), input, by(principal), now.toISOString(), deps.newId(now));
    return json(201, present(j), { etag: etag(j.version), location: `/api/journeys/${j.id}` });
  }),

  get: httpHandler(async ({ principal, params }) => {
    assertCan(principal, 'journeys:read');
    const j = await load(principal, params.id!);
    return json(200, present(j), { etag: etag(j.version) });
  }),

  update: httpHandler(async ({ principal, params, body, headers }) => {
    assertCan(principal, 'journeys:manage');
    const current = await load(principal, params.id!);
    expectVersion(headers['if-match'], current);
    const input = await readInput(principal.tenantId, body);
    const deps = recordDeps();
    const now = deps.clock();
    try {
      const j = await saveJourney(principal.tenantId, current, input, by(principal), now.toISOString(), deps.newId(now));
      return json(200, present(j), { etag: etag(j.version) });
    } catch (error) {
      if (error instanceof JourneyChanged) throw stale(await load(principal, params.id!));
      throw error;
    }
  }),

  activate: statusRoute('active'),
  pause: statusRoute('paused'),

  stats: httpHandler(async ({ principal, params }) => {
    assertCan(principal, 'journeys:read');
    return json(200, stepStats(await load(principal, params.id!)));
  }),

  member: httpHandler(async ({ principal, params }) => {
    assertCan(principal, 'journeys:read');
    const j = await load(principal, params.id!);
    const recordId = params.recordId!;
    const run = isId(recordId) ? (await runsOf(principal.tenantId, recordId)).find((r) => r.journeyId === j.id) : undefined;
    if (!run) throw notFound(`Record ${isId(recordId) ? recordId : '(invalid)'} has never been in this journey.`);
    await readablePerson(principal, run.object, run.recordId);
    return json(200, presentRun(run, j));
  }),

  ofRecord: httpHandler(async ({ principal, params }) => {
    assertCan(principal, 'journeys:read');
    const recordId = params.recordId!;
    const runs = isId(recordId) ? await runsOf(principal.tenantId, recordId) : [];
    if (runs[0]) await readablePerson(principal, runs[0].object, recordId);
    const journeys = new Map((await Promise.all([...new Set(runs.map((r) => r.journeyId))].map((id) => getJourney(principal.tenantId, id)))).filter((j): j is StoredJourney => !!j).map((j) => [j.id, j]));
    const items = runs.map((r) => presentRun(r, journeys.get(r.journeyId)))
      .sort((a, b) => Number(b.status === 'active' || b.status === 'waiting') - Number(a.status === 'active' || a.status === 'waiting') || b.enteredAt.localeCompare(a.enteredAt));
    return json(200, { items });
  }),
};

function statusRoute(status: 'active' | 'paused') {
  return httpHandler(async ({ principal, params, headers }) => {
    assertCan(principal, 'journeys:manage');
    const current = await load(principal, params.id!);
    expectVersion(headers['if-match'], current);
    if (current.status === status && (status === 'paused' || current.liveVersion === current.version)) return json(200, present(current), { etag: etag(current.version) });
    if (status === 'active') {
      // Templates may have gone since the journey was saved.
      const errors = await templateErrors(principal.tenantId, current);
      if (errors.length) throw invalid(errors, 'The journey names email templates that do not exist.');
    }
    const deps = recordDeps();
    const now = deps.clock();
    try {
      const j = await setStatus(principal.tenantId, current, status, by(principal), now.toISOString(), deps.newId(now));
      return json(200, present(j), { etag: etag(j.version) });
    } catch (error) {
      if (error instanceof JourneyChanged) throw stale(await load(principal, params.id!));
      throw error;
    }
  });
}
