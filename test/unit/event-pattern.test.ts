import { describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern } from '../../infra/local/event-pattern.ts';

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

/**
 * Array-consistent matching, exists and arrays: every case of event-ruler's cross-check suite
 * github:aws/event-ruler src/test/resources/correctness-cases.json (read by StructuredFinderTest.java), with the
 * answer event-ruler's rulesForJSONEvent gives (README "JSON Array Matching": fields taken from objects in one array
 * must come from the same element; `exists` sees leaves only; an empty array has no leaves).
 * Columns: case name, pattern, event, expected.
 */
const correctnessCases: [string, string, string, boolean][] = [
  ["flat: 2-field exists, both present","{\"d\":{\"a\":[{\"exists\":true}],\"b\":[{\"exists\":true}]}}","{\"d\":{\"a\":1,\"b\":2}}",true],
  ["flat: 2-field exists, one missing","{\"d\":{\"a\":[{\"exists\":true}],\"b\":[{\"exists\":true}]}}","{\"d\":{\"a\":1}}",false],
  ["flat: exact match","{\"d\":{\"a\":[\"hello\"],\"b\":[\"world\"]}}","{\"d\":{\"a\":\"hello\",\"b\":\"world\"}}",true],
  ["flat: exact mismatch","{\"d\":{\"a\":[\"hello\"],\"b\":[\"world\"]}}","{\"d\":{\"a\":\"hello\",\"b\":\"nope\"}}",false],
  ["flat: prefix","{\"d\":{\"a\":[{\"prefix\":\"hel\"}]}}","{\"d\":{\"a\":\"hello\"}}",true],
  ["flat: numeric range","{\"d\":{\"x\":[{\"numeric\":[\">\",0,\"<\",100]}]}}","{\"d\":{\"x\":50}}",true],
  ["flat: anything-but","{\"d\":{\"s\":[{\"anything-but\":\"banned\"}]}}","{\"d\":{\"s\":\"active\"}}",true],
  ["objarray: same element","{\"d\":{\"a\":[{\"exists\":true}],\"b\":[{\"exists\":true}]}}","{\"d\":[{\"a\":1,\"b\":2}]}",true],
  ["objarray: split","{\"d\":{\"a\":[{\"exists\":true}],\"b\":[{\"exists\":true}]}}","{\"d\":[{\"a\":1},{\"b\":2}]}",false],
  ["objarray: 3 elem, last valid","{\"d\":{\"a\":[{\"exists\":true}],\"b\":[{\"exists\":true}]}}","{\"d\":[{\"a\":1},{\"b\":2},{\"a\":3,\"b\":4}]}",true],
  ["objarray: 3-field, all in one","{\"d\":{\"a\":[{\"exists\":true}],\"b\":[{\"exists\":true}],\"c\":[{\"exists\":true}]}}","{\"d\":[{\"a\":1,\"b\":2,\"c\":3}]}",true],
  ["objarray: 3-field, split 3 ways","{\"d\":{\"a\":[{\"exists\":true}],\"b\":[{\"exists\":true}],\"c\":[{\"exists\":true}]}}","{\"d\":[{\"a\":1},{\"b\":2},{\"c\":3}]}",false],
  ["objarray: exact same elem","{\"d\":{\"name\":[\"alice\"],\"status\":[\"active\"]}}","{\"d\":[{\"name\":\"alice\",\"status\":\"active\"}]}",true],
  ["objarray: exact split","{\"d\":{\"name\":[\"alice\"],\"status\":[\"active\"]}}","{\"d\":[{\"name\":\"alice\"},{\"status\":\"active\"}]}",false],
  ["objarray: prefix same","{\"d\":{\"name\":[{\"prefix\":\"al\"}],\"status\":[{\"exists\":true}]}}","{\"d\":[{\"name\":\"alice\",\"status\":\"ok\"}]}",true],
  ["objarray: prefix split","{\"d\":{\"name\":[{\"prefix\":\"al\"}],\"status\":[{\"exists\":true}]}}","{\"d\":[{\"name\":\"alice\"},{\"status\":\"ok\"}]}",false],
  ["primarray: exists","{\"d\":{\"tags\":[{\"exists\":true}],\"name\":[{\"exists\":true}]}}","{\"d\":{\"tags\":[\"a\",\"b\"],\"name\":\"x\"}}",true],
  ["primarray: exact match","{\"tags\":[\"admin\"]}","{\"tags\":[\"user\",\"admin\"]}",true],
  ["primarray: no match","{\"tags\":[\"superadmin\"]}","{\"tags\":[\"user\",\"admin\"]}",false],
  ["nested: inner same","{\"u\":{\"t\":{\"k\":[\"color\"],\"v\":[\"blue\"]}}}","{\"u\":[{\"t\":[{\"k\":\"color\",\"v\":\"blue\"}]}]}",true],
  ["nested: inner split","{\"u\":{\"t\":{\"k\":[\"color\"],\"v\":[\"blue\"]}}}","{\"u\":[{\"t\":[{\"k\":\"color\"},{\"v\":\"blue\"}]}]}",false],
  ["nested: outer split","{\"d\":{\"name\":[{\"exists\":true}],\"info\":{\"x\":[\"1\"]}}}","{\"d\":[{\"name\":\"alice\"},{\"info\":{\"x\":\"1\"}}]}",false],
  ["nested: outer same","{\"d\":{\"name\":[{\"exists\":true}],\"info\":{\"x\":[\"1\"]}}}","{\"d\":[{\"name\":\"alice\",\"info\":{\"x\":\"1\"}}]}",true],
  ["nested2: same leaf","{\"a\":{\"b\":{\"x\":[{\"exists\":true}],\"y\":[{\"exists\":true}]}}}","{\"a\":[{\"b\":[{\"x\":1,\"y\":2}]}]}",true],
  ["nested2: split leaf","{\"a\":{\"b\":{\"x\":[{\"exists\":true}],\"y\":[{\"exists\":true}]}}}","{\"a\":[{\"b\":[{\"x\":1},{\"y\":2}]}]}",false],
  ["mixed: array+scalar match","{\"users\":{\"name\":[{\"exists\":true}]},\"version\":[\"1\"]}","{\"users\":[{\"name\":\"alice\"}],\"version\":\"1\"}",true],
  ["mixed: array+scalar fail","{\"users\":{\"name\":[{\"exists\":true}]},\"version\":[\"2\"]}","{\"users\":[{\"name\":\"alice\"}],\"version\":\"1\"}",false],
  ["exists-false: absent","{\"d\":{\"a\":[{\"exists\":true}],\"b\":[{\"exists\":false}]}}","{\"d\":[{\"a\":1}]}",true],
  ["exists-false: present","{\"d\":{\"a\":[{\"exists\":true}],\"b\":[{\"exists\":false}]}}","{\"d\":[{\"a\":1,\"b\":2}]}",false],
  ["empty object","{\"d\":{\"a\":[{\"exists\":true}]}}","{}",false],
  ["empty array","{\"d\":{\"a\":[{\"exists\":true}]}}","{\"d\":[]}",false],
  ["single-field rule","{\"d\":{\"a\":[{\"exists\":true}]}}","{\"d\":[{\"a\":1},{\"a\":2}]}",true],
  ["many elem one valid","{\"d\":{\"a\":[\"target\"],\"b\":[\"found\"]}}","{\"d\":[{\"a\":\"x\"},{\"a\":\"y\"},{\"a\":\"target\",\"b\":\"found\"},{\"a\":\"z\"}]}",true],
  ["numeric+exists array","{\"i\":{\"p\":[{\"numeric\":[\">\",0,\"<\",100]}],\"n\":[{\"exists\":true}]}}","{\"i\":[{\"n\":\"w\",\"p\":50},{\"n\":\"g\",\"p\":200}]}",true],
  ["anything-but array","{\"u\":{\"s\":[{\"anything-but\":\"banned\"}],\"n\":[{\"exists\":true}]}}","{\"u\":[{\"n\":\"alice\",\"s\":\"banned\"},{\"n\":\"bob\",\"s\":\"active\"}]}",true],
  ["primarray: large + scalar, exists","{\"d\":{\"tags\":[{\"exists\":true}],\"type\":[{\"exists\":true}]}}","{\"d\":{\"tags\":[\"a\",\"b\",\"c\"],\"type\":\"GROUP\"}}",true],
  ["primarray: large + scalar, prefix","{\"d\":{\"tags\":[{\"prefix\":\"ad\"}],\"type\":[{\"exists\":true}]}}","{\"d\":{\"tags\":[\"admin\",\"user\",\"dev\"],\"type\":\"GROUP\"}}",true],
  ["primarray: large + scalar, no match","{\"d\":{\"tags\":[{\"prefix\":\"super\"}],\"type\":[{\"exists\":true}]}}","{\"d\":{\"tags\":[\"admin\",\"user\",\"dev\"],\"type\":\"GROUP\"}}",false],
  ["primarray: nested under object","{\"detail\":{\"data\":{\"name\":[{\"exists\":true}],\"type\":[{\"exists\":true}]}}}","{\"detail\":{\"data\":{\"name\":[\"alice\",\"bob\"],\"type\":\"GROUP\"}}}",true],
  ["primarray: two prim arrays + scalar","{\"tags\":[{\"exists\":true}],\"cats\":[{\"exists\":true}],\"v\":[\"1\"]}","{\"tags\":[\"a\",\"b\"],\"cats\":[\"x\",\"y\"],\"v\":\"1\"}",true],
  ["primarray: exact match among many","{\"d\":{\"name\":[\"target\"],\"type\":[\"GROUP\"]}}","{\"d\":{\"name\":[\"a\",\"b\",\"target\",\"c\"],\"type\":\"GROUP\"}}",true],
  ["primarray: numeric in array","{\"d\":{\"vals\":[{\"numeric\":[\">\",0,\"<\",10]}],\"type\":[{\"exists\":true}]}}","{\"d\":{\"vals\":[100,5,200],\"type\":\"ok\"}}",true],
  ["primarray: anything-but in array","{\"d\":{\"tags\":[{\"anything-but\":\"banned\"}],\"type\":[{\"exists\":true}]}}","{\"d\":{\"tags\":[\"banned\",\"ok\"],\"type\":\"x\"}}",true],
  ["primarray: single value array","{\"d\":{\"name\":[{\"exists\":true}],\"type\":[{\"exists\":true}]}}","{\"d\":{\"name\":[\"only\"],\"type\":\"x\"}}",true],
  ["primarray: empty prim array","{\"d\":{\"name\":[{\"exists\":true}],\"type\":[{\"exists\":true}]}}","{\"d\":{\"name\":[],\"type\":\"x\"}}",false],
  ["mixed: obj-array + prim-array","{\"users\":{\"name\":[{\"exists\":true}]},\"tags\":[\"admin\"]}","{\"users\":[{\"name\":\"alice\"}],\"tags\":[\"admin\",\"user\"]}",true],
  ["mixed: obj-array split + prim-array","{\"users\":{\"name\":[{\"exists\":true}],\"email\":[{\"exists\":true}]},\"tags\":[\"admin\"]}","{\"users\":[{\"name\":\"alice\"},{\"email\":\"b@x\"}],\"tags\":[\"admin\"]}",false],
  ["deep prim: nested 3 levels","{\"a\":{\"b\":{\"c\":{\"vals\":[{\"exists\":true}],\"type\":[{\"exists\":true}]}}}}","{\"a\":{\"b\":{\"c\":{\"vals\":[\"x\",\"y\",\"z\"],\"type\":\"ok\"}}}}",true],
  ["suffix match in array","{\"d\":{\"name\":[{\"suffix\":\"ice\"}],\"type\":[{\"exists\":true}]}}","{\"d\":[{\"name\":\"alice\",\"type\":\"user\"}]}",true],
  ["N emails, only last element has name — dedup loses the only valid match","{\"detail\":{\"email\":[{\"exists\":true}],\"name\":[{\"exists\":true}]}}","{\"detail\":[{\"email\":\"a@x\"},{\"email\":\"b@x\"},{\"email\":\"c@x\"},{\"email\":\"d@x\"},{\"email\":\"e@x\",\"name\":\"eve\"}]}",true],
  ["suffix match split","{\"d\":{\"name\":[{\"suffix\":\"ice\"}],\"type\":[{\"exists\":true}]}}","{\"d\":[{\"name\":\"alice\"},{\"type\":\"user\"}]}",false],
];

describe('EventBridge array consistency (event-ruler correctness-cases.json)', () => {
  it.each(correctnessCases)('%s', (_name, pattern, ev, expected) => {
    expect(matchesPattern(pattern, ev)).toBe(expected);
  });
});

/** Matching rules from event-ruler's README.md and the EventBridge user guide, one row each; source in the row. */
const docCases: [string, object | string, object | string, boolean][] = [
  // README "Exists matching": exists works on leaves only; exists:false matches when the field is an object
  ['README exists:false on a non-leaf', { detail: { 'c-count': [{ exists: false }] } }, { detail: { 'c-count': { c1: 100 } } }, true],
  ['README exists:true on a non-leaf', { detail: { 'c-count': [{ exists: true }] } }, { detail: { 'c-count': { c1: 100 } } }, false],
  ['eb content filtering: exists:false with the parent absent', { detail: { a: { b: [{ exists: false }] } } }, { detail: {} }, true],
  ['eb content filtering: exists:false with no detail at all', { detail: { a: [{ exists: false }] } }, { source: 'x' }, true],
  ['README exists:true matches a null value', { detail: { a: [{ exists: true }] } }, { detail: { a: null } }, true],
  ['README caveat: dots in keys join like nesting', { detail: { 'state.status': ['running'] } }, { detail: { state: { status: 'running' } } }, true],
  // README "Numeric matching": values compare as doubles
  ['README numeric = 3.018e2 matches 301.8', { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, '{"detail":{"x-limit":301.8}}', true],
  ['exact number 300 matches 3.0e2 (numeric equality)', { detail: { n: [300] } }, '{"detail":{"n":3.0e2}}', true],
  ['exact number 300 matches 300.0', { detail: { n: [300] } }, '{"detail":{"n":300.0}}', true],
  ['exact number 300 does not match the string "300"', { detail: { n: [300] } }, '{"detail":{"n":"300"}}', false],
  ['exact string "300" does not match the number 300', { detail: { n: ['300'] } }, '{"detail":{"n":300}}', false],
  ['numeric range is open at < and closed at <=', { n: [{ numeric: ['>', 0, '<', 5] }] }, '{"n":5}', false],
  ['numeric range includes its closed bottom', { n: [{ numeric: ['>=', 0, '<=', 5] }] }, '{"n":0}', true],
  ['numeric does not match a string number', { n: [{ numeric: ['>', 0] }] }, '{"n":"5"}', false],
  ['numeric handles negative exponents', { n: [{ numeric: ['<', 1e-5] }] }, '{"n":-4e-6}', true],
  ['numeric handles the double range (ComparableNumber)', { n: [{ numeric: ['>', 1e300] }] }, '{"n":1.5e300}', true],
  ['an event number a double cannot hold matches only by its text', '{"n":[12345678901234567890]}', '{"n":12345678901234567890}', true],
  ['anything-but numeric list compares as numbers', { n: [{ 'anything-but': [100, 200, 300] }] }, '{"n":3.0e2}', false],
  ['anything-but matches when any array element is not excluded', { n: [{ 'anything-but': [100, 500] }] }, '{"n":[100,50]}', true],
  ['anything-but of a string matches a number', { s: [{ 'anything-but': 'a' }] }, '{"s":5}', true],
  ['anything-but does not match a missing field', { s: [{ 'anything-but': 'a' }] }, '{}', false],
  // README "IP Address Matching"; CIDR.java (bounds inclusive, IPv6 too)
  ['cidr IPv4 includes the network address', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.0' }, true],
  ['cidr IPv4 excludes the next network', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' }, false],
  ['cidr /8', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.255.3.4' }, true],
  ['cidr IPv6 compressed event address', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:ffff::1' }, true],
  ['cidr IPv6 does not match IPv4', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '10.0.0.1' }, false],
  ['cidr does not match a non-address', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'not-an-ip' }, false],
  ['an exact IP value matches the same address written differently (CIDR.ipToRangeIfPossible)', { ip: ['2001:db8::1'] }, { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' }, true],
  // README wildcard: escapes, several wildcards, only strings
  ['wildcard with two stars', { f: [{ wildcard: '*/bin/*.jar' }] }, { f: '/usr/bin/app.jar' }, true],
  ['wildcard escaped star is literal', { f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' }, true],
  ['wildcard escaped star does not match other text', { f: [{ wildcard: 'a\\*b' }] }, { f: 'axb' }, false],
  ['wildcard * matches the empty string', { f: [{ wildcard: '*' }] }, { f: '' }, true],
  ['wildcard does not match a number', { f: [{ wildcard: '*' }] }, { f: 5 }, false],
  ['anything-but wildcard list', { f: [{ 'anything-but': { wildcard: ['*/bin/*.jar', '*/bin/*.class'] } }] }, { f: '/usr/bin/a.class' }, false],
  // README equals-ignore-case, prefix/suffix with equals-ignore-case
  ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'EC2' }] }, { source: 'ec2' }, true],
  ['prefix equals-ignore-case', { source: [{ prefix: { 'equals-ignore-case': 'EC2' } }] }, { source: 'eC2.instance' }, true],
  ['suffix equals-ignore-case', { f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { f: 'a.png' }, true],
  ['suffix equals-ignore-case does not match a prefix', { f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { f: '.png.txt' }, false],
  ['anything-but equals-ignore-case list', { s: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] }, { s: 'OVERLOADED' }, false],
  ['anything-but prefix list', { s: [{ 'anything-but': { prefix: ['init', 'error'] } }] }, { s: 'error-1' }, false],
  ['anything-but suffix list', { s: [{ 'anything-but': { suffix: ['1234', '6789'] } }] }, { s: 'i-5555' }, true],
  // README "$or": at top level, nested in objects, with AND inside, nested $or
  ['$or top level, second branch', { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] }, { source: 'aws.cloudwatch', namespace: 'AWS/EC2' }, true],
  ['$or top level, no branch', { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] }, { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, false],
  ['$or inside detail', { detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, { detail: { b: '2' } }, true],
  ['$or branch with AND inside', { $or: [{ a: ['1'] }, { b: ['2'], c: ['3'] }] }, { b: '2' }, false],
  ['nested $or', { $or: [{ a: ['1'] }, { b: ['2'], $or: [{ c: [3] }, { d: [4] }] }] }, { b: '2', d: 4 }, true],
  ['README backward compatibility: $or as a plain field name', { source: ['aws.cloudwatch'], $or: { metricType: ['MetricType'] } }, { source: 'aws.cloudwatch', $or: { metricType: 'MetricType' } }, true],
  // eb-event-patterns-arrays / null and empty values
  ['null matches null', { a: [null] }, { a: null }, true],
  ['null does not match a missing field', { a: [null] }, {}, false],
  ['empty string matches empty string', { a: [''] }, { a: '' }, true],
  ['empty string does not match null', { a: [''] }, { a: null }, false],
  ['prefix "" matches any string but not a number', { a: [{ prefix: '' }] }, { a: 5 }, false],
];

describe('EventBridge matching rules from the event-ruler README and the EventBridge user guide', () => {
  it.each(docCases)('%s', (_name, pattern, ev, expected) => {
    expect(matchesPattern(pattern, ev as Record<string, unknown> | string)).toBe(expected);
  });
});

/** Refusals with event-ruler's exact reason (JsonRuleCompiler.java, CIDR.java, WildcardParser.java, Range.java). */
const invalidCases: [string, string, string][] = [
  ['WildcardParser: consecutive *', '{"a":[{"wildcard":"a**b"}]}', 'Consecutive wildcard characters at pos 2'],
  ['WildcardParser: bad escape', '{"a":[{"wildcard":"a\\\\b"}]}', 'Invalid escape character at pos 2'],
  ['CIDR.java: no slash', '{"a":[{"cidr":"10.0.0.0"}]}', "Malformed CIDR, one '/' required"],
  ['CIDR.java: mask must be < 32', '{"a":[{"cidr":"10.0.0.0/32"}]}', 'IPv4 mask bits must be < 32'],
  ['CIDR.java: IPv6 mask must be < 128', '{"a":[{"cidr":"2001:db8::/128"}]}', 'IPv6 mask bits must be < 128'],
  ['CIDR.java: negative mask', '{"a":[{"cidr":"10.0.0.0/-1"}]}', 'Malformed CIDR, mask bits must not be negative'],
  ['CIDR.java: octet over 255', '{"a":[{"cidr":"10.0.0.256/8"}]}', 'Invalid IP address: 10.0.0.256'],
  ['Range.java: bottom must be below top', '{"a":[{"numeric":[">",5,"<",5]}]}', 'Bottom must be less than top'],
  ['ComparableNumber: not a double', '{"a":[{"numeric":["=",1E309]}]}', 'Cannot compare number : 1E309'],
  ['JsonRuleCompiler: mixed anything-but list', '{"a":[{"anything-but":["x",1]}]}', 'Inside anything but list, either all values are number or string, mixed type is not supported'],
  ['JsonRuleCompiler: $or needs 2 objects', '{"$or":[{"a":["b"]}]}', 'There must have at least 2 Objects in $or relationship.'],
  ['JsonRuleCompiler: reserved word in $or', '{"$or":[{"numeric":[1]},{"a":["b"]}]}', 'numeric is Ruler reserved fieldName which cannot be used inside $or.'],
  ['JsonRuleCompiler: two keys in a match', '{"a":[{"prefix":"x","suffix":"y"}]}', 'Only one key allowed in match expression'],
  ['JsonRuleCompiler: unknown numeric operator', '{"a":[{"numeric":["!=",1]}]}', 'Unrecognized numeric range operator: !='],
  ['JsonRuleCompiler: exists must be boolean', '{"a":[{"exists":"yes"}]}', 'exists match pattern must be either true or false.'],
  ['JsonRuleCompiler: nested array value', '{"a":[["b"]]}', 'Match value must be String, number, true, false, or null'],
  ['JsonRuleCompiler: anything-but unknown operator', '{"a":[{"anything-but":{"numeric":[">",1]}}]}', 'Unsupported anything-but pattern: numeric'],
  ['JsonRuleCompiler: prefix with unknown operator', '{"a":[{"prefix":{"wildcard":"x"}}]}', 'Unsupported prefix pattern: wildcard'],
  ['MachineComplexityEvaluator: too many wildcards', '{"a":[{"wildcard":"*a*a*a*a*a*a*"}]}', 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character'],
];

describe('EventBridge pattern refusals carry event-ruler\'s reason', () => {
  it.each(invalidCases)('%s', (_source, pattern, reason) => {
    expect(() => validatePattern(pattern)).toThrow(expect.objectContaining({ type: 'InvalidEventPatternException', message: expect.stringContaining(`Event pattern is not valid. Reason: ${reason}`) }));
  });

  it('a rule using cidr or wildcard is valid and fires (it used to throw)', () => {
    expect(matchesPattern({ detail: { ip: [{ cidr: '10.0.0.0/8' }], f: [{ wildcard: 'lead.*' }] } }, event('t', { ip: '10.1.2.3', f: 'lead.created' }))).toBe(true);
  });
});
