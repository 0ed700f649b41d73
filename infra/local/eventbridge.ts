import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { RuleDeclaration } from '../declarations/events.ts';
import { ACCOUNT_ID, EVENT_BUS_NAME, REGION } from './config.ts';
import { matchesPattern, type Pattern } from './event-pattern.ts';
import { invoke, track } from './lambda.ts';
import { AwsError } from './protocol.ts';
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

export class EventBridgeEmulator {
  readonly events: BusEvent[] = [];
  private readonly deadLettersFile: string;
  readonly deadLetters: DeadLetter[];

  constructor(private readonly rules: readonly RuleDeclaration[], dataDir: string, private readonly retryDelayMs = 200) {
    this.deadLettersFile = join(dataDir, 'eventbridge-dead-letters.json');
    this.deadLetters = readJson<DeadLetter[]>(this.deadLettersFile, []);
  }

  async handle(operation: string, input: Record<string, any>): Promise<unknown> {
    switch (operation) {
      case 'PutEvents':
        return this.putEvents(input);
      case 'ListRules':
        return { Rules: this.rules.map((r) => ({ Name: r.name, Description: r.description, EventPattern: JSON.stringify(r.eventPattern), EventBusName: EVENT_BUS_NAME, State: 'ENABLED', Arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${EVENT_BUS_NAME}/${r.name}` })) };
      case 'TestEventPattern': {
        const pattern = JSON.parse(String(input.EventPattern ?? '{}'));
        const event = JSON.parse(String(input.Event ?? '{}'));
        return { Result: matchesPattern(pattern, event) };
      }
      default:
        throw new AwsError('UnknownOperationException', `Operation ${operation} is not supported by the local EventBridge emulator`);
    }
  }

  private putEvents(input: Record<string, any>) {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new AwsError('ValidationException', '1 validation error detected: Value at \'entries\' failed to satisfy constraint: Member must have length between 1 and 10');
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
      this.events.push(event);
      if (this.events.length > 50_000) this.events.splice(0, 10_000);
      results.push({ EventId: event.id });
      this.route(event);
    }
    return { FailedEntryCount: failed, Entries: results };
  }

  private validate(e: Record<string, any>): [string, string] | undefined {
    if (!e || typeof e !== 'object') return ['MalformedDetail', 'Entry is not an object'];
    const bus = e.EventBusName;
    if (bus !== undefined && bus !== EVENT_BUS_NAME && bus !== 'default' && !String(bus).endsWith(`:event-bus/${EVENT_BUS_NAME}`)) {
      return ['InvalidArgument', `Event bus ${bus} does not exist.`];
    }
    if (typeof e.Source !== 'string' || e.Source === '') return ['InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.'];
    if (typeof e.DetailType !== 'string' || e.DetailType === '') return ['InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.'];
    if (typeof e.Detail !== 'string') return ['InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.'];
    try {
      const d = JSON.parse(e.Detail);
      if (d === null || typeof d !== 'object' || Array.isArray(d)) return ['MalformedDetail', 'Detail is malformed.'];
    } catch {
      return ['MalformedDetail', 'Detail is malformed.'];
    }
    if (Buffer.byteLength(JSON.stringify(e)) > 256 * 1024) return ['InvalidArgument', 'Total size of the entries in the request is over the limit.'];
    return undefined;
  }

  /** Delivers an event to every matching rule's target, asynchronously (PutEvents has already answered). */
  private route(event: BusEvent): void {
    for (const rule of this.rules) {
      let matched = false;
      try {
        matched = matchesPattern(rule.eventPattern as Pattern, event as unknown as Record<string, unknown>);
      } catch (error) {
        console.error(`[local] rule ${rule.name} has an unsupported pattern:`, (error as Error).message);
      }
      if (matched) void track(() => this.deliver(rule, event));
    }
  }

  private async deliver(rule: RuleDeclaration, event: BusEvent): Promise<void> {
    await sleep(0);
    let lastError: unknown;
    const attempts = rule.retryAttempts + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const age = (Date.now() - Date.parse(event.time)) / 1000;
      if (attempt > 1 && age > rule.maxEventAgeSeconds) break;
      try {
        await invoke(rule.target, event, `rule ${rule.name}`);
        return;
      } catch (error) {
        lastError = error;
        if (attempt < attempts) await sleep(Math.min(this.retryDelayMs * 2 ** (attempt - 1), 2000));
      }
    }
    console.error(`[local] rule ${rule.name}: ${rule.target.name} failed ${attempts} times; event ${event.id} dead-lettered:`, (lastError as Error)?.message ?? lastError);
    this.deadLetters.push({ rule: rule.name, target: rule.target.name, event, error: String((lastError as Error)?.message ?? lastError), attempts, at: new Date().toISOString() });
    writeJson(this.deadLettersFile, this.deadLetters);
  }
}
