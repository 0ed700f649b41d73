import { ticketNumber } from '#schemas/ticket.ts';
import type { Actor } from '../policy/policy.ts';
import type { EntityDefinition, StoredRecord } from '../records/entity.ts';
import { createRecord, type CreateOptions, type RecordDeps } from '../records/service.ts';
import { SequenceTaken } from '../records/store.ts';

/**
 * Ticket numbers (SVC-1): `T-000001`, `T-000002` … per tenant, with no gaps and no repeats under concurrency.
 * The number is taken in the ticket's own transaction — the tenant's `ticket` sequence moves from n − 1 to n
 * only if nobody moved it first — so a number is used exactly when a ticket is written. When another ticket
 * took it, read the sequence again and try the next one.
 */
export const TICKET_SEQUENCE = 'ticket';
/** Concurrent creations each win within this many rounds (one wins per round); far more than a burst of email. */
const MAX_ROUNDS = 60;

export async function createNumbered(
  def: EntityDefinition, p: Actor, body: unknown, deps: RecordDeps, options: CreateOptions = {},
): Promise<StoredRecord> {
  const read = deps.store.sequenceValue;
  if (!read) throw new Error('This record store keeps no sequences');
  for (let round = 0; ; round++) {
    const value = (await read.call(deps.store, p.tenantId, TICKET_SEQUENCE)) + 1;
    try {
      return await createRecord(def, p, body, deps, {
        ...options, systemFields: { ...options.systemFields, number: ticketNumber(value) }, sequence: { name: TICKET_SEQUENCE, value },
      });
    } catch (error) {
      if (!(error instanceof SequenceTaken) || round >= MAX_ROUNDS) throw error;
      // Spread the retries so the losers of one round do not all collide again.
      await new Promise((r) => setTimeout(r, Math.random() * 10 * Math.min(round + 1, 5)));
    }
  }
}
