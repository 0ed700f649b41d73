import type { Clock } from '#commons/clock.ts';
import { conflict, invalid, notFound, type FieldError } from '#commons/errors.ts';
import { STANDARD_OBJECTS, isCustomName, isStandardObject } from '#schemas/metadata.ts';
import { toFieldIssues } from '#schemas/validation.ts';
import { MAX_VIEWS_PER_OBJECT, lastViewPut, viewCreate, viewUpdate, type SavedView } from '#schemas/view.ts';
import { PolicyDenied, canEditView, canSeeView, type Actor, type ViewAccess } from '../policy/policy.ts';
import type { CustomFieldSource } from '../metadata/custom-fields.ts';
import { fieldTypesOf, listFields, parseSort, parseWhere, type ListField } from '../records/list-query.ts';
import type { DirectoryUser, ListSpec } from '../records/store.ts';
import { ViewVersionConflict, type ViewStore } from './store.ts';

/**
 * Saved views and segments (CD-3): create, list what the caller may see, change and delete (owner or admin),
 * count a segment, and remember the last view a user used on an object. A view's columns, filters and sort are
 * checked against the object's fields for its owner, naming every bad path.
 */
export interface ViewDeps {
  readonly views: ViewStore;
  readonly records: {
    getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined>;
    count(tenantId: string, type: string, spec: ListSpec): Promise<{ count: number; exact: boolean; examined: number }>;
  };
  readonly metadata?: CustomFieldSource;
  readonly clock: Clock;
  readonly newId: (now: Date) => string;
}

/** A view's id carries its object (`vw-<object>-<ulid>`), so one GetItem finds it. */
const VIEW_ID = /^vw-([A-Za-z][A-Za-z0-9_]{0,63})-([0-9A-Za-z]{10,40})$/;
const objectOfId = (id: string) => VIEW_ID.exec(id)?.[1];

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Parameters<typeof toFieldIssues>[0] } } }, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw invalid(toFieldIssues(result.error.issues));
  return result.data;
}

/** The record type of an object the views know: a standard object, or an active custom one of the tenant (its API name). */
async function recordTypeOf(p: Actor, object: string, deps: ViewDeps): Promise<string | undefined> {
  if (isStandardObject(object)) return STANDARD_OBJECTS[object];
  if (!isCustomName(object) || !deps.metadata?.tenant) return undefined;
  const meta = await deps.metadata.tenant(p.tenantId);
  return meta.objects.some((o) => o.apiName === object && o.active) ? object : undefined;
}

async function fieldsFor(p: Actor, type: string, deps: ViewDeps): Promise<Map<string, ListField>> {
  const custom = deps.metadata ? await deps.metadata.customFields(p.tenantId, type) : undefined;
  return listFields(type, p, custom);
}

/** Every bad column, width, clause and sort key of a view, by its path. */
function checkView(view: Pick<SavedView, 'columns' | 'where' | 'sort'> & { widths?: Record<string, number> | undefined }, fields: Map<string, ListField>): FieldError[] {
  const errors: FieldError[] = [];
  view.columns.forEach((c, i) => {
    const f = fields.get(c);
    if (!f) errors.push({ path: `columns.${i}`, message: `No field ${c} on this object`, code: 'unknown_field' });
    else if (!f.readable) errors.push({ path: `columns.${i}`, message: 'Your role may not read this field', code: 'field_not_readable' });
  });
  if (new Set(view.columns).size !== view.columns.length) errors.push({ path: 'columns', message: 'Each column at most once', code: 'duplicate' });
  for (const k of Object.keys(view.widths ?? {})) if (!view.columns.includes(k)) errors.push({ path: `widths.${k}`, message: 'Not a column of this view', code: 'unknown_field' });
  const clauses = Object.entries(view.where).flatMap(([field, ops]) => Object.entries(ops).map(([op, raw]) => ({ field, op, raw, path: `where.${field}.${op}` })));
  errors.push(...parseWhere(clauses, fields).errors);
  if (view.sort.length) errors.push(...parseSort(view.sort, fields, (i) => `sort.${i}`).errors);
  return errors;
}

/** Who the view's owner and the reader report to: what "team" is decided by (functions/policy/policy.ts). */
async function accessOf(p: Actor, view: SavedView, deps: ViewDeps, me?: DirectoryUser | null, owners?: Map<string, DirectoryUser | undefined>): Promise<ViewAccess> {
  const base = { shared: view.shared, ownerId: view.ownerId };
  if (view.shared !== 'team' || view.ownerId === p.userId) return base;
  const reader = me === undefined ? await deps.records.getUser(p.tenantId, p.userId) : me ?? undefined;
  let owner = owners?.get(view.ownerId);
  if (!owners?.has(view.ownerId)) {
    owner = await deps.records.getUser(p.tenantId, view.ownerId);
    owners?.set(view.ownerId, owner);
  }
  return { ...base, ...(owner?.managerId ? { ownerManagerId: owner.managerId } : {}), ...(reader?.managerId ? { readerManagerId: reader.managerId } : {}) };
}

async function loadVisible(p: Actor, id: string, deps: ViewDeps): Promise<SavedView> {
  const object = objectOfId(id);
  const view = object ? await deps.views.get(p.tenantId, object, id) : undefined;
  if (!view || !canSeeView(p, await accessOf(p, view, deps))) throw notFound('No such view.');
  return view;
}

export async function createView(p: Actor, body: unknown, deps: ViewDeps): Promise<SavedView> {
  const input = parse(viewCreate, body);
  const type = await recordTypeOf(p, input.object, deps);
  if (!type) throw invalid([{ path: 'object', message: 'No such object', code: 'unknown_object' }]);
  const view = {
    columns: input.columns, where: input.where ?? {}, sort: input.sort ?? [], ...(input.widths ? { widths: input.widths } : {}),
  };
  const errors = checkView(view, await fieldsFor(p, type, deps));
  if (errors.length) throw invalid(errors);
  if ((await deps.views.listOf(p.tenantId, input.object)).length >= MAX_VIEWS_PER_OBJECT) {
    throw invalid([{ path: 'object', message: `At most ${MAX_VIEWS_PER_OBJECT} views per object`, code: 'too_many' }]);
  }
  const now = deps.clock();
  const saved: SavedView = {
    id: `vw-${input.object}-${deps.newId(now)}`, object: input.object, name: input.name, shared: input.shared, ...view,
    ...(input.density ? { density: input.density } : {}), segment: input.segment ?? false,
    ownerId: p.userId, version: 1, createdAt: now.toISOString(), updatedAt: now.toISOString(),
  };
  await deps.views.put(p.tenantId, saved);
  return saved;
}

/** The views of an object the caller may see (own first, then by name) and the one they last used. */
export async function listViews(p: Actor, query: Record<string, string | undefined>, deps: ViewDeps): Promise<{ items: SavedView[]; lastViewId: string | null }> {
  const object = query.object;
  if (!object || !(await recordTypeOf(p, object, deps))) throw invalid([{ path: 'object', message: 'Name an object, e.g. ?object=contacts', code: 'unknown_object' }]);
  const [all, me, last] = await Promise.all([
    deps.views.listOf(p.tenantId, object), deps.records.getUser(p.tenantId, p.userId), deps.views.lastUsed(p.tenantId, p.userId, object),
  ]);
  const owners = new Map<string, DirectoryUser | undefined>();
  const items: SavedView[] = [];
  for (const v of all) if (canSeeView(p, await accessOf(p, v, deps, me ?? null, owners))) items.push(v);
  items.sort((a, b) => Number(b.ownerId === p.userId) - Number(a.ownerId === p.userId) || a.name.localeCompare(b.name));
  return { items, lastViewId: last && items.some((v) => v.id === last) ? last : null };
}

export const getView = (p: Actor, id: string, deps: ViewDeps): Promise<SavedView> => loadVisible(p, id, deps);

export async function updateView(p: Actor, id: string, body: unknown, deps: ViewDeps): Promise<SavedView> {
  const patch = parse(viewUpdate, body);
  const current = await loadVisible(p, id, deps);
  if (!canEditView(p, { shared: current.shared, ownerId: current.ownerId })) throw new PolicyDenied('Only the owner of a view (or an admin) may change it.', 'view:edit');
  const { widths, density, ...rest } = patch;
  const next: SavedView = { ...current, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
  if (widths === null) delete next.widths;
  else if (widths) next.widths = widths;
  if (density === null) delete next.density;
  else if (density) next.density = density;
  const errors = checkView(next, await fieldsFor(p, (await recordTypeOf(p, current.object, deps)) ?? current.object, deps));
  if (errors.length) throw invalid(errors);
  const saved = { ...next, version: current.version + 1, updatedAt: deps.clock().toISOString() };
  try {
    await deps.views.put(p.tenantId, saved, current.version);
  } catch (error) {
    if (error instanceof ViewVersionConflict) throw conflict('This view was changed by someone else; reload it and apply your change again.');
    throw error;
  }
  return saved;
}

export async function deleteView(p: Actor, id: string, deps: ViewDeps): Promise<void> {
  const current = await loadVisible(p, id, deps);
  if (!canEditView(p, { shared: current.shared, ownerId: current.ownerId })) throw new PolicyDenied('Only the owner of a view (or an admin) may delete it.', 'view:edit');
  await deps.views.remove(p.tenantId, current.object, id);
}

/**
 * How many records a segment (or any view the caller sees) selects: COUNT queries of the index partitions when
 * every clause is a key condition, else the list read page by page (capped; `exact: false` past the cap).
 */
export async function countView(p: Actor, id: string, deps: ViewDeps): Promise<{ count: number; exact: boolean }> {
  const view = await loadVisible(p, id, deps);
  const type = (await recordTypeOf(p, view.object, deps)) ?? view.object;
  const fields = await fieldsFor(p, type, deps);
  const clauses = Object.entries(view.where).flatMap(([field, ops]) => Object.entries(ops).map(([op, raw]) => ({ field, op, raw, path: `where.${field}.${op}` })));
  const { where, errors } = parseWhere(clauses, fields);
  // A field deactivated or locked away since the view was saved.
  if (errors.length) throw invalid(errors, 'This view filters on fields you cannot use now.');
  const { count, exact } = await deps.records.count(p.tenantId, type, {
    limit: 100, sort: 'name', deleted: false,
    ...(where.length ? { where, fieldTypes: fieldTypesOf(where, fields) } : {}),
    indexed: [...fields.values()].filter((f) => f.indexed).map((f) => f.apiName),
  });
  return { count, exact };
}

/** Remembers (or forgets, viewId null) the view a user last used on an object. */
export async function setLastView(p: Actor, body: unknown, deps: ViewDeps): Promise<{ object: string; viewId: string | null }> {
  const input = parse(lastViewPut, body);
  if (!(await recordTypeOf(p, input.object, deps))) throw invalid([{ path: 'object', message: 'No such object', code: 'unknown_object' }]);
  if (input.viewId !== null) {
    const view = objectOfId(input.viewId) === input.object ? await deps.views.get(p.tenantId, input.object, input.viewId) : undefined;
    if (!view || !canSeeView(p, await accessOf(p, view, deps))) throw invalid([{ path: 'viewId', message: 'No such view of this object', code: 'unknown_view' }]);
  }
  await deps.views.setLastUsed(p.tenantId, p.userId, input.object, input.viewId);
  return { object: input.object, viewId: input.viewId };
}
