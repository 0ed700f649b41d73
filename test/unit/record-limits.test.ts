import { describe, expect, it } from 'vitest';
import { accountEntity } from '../../functions/accounts/entity.ts';
import { contactEntity } from '../../functions/contacts/entity.ts';
import { pathParams, parseJsonBody, rawBodyOf } from '../../functions/commons/http.ts';
import { derivedId, isEncodedKey, isId } from '../../functions/commons/ids.ts';
import { leadEntity } from '../../functions/leads/entity.ts';
import { decodeCursor, DynamoRecordStore, encodeCursor, type ListIdentity } from '../../functions/records/dynamo-store.ts';
import { MAX_TOKENS_PER_FIELD, MAX_TOKENS_PER_RECORD, searchTokens } from '../../functions/records/service.ts';
import { ChangeTooLarge, InvalidCursor, type ChangeSet } from '../../functions/records/store.ts';
import { problemOfSync as problemOf } from '../support/problems.ts';

/** The limits that keep bad input from becoming a 500 (issue 6): token caps, cursors bound to lists, ids, bodies. */

describe('search tokens', () => {
  const separators = `${Array.from({ length: 120 }, (_, i) => `p${i}`).join('.')}@huawei.com`;

  it('an email with 120 separators gives at most the per-field cap, keeping the whole address and its domain', () => {
    const tokens = searchTokens(contactEntity, { name: 'wei zhang', email: separators });
    const fromEmail = tokens.filter((t) => t.includes('@') || t === 'huawei.com');
    expect(fromEmail.length).toBeLessThanOrEqual(MAX_TOKENS_PER_FIELD);
    expect(tokens).toEqual(expect.arrayContaining([separators.slice(0, 100), 'huawei.com', 'wei zhang', 'zhang']));
  });

  it('no record gives more than the per-record cap, however many words and separators its fields hold', () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    for (const [def, record] of [
      [accountEntity, { name: words, email: separators, domain: 'a.example.com', phone: '+8613800138000' }],
      [leadEntity, { name: words, email: separators, phone: '+8613800138000', company: words }],
      [contactEntity, { name: words, email: separators, phone: '+8613800138000', mobile: '+8613900139000' }],
    ] as const) {
      const tokens = searchTokens(def, record);
      expect(tokens.length).toBeLessThanOrEqual(MAX_TOKENS_PER_RECORD);
      expect(new Set(tokens).size).toBe(tokens.length);
      expect(tokens.every((t) => t.length <= 100 && !t.includes('#'))).toBe(true);
    }
  });

  it('an ordinary person still gets every token search needs', () => {
    const tokens = searchTokens(leadEntity, { name: 'Grace Hopper', email: 'grace.b.hopper@navy.mil', phone: '+12025550199', company: 'US Navy' });
    // The phone also by its last four or more digits (issue 7), within the per-field cap.
    expect(tokens.sort()).toEqual(['12025550199', '2025550199', '0199', '50199', '550199', '5550199', '25550199', '025550199', 'b.hopper@navy.mil', 'grace', 'grace hopper', 'grace.b.hopper@navy.mil', 'hopper', 'hopper@navy.mil', 'navy.mil', 'us navy'].sort());
  });
});

describe('a change that would not fit one transaction', () => {
  it('is refused before DynamoDB is called', async () => {
    let sent = 0;
    const client = { send: async () => { sent++; return {}; } };
    const store = new DynamoRecordStore(client as never, 'table');
    const record = { id: 'R1', name: 'x', ownerId: 'u', version: 1, createdAt: 'a', createdBy: 'u', updatedAt: 'a', updatedBy: 'u' };
    const change = {
      tenantId: 't', type: 'contact', record, uniquesAdded: [], uniquesRemoved: [], tokensRemoved: [], timeline: [],
      tokensPut: Array.from({ length: 120 }, (_, i) => `t${i}`),
      audit: { id: 'A', at: 'a', action: 'create', actor: { id: 'u', name: 'u', email: '' }, recordType: 'contact', recordId: 'R1' },
      event: { eventId: 'E', name: 'contact.created', version: 1, tenantId: 't', occurredAt: '2026-01-01T00:00:00.000Z', actor: { id: 'u', name: 'u' }, subject: { type: 'contact', id: 'R1' }, data: {} },
    } satisfies ChangeSet;
    await expect(store.commit(change)).rejects.toBeInstanceOf(ChangeTooLarge);
    expect(sent).toBe(0);
  });

  it('a key over DynamoDB’s limits is not looked up at all', async () => {
    let sent = 0;
    const store = new DynamoRecordStore({ send: async () => { sent++; return {}; } } as never, 'table');
    expect(await store.get('t', 'contact', 'x'.repeat(2100))).toBeUndefined();
    expect(await store.getUser('t', 'x'.repeat(1100))).toBeUndefined();
    expect(await store.getUser('t', '')).toBeUndefined();
    expect(await store.findByToken('t', 'lead', '')).toEqual([]);
    expect(sent).toBe(0);
  });
});

describe('cursors', () => {
  const list = (pk: string, extra: Partial<ListIdentity['input']> = {}, index = 'GSI1'): ListIdentity => ({
    index, input: { KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ScanIndexForward: true, ...extra },
  });
  const key = { pk: 'T#demo#contact#1', sk: '~record', gsi1pk: 'T#demo#contact', gsi1sk: 'ada#1' };
  const contacts = list('T#demo#contact');

  it('decode on the list that gave them out', () => {
    expect(decodeCursor('demo', encodeCursor(key, contacts)!, contacts)).toEqual(key);
  });

  it('are refused on another list, another direction or filter, another tenant, or when forged', () => {
    const cursor = encodeCursor(key, contacts)!;
    for (const other of [list('T#demo#account'), list('T#demo#contact', { ScanIndexForward: false }), list('T#demo#contact', { FilterExpression: 'ownerId = :o' })]) {
      expect(() => decodeCursor('demo', cursor, other)).toThrow(InvalidCursor);
    }
    expect(() => decodeCursor('acme', cursor, contacts)).toThrow(InvalidCursor);
    // A list id copied from a real cursor onto a key outside the query is still refused.
    const { l } = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { l: string };
    const forged = Buffer.from(JSON.stringify({ k: { ...key, gsi1pk: 'T#demo#account' }, l })).toString('base64url');
    expect(() => decodeCursor('demo', forged, contacts)).toThrow(InvalidCursor);
    for (const junk of ['garbage', Buffer.from('[1]').toString('base64url'), Buffer.from(JSON.stringify(key)).toString('base64url')]) {
      expect(() => decodeCursor('demo', junk, contacts)).toThrow(InvalidCursor);
    }
  });

  it('of a partition query stay within its sort-key prefix', () => {
    const timeline: ListIdentity = { index: 'table', input: { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': 'T#demo#contact#1', ':prefix': 'TL#' }, ScanIndexForward: false } };
    const tl = { pk: 'T#demo#contact#1', sk: 'TL#2026#x' };
    expect(decodeCursor('demo', encodeCursor(tl, timeline)!, timeline)).toEqual(tl);
    const { l } = JSON.parse(Buffer.from(encodeCursor(tl, timeline)!, 'base64url').toString()) as { l: string };
    const outside = Buffer.from(JSON.stringify({ k: { ...tl, sk: 'AU#2026#x' }, l })).toString('base64url');
    expect(() => decodeCursor('demo', outside, timeline)).toThrow(InvalidCursor);
  });
});

describe('ids and the HTTP edge (functions/commons/http.ts)', () => {
  it('ids: 1–128 safe characters; derived ids are stable ULID-shaped ids', () => {
    for (const ok of ['01J0ABCDEFGHJKMNPQRSTVWXYZ', 'demo-partner', 'queue:default', 'e3b0c442-98fc-1c14-9afb-f4c8996fb924']) expect(isId(ok), ok).toBe(true);
    for (const bad of ['', ' ', 'a b', 'x#y', 'a/b', 'x'.repeat(129), 42, undefined]) expect(isId(bad), String(bad)).toBe(false);
    const base = '01J0ABCDEFGHJKMNPQRSTVWXYZ';
    expect(derivedId(base, 'account')).toBe(derivedId(base, 'account'));
    expect(derivedId(base, 'account')).not.toBe(derivedId(base, 'contact'));
    expect(derivedId(base, 'account')).toMatch(/^01J0ABCDEF[0-9A-HJKMNP-TV-Z]{16}$/);
  });

  it('notification ids must decode to a key and back', () => {
    expect(isEncodedKey(Buffer.from('2026-01-01T00:00:00.000Z#E1:assigned').toString('base64url'))).toBe(true);
    for (const bad of ['A', '_', ' ', 'zz-_', 'x'.repeat(200)]) expect(isEncodedKey(bad), bad).toBe(false);
  });

  it('path parameters that are not ids are 400 naming each one', () => {
    const p = problemOf(() => pathParams({ pathParameters: { id: 'x'.repeat(2000), partnerId: 'ok', formId: ' ' } }));
    expect(p.status).toBe(400);
    expect((p.toBody().errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['formId', 'id']);
    expect(pathParams({ pathParameters: { id: '01J0ABCDEFGHJKMNPQRSTVWXYZ' } })).toEqual({ id: '01J0ABCDEFGHJKMNPQRSTVWXYZ' });
  });

  it('bodies: not UTF-8 is 400, too large is 413 (base64 or not), deep nesting parses, __proto__ anywhere is 400', () => {
    const notUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64');
    expect(problemOf(() => rawBodyOf({ body: notUtf8, isBase64Encoded: true }, 1024)).toBody()).toMatchObject({ status: 400, errors: [{ code: 'invalid_encoding' }] });
    expect(rawBodyOf({ body: Buffer.from('{"a":"é"}').toString('base64'), isBase64Encoded: true }, 1024)).toBe('{"a":"é"}');
    expect(problemOf(() => rawBodyOf({ body: 'x'.repeat(2000), isBase64Encoded: false }, 1024)).status).toBe(413);
    expect(problemOf(() => rawBodyOf({ body: Buffer.alloc(2000).toString('base64'), isBase64Encoded: true }, 1024)).status).toBe(413);
    expect(problemOf(() => rawBodyOf({ body: 'é'.repeat(600), isBase64Encoded: false }, 1024)).status).toBe(413);
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    expect(Array.isArray(parseJsonBody(deep, {}))).toBe(true);
    expect(problemOf(() => parseJsonBody('{"utm":{"__proto__":{"x":1}}}', {})).toBody()).toMatchObject({ errors: [{ path: 'utm.__proto__', code: 'reserved_key' }] });
    expect(problemOf(() => parseJsonBody('{"a":', {})).status).toBe(400);
    expect(problemOf(() => parseJsonBody('{}', { 'content-type': 'text/plain' })).status).toBe(415);
  });
});
