import type { FieldError } from '#commons/errors.ts';
import type { JourneyInput, JourneyStep } from '#schemas/marketing/journey.ts';
import { isTimeZone } from './time.ts';

/**
 * What the schema cannot see in a journey (pure): every bad field named, at once — duplicate and unknown step
 * ids, a step without what its type needs (or with another type's fields), branch conditions on a step that
 * is not an email, unreachable steps, and loops that could run forever (a cycle without a wait).
 * Templates that do not exist are checked by the handler (functions/journeys/handlers.ts), which reads them.
 */
const NEEDS: Record<JourneyStep['type'], readonly (keyof JourneyStep)[]> = {
  wait: [], sendEmail: ['templateId'], branch: ['if', 'then', 'else'], createTask: ['subject'], updateField: ['field'],
  addTag: ['tag'], addToCampaign: ['campaignId'], notifyOwner: [], handToSales: [], exit: [],
};
const ALLOWED: Record<JourneyStep['type'], readonly (keyof JourneyStep)[]> = {
  wait: ['duration', 'until', 'event', 'timeout', 'next'], sendEmail: ['templateId', 'next'], branch: ['if', 'then', 'else'],
  createTask: ['subject', 'dueIn', 'message', 'next'], updateField: ['field', 'value', 'next'], addTag: ['tag', 'remove', 'next'], addToCampaign: ['campaignId', 'next'],
  notifyOwner: ['message', 'subject', 'next'], handToSales: ['next'], exit: [],
};
const COMMON = new Set(['id', 'type']);
/** Fields no journey may set on a person: system-set ones and identity. */
const UNWRITABLE = new Set(['id', 'version', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'ownerId', 'deletedAt', 'emailConsent', 'emailDeliverability', 'score', 'scoreBreakdown', 'mql', 'mqlAt', 'firstTouch', 'lastTouch', 'status']);

/** The steps a step may go to next (undefined: the end). */
export function successors(steps: readonly JourneyStep[], index: number): (string | undefined)[] {
  const s = steps[index]!;
  if (s.type === 'exit') return [];
  if (s.type === 'branch') return [s.then, s.else];
  return [s.next ?? steps[index + 1]?.id];
}

export function validateJourney(input: JourneyInput): FieldError[] {
  const errors: FieldError[] = [];
  const steps = input.steps;
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    if (index.has(s.id)) errors.push({ path: `steps.${i}.id`, message: `Step id ${s.id} is used twice`, code: 'duplicate_step' });
    else index.set(s.id, i);
  });
  const known = (id: string | undefined) => id === undefined || index.has(id);
  if (input.trigger.event === 'segment.joined' && !input.trigger.segmentId) errors.push({ path: 'trigger.segmentId', message: 'Joining a segment names the segment', code: 'required' });
  if (input.trigger.event !== 'segment.joined' && input.trigger.segmentId) errors.push({ path: 'trigger.segmentId', message: 'Only a segment.joined trigger names a segment', code: 'not_allowed' });
  steps.forEach((s, i) => {
    const at = (f: string) => `steps.${i}.${f}`;
    for (const f of NEEDS[s.type]) if (s[f] === undefined) errors.push({ path: at(f), message: `A ${s.type} step needs ${f}`, code: 'required' });
    for (const f of Object.keys(s)) {
      if (!COMMON.has(f) && !(ALLOWED[s.type] as readonly string[]).includes(f)) errors.push({ path: at(f), message: `A ${s.type} step has no ${f}`, code: 'not_allowed' });
    }
    for (const f of ['next', 'then', 'else'] as const) {
      if (!known(s[f])) errors.push({ path: at(f), message: `No step ${s[f]} in this journey`, code: 'unknown_step' });
      else if (s[f] === s.id) errors.push({ path: at(f), message: 'A step cannot lead to itself', code: 'cycle' });
    }
    if (s.type === 'wait') {
      const ways = [s.duration, s.until, s.event].filter((v) => v !== undefined).length;
      if (ways !== 1) errors.push({ path: at('duration'), message: 'A wait has exactly one of duration, until (weekday and time) or event (with a timeout)', code: 'wait_kind' });
      if (s.event && !s.timeout) errors.push({ path: at('timeout'), message: 'A wait for an event needs a timeout', code: 'required' });
      if (!s.event && s.timeout) errors.push({ path: at('timeout'), message: 'Only a wait for an event has a timeout', code: 'not_allowed' });
    }
    if (s.type === 'branch' && s.if) {
      const kinds = (['opened', 'clicked', 'where'] as const).filter((k) => s.if![k] !== undefined);
      if (kinds.length !== 1) errors.push({ path: at('if'), message: 'A branch asks one thing: opened, clicked or where', code: 'branch_kind' });
      for (const k of ['opened', 'clicked'] as const) {
        const ref = s.if[k];
        if (ref === undefined) continue;
        const j = index.get(ref);
        if (j === undefined) errors.push({ path: at(`if.${k}`), message: `No step ${ref} in this journey`, code: 'unknown_step' });
        else if (steps[j]!.type !== 'sendEmail') errors.push({ path: at(`if.${k}`), message: `Step ${ref} sends no email`, code: 'not_an_email' });
      }
    }
    if (s.type === 'updateField' && s.field && UNWRITABLE.has(s.field)) errors.push({ path: at('field'), message: `A journey cannot set ${s.field}`, code: 'not_writable' });
  });
  if (input.reentry?.policy === 'afterDays' && input.reentry.days === undefined) errors.push({ path: 'reentry.days', message: 'Say after how many days a person may enter again', code: 'required' });
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) errors.push({ path: 'timeZone', message: 'Not an IANA time zone', code: 'invalid_zone' });
  if (errors.length) return errors;

  // Loops: every cycle of the step graph must pass a wait (else a person would run through it at once, for ever).
  const state = new Map<number, 'open' | 'done'>();
  const reported = new Set<number>();
  const visit = (i: number, trail: number[]) => {
    state.set(i, 'open');
    successors(steps, i).forEach((nextId) => {
      const j = nextId === undefined ? undefined : index.get(nextId);
      if (j === undefined) return;
      if (state.get(j) === 'open') {
        const cycle = [...trail.slice(trail.indexOf(j)), i];
        if (!cycle.some((k) => steps[k]!.type === 'wait') && !reported.has(j)) {
          reported.add(j);
          errors.push({ path: `steps.${i}`, message: `Steps ${cycle.map((k) => steps[k]!.id).join(' → ')} loop without a wait`, code: 'cycle' });
        }
      } else if (!state.has(j)) visit(j, [...trail, i]);
    });
    state.set(i, 'done');
  };
  visit(0, []);
  steps.forEach((s, i) => {
    if (!state.has(i)) errors.push({ path: `steps.${i}`, message: `Nothing leads to step ${s.id}`, code: 'unreachable' });
  });
  return errors;
}
