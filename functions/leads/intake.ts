import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { systemActor } from '../policy/policy.ts';
import { decodeIf } from '../records/storage/codec.ts';
import { idempotencyCodec } from '../records/storage/codecs.ts';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { Conflict, IdempotencyKeyReused } from '#commons/errors.ts';
import { partnerLead } from '#schemas/lead.ts';
import { toE164 } from '#schemas/phone.ts';
import type { StoredRecord } from '../records/entity.ts';
import { createRecord, parse, type RecordDeps } from '../records/service.ts';
import { IdempotencyConflict } from '../records/store.ts';
import { LEAD_QUEUE, leadEntity } from './entity.ts';

/**
 * Lead intake (SFA-1): validate, deduplicate against existing leads and contacts, create the lead in the
 * queue. Assignment happens later on the bus (lead.created), never here.
 */
export interface IntakeSource {
  readonly tenantId: string;
  /** Scope of idempotency keys and the actor in the timeline, e.g. `partner:<id>` or `form:<id>`. */
  readonly scope: string;
  readonly actorName: string;
  /** Default `source` when the lead names none. */
  readonly source: string;
  readonly systemFields?: Record<string, unknown>;
}

export interface IntakeAnswer {
  readonly id: string;
  readonly status: 'accepted' | 'duplicate';
}

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** The person we already know by this email or phone: contacts first, then live leads. */
export async function findExistingPerson(tenantId: string, email: string | undefined, phone: string | undefined, deps: RecordDeps): Promise<{ type: string; id: string; name: string } | undefined> {
  type Hit = { type: string; record: StoredRecord } | undefined;
  const tagged = (type: string) => (r: StoredRecord | undefined): Hit => (r && !r.deletedAt ? { type, record: r } : undefined);
  const lookups: Promise<Hit>[] = [];
  if (email) {
    lookups.push(deps.store.uniqueOwner(tenantId, 'contact', 'email', email.toLowerCase()).then((id) => (id ? deps.store.get(tenantId, 'contact', id) : undefined)).then(tagged('contact')));
  }
  const digits = phone?.replace(/^\+/, '');
  if (digits) lookups.push(deps.store.findByToken(tenantId, 'contact', digits).then((r) => r.find((c) => c.phone === phone || c.mobile === phone)).then(tagged('contact')));
  if (email) lookups.push(deps.store.findByToken(tenantId, 'lead', email.toLowerCase()).then((r) => r.find((l) => l.status !== 'duplicate' && String(l.email).toLowerCase() === email.toLowerCase())).then(tagged('lead')));
  if (digits) lookups.push(deps.store.findByToken(tenantId, 'lead', digits).then((r) => r.find((l) => l.status !== 'duplicate' && l.phone === phone)).then(tagged('lead')));
  const hit = (await Promise.all(lookups)).find(Boolean);
  return hit ? { type: hit.type, id: hit.record.id, name: hit.record.name } : undefined;
}

/** The answer a request with this Idempotency-Key already got (422 when the body differs), if any. */
export function previousAnswer(source: IntakeSource, key: string, rawBody: string): Promise<IntakeAnswer | undefined> {
  return storedAnswer(source.tenantId, source.scope, key, createHash('sha256').update(rawBody).digest('hex'));
}

async function storedAnswer(tenantId: string, scope: string, key: string, bodyHash: string): Promise<IntakeAnswer | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.idempotency(tenantId, scope, key), sk: keys.idempotencySk } }));
  const stored = decodeIf(idempotencyCodec, Item);
  if (!stored) return undefined;
  if (stored.bodyHash !== bodyHash) {
    throw new IdempotencyKeyReused('This Idempotency-Key was already used with a different body.', {
      errors: [{ path: 'Idempotency-Key', message: 'Already used with a different body', code: 'idempotency_key_reused' }],
    });
  }
  return stored.response as unknown as IntakeAnswer;
}

type KnownPerson = { type: string; id: string; name: string };

export async function acceptLead(source: IntakeSource, body: unknown, rawBody: string, idempotencyKey: string | undefined, deps: RecordDeps): Promise<IntakeAnswer> {
  let known: KnownPerson | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      return await acceptOnce(source, body, rawBody, idempotencyKey, deps, known);
    } catch (error) {
      // Another submission of the same person won the race for their email or phone (the guard items are in
      // the lead's transaction): the lead holding the guard is the person we know now.
      if (!(error instanceof Conflict) || attempt >= 2) throw error;
      const holder = error.extensions.existingId;
      const lead = typeof holder === 'string' && holder ? await deps.store.get(source.tenantId, 'lead', holder) : undefined;
      known = lead ? { type: 'lead', id: lead.id, name: lead.name } : undefined;
    }
  }
}

async function acceptOnce(source: IntakeSource, body: unknown, rawBody: string, idempotencyKey: string | undefined, deps: RecordDeps, known?: KnownPerson): Promise<IntakeAnswer> {
  const input = parse(partnerLead, body);
  // The caller has already answered a replay from previousAnswer(); a concurrent one is caught below.
  const bodyHash = createHash('sha256').update(rawBody).digest('hex');
  const phone = input.phone ? toE164(input.phone, input.country) : undefined;
  const existing = known ?? await findExistingPerson(source.tenantId, input.email, phone, deps);
  // Intake is the product acting for a partner or a form, never a fake rep: the policy lets it create leads only.
  const actor = systemActor(source.tenantId, 'intake', source.actorName, source.scope);
  const now = deps.clock();
  let answer: IntakeAnswer | undefined;
  try {
    const lead = await createRecord(leadEntity, actor, input, deps, {
      systemFields: {
        ...source.systemFields,
        status: existing ? 'duplicate' : 'new',
        ownerId: LEAD_QUEUE,
        source: input.source ?? source.source,
        ...(existing ? { duplicateOf: { type: existing.type, id: existing.id } } : {}),
      },
      timelineData: { via: source.scope.split(':')[0], ...(existing ? { subject: { ...existing } } : {}) },
      extraTimeline: (record) => (existing
        ? [{ type: existing.type, id: existing.id, entry: { id: deps.newId(now), at: now.toISOString(), type: 'lead-resubmitted', actor: { id: source.scope, name: source.actorName }, subject: { type: 'lead', id: record.id, name: record.name } } }]
        : []),
      ...(idempotencyKey
        ? { idempotency: (record) => (answer = { id: record.id, status: existing ? 'duplicate' : 'accepted' }, { scope: source.scope, key: idempotencyKey, bodyHash, response: { ...answer }, expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS }) }
        : {}),
    });
    return answer ?? { id: lead.id, status: existing ? 'duplicate' : 'accepted' };
  } catch (error) {
    if (error instanceof IdempotencyConflict && idempotencyKey) {
      // A concurrent retry with the same key won the race: give its answer.
      const previous = await storedAnswer(source.tenantId, source.scope, idempotencyKey, bodyHash);
      if (previous) return previous;
    }
    throw error;
  }
}
