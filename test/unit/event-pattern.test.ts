import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../infra/local/event-pattern.ts';

const event = (detailType: string, detail: unknown, source = 'cirrus.crm') => ({
  version: '0', id: '1', 'detail-type': detailType, source, account: '000000000000', time: '2026-01-01T00:00:00Z',
  region: 'us-east-1', resources: [], detail,
});

describe('EventBridge pattern matcher (local runtime)', () => {
  it('matches exact values, arrays as OR', () => {
    const p = { source: ['cirrus.crm'], 'detail-type': ['lead.created', 'lead.updated'] };
    expect(matchesPattern(p, event('lead.created', {}))).toBe(true);
    expect(matchesPattern(p, event('lead.updated', {}))).toBe(true);
    expect(matchesPattern(p, event('lead.deleted', {}))).toBe(false);
    expect(matchesPattern(p, event('lead.created', {}, 'other'))).toBe(false);
  });

  it('matches nested detail fields and requires them present', () => {
    const p = { source: ['cirrus.crm'], detail: { data: { status: ['new'] } } };
    expect(matchesPattern(p, event('lead.created', { data: { status: 'new' } }))).toBe(true);
    expect(matchesPattern(p, event('lead.created', { data: { status: 'assigned' } }))).toBe(false);
    expect(matchesPattern(p, event('lead.created', { data: {} }))).toBe(false);
    expect(matchesPattern(p, event('lead.created', {}))).toBe(false);
    expect(matchesPattern(p, event('lead.created', { data: 'new' }))).toBe(false);
  });

  it('supports prefix and anything-but (list, single value, prefix)', () => {
    expect(matchesPattern({ 'detail-type': [{ prefix: 'lead.' }] }, event('lead.created', {}))).toBe(true);
    expect(matchesPattern({ 'detail-type': [{ prefix: 'lead.' }] }, event('contact.created', {}))).toBe(false);
    const ab = { 'detail-type': [{ 'anything-but': ['lead.created', 'lead.deleted'] }] };
    expect(matchesPattern(ab, event('lead.updated', {}))).toBe(true);
    expect(matchesPattern(ab, event('lead.created', {}))).toBe(false);
    expect(matchesPattern({ 'detail-type': [{ 'anything-but': 'x' }] }, event('y', {}))).toBe(true);
    expect(matchesPattern({ 'detail-type': [{ 'anything-but': { prefix: 'lead.' } }] }, event('lead.x', {}))).toBe(false);
    expect(matchesPattern({ detail: { a: [{ 'anything-but': ['x'] }] } }, event('t', {}))).toBe(false);
  });

  it('matches numbers and booleans exactly, arrays in the event by any element', () => {
    expect(matchesPattern({ detail: { n: [3], b: [true] } }, event('t', { n: 3, b: true }))).toBe(true);
    expect(matchesPattern({ detail: { n: ['3'] } }, event('t', { n: 3 }))).toBe(false);
    expect(matchesPattern({ detail: { tags: ['vip'] } }, event('t', { tags: ['a', 'vip'] }))).toBe(true);
    expect(matchesPattern({ detail: { tags: ['vip'] } }, event('t', { tags: ['a'] }))).toBe(false);
  });

  it('supports exists and numeric ranges', () => {
    expect(matchesPattern({ detail: { x: [{ exists: true }] } }, event('t', { x: 1 }))).toBe(true);
    expect(matchesPattern({ detail: { x: [{ exists: false }] } }, event('t', {}))).toBe(true);
    expect(matchesPattern({ detail: { x: [{ exists: false }] } }, event('t', { x: 1 }))).toBe(false);
    expect(matchesPattern({ detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } }, event('t', { n: 5 }))).toBe(true);
    expect(matchesPattern({ detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } }, event('t', { n: 6 }))).toBe(false);
  });

  it('matches the declared rules against real-shaped events', async () => {
    const { rules } = await import('../../infra/declarations/events.ts');
    const assignment = rules.find((r) => r.name === 'lead-assignment')!;
    expect(matchesPattern(assignment.eventPattern, event('lead.created', { data: { status: 'new' } }))).toBe(true);
    expect(matchesPattern(assignment.eventPattern, event('lead.created', { data: { status: 'duplicate' } }))).toBe(false);
  });
});
