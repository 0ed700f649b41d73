import { derivedId } from '#commons/ids.ts';
import { conflict, invalid } from '#commons/errors.ts';
import { ticketMerge } from '#schemas/ticket.ts';
import type { Actor } from '../policy/policy.ts';
import type { EntityDefinition, StoredRecord } from '../records/entity.ts';
import { commitChange, loadForWrite, parse, type RecordDeps } from '../records/service.ts';
import { MESSAGE_KIND, threadOf } from './conversation.ts';

/**
 * Merging two tickets (SVC-1): the customer wrote twice about one thing. The ticket merged away (`source`)
 * gives its conversation to the one kept (`into`) — each message copied with `mergedFrom`, under an id derived
 * from its own, so a retried merge writes the same items — and is closed with `mergedInto`; a mail answering
 * it later threads into the kept one (functions/tickets/inbound.ts follows `mergedInto`). Two transactions, the
 * kept ticket first, marked with the source's id: a merge interrupted between them resumes without copying twice.
 */
export const MAX_MERGED_MESSAGES = 80;

export async function mergeTickets(def: EntityDefinition, p: Actor, sourceId: string, body: unknown, deps: RecordDeps): Promise<{ source: StoredRecord; into: StoredRecord }> {
  const { into: intoId } = parse(ticketMerge, body);
  if (intoId === sourceId) throw invalid([{ path: 'into', message: 'A ticket cannot be merged into itself', code: 'same_ticket' }]);
  const [source, into] = await Promise.all([loadForWrite(def, p, sourceId, deps), loadForWrite(def, p, intoId, deps)]);
  if (source.deletedAt || into.deletedAt) throw conflict('A deleted ticket cannot be merged; restore it first.');
  if (typeof into.mergedInto === 'string') throw invalid([{ path: 'into', message: `This ticket was merged into another one already`, code: 'merged' }]);
  const done = Array.isArray(into.mergedTickets) && (into.mergedTickets as unknown[]).includes(sourceId);
  if (typeof source.mergedInto === 'string' && source.mergedInto !== intoId) throw conflict('This ticket was merged into another one already.');
  if (source.mergedInto === intoId && done) return { source, into };

  let kept = into;
  if (!done) {
    const messages = await threadOf(p.tenantId, sourceId, deps, MAX_MERGED_MESSAGES + 1);
    if (messages.length > MAX_MERGED_MESSAGES) throw invalid([{ path: 'into', message: `A ticket with more than ${MAX_MERGED_MESSAGES} messages cannot be merged`, code: 'too_large' }]);
    const copies = messages.map((m) => {
      const id = derivedId(m.id, `merge:${intoId}`);
      return { kind: MESSAGE_KIND, id, at: m.at, data: { ...m, id, mergedFrom: String(source.number) } };
    });
    kept = await commitChange(def, p, into, { ...into, mergedTickets: [...((into.mergedTickets as string[] | undefined) ?? []), sourceId] }, deps, {
      verb: 'updated', timelineType: 'ticket-merged-in', timelineData: { from: { id: sourceId, number: source.number, subject: source.subject } },
      history: copies, force: true,
    });
  }
  const closed = await commitChange(def, p, source, { ...source, status: 'closed', mergedInto: intoId }, deps, {
    verb: 'merged', timelineType: 'ticket-merged', timelineData: { into: { id: intoId, number: into.number, subject: into.subject } }, force: true,
  });
  return { source: closed, into: kept };
}
