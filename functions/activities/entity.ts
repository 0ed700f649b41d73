import { activityCreate, activityUpdate, type RelatedRef } from '#schemas/activity.ts';
import { recordTypeOf } from '#schemas/metadata.ts';
import type { EntityDefinition } from '../records/entity.ts';

type Fields = Record<string, unknown>;

const refsOf = (f: Fields | undefined): RelatedRef[] => (Array.isArray(f?.relatedTo) ? (f.relatedTo as RelatedRef[]) : []);
const refKey = (r: RelatedRef) => `${r.object}#${r.id}`;

/** What an activity's entry on a related record's timeline shows: its notes and outcome, and when it is due. */
function entryData(a: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of ['notes', 'outcome', 'dueAt', 'startAt'] as const) if (typeof a[f] === 'string' && a[f] !== '') out[f] = a[f];
  return out;
}

/**
 * SFA-5 activities as an object. Each activity links to the records it is about (`relatedTo`): a link item in
 * each one's partition (`GET /api/opportunities/{id}/related/activities` is one Query) and an entry on each
 * one's timeline, written in the activity's transaction by the record kernel. Marking a task done stamps
 * `doneAt` and puts a "done" entry on the related timelines. Reminders and the follow-up watchdog follow the
 * activity's events (functions/activities/reminders.ts, functions/follow-up/).
 */
export const activityEntity: EntityDefinition = {
  type: 'activity',
  plural: 'activities',
  createSchema: activityCreate as EntityDefinition['createSchema'],
  updateSchema: activityUpdate as EntityDefinition['updateSchema'],
  displayName: (f) => String(f.subject ?? '').trim(),
  phoneFields: [],
  uniqueFields: [],
  searchFields: [],
  // The related lists of a deal or a contact show the activity's kind and timing without reading it.
  // (`type` names the item's own kind in the store, so the activity's type travels as `activityType`.)
  linkFields: ['dueAt', 'startAt', 'endAt', 'done', 'outcome'],
  links: (record) => refsOf(record).map((r, i) => ({ parentType: recordTypeOf(r.object), parentId: r.id, path: `relatedTo.${i}.id`, summary: { activityType: record.type } })),
  derive(before, after, at) {
    const wasDone = before?.done === true;
    if (after.done === true && !wasDone) return { doneAt: at };
    if (after.done !== true && wasDone) return { doneAt: undefined };
    return {};
  },
  // My day and the calendar feed read the owner's agenda: a task by its due time, anything else by its start.
  agenda(record) {
    const at = record.type === 'task' ? record.dueAt ?? record.startAt : record.startAt ?? record.dueAt;
    if (typeof at !== 'string') return undefined;
    const summary: Record<string, unknown> = { name: record.name, activityType: record.type, done: record.done === true };
    for (const f of ['dueAt', 'startAt', 'endAt', 'relatedTo', 'notes'] as const) if (record[f] !== undefined) summary[f] = record[f];
    return { ownerId: String(record.ownerId), at: new Date(at).toISOString(), summary };
  },
  validateNew: (f) => timingErrors(f),
  validateMerged: (f) => timingErrors(f),
  relatedTimeline(before, after) {
    const type = String(after.type);
    const oldKeys = new Set(refsOf(before).map(refKey));
    const entries: ReturnType<NonNullable<EntityDefinition['relatedTimeline']>> = [];
    for (const r of refsOf(after)) {
      const target = { type: recordTypeOf(r.object), id: r.id };
      // A record newly linked gets the activity; one already linked hears that it was done.
      if (!before || !oldKeys.has(refKey(r))) entries.push({ ...target, entryType: type, data: entryData(after) });
      else if (after.done === true && before.done !== true) entries.push({ ...target, entryType: `${type}-done`, data: entryData(after) });
    }
    return entries;
  },
};

/** A meeting has a start; an end is not before the start. */
function timingErrors(f: Fields): { path: string; message: string; code: string }[] {
  const errors: { path: string; message: string; code: string }[] = [];
  if (f.type === 'meeting' && typeof f.startAt !== 'string') errors.push({ path: 'startAt', message: 'A meeting needs a start time', code: 'required' });
  if (typeof f.startAt === 'string' && typeof f.endAt === 'string' && Date.parse(f.endAt) < Date.parse(f.startAt)) {
    errors.push({ path: 'endAt', message: 'The end is before the start', code: 'end_before_start' });
  }
  return errors;
}
