import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventContractError, asyncApiDocument, currentVersion, eventCatalogue, eventNames, isCatalogued, parseEvent } from '../../contracts/events.ts';
import { rules } from '../../infra/declarations/events.ts';
import { SES_EVENT_DETAIL_TYPES } from '../../infra/declarations/marketing-consent.ts';
import { LEAD_TRANSITIONS } from '../../schemas/lead.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });

const leadAssigned = {
  eventId: '01J0000000000000000000000', name: 'lead.assigned', version: 1, tenantId: 'demo', occurredAt: '2026-12-01T08:00:00.000Z',
  actor: { id: 'system:assignment', name: 'Assignment rules' }, subject: { type: 'lead', id: 'L1' },
  data: { id: 'L1', version: 3, createdAt: '2026-12-01T07:59:00.000Z', status: 'assigned', ownerId: 'u-rep1', assignedAt: '2026-12-01T08:00:00.000Z', callbackDueAt: '2026-12-03T08:00:00.000Z', c_custom: 'kept' },
};

describe('event catalogue (contracts/events.ts)', () => {
  it('names every event the code publishes today', () => {
    for (const n of ['lead.created', 'lead.assigned', 'lead.callback-overdue', 'contact.created', 'account.updated', 'opportunity.created']) {
      expect(isCatalogued(n), n).toBe(true);
    }
  });

  it('catalogues every record verb and workflow verb found in functions/ for a type that has workflows (an uncatalogued one fails here)', () => {
    const verbs = new Set<string>(['created', 'updated', 'deleted', 'restored']);
    for (const file of sourceFiles(path.join(ROOT, 'functions'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bverb: (?:[^'"`\n]*\? )?'([a-z_-]+)'(?: : '([a-z_-]+)')?/g)) {
        verbs.add(m[1]!);
        if (m[2]) verbs.add(m[2]);
      }
    }
    // A lead's status change publishes lead.<new status> (functions/leads/entity.ts changeExtras).
    for (const to of Object.values(LEAD_TRANSITIONS).flat()) verbs.add(to);
    expect(verbs.size).toBeGreaterThan(8);
    const leadOnly = [...verbs].filter((v) => !['created', 'updated', 'deleted', 'restored'].includes(v));
    // Workflow verbs belong to leads, deals (the shared pool), tickets (replies, SLA moments) and articles (publishing).
    for (const v of leadOnly) expect(['lead', 'opportunity', 'ticket', 'article'].some((t) => isCatalogued(`${t}.${v}`)), `<lead|opportunity|ticket|article>.${v}`).toBe(true);
    for (const type of ['account', 'contact', 'lead', 'opportunity', 'ticket', 'article']) {
      for (const v of ['created', 'updated', 'deleted', 'restored']) expect(isCatalogued(`${type}.${v}`), `${type}.${v}`).toBe(true);
    }
  });

  it('every declared EventBridge rule matches catalogued events only (or, for aws.ses, the detail types SES publishes)', () => {
    // SES's configuration-set events are AWS's, not ours: their detail types are the ones SES documents.
    const sesTypes = new Set<string>(SES_EVENT_DETAIL_TYPES);
    for (const rule of rules) {
      const types = (rule.eventPattern['detail-type'] ?? []) as unknown[];
      expect(types.length, rule.name).toBeGreaterThan(0);
      const fromSes = JSON.stringify(rule.eventPattern.source) === JSON.stringify(['aws.ses']);
      for (const t of types) expect(fromSes ? sesTypes.has(String(t)) : isCatalogued(String(t)), `${rule.name}: ${String(t)}`).toBe(true);
    }
  });

  it('parses a real-shaped detail, keeps fields it does not know, and counts a missing version as 1', () => {
    const e = parseEvent(leadAssigned, ['lead.assigned']);
    expect(e.data.ownerId).toBe('u-rep1');
    expect((e.data as Record<string, unknown>).c_custom).toBe('kept');
    const { version: _v, ...old } = leadAssigned;
    expect(parseEvent(old, ['lead.assigned']).version).toBe(1);
  });

  it('refuses an event the consumer did not ask for, an unknown version and a payload that breaks the schema', () => {
    expect(() => parseEvent(leadAssigned, ['lead.created'])).toThrow(EventContractError);
    expect(() => parseEvent({ ...leadAssigned, version: 9 }, ['lead.assigned'])).toThrow(/no version 9/);
    expect(() => parseEvent({ ...leadAssigned, data: { ...leadAssigned.data, status: 'sleeping' } }, ['lead.assigned'])).toThrow(/data\.status/);
    expect(() => parseEvent({ ...leadAssigned, tenantId: undefined }, ['lead.assigned'])).toThrow(/tenantId/);
  });

  it('publishes version 1 of everything today', () => {
    for (const n of eventNames) expect(currentVersion(n)).toBe(1);
  });

  it('is an AsyncAPI 3.0 document with a channel, an operation and a message per event version', () => {
    const doc = asyncApiDocument() as { asyncapi: string; channels: Record<string, any>; operations: Record<string, any>; components: { messages: Record<string, any> } };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.keys(doc.channels).sort()).toEqual([...eventNames].sort());
    expect(Object.keys(doc.operations)).toHaveLength(eventNames.length);
    const msg = doc.components.messages['lead.assigned.v1'];
    expect(msg['x-eventbridge']).toEqual({ source: 'cirrus.crm', detailType: 'lead.assigned', version: 1 });
    expect(msg.payload.required).toEqual(expect.arrayContaining(['eventId', 'name', 'tenantId', 'occurredAt', 'data']));
    expect(msg.payload.properties.data.properties.status.enum).toContain('assigned');
    expect(doc.channels['contact.created'].messages['contact.created.v1'].$ref).toBe('#/components/messages/contact.created.v1');
    expect(Object.keys(eventCatalogue)).toContain('lead.created');
  });
});
