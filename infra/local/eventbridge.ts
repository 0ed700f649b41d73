import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EventPattern, RuleDeclaration } from '../declarations/events.ts';
import { ACCOUNT_ID, EVENT_BUS_NAME, REGION } from './config.ts';
import { flattenEvent, matchesCompiled, validatePattern, type CompiledPattern, type FlatEvent } from './event-pattern.ts';
import { invoke, track } from './lambda.ts';
import { AwsError } from './protocol.ts';
import { DeliveryJournal } from './delivery-journal.ts';
import { readJson, writeJson } from './store.ts';

/**
 * EventBridge emulator (awsJson 1.1, `AWSEvents.*`): PutEvents onto the Cirrus bus, rule matching with
 * the declared event patterns, asynchronous delivery to each rule's target function with retries, and a
 * local dead-letter list. Every accepted event is kept for `GET /_aws/events`.
 */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export interface DeadLetter {
  rule: string;
  target: string;
  event: BusEvent;
  error: string;
  attempts: number;
  at: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A rule delivery accepted and not finished, as kept in DATA_DIR/eventbridge-pending.jsonl. */
interface PendingDelivery {
  rule: string;
  event: BusEvent;
}

export class EventBridgeEmulator {
  readonly events: BusEvent[] = [];
  private readonly deadLettersFile: string;
  readonly deadLetters: DeadLetter[];
  private readonly journal: DeliveryJournal<PendingDelivery>;
  /** Each declared rule's pattern, compiled (and so validated) once at startup. */
  private readonly patterns = new Map<string, CompiledPattern>();
  /**
   * Rules on the DEFAULT bus whose target is the Cirrus bus (bus-to-bus: the event arrives there as it is, with
   * its id), e.g. SES's configuration-set events, which AWS delivers to the default bus only.
   */
  private readonly forwards: { name: string; pattern: CompiledPattern }[] = [];

  constructor(private readonly rules: readonly RuleDeclaration[], dataDir: string, private readonly retryDelayMs = 200) {
    for (const rule of rules) {
      try {
        this.patterns.set(rule.name, validatePattern(rule.eventPattern));
      } catch (error) {
        // EventBridge refuses such a rule at deploy (PutRule); locally the runtime refuses to start.
        throw new Error(`EventBridge rule ${rule.name} has an invalid event pattern: ${String((error as Error).message).split('\n')[0]}`);
      }
    }
    this.deadLettersFile = join(dataDir, 'eventbridge-dead-letters.json');
    this.deadLetters = readJson<DeadLetter[]>(this.deadLettersFile, []);
    this.journal = new DeliveryJournal<PendingDelivery>(join(dataDir, 'eventbridge-pending.jsonl'));
    // Deliveries accepted before a crash or stop and not finished: at-least-once, as EventBridge is.
    if (this.journal.size) setTimeout(() => this.redeliverPending(), 0);
  }

  /** Declares default-bus rules that forward matching events to the Cirrus bus (infra/declarations: `sesEventForwarding`). */
  forwardFromDefaultBus(rules: readonly { name: string; eventPattern: EventPattern }[]): void {
    for (const r of rules) {
      try {
        this.forwards.push({ name: r.name, pattern: validatePattern(r.eventPattern) });
      } catch (error) {
        throw new Error(`EventBridge rule ${r.name} has an invalid event pattern: ${String((error as Error).message).split('\n')[0]}`);
      }
    }
  }

  /**
   * An AWS service's own event (SES's `aws.ses` events), put on the DEFAULT bus as the service does (not through
   * PutEvents, which refuses `aws.` sources); default-bus forwarding rules then take it to the Cirrus bus.
   */
  publishServiceEvent(e: { source: string; detailType: string; detail: Record<string, unknown>; resources?: readonly string[] }): BusEvent {
    const event: BusEvent = {
      version: '0', id: randomUUID(), 'detail-type': e.detailType, source: e.source, account: ACCOUNT_ID,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), region: REGION, resources: [...(e.resources ?? [])], detail: e.detail,
    };
    this.events.push(event);
    if (this.events.length > 50_000) this.events.splice(0, 10_000);
    this.forwardIfMatched(event);
    return event;
  }

  private forwardIfMatched(event: BusEvent, raw?: string): void {
    if (!this.forwards.length) return;
    const flat = flattenEvent(raw ?? (event as unknown as Record<string, unknown>));
    if (this.forwards.some((f) => matchesCompiled(f.pattern, flat))) this.route(event, raw);
  }

  async handle(operation: string, input: Record<string, any>): Promise<unknown> {
    switch (operation) {
      case 'PutEvents': {
        const out = await this.putEvents(input);
        await this.journal.sync(); // every accepted entry's rule deliveries are on disk before we answer
        return out;
      }
      case 'ListRules':
        return { Rules: this.rules.map((r) => ({ Name: r.name, Description: r.description, EventPattern: JSON.stringify(r.eventPattern), EventBusName: EVENT_BUS_NAME, State: 'ENABLED', Arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${EVENT_BUS_NAME}/${r.name}` })) };
      case 'TestEventPattern':
        return this.testEventPattern(input);
      default:
        throw new AwsError('UnknownOperationException', `Operation ${operation} is not supported by the local EventBridge emulator`);
    }
  }

  /**
   * TestEventPattern: an invalid pattern is `InvalidEventPatternException` with EventBridge's message; an Event that
   * is not a JSON object with `id`, `account`, `source`, `time`, `region` and `detail-type` is
   * `ValidationException: Parameter Event is not valid.` (as AWS answers, recorded in localstack's
   * tests/aws/services/events/test_events_patterns.snapshot.json).
   */
  private testEventPattern(input: Record<string, any>): { Result: boolean } {
    for (const [param, member] of [['EventPattern', 'eventPattern'], ['Event', 'event']] as const) {
      if (typeof input[param] !== 'string') {
        throw new AwsError('ValidationException', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
      }
    }
    let flat: FlatEvent;
    try {
      const event: unknown = JSON.parse(input.Event);
      if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new Error('not an object');
      for (const field of ['id', 'account', 'source', 'time', 'region', 'detail-type']) {
        if (!(field in event)) throw new Error(`missing ${field}`);
      }
      flat = flattenEvent(input.Event);
    } catch {
      throw new AwsError('ValidationException', 'Parameter Event is not valid.');
    }
    return { Result: matchesCompiled(validatePattern(input.EventPattern), flat) };
  }

  /** Whether an EventBusName (name or ARN) names the Cirrus bus; absent means `default`. */
  private static isCirrusBus(bus: unknown): boolean {
    return bus === EVENT_BUS_NAME || (typeof bus === 'string' && bus === `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${EVENT_BUS_NAME}`);
  }

  private static isDefaultBus(bus: unknown): boolean {
    return bus === undefined || bus === null || bus === '' || bus === 'default' || bus === `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/default`;
  }

  /**
   * The documented PutEvents entry size (eb-putevent-size): 14 bytes for Time if present, plus the UTF-8 bytes of
   * Source, DetailType, Detail and each of Resources.
   */
  static entrySize(e: Record<string, any>): number {
    if (!e || typeof e !== 'object') return 0;
    const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0);
    let size = e.Time !== undefined && e.Time !== null ? 14 : 0;
    size += bytes(e.Source) + bytes(e.DetailType) + bytes(e.Detail);
    if (Array.isArray(e.Resources)) for (const r of e.Resources) size += bytes(r);
    return size;
  }

  private putEvents(input: Record<string, any>) {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new AwsError('ValidationException', '1 validation error detected: Value at \'entries\' failed to satisfy constraint: Member must have length between 1 and 10');
    }
    if (entries.reduce((n: number, e: Record<string, any>) => n + EventBridgeEmulator.entrySize(e), 0) > 256 * 1024) {
      throw new AwsError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }
    const results: Record<string, string>[] = [];
    let failed = 0;
    for (const e of entries as Record<string, any>[]) {
      const error = this.validate(e);
      if (error) {
        failed++;
        results.push({ ErrorCode: error[0], ErrorMessage: error[1] });
        continue;
      }
      const time = e.Time !== undefined ? new Date(typeof e.Time === 'number' ? e.Time * 1000 : e.Time) : new Date();
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': String(e.DetailType),
        source: String(e.Source),
        account: ACCOUNT_ID,
        time: (Number.isNaN(time.getTime()) ? new Date() : time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: REGION,
        resources: Array.isArray(e.Resources) ? e.Resources.map(String) : [],
        detail: JSON.parse(String(e.Detail)),
      };
      results.push({ EventId: event.id });
      // Only the Cirrus bus has rules; events on `default` are kept for /_aws/events but trigger nothing. AWS accepts
      // an entry for a bus that does not exist (an EventId, delivered nowhere: localstack test_events.snapshot.json,
      // test_put_events_nonexistent_event_bus), so such an entry is answered and dropped.
      const cirrus = EventBridgeEmulator.isCirrusBus(e.EventBusName);
      if (!cirrus && !EventBridgeEmulator.isDefaultBus(e.EventBusName)) continue;
      this.events.push(event);
      if (this.events.length > 50_000) this.events.splice(0, 10_000);
      const raw = JSON.stringify({ ...event, detail: null }).replace(/"detail":null}$/, `"detail":${e.Detail}}`);
      if (cirrus) this.route(event, raw);
      else this.forwardIfMatched(event, raw);
    }
    return { FailedEntryCount: failed, Entries: results };
  }

  private validate(e: Record<string, any>): [string, string] | undefined {
    if (!e || typeof e !== 'object') return ['MalformedDetail', 'Entry is not an object'];
    if (typeof e.Source !== 'string' || e.Source === '') return ['InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.'];
    if (typeof e.DetailType !== 'string' || e.DetailType === '') return ['InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.'];
    if (typeof e.Detail !== 'string') return ['InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.'];
    try {
      const d = JSON.parse(e.Detail);
      if (d === null || typeof d !== 'object' || Array.isArray(d)) return ['MalformedDetail', 'Detail is malformed.'];
    } catch {
      return ['MalformedDetail', 'Detail is malformed.'];
    }
    return undefined;
  }

  /**
   * Delivers an event to every matching rule's target, asynchronously (PutEvents has already answered). `raw` is the
   * event's JSON text with the Detail as sent, so numbers match by their text as in EventBridge.
   */
  private route(event: BusEvent, raw?: string): void {
    const flat = flattenEvent(raw ?? (event as unknown as Record<string, unknown>));
    for (const rule of this.rules) {
      const pattern = this.patterns.get(rule.name);
      const matched = pattern !== undefined && matchesCompiled(pattern, flat);
      if (matched) void track(() => this.deliver(rule, event));
    }
  }

  /**
   * Delivers one event to one rule's target. The delivery is journaled first (synchronously, so it is in
   * the journal before PutEvents answers; handle() waits for the fsync) and leaves the journal only when
   * the target succeeded or the event was dead-lettered. `pendingId`: a journaled delivery being resumed.
   */
  private async deliver(rule: RuleDeclaration, event: BusEvent, pendingId?: string): Promise<void> {
    const id = pendingId ?? `${event.id}:${rule.name}`;
    if (!pendingId) this.journal.add(id, { rule: rule.name, event });
    await sleep(0);
    let lastError: unknown;
    const attempts = rule.retryAttempts + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const age = (Date.now() - Date.parse(event.time)) / 1000;
      if (attempt > 1 && age > rule.maxEventAgeSeconds) break;
      try {
        await invoke(rule.target, event, `rule ${rule.name}`);
        this.journal.done(id);
        return;
      } catch (error) {
        lastError = error;
        if (attempt < attempts) await sleep(Math.min(this.retryDelayMs * 2 ** (attempt - 1), 2000));
      }
    }
    console.error(`[local] rule ${rule.name}: ${rule.target.name} failed ${attempts} times; event ${event.id} dead-lettered:`, (lastError as Error)?.message ?? lastError);
    this.deadLetters.push({ rule: rule.name, target: rule.target.name, event, error: String((lastError as Error)?.message ?? lastError), attempts, at: new Date().toISOString() });
    writeJson(this.deadLettersFile, this.deadLetters);
    this.journal.done(id);
  }

  /** Resumes every journaled delivery (after a restart); a rule that no longer exists drops its own. */
  private redeliverPending(): void {
    for (const [id, p] of this.journal.pending()) {
      const rule = this.rules.find((r) => r.name === p.rule);
      if (!rule) {
        console.warn(`[local] rule ${p.rule} no longer exists; its pending delivery of event ${p.event.id} is dropped`);
        this.journal.done(id);
        continue;
      }
      void track(() => this.deliver(rule, p.event, id));
    }
  }
}
