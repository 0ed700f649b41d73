import { AwsError } from './protocol.ts';

/**
 * EventBridge event patterns, as EventBridge compiles and matches them (it runs aws/event-ruler; this file follows
 * event-ruler's JsonRuleCompiler, ByteMachine, ACFinder and CIDR classes, and the AWS-recorded answers of
 * TestEventPattern). Supported: exact strings/numbers/booleans/null, `prefix` and `suffix` (also with
 * `equals-ignore-case`), `equals-ignore-case`, `wildcard`, `anything-but` (value, list, `prefix`, `suffix`,
 * `equals-ignore-case`, `wildcard`, each single or a list), `numeric` (`=`, `<`, `<=`, `>`, `>=`, ranges), `cidr`
 * (IPv4 and IPv6), `exists` and `$or` at any level.
 *
 * How EventBridge matches (and so this file):
 * - The event is flattened into leaves: `detail.a.b` → value. Objects and empty arrays are not leaves, so `exists`
 *   sees only leaves (`exists: true` on an object is false, `exists: false` on an object is true). Keys are joined
 *   with `.` (a pattern `{"a.b": [..]}` also matches `{"a": {"b": ..}}`).
 * - Every value is compared in its JSON form: a string is `"text"`, a number its digits, `null`/`true`/`false` the
 *   literal. So `prefix`, `suffix`, `wildcard`, `equals-ignore-case` only match strings, while `anything-but`
 *   (of any kind) matches numbers, `null` and booleans. A missing field matches nothing but `exists: false`.
 * - Arrays: a field matches if any element matches; fields taken from objects inside one array must come from the
 *   same element (array consistency). `exists: false` asks that no consistent leaf exists.
 * - Numbers compare as IEEE-754 doubles (`300` = `3.0e2`); a number that a double cannot hold exactly only
 *   matches by its exact text.
 */

// ---------------------------------------------------------------------------------------------------------------
// Pattern types (the JSON form of an event pattern).

export type PatternMatcher =
  | string | number | boolean | null
  | { readonly prefix: string | { readonly 'equals-ignore-case': string } }
  | { readonly suffix: string | { readonly 'equals-ignore-case': string } }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | { readonly exactly: string }
  | { readonly exists: boolean }
  | { readonly cidr: string }
  | { readonly numeric: readonly (string | number)[] }
  | {
    readonly 'anything-but':
      | string | number | readonly string[] | readonly number[]
      | { readonly prefix: string | readonly string[] }
      | { readonly suffix: string | readonly string[] }
      | { readonly 'equals-ignore-case': string | readonly string[] }
      | { readonly wildcard: string | readonly string[] };
  };

/** An event pattern: each field is a list of matchers (OR), nested fields, or `$or` (a list of 2+ patterns). */
export interface Pattern {
  readonly $or?: readonly Pattern[];
  readonly [field: string]: readonly PatternMatcher[] | Pattern | readonly Pattern[] | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// A JSON reader that behaves like Jackson's streaming parser where it shows in AWS's messages: the same error
// texts, and the same location (`line: L, column: C`, just after the last token read; a string value is only
// read past its opening quote until its text is asked for; after a field name the first character of its value
// has already been read).

type Tok =
  | 'START_OBJECT' | 'END_OBJECT' | 'START_ARRAY' | 'END_ARRAY' | 'FIELD_NAME'
  | 'VALUE_STRING' | 'VALUE_NUMBER_INT' | 'VALUE_NUMBER_FLOAT' | 'VALUE_TRUE' | 'VALUE_FALSE' | 'VALUE_NULL';

class JsonSyntaxError extends Error {}

const MAX_SNIPPET = 500;

function sourceDesc(src: string): string {
  return src.length > MAX_SNIPPET
    ? `(String)"${src.slice(0, MAX_SNIPPET)}"[truncated ${src.length - MAX_SNIPPET} chars]`
    : `(String)"${src}"`;
}

function charDesc(ch: number): string {
  if (ch < 32 || ch === 127) return `(CTRL-CHAR, code ${ch})`;
  if (ch > 255) return `'${String.fromCharCode(ch)}' (code ${ch} / 0x${ch.toString(16)})`;
  return `'${String.fromCharCode(ch)}' (code ${ch})`;
}

class JsonReader {
  private pos = 0;
  private stack: ('o' | 'a')[] = [];
  private starts: number[] = [];
  private pending: Tok | undefined; // value token pre-read after a field name
  private pendingStringStart = -1; // index of the opening quote of an unread string token
  private text = '';
  private textReady = true;
  private first = true; // first entry of the current container
  name = '';

  constructor(readonly src: string) {}

  location(at = this.pos): string {
    let line = 1;
    let rowStart = 0;
    for (let i = 0; i < at && i < this.src.length; i++) if (this.src.charCodeAt(i) === 10) { line++; rowStart = i + 1; }
    return `[Source: ${sourceDesc(this.src)}; line: ${line}, column: ${at - rowStart + 1}]`;
  }

  private fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(`${message}\n at ${this.location(at)}`);
  }

  private skipWs(): number {
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else return c;
    }
    return -1;
  }

  private eof(): never {
    const kind = this.stack[this.stack.length - 1];
    if (kind) {
      const name = kind === 'o' ? 'Object' : 'Array';
      this.fail(`Unexpected end-of-input: expected close marker for ${name} (start marker at ${this.location(this.starts[this.starts.length - 1]!)})`);
    }
    this.fail('Unexpected end-of-input');
  }

  /** The text of the current string, number or literal token (reads the rest of a string token). */
  getText(): string {
    if (!this.textReady) this.finishString();
    return this.text;
  }

  private finishString(): void {
    this.pos = this.pendingStringStart + 1;
    this.text = this.readStringBody();
    this.textReady = true;
  }

  private readStringBody(): string {
    let out = '';
    const src = this.src;
    for (;;) {
      if (this.pos >= src.length) this.fail('Unexpected end-of-input: was expecting closing quote for a string value');
      const c = src.charCodeAt(this.pos++);
      if (c === 34) return out;
      if (c === 92) {
        if (this.pos >= src.length) this.fail('Unexpected end-of-input in character escape sequence');
        const e = src.charCodeAt(this.pos++);
        switch (e) {
          case 34: out += '"'; break;
          case 92: out += '\\'; break;
          case 47: out += '/'; break;
          case 98: out += '\b'; break;
          case 102: out += '\f'; break;
          case 110: out += '\n'; break;
          case 114: out += '\r'; break;
          case 116: out += '\t'; break;
          case 117: {
            const hex = src.slice(this.pos, this.pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              const bad = hex.split('').find((h) => !/[0-9a-fA-F]/.test(h)) ?? '';
              if (!bad) this.fail('Unexpected end-of-input in character escape sequence');
              this.pos += hex.indexOf(bad) + 1;
              this.fail(`Unexpected character (${charDesc(bad.charCodeAt(0))}): expected a hex-digit for character escape sequence`, this.pos - 1);
            }
            out += String.fromCharCode(parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            this.fail(`Unrecognized character escape ${charDesc(e)}`, this.pos - 1);
        }
        continue;
      }
      if (c < 32) this.fail(`Illegal unquoted character (${charDesc(c)}): has to be escaped using backslash to be included in string value`, this.pos - 1);
      out += String.fromCharCode(c);
    }
  }

  private skipPendingString(): void {
    if (!this.textReady) this.finishString();
  }

  private readValue(c: number): Tok {
    const src = this.src;
    if (c === 34) {
      this.pendingStringStart = this.pos;
      this.pos++;
      this.textReady = false;
      return 'VALUE_STRING';
    }
    if (c === 123) { this.pos++; this.push('o'); return 'START_OBJECT'; }
    if (c === 91) { this.pos++; this.push('a'); return 'START_ARRAY'; }
    if (c === 45 || (c >= 48 && c <= 57)) return this.readNumber();
    const m = /^[A-Za-z0-9_$\u0080-\uffff]+/.exec(src.slice(this.pos, this.pos + 256));
    if (m) {
      const word = m[0];
      for (const [lit, tok] of [['true', 'VALUE_TRUE'], ['false', 'VALUE_FALSE'], ['null', 'VALUE_NULL']] as const) {
        if (word === lit) { this.pos += lit.length; this.text = lit; this.textReady = true; return tok; }
      }
      this.pos += word.length;
      this.fail(`Unrecognized token '${word}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`);
    }
    if (c === 93 || c === 125) this.fail(`Unexpected character (${charDesc(c)}): expected a value`, this.pos);
    this.fail(`Unexpected character (${charDesc(c)}): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`, this.pos);
  }

  private readNumber(): Tok {
    const src = this.src;
    const start = this.pos;
    let i = this.pos;
    if (src[i] === '-') i++;
    if (i >= src.length) { this.pos = i; this.fail('Unexpected end-of-input in numeric value'); }
    if (!/[0-9]/.test(src[i]!)) {
      this.pos = i + 1;
      this.fail(`Unexpected character (${charDesc(src.charCodeAt(i))}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`, i);
    }
    if (src[i] === '0' && /[0-9]/.test(src[i + 1] ?? '')) { this.pos = i + 2; this.fail('Invalid numeric value: Leading zeroes not allowed', i + 1); }
    while (/[0-9]/.test(src[i] ?? '')) i++;
    let float = false;
    if (src[i] === '.') {
      float = true;
      i++;
      if (!/[0-9]/.test(src[i] ?? '')) { this.pos = i + 1; this.fail(`Unexpected character (${src[i] === undefined ? 'EOF' : charDesc(src.charCodeAt(i))}) in numeric value: Decimal point not followed by a digit`, i); }
      while (/[0-9]/.test(src[i] ?? '')) i++;
    }
    if (src[i] === 'e' || src[i] === 'E') {
      float = true;
      i++;
      if (src[i] === '+' || src[i] === '-') i++;
      if (!/[0-9]/.test(src[i] ?? '')) { this.pos = i + 1; this.fail(`Unexpected character (${src[i] === undefined ? 'EOF' : charDesc(src.charCodeAt(i))}) in numeric value: Exponent indicator not followed by a digit`, i); }
      while (/[0-9]/.test(src[i] ?? '')) i++;
    }
    this.pos = i;
    this.text = src.slice(start, i);
    this.textReady = true;
    return float ? 'VALUE_NUMBER_FLOAT' : 'VALUE_NUMBER_INT';
  }

  private push(kind: 'o' | 'a'): void {
    this.stack.push(kind);
    this.starts.push(this.pos - 1);
    this.first = true;
  }

  private pop(): void {
    this.stack.pop();
    this.starts.pop();
    this.first = false;
  }

  nextToken(): Tok | undefined {
    if (this.pending) {
      const t = this.pending;
      this.pending = undefined;
      return t;
    }
    this.skipPendingString();
    const kind = this.stack[this.stack.length - 1];
    let c = this.skipWs();
    if (!kind) {
      if (c === -1) return undefined;
      return this.readValue(c);
    }
    if (c === -1) this.eof();
    if (c === 93 || c === 125) {
      const want = kind === 'o' ? 125 : 93;
      if (c !== want) {
        this.pos++;
        this.fail(kind === 'o'
          ? `Unexpected close marker ']': expected '}' (for Object starting at ${this.location(this.starts[this.starts.length - 1]!)})`
          : `Unexpected close marker '}': expected ']' (for Array starting at ${this.location(this.starts[this.starts.length - 1]!)})`, this.pos - 1);
      }
      this.pos++;
      this.pop();
      return kind === 'o' ? 'END_OBJECT' : 'END_ARRAY';
    }
    if (!this.first) {
      if (c !== 44) {
        this.pos++;
        this.fail(`Unexpected character (${charDesc(c)}): was expecting comma to separate ${kind === 'o' ? 'Object' : 'Array'} entries`, this.pos - 1);
      }
      this.pos++;
      c = this.skipWs();
      if (c === -1) this.eof();
    }
    this.first = false;
    if (kind === 'a') return this.readValue(c);
    // an object entry: name, colon, first character of the value
    if (c !== 34) {
      this.pos++;
      this.fail(`Unexpected character (${charDesc(c)}): was expecting double-quote to start field name`, this.pos - 1);
    }
    this.pos++;
    this.name = this.readStringBody();
    c = this.skipWs();
    if (c !== 58) {
      if (c === -1) this.eof();
      this.pos++;
      this.fail(`Unexpected character (${charDesc(c)}): was expecting a colon to separate field name and value`, this.pos - 1);
    }
    this.pos++;
    c = this.skipWs();
    if (c === -1) this.eof();
    this.pending = this.readValue(c);
    return 'FIELD_NAME';
  }

  /** Skips the children of the container just started (after START_OBJECT / START_ARRAY). */
  skipChildren(): void {
    let depth = 1;
    while (depth > 0) {
      const t = this.nextToken();
      if (t === 'START_OBJECT' || t === 'START_ARRAY') depth++;
      else if (t === 'END_OBJECT' || t === 'END_ARRAY') depth--;
      else if (t === undefined) this.eof();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers: event-ruler's ComparableNumber accepts a number when a double holds it exactly.

function decimalKey(text: string): string {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return text;
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let exp = Number(m[4] ?? 0) + (m[2] ?? '').length;
  const lead = digits.match(/^0*/)![0].length;
  digits = digits.slice(lead);
  exp -= lead;
  digits = digits.replace(/0+$/, '');
  if (digits === '') return '0';
  return `${m[1]}${digits}e${exp}`;
}

/** The double a number literal stands for, when a double holds it exactly (else undefined: "Cannot compare number"). */
export function comparableNumber(text: string): number | undefined {
  const d = Number(text);
  if (!Number.isFinite(d)) return undefined;
  return decimalKey(text) === decimalKey(String(d)) ? d : undefined;
}

/** Total order of doubles as event-ruler's encoding has it (-0 < 0). */
function cmpNum(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (Object.is(a, b)) return 0;
  return Object.is(a, -0) ? -1 : 1;
}

// ---------------------------------------------------------------------------------------------------------------
// IP addresses (event-ruler CIDR.java): IPv4 `a.b.c.d`, IPv6 of hex and colons; IPv4-mapped IPv6 counts as IPv4.

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

function parseIpv6(ip: string): number[] | undefined {
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...tail].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail].map((g) => parseInt(g, 16));
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  return bytes;
}

function ipBytes(ip: string): number[] {
  let addr: number[] | undefined;
  if (IPV4.test(ip)) {
    const parts = ip.split('.').map(Number);
    addr = parts.every((p) => p <= 255) ? parts : undefined;
    if (!addr) throw new Error(`Invalid IP address: ${ip}`);
  } else if (IPV6.test(ip)) {
    addr = parseIpv6(ip);
    if (!addr) throw new Error(`Invalid IP address: ${ip}`);
  }
  if (!addr || (addr.length !== 4 && addr.length !== 16)) throw new Error(`Nonstandard IP address: ${ip}`);
  return addr;
}

const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');

function ipHex(ip: string): string | undefined {
  try {
    return hex(ipBytes(ip));
  } catch {
    return undefined;
  }
}

function cidrRange(cidr: string): { min: string; max: string } {
  const slashed = cidr.split('/');
  while (slashed.length > 1 && slashed[slashed.length - 1] === '') slashed.pop(); // Java's String.split
  if (slashed.length !== 2) throw new Error("Malformed CIDR, one '/' required");
  if (!/^[+-]?\d+$/.test(slashed[1]!) || Math.abs(Number(slashed[1])) > 2147483647) throw new Error('Malformed CIDR, mask bits must be an integer');
  const maskBits = Number(slashed[1]);
  if (maskBits < 0) throw new Error('Malformed CIDR, mask bits must not be negative');
  const ip = ipBytes(slashed[0]!);
  if (ip.length === 4 && maskBits > 31) throw new Error('IPv4 mask bits must be < 32');
  if (ip.length === 16 && maskBits > 127) throw new Error('IPv6 mask bits must be < 128');
  const bits = ip.length * 8 - maskBits;
  const min = ip.slice();
  const max = ip.slice();
  for (let i = ip.length - 1, v = bits; i >= 0 && v > 0; i--, v -= 8) {
    const n = Math.min(8, v);
    min[i] = ip[i]! & (0xff << n) & 0xff;
    max[i] = ip[i]! | ((1 << n) - 1);
  }
  return { min: hex(min), max: hex(max) };
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled matchers.

type Matcher =
  | { kind: 'exact'; json: string } // JSON form: "text", or the literal true/false/null, or a number's text
  | { kind: 'num-eq'; value: number }
  | { kind: 'ip'; min: string; max: string }
  | { kind: 'prefix' | 'suffix'; json: string }
  | { kind: 'prefix-ic' | 'suffix-ic' | 'exact-ic'; json: string }
  | { kind: 'wildcard'; json: string }
  | { kind: 'range'; bottom?: number; openBottom: boolean; top?: number; openTop: boolean }
  | { kind: 'exists' }
  | { kind: 'absent' }
  | { kind: 'ab-strings'; set: Set<string> }
  | { kind: 'ab-numbers'; set: number[] }
  | { kind: 'ab-prefix' | 'ab-suffix' | 'ab-ic' | 'ab-wildcard'; list: string[] };

type SubRule = Map<string, Matcher[]>;

/** A compiled pattern: the `$or` branches, each a map of flattened field path → matchers. */
export interface CompiledPattern {
  readonly subRules: readonly SubRule[];
  readonly source: string;
}

class PatternParseError extends Error {}

const OR = '$or';
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after', 'date-on-or-after',
  'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range', 'ip-address-not-in-range',
]);

/** Validates a wildcard value (quoted, as event-ruler parses it); positions are UTF-8 byte offsets. */
function checkWildcard(quoted: string): void {
  const b = Buffer.from(quoted, 'utf8');
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 42 && b[i + 1] === 42) throw new Error(`Consecutive wildcard characters at pos ${i}`);
    if (b[i] === 92) {
      if (b[i + 1] === 42 || b[i + 1] === 92) { i++; continue; }
      throw new Error(`Invalid escape character at pos ${i}`);
    }
  }
}

/** Mirrors event-ruler's JsonRuleCompiler (and, with `legacy`, RuleCompiler: `$or` is a plain field name). */
class Compiler {
  private readonly p: JsonReader;

  constructor(src: string, private readonly legacy: boolean) {
    this.p = new JsonReader(src);
  }

  private barf(message: string): never {
    throw new PatternParseError(`${message}\n at ${this.p.location()}`);
  }

  compile(): SubRule[] {
    const rules: SubRule[] = [];
    if (this.p.nextToken() !== 'START_OBJECT') this.barf('Filter is not an object');
    this.parseObject(rules, [], false);
    return rules;
  }

  private parseObject(rules: SubRule[], path: string[], insideOr: boolean): void {
    let fieldsPresent = false;
    for (let t = this.p.nextToken(); t !== 'END_OBJECT'; t = this.p.nextToken()) {
      fieldsPresent = true;
      const name = this.p.name;
      if (name === OR && !this.legacy) {
        this.parseOr(rules, path);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(name)) this.barf(`${name} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
      switch (this.p.nextToken()) {
        case 'START_OBJECT':
          this.parseObject(rules, [...path, name], insideOr);
          break;
        case 'START_ARRAY':
          this.writeRules(rules, [...path, name].join('.'));
          break;
        default:
          this.barf(`"${name}" must be an object or an array`);
      }
    }
    if (!fieldsPresent) this.barf('Empty objects are not allowed');
  }

  private parseOr(rules: SubRule[], path: string[]): void {
    const current = rules.map((r) => new Map(r));
    rules.length = 0;
    if (this.p.nextToken() !== 'START_ARRAY') this.barf(`It must be an Array followed with ${OR}.`);
    let count = 0;
    for (let t = this.p.nextToken(); t !== 'END_ARRAY'; t = this.p.nextToken()) {
      count++;
      if (t !== 'START_OBJECT') this.barf(`Only JSON object is allowed in array of ${OR} relationship.`);
      const branch = current.map((r) => new Map(r));
      if (branch.length === 0) branch.push(new Map());
      this.parseObject(branch, path, true);
      rules.push(...branch);
    }
    if (count < 2) this.barf(`There must have at least 2 Objects in ${OR} relationship.`);
  }

  private writeRules(rules: SubRule[], name: string): void {
    const values: Matcher[] = [];
    for (let t = this.p.nextToken(); t !== 'END_ARRAY'; t = this.p.nextToken()) {
      switch (t) {
        case 'START_OBJECT':
          values.push(...this.matchExpression());
          break;
        case 'VALUE_STRING': {
          const text = this.p.getText();
          const ip = IPV4.test(text) || IPV6.test(text) ? ipHex(text) : undefined;
          if (ip !== undefined) values.push({ kind: 'ip', min: ip, max: ip });
          else values.push({ kind: 'exact', json: `"${text}"` });
          break;
        }
        case 'VALUE_NUMBER_INT':
        case 'VALUE_NUMBER_FLOAT': {
          const text = this.p.getText();
          const n = comparableNumber(text);
          if (n !== undefined) values.push({ kind: 'num-eq', value: n });
          values.push({ kind: 'exact', json: text });
          break;
        }
        case 'VALUE_NULL':
        case 'VALUE_TRUE':
        case 'VALUE_FALSE':
          values.push({ kind: 'exact', json: this.p.getText() });
          break;
        default:
          this.barf('Match value must be String, number, true, false, or null');
      }
    }
    if (values.length === 0) this.barf('Empty arrays are not allowed');
    if (rules.length === 0) rules.push(new Map());
    for (const rule of rules) rule.set(name, values);
  }

  private endOfExpression(): void {
    if (this.p.nextToken() !== 'END_OBJECT') this.barf('Only one key allowed in match expression');
  }

  private matchExpression(): Matcher[] {
    const p = this.p;
    if (p.nextToken() !== 'FIELD_NAME') this.barf('Match expression name not found');
    const type = p.name;
    switch (type) {
      case 'exactly': {
        if (p.nextToken() !== 'VALUE_STRING') this.barf('exact match pattern must be a string');
        const m: Matcher = { kind: 'exact', json: `"${p.getText()}"` };
        this.endOfExpression();
        return [m];
      }
      case 'prefix':
      case 'suffix': {
        const t = p.nextToken();
        if (t === 'START_OBJECT') return [this.ignoreCaseAffix(type)];
        if (t !== 'VALUE_STRING') this.barf(`${type} match pattern must be a string`);
        const text = p.getText();
        const m: Matcher = type === 'prefix' ? { kind: 'prefix', json: `"${text}` } : { kind: 'suffix', json: `${text}"` };
        this.endOfExpression();
        return [m];
      }
      case 'numeric': {
        if (p.nextToken() !== 'START_ARRAY') this.barf('Value of numeric must be an array.');
        const m = this.numeric();
        if (p.nextToken() !== 'END_OBJECT') this.barf('Too many elements in numeric expression');
        return [m];
      }
      case 'anything-but':
        return [this.anythingBut()];
      case 'exists': {
        const t = p.nextToken();
        if (t !== 'VALUE_TRUE' && t !== 'VALUE_FALSE') this.barf('exists match pattern must be either true or false.');
        this.endOfExpression();
        return [t === 'VALUE_TRUE' ? { kind: 'exists' } : { kind: 'absent' }];
      }
      case 'cidr': {
        if (p.nextToken() !== 'VALUE_STRING') this.barf('prefix match pattern must be a string');
        let range: { min: string; max: string };
        try {
          range = cidrRange(p.getText());
        } catch (error) {
          throw new PatternParseError((error as Error).message); // event-ruler throws these without a location
        }
        this.endOfExpression();
        return [{ kind: 'ip', ...range }];
      }
      case 'equals-ignore-case': {
        if (p.nextToken() !== 'VALUE_STRING') this.barf('equals-ignore-case match pattern must be a string');
        const m: Matcher = { kind: 'exact-ic', json: `"${p.getText()}"` };
        this.endOfExpression();
        return [m];
      }
      case 'wildcard': {
        if (p.nextToken() !== 'VALUE_STRING') this.barf('wildcard match pattern must be a string');
        const quoted = `"${p.getText()}"`;
        try {
          checkWildcard(quoted);
        } catch (error) {
          this.barf((error as Error).message);
        }
        this.endOfExpression();
        return [{ kind: 'wildcard', json: quoted }];
      }
      default:
        return this.barf(`Unrecognized match type ${type}`);
    }
  }

  private ignoreCaseAffix(type: 'prefix' | 'suffix'): Matcher {
    const p = this.p;
    const Name = type === 'prefix' ? 'Prefix' : 'Suffix';
    if (p.nextToken() !== 'FIELD_NAME') this.barf(`${Name} expression name not found`);
    if (p.name !== 'equals-ignore-case') this.barf(`Unsupported ${type} pattern: ${p.name}`);
    if (p.nextToken() !== 'VALUE_STRING') this.barf('equals-ignore-case match pattern must be a string');
    const text = p.getText();
    this.endOfExpression();
    this.endOfExpression();
    return type === 'prefix' ? { kind: 'prefix-ic', json: `"${text}` } : { kind: 'suffix-ic', json: `${text}"` };
  }

  private tokenText(t: Tok | undefined): string {
    const fixed: Partial<Record<Tok, string>> = { START_OBJECT: '{', END_OBJECT: '}', START_ARRAY: '[', END_ARRAY: ']', FIELD_NAME: this.p.name };
    return (t && fixed[t]) ?? this.p.getText();
  }

  private numberOrBarf(text: string): number {
    const n = comparableNumber(text);
    if (n === undefined) this.barf(`Cannot compare number : ${text}`);
    return n;
  }

  private numeric(): Matcher {
    const p = this.p;
    let t = p.nextToken();
    if (t !== 'VALUE_STRING') this.barf(`Invalid member in numeric match: ${this.tokenText(t)}`);
    const op = p.getText();
    t = p.nextToken();
    const isNum = t === 'VALUE_NUMBER_INT' || t === 'VALUE_NUMBER_FLOAT';
    if (op === '=') {
      if (!isNum) this.barf('Value of equals must be numeric');
      const value = this.numberOrBarf(p.getText());
      if (p.nextToken() !== 'END_ARRAY') this.barf('Too many elements in numeric expression');
      return { kind: 'num-eq', value };
    }
    if (op === '>=' || op === '>') {
      if (!isNum) this.barf(`Value of ${op} must be numeric`);
      const bottomText = p.getText();
      t = p.nextToken();
      if (t === 'END_ARRAY') return { kind: 'range', bottom: this.numberOrBarf(bottomText), openBottom: op === '>', openTop: false };
      if (t !== 'VALUE_STRING') this.barf(`Bad value in numeric range: ${this.tokenText(t)}`);
      const op2 = p.getText();
      if (op2 !== '<' && op2 !== '<=') this.barf(`Bad numeric range operator: ${op2}`);
      const t2 = p.nextToken();
      if (t2 !== 'VALUE_NUMBER_INT' && t2 !== 'VALUE_NUMBER_FLOAT') this.barf(`Value of ${op2} must be numeric`);
      const topText = p.getText();
      if (p.nextToken() !== 'END_ARRAY') this.barf('Too many terms in numeric range expression');
      const bottom = this.numberOrBarf(bottomText);
      const top = this.numberOrBarf(topText);
      if (cmpNum(bottom, top) >= 0) this.barf('Bottom must be less than top');
      return { kind: 'range', bottom, openBottom: op === '>', top, openTop: op2 === '<' };
    }
    if (op === '<=' || op === '<') {
      if (!isNum) this.barf(`Value of ${op} must be numeric`);
      const top = this.numberOrBarf(p.getText());
      if (p.nextToken() !== 'END_ARRAY') this.barf('Too many elements in numeric expression');
      return { kind: 'range', openBottom: false, top, openTop: op === '<' };
    }
    return this.barf(`Unrecognized numeric range operator: ${op}`);
  }

  private anythingBut(): Matcher {
    const p = this.p;
    let sub: 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard' | undefined;
    let t = p.nextToken();
    if (t === 'START_OBJECT') {
      if (p.nextToken() !== 'FIELD_NAME') this.barf('Anything-But expression name not found');
      const op = p.name;
      if (op === 'equals-ignore-case' || op === 'prefix' || op === 'suffix' || (op === 'wildcard' && !this.legacy)) sub = op;
      else this.barf(`Unsupported anything-but pattern: ${op}`);
      t = p.nextToken();
    }
    if (t !== 'START_ARRAY' && t !== 'VALUE_STRING' && t !== 'VALUE_NUMBER_INT' && t !== 'VALUE_NUMBER_FLOAT') {
      this.barf('Value of anything-but must be an array or single string/number value.');
    }
    let m: Matcher;
    if (!sub) {
      if (t === 'START_ARRAY') {
        m = this.anythingButList();
      } else if (t === 'VALUE_STRING') {
        m = { kind: 'ab-strings', set: new Set([`"${p.getText()}"`]) };
      } else {
        const n = comparableNumber(p.getText());
        if (n === undefined) throw new PatternParseError(`Cannot compare number : ${p.getText()}`); // thrown outside barf
        m = { kind: 'ab-numbers', set: [n] };
      }
    } else {
      const typeError = sub === 'equals-ignore-case'
        ? 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'
        : sub === 'wildcard' ? 'wildcard match pattern must be a string' : 'prefix/suffix match pattern must be a string';
      const list: string[] = [];
      const add = (text: string) => {
        if ((sub === 'prefix' || sub === 'suffix') && text === '') this.barf('Null prefix/suffix not allowed');
        const json = sub === 'prefix' ? `"${text}` : sub === 'suffix' ? `${text}"` : `"${text}"`;
        if (!list.includes(json)) list.push(json);
      };
      if (t === 'START_ARRAY') {
        this.rethrowWithLocation(() => {
          for (let e = p.nextToken(); e !== 'END_ARRAY'; e = p.nextToken()) {
            if (e === 'VALUE_STRING') add(p.getText());
            else this.barf(typeError);
          }
        });
      } else if (t === 'VALUE_STRING') {
        add(p.getText());
      } else {
        this.barf(typeError);
      }
      if (sub === 'wildcard') {
        for (const w of list) {
          try {
            checkWildcard(w);
          } catch (error) {
            this.barf((error as Error).message);
          }
        }
      }
      const kind = ({ 'equals-ignore-case': 'ab-ic', prefix: 'ab-prefix', suffix: 'ab-suffix', wildcard: 'ab-wildcard' } as const)[sub];
      m = { kind, list };
    }
    if (p.nextToken() !== 'END_OBJECT') this.barf('Too many elements in numeric expression');
    if (sub && p.nextToken() !== 'END_OBJECT') this.barf('Too many elements in numeric expression');
    return m;
  }

  /** event-ruler catches the errors of a list loop and re-raises them with a second location. */
  private rethrowWithLocation(loop: () => void): void {
    try {
      loop();
    } catch (error) {
      if (error instanceof PatternParseError || error instanceof JsonSyntaxError) this.barf(error.message);
      throw error;
    }
  }

  private anythingButList(): Matcher {
    const p = this.p;
    const strings = new Set<string>();
    const numbers: number[] = [];
    let hasString = false;
    let hasNumber = false;
    this.rethrowWithLocation(() => {
      for (let t = p.nextToken(); t !== 'END_ARRAY'; t = p.nextToken()) {
        if (t === 'VALUE_STRING') {
          strings.add(`"${p.getText()}"`);
          hasString = true;
        } else if (t === 'VALUE_NUMBER_INT' || t === 'VALUE_NUMBER_FLOAT') {
          const n = comparableNumber(p.getText());
          if (n === undefined) throw new PatternParseError(`Cannot compare number : ${p.getText()}`);
          numbers.push(n);
          hasNumber = true;
        } else {
          this.barf('Inside anything but list, start|null|boolean is not supported.');
        }
      }
    });
    if (hasNumber === hasString) this.barf('Inside anything but list, either all values are number or string, mixed type is not supported');
    return hasNumber ? { kind: 'ab-numbers', set: numbers } : { kind: 'ab-strings', set: strings };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Wildcards: matching and EventBridge's complexity limit (event-ruler MachineComplexityEvaluator: the most wildcard
// pattern prefixes one input value can match at once, over all wildcard patterns of one field).

type WildToken = { star: true } | { star: false; ch: string };

function wildTokens(quoted: string): WildToken[] {
  const out: WildToken[] = [];
  for (let i = 0; i < quoted.length; i++) {
    const c = quoted[i]!;
    if (c === '*') out.push({ star: true });
    else if (c === '\\' && (quoted[i + 1] === '*' || quoted[i + 1] === '\\')) out.push({ star: false, ch: quoted[++i]! });
    else out.push({ star: false, ch: c });
  }
  return out;
}

/** Positions reachable after consuming the input so far, closed over stars (a star may match nothing). */
function closure(tokens: WildToken[], states: Set<number>): Set<number> {
  const out = new Set(states);
  for (const s of [...out].sort((a, b) => a - b)) {
    for (let i = s; i < tokens.length && tokens[i]!.star; i++) out.add(i + 1);
  }
  return out;
}

function stepWild(tokens: WildToken[], states: Set<number>, ch: string): Set<number> {
  const next = new Set<number>();
  for (const s of states) {
    if (s > 0 && tokens[s - 1]!.star) next.add(s); // a star just matched absorbs the character
    const t = tokens[s];
    if (t && !t.star && t.ch === ch) next.add(s + 1);
  }
  return closure(tokens, next);
}

function wildcardMatches(quotedPattern: string, json: string): boolean {
  const tokens = wildTokens(quotedPattern);
  let states = closure(tokens, new Set([0]));
  for (const ch of json) {
    states = stepWild(tokens, states, ch);
    if (states.size === 0) return false;
  }
  return states.has(tokens.length);
}

// EventBridge refuses a field's wildcards beyond this complexity. Its limit is not published: 10 refuses the
// AWS-recorded refusal `*:*:*:*:*:event-bus/*` (11 here) and keeps the AWS-accepted
// `/Users/*/dir/dir/dir/dir/dir/doc.txt` (7).
export const MAX_WILDCARD_COMPLEXITY = 10;

function wildcardComplexity(patterns: string[]): number {
  const machines = patterns.map(wildTokens);
  const alphabet = new Set<string>(['\u0000']);
  for (const m of machines) for (const t of m) if (!t.star) alphabet.add(t.ch);
  const key = (sets: Set<number>[]) => sets.map((s) => [...s].sort((a, b) => a - b).join(',')).join('|');
  let frontier = [machines.map(() => new Set([0]))];
  const seen = new Set([key(frontier[0]!)]);
  let max = 0;
  for (let explored = 0; frontier.length > 0 && explored < 20_000; ) {
    const nextFrontier: Set<number>[][] = [];
    for (const sets of frontier) {
      for (const ch of alphabet) {
        explored++;
        const next = sets.map((s, i) => stepWild(machines[i]!, s, ch));
        if (next.every((s) => s.size === 0)) continue;
        const size = next.reduce((n, s) => n + s.size, 0);
        if (size > max) max = size;
        if (max > MAX_WILDCARD_COMPLEXITY) return max;
        const k = key(next);
        if (!seen.has(k)) {
          seen.add(k);
          nextFrontier.push(next);
        }
      }
    }
    frontier = nextFrontier;
  }
  return max;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation entry points.

const PREFIX = 'Event pattern is not valid. Reason: ';

function compileOrThrow(source: string): SubRule[] {
  let rules: SubRule[];
  try {
    rules = new Compiler(source, false).compile();
  } catch (error) {
    if (!(error instanceof PatternParseError || error instanceof JsonSyntaxError)) throw error;
    // event-ruler (GenericMachine.addRule) retries a rule its JSON compiler refuses with the older compiler, which
    // reads `$or` as a plain field name; the error reported is the JSON compiler's.
    try {
      rules = new Compiler(source, true).compile();
    } catch {
      throw new AwsError('InvalidEventPatternException', PREFIX + error.message);
    }
  }
  for (const rule of rules) {
    if (rule.size > 256) throw new AwsError('InvalidEventPatternException', `${PREFIX}Size of rule exceeds max value of 256`);
  }
  const wildcardsByField = new Map<string, Set<string>>();
  for (const rule of rules) {
    for (const [field, matchers] of rule) {
      for (const m of matchers) {
        if (m.kind === 'wildcard') (wildcardsByField.get(field) ?? wildcardsByField.set(field, new Set()).get(field)!).add(m.json);
        if (m.kind === 'ab-wildcard') for (const w of m.list) (wildcardsByField.get(field) ?? wildcardsByField.set(field, new Set()).get(field)!).add(w);
      }
    }
  }
  for (const patterns of wildcardsByField.values()) {
    if (wildcardComplexity([...patterns]) > MAX_WILDCARD_COMPLEXITY) {
      throw new AwsError('InvalidEventPatternException', `${PREFIX}Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character`);
    }
  }
  return rules;
}

const cache = new Map<string, CompiledPattern>();

/**
 * Compiles an event pattern (its JSON text or the parsed object) as EventBridge does, or throws an `AwsError`
 * `InvalidEventPatternException` (HTTP 400) with EventBridge's message, e.g.
 * `Event pattern is not valid. Reason: "source" must be an object or an array\n at [Source: (String)"…"; line: 1, column: 12]`.
 */
export function validatePattern(pattern: string | object): CompiledPattern {
  const source = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  const hit = cache.get(source);
  if (hit) return hit;
  const compiled: CompiledPattern = { subRules: compileOrThrow(source), source };
  if (cache.size > 1000) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------------------------
// Events: flattened leaves with their array memberships.

interface Leaf {
  readonly path: string;
  /** JSON form as event-ruler sees it: `"text"` for strings (unescaped), number text, `true`/`false`/`null`. */
  readonly json: string;
  readonly isNumber: boolean;
  readonly isString: boolean;
  /** array id → element index, for every array of objects/arrays this leaf sits in. */
  readonly membership: ReadonlyMap<number, number>;
}

/** An event as the matcher sees it; build once with `flattenEvent` when matching one event against many rules. */
export interface FlatEvent {
  readonly byPath: ReadonlyMap<string, readonly Leaf[]>;
}

function flattenFromValue(root: Record<string, unknown>): FlatEvent {
  const byPath = new Map<string, Leaf[]>();
  let arrayCount = 0;
  const add = (path: string[], value: unknown, membership: Map<number, number>) => {
    let json: string;
    if (typeof value === 'string') json = `"${value}"`;
    else if (typeof value === 'number') json = String(value);
    else json = String(value); // true, false, null
    const p = path.join('.');
    const leaf: Leaf = { path: p, json, isNumber: typeof value === 'number', isString: typeof value === 'string', membership: new Map(membership) };
    (byPath.get(p) ?? byPath.set(p, []).get(p)!).push(leaf);
  };
  const walkObject = (obj: Record<string, unknown>, path: string[], membership: Map<number, number>) => {
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined) continue;
      walk(v, [...path, k], membership);
    }
  };
  const walk = (v: unknown, path: string[], membership: Map<number, number>) => {
    if (Array.isArray(v)) {
      const id = arrayCount++;
      v.forEach((el, i) => {
        if (el !== null && typeof el === 'object') {
          membership.set(id, i);
          walk(el, path, membership);
          membership.delete(id);
        } else if (el !== undefined) {
          add(path, el, membership);
        }
      });
    } else if (v !== null && typeof v === 'object') {
      walkObject(v as Record<string, unknown>, path, membership);
    } else {
      add(path, v, membership);
    }
  };
  walkObject(root, [], new Map());
  return { byPath };
}

function flattenFromJson(src: string): FlatEvent {
  const p = new JsonReader(src);
  if (p.nextToken() !== 'START_OBJECT') throw new Error('Event must be a JSON object');
  const byPath = new Map<string, Leaf[]>();
  let arrayCount = 0;
  const membership = new Map<number, number>();
  const add = (path: string[], tok: Tok) => {
    const text = p.getText();
    const isString = tok === 'VALUE_STRING';
    const json = isString ? `"${text}"` : text;
    const key = path.join('.');
    const leaf: Leaf = { path: key, json, isNumber: tok === 'VALUE_NUMBER_INT' || tok === 'VALUE_NUMBER_FLOAT', isString, membership: new Map(membership) };
    (byPath.get(key) ?? byPath.set(key, []).get(key)!).push(leaf);
  };
  const object = (path: string[]) => {
    for (let t = p.nextToken(); t !== 'END_OBJECT'; t = p.nextToken()) {
      const name = p.name;
      value([...path, name], p.nextToken()!);
    }
  };
  const array = (path: string[]) => {
    const id = arrayCount++;
    let i = 0;
    for (let t = p.nextToken(); t !== 'END_ARRAY'; t = p.nextToken(), i++) {
      if (t === 'START_OBJECT' || t === 'START_ARRAY') {
        membership.set(id, i);
        value(path, t!);
        membership.delete(id);
      } else {
        add(path, t!);
      }
    }
  };
  const value = (path: string[], t: Tok) => {
    if (t === 'START_OBJECT') object(path);
    else if (t === 'START_ARRAY') array(path);
    else add(path, t);
  };
  object([]);
  return { byPath };
}

/** Flattens an event given as its JSON text (numbers keep their text) or as a parsed object. */
export function flattenEvent(event: string | Record<string, unknown>): FlatEvent {
  return typeof event === 'string' ? flattenFromJson(event) : flattenFromValue(event);
}

// ---------------------------------------------------------------------------------------------------------------
// Matching.

function ignoreCaseRegExp(json: string, mode: 'exact' | 'prefix' | 'suffix'): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let body = '';
  for (const c of json) {
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    body += lower === upper ? esc(lower) : `(?:${esc(lower)}|${esc(upper)})`;
  }
  return new RegExp(mode === 'exact' ? `^${body}$` : mode === 'prefix' ? `^${body}` : `${body}$`, 'u');
}

const regexCache = new Map<string, RegExp>();
function ic(json: string, mode: 'exact' | 'prefix' | 'suffix'): RegExp {
  const k = `${mode}\u0000${json}`;
  let r = regexCache.get(k);
  if (!r) {
    r = ignoreCaseRegExp(json, mode);
    if (regexCache.size > 5000) regexCache.clear();
    regexCache.set(k, r);
  }
  return r;
}

function leafIp(leaf: Leaf): string | undefined {
  const raw = leaf.isString ? leaf.json.slice(1, -1) : leaf.json;
  return IPV4.test(raw) || IPV6.test(raw) ? ipHex(raw) : undefined;
}

function matchesLeaf(m: Matcher, leaf: Leaf): boolean {
  const json = leaf.json;
  switch (m.kind) {
    case 'exists':
      return true;
    case 'absent':
      return false;
    case 'exact':
      // a number a double holds is compared as a number (by `num-eq`), never by its text
      return json === m.json && !(leaf.isNumber && comparableNumber(json) !== undefined);
    case 'num-eq': {
      if (!leaf.isNumber) return false;
      const n = comparableNumber(json);
      return n !== undefined && cmpNum(n, m.value) === 0;
    }
    case 'ip': {
      const h = leafIp(leaf);
      return h !== undefined && h.length === m.min.length && h >= m.min && h <= m.max;
    }
    case 'prefix':
      return json.startsWith(m.json);
    case 'suffix':
      return json.endsWith(m.json);
    case 'exact-ic':
      return ic(m.json, 'exact').test(json);
    case 'prefix-ic':
      return ic(m.json, 'prefix').test(json);
    case 'suffix-ic':
      return ic(m.json, 'suffix').test(json);
    case 'wildcard':
      return wildcardMatches(m.json, json);
    case 'range': {
      if (!leaf.isNumber) return false;
      const n = comparableNumber(json);
      if (n === undefined) return false;
      if (m.bottom !== undefined) {
        const c = cmpNum(n, m.bottom);
        if (c < 0 || (c === 0 && m.openBottom)) return false;
      }
      if (m.top !== undefined) {
        const c = cmpNum(n, m.top);
        if (c > 0 || (c === 0 && m.openTop)) return false;
      }
      return true;
    }
    case 'ab-strings':
      return !(leaf.isString && m.set.has(json));
    case 'ab-numbers': {
      if (!leaf.isNumber) return true;
      const n = comparableNumber(json);
      return n === undefined || !m.set.some((x) => cmpNum(x, n) === 0);
    }
    case 'ab-prefix':
      return !m.list.some((p) => json.startsWith(p));
    case 'ab-suffix':
      return !m.list.some((s) => json.endsWith(s));
    case 'ab-ic':
      return !m.list.some((s) => ic(s, 'exact').test(json));
    case 'ab-wildcard':
      return !m.list.some((w) => wildcardMatches(w, json));
  }
}

/** Array consistency (event-ruler ArrayMembership): the union of two memberships, or undefined if they clash. */
function merge(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): ReadonlyMap<number, number> | undefined {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const out = new Map(a);
  for (const [id, index] of b) {
    const mine = out.get(id);
    if (mine === undefined) out.set(id, index);
    else if (mine !== index) return undefined;
  }
  return out;
}

function matchesSubRule(rule: SubRule, event: FlatEvent): boolean {
  // event-ruler walks a rule's fields in sorted order, carrying the array membership of the leaves used so far.
  const fields = [...rule.keys()].sort();
  const step = (i: number, membership: ReadonlyMap<number, number>): boolean => {
    if (i === fields.length) return true;
    const field = fields[i]!;
    const matchers = rule.get(field)!;
    const leaves = event.byPath.get(field) ?? [];
    if (matchers.some((m) => m.kind === 'absent')) {
      if (!leaves.some((l) => merge(membership, l.membership) !== undefined) && step(i + 1, membership)) return true;
    }
    for (const leaf of leaves) {
      const merged = merge(membership, leaf.membership);
      if (merged === undefined) continue;
      if (matchers.some((m) => matchesLeaf(m, leaf)) && step(i + 1, merged)) return true;
    }
    return false;
  };
  return step(0, new Map());
}

/** True when the compiled pattern matches the event. */
export function matchesCompiled(pattern: CompiledPattern, event: FlatEvent): boolean {
  return pattern.subRules.some((rule) => matchesSubRule(rule, event));
}

/**
 * True when `event` matches `pattern`, as in EventBridge. The pattern is its JSON text or object; the event is its
 * JSON text (numbers keep their text) or the parsed object. An invalid pattern throws `InvalidEventPatternException`.
 */
export function matchesPattern(pattern: Pattern | object | string, event: Record<string, unknown> | string): boolean {
  return matchesCompiled(validatePattern(pattern), flattenEvent(event));
}
