import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ScheduleDeclaration } from '../declarations/events.ts';
import { ACCOUNT_ID, REGION, SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN, lambdaArn } from './config.ts';
import { DeliveryJournal, writeFileDurably } from './delivery-journal.ts';
import { findFunction, functionNameFromArn, invoke, track } from './lambda.ts';
import { AwsError } from './protocol.ts';
import { ExpressionError, type ParsedExpression, isTimeZone, nextFiring, parseExpression } from './schedule-expression.ts';
import { readJson } from './store.ts';

/**
 * EventBridge Scheduler emulator (restJson1, the 2021-06-30 API):
 *   POST/GET/PUT/DELETE /schedules/{Name}, GET /schedules,
 *   POST/GET/DELETE /schedule-groups/{Name}, GET /schedule-groups.
 * Requests are validated as the service model (aws-sdk-js-v3 codegen/sdk-codegen/aws-models/scheduler.json)
 * constrains them, with AWS's error codes: ValidationException 400, ResourceNotFoundException 404,
 * ConflictException 409. Schedules fire `at()`, `rate()` and `cron()` on the runtime's clock
 * (schedule-expression.ts). A Lambda target that names a function of this deployment is invoked with
 * `JSON.parse(Target.Input)`; any other target is accepted (as AWS does) and its firings are recorded as
 * failures. State is persisted in DATA_DIR.
 *
 * Firings are at-least-once, as EventBridge Scheduler's are: a due firing is appended to
 * DATA_DIR/scheduler-pending.jsonl and fsync'd *before* the schedule moves on to its next time (written with
 * fsync too) and before its target is invoked; it leaves the journal when the target succeeded or when it was
 * recorded as failed (DATA_DIR/scheduler-failures.json, fsync'd) after the target's RetryPolicy. A restart
 * re-fires every journaled firing and never fires the same scheduled time of a schedule a second time
 * otherwise (a firing journaled whose schedule had not been moved on yet moves it on at start).
 */
interface StoredTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
  DeadLetterConfig?: { Arn?: string };
  [other: string]: unknown;
}

interface StoredSchedule {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
  /** Epoch seconds, as restJson1 carries timestamps. */
  StartDate?: number;
  EndDate?: number;
  KmsKeyArn?: string;
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  Target: StoredTarget;
  ActionAfterCompletion: 'NONE' | 'DELETE';
  CreationDate: number;
  LastModificationDate: number;
  /** Local bookkeeping: epoch ms of the next firing (undefined = nothing more to do). */
  nextFireAt?: number;
  /** When a rate() schedule first fires (StartDate, or creation); later firings follow every period. */
  anchorMs: number;
  lastFiredAt?: number;
  completed?: boolean;
  clientToken?: string;
}

interface StoredGroup {
  Name: string;
  CreationDate: number;
  LastModificationDate: number;
}

interface State {
  schedules: StoredSchedule[];
  groups?: StoredGroup[];
}

/** Groups that always exist: AWS's `default` and the Cirrus group the CDK stack creates. */
const BUILT_IN_GROUPS = ['default', SCHEDULE_GROUP_NAME];

/** Journal keys of a schedule and of a group (SchedulerEmulator.save). */
const scheduleKey = (s: { GroupName: string; Name: string }) => `s:${s.GroupName}/${s.Name}`;
const groupKey = (name: string) => `g:${name}`;
const NAME_PATTERN = /^[0-9a-zA-Z-_.]+$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SQS_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;
const KMS_ARN = /^arn:aws(-[a-z]+)?:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[0-9a-zA-Z-_]*$/;
const CLIENT_TOKEN = /^[a-zA-Z0-9-_]+$/;
/** Target types whose Input must be well-formed JSON (CreateSchedule API reference, Target.Input). */
const JSON_INPUT_TARGET = /^arn:aws(-[a-z]+)?:(lambda|states|events):/;
const FIVE_MINUTES = 5 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One firing of a schedule, journaled before its target is invoked (everything needed to invoke it again). */
export interface PendingFiring {
  schedule: string;
  group: string;
  /** Epoch ms of the scheduled time this firing is for. */
  scheduledAt: number;
  targetArn: string;
  input?: string;
  retryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
  deadLetterArn?: string;
  /** Invocation attempts that have failed so far. */
  attempt: number;
}

/**
 * A firing that failed for good, kept in DATA_DIR/scheduler-failures.json. `deadLetter` is the message
 * EventBridge Scheduler would send to the target's DeadLetterConfig queue (user guide "Configuring a
 * dead-letter queue": the target input as body, the invocation details as message attributes).
 */
export interface SchedulerFailure {
  schedule: string;
  group: string;
  scheduledTime: string;
  target: string;
  error: string;
  attempts: number;
  at: string;
  deadLetter?: { queueArn: string; body: string; attributes: Record<string, string> };
}

export interface SchedulerOptions {
  /** First retry back-off (doubles per attempt). */
  retryDelayMs?: number;
  /** Longest local back-off between two attempts (EventBridge Scheduler's own grows far longer). */
  maxRetryDelayMs?: number;
}

type Json = Record<string, unknown>;

/**
 * Request validation in the shape AWS answers it ("1 validation error detected: Value 'x' at 'name'
 * failed to satisfy constraint: Member must ..."): constraints of the service model first, all at once.
 */
class Constraints {
  readonly errors: string[] = [];

  private add(value: unknown, path: string, constraint: string) {
    const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'object' ? JSON.stringify(value) : String(value)}'`;
    this.errors.push(`Value ${shown} at '${path}' failed to satisfy constraint: Member must ${constraint}`);
  }

  type(value: unknown, path: string, type: 'string' | 'number' | 'object'): boolean {
    if (value === undefined || value === null) return false;
    const ok = type === 'object' ? typeof value === 'object' && !Array.isArray(value) : typeof value === type;
    if (!ok) throw new AwsError('SerializationException', `Expected ${type} at '${path}'`);
    return true;
  }

  required(value: unknown, path: string): boolean {
    if (value === undefined || value === null) {
      this.add(value, path, 'not be null');
      return false;
    }
    return true;
  }

  string(value: unknown, path: string, opts: { min?: number; max?: number; pattern?: RegExp; required?: boolean; oneOf?: readonly string[] }): void {
    if (opts.required && !this.required(value, path)) return;
    if (!this.type(value, path, 'string')) return;
    const s = value as string;
    if (opts.min !== undefined && s.length < opts.min) this.add(s, path, `have length greater than or equal to ${opts.min}`);
    if (opts.max !== undefined && s.length > opts.max) this.add(s, path, `have length less than or equal to ${opts.max}`);
    if (opts.pattern && s.length > 0 && !opts.pattern.test(s)) this.add(s, path, `satisfy regular expression pattern: ${opts.pattern.source}`);
    if (opts.oneOf && !opts.oneOf.includes(s)) this.add(s, path, `satisfy enum value set: [${opts.oneOf.join(', ')}]`);
  }

  integer(value: unknown, path: string, min: number, max: number): void {
    if (!this.type(value, path, 'number')) return;
    const n = value as number;
    if (!Number.isInteger(n)) throw new AwsError('SerializationException', `Expected an integer at '${path}'`);
    if (n < min) this.add(n, path, `have value greater than or equal to ${min}`);
    if (n > max) this.add(n, path, `have value less than or equal to ${max}`);
  }

  timestamp(value: unknown, path: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms)) throw new AwsError('SerializationException', `Expected a timestamp at '${path}'`);
    return ms;
  }

  throwIfAny(): void {
    const n = this.errors.length;
    if (n > 0) throw new AwsError('ValidationException', `${n} validation error${n === 1 ? '' : 's'} detected: ${this.errors.join('; ')}`);
  }
}

const validation = (message: string) => new AwsError('ValidationException', message);
const notFound = (message: string) => new AwsError('ResourceNotFoundException', message, 404);

export class SchedulerEmulator {
  private state: State;
  /**
   * Schedules and groups, one appended JSON line per change of one of them (`s:<group>/<name>` or
   * `g:<name>`, compacted as it grows): a CreateSchedule costs one small write, not a rewrite of every
   * schedule (which made a busy intake, one call-back timer per lead, quadratic).
   */
  private readonly stateJournal: DeliveryJournal<StoredSchedule | StoredGroup>;
  private timer?: NodeJS.Timeout;
  private readonly failuresFile: string;
  readonly failures: SchedulerFailure[];
  private readonly journal: DeliveryJournal<PendingFiring>;
  /**
   * `group/name@scheduledAt` of firings being journaled whose schedule is not yet moved on, so no other tick takes
   * them twice; the other tick waits for their invocation instead.
   */
  private readonly advancing = new Map<string, Promise<void>>();
  private resumed = false;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(dataDir: string, options: SchedulerOptions = {}) {
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 2000;
    this.stateJournal = new DeliveryJournal<StoredSchedule | StoredGroup>(join(dataDir, 'schedules.jsonl'));
    // A data folder from before the journal: its schedules and groups move into it once.
    const legacy = join(dataDir, 'schedules.json');
    if (existsSync(legacy)) {
      const old = readJson<State>(legacy, { schedules: [] });
      for (const g of old.groups ?? []) this.stateJournal.add(groupKey(g.Name), g);
      for (const x of old.schedules) this.stateJournal.add(scheduleKey(x), x);
      rmSync(legacy, { force: true });
    }
    this.state = { schedules: [], groups: [] };
    for (const [key, value] of this.stateJournal.pending()) {
      if (key.startsWith('g:')) this.state.groups!.push(value as StoredGroup);
      else this.state.schedules.push(value as StoredSchedule);
    }
    this.failuresFile = join(dataDir, 'scheduler-failures.json');
    this.failures = readJson<SchedulerFailure[]>(this.failuresFile, []);
    this.journal = new DeliveryJournal<PendingFiring>(join(dataDir, 'scheduler-pending.jsonl'));
    // A crash after a firing was journaled and before its schedule's next time was written: move the schedule
    // on now, so that scheduled time is fired once more only through the journal (at-least-once, not twice).
    const moved: string[] = [];
    for (const [, p] of this.journal.pending()) {
      const s = this.find(p.group, p.schedule);
      if (s && !s.completed && s.nextFireAt === p.scheduledAt && this.advance(s, Date.now())) moved.push(scheduleKey(s));
    }
    if (moved.length) {
      this.save(moved);
      void this.stateJournal.sync().catch(() => undefined);
    }
  }

  /**
   * Writes what changed: each key (see scheduleKey, groupKey) is appended with its current value, or as
   * removed when it is gone. The lines reach the OS at once (they survive a kill -9); `stateJournal.sync()`
   * puts them on disk.
   */
  private save(changed: Iterable<string>) {
    for (const key of new Set(changed)) {
      const value = key.startsWith('g:')
        ? this.state.groups!.find((g) => groupKey(g.Name) === key)
        : this.state.schedules.find((x) => scheduleKey(x) === key);
      if (value) this.stateJournal.add(key, value);
      else this.stateJournal.done(key);
    }
  }

  private arn(s: { GroupName: string; Name: string }) {
    return `arn:aws:scheduler:${REGION}:${ACCOUNT_ID}:schedule/${s.GroupName}/${s.Name}`;
  }

  private groupArn(name: string) {
    return `arn:aws:scheduler:${REGION}:${ACCOUNT_ID}:schedule-group/${name}`;
  }

  private find(group: string, name: string) {
    return this.state.schedules.find((s) => s.GroupName === group && s.Name === name);
  }

  private groupExists(name: string) {
    return BUILT_IN_GROUPS.includes(name) || this.state.groups!.some((g) => g.Name === name);
  }

  private group(name: string | undefined): string {
    const g = name ?? 'default';
    if (!this.groupExists(g)) throw notFound(`Schedule group ${g} does not exist.`);
    return g;
  }

  /** Installs (or refreshes) the declared recurring schedules. */
  installDeclared(schedules: readonly ScheduleDeclaration[]): void {
    for (const d of schedules) {
      const input = { GroupName: SCHEDULE_GROUP_NAME, ScheduleExpression: d.expression, ScheduleExpressionTimezone: d.timezone, FlexibleTimeWindow: { Mode: 'OFF' }, ...(d.description ? { Description: d.description } : {}), Target: { Arn: lambdaArn(d.target.name), RoleArn: SCHEDULER_ROLE_ARN, Input: '{}' } };
      const existing = this.find(SCHEDULE_GROUP_NAME, d.name);
      if (existing && existing.ScheduleExpression === d.expression && existing.ScheduleExpressionTimezone === d.timezone) continue;
      this.upsert(d.name, input, Boolean(existing));
    }
  }

  async handle(method: string, path: string, query: URLSearchParams, body: Record<string, any>): Promise<[number, unknown]> {
    const unknownOperation = () => new AwsError('UnknownOperationException', `No Scheduler operation at ${method} ${path}`, 404);
    const m = /^\/(schedules|schedule-groups)(?:\/([^/]+))?\/?$/.exec(path);
    if (!m) throw unknownOperation();
    let name: string | undefined;
    try {
      name = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    } catch {
      throw validation('The request path is not a valid URI.');
    }
    if (m[1] === 'schedule-groups') {
      if (name === undefined) {
        if (method !== 'GET') throw unknownOperation();
        return [200, this.listGroups(query)];
      }
      this.checkName(name, 'name');
      switch (method) {
        case 'POST':
          return [200, this.createGroup(name, body)];
        case 'GET':
          return [200, this.getGroup(name)];
        case 'DELETE':
          return [200, this.deleteGroup(name, query)];
        default:
          throw unknownOperation();
      }
    }
    if (name === undefined) {
      if (method !== 'GET') throw unknownOperation();
      return [200, this.list(query)];
    }
    switch (method) {
      case 'POST':
        return [200, this.upsert(name, body, false)];
      case 'PUT':
        return [200, this.upsert(name, body, true)];
      case 'GET': {
        const s = this.lookup(name, query);
        return [200, this.describe(s)];
      }
      case 'DELETE': {
        const s = this.lookup(name, query);
        this.state.schedules = this.state.schedules.filter((x) => x !== s);
        this.save([scheduleKey(s)]);
        return [200, {}];
      }
      default:
        throw unknownOperation();
    }
  }

  private checkName(name: string, path: string, c = new Constraints()) {
    c.string(name, path, { min: 1, max: 64, pattern: NAME_PATTERN });
    c.throwIfAny();
  }

  /** GetSchedule / DeleteSchedule: `Name` label and `groupName` query, then the group, then the schedule. */
  private lookup(name: string, query: URLSearchParams): StoredSchedule {
    const c = new Constraints();
    c.string(name, 'name', { min: 1, max: 64, pattern: NAME_PATTERN });
    const groupName = query.get('groupName') ?? undefined;
    c.string(groupName, 'groupName', { min: 1, max: 64, pattern: NAME_PATTERN });
    const token = query.get('clientToken') ?? undefined;
    c.string(token, 'clientToken', { min: 1, max: 64, pattern: CLIENT_TOKEN });
    c.throwIfAny();
    const group = this.group(groupName);
    const s = this.find(group, name);
    if (!s) throw notFound(`Schedule ${name} does not exist.`);
    return s;
  }

  private describe(s: StoredSchedule) {
    return {
      Arn: this.arn(s),
      Name: s.Name,
      GroupName: s.GroupName,
      ScheduleExpression: s.ScheduleExpression,
      ScheduleExpressionTimezone: s.ScheduleExpressionTimezone,
      State: s.State,
      ...(s.Description !== undefined ? { Description: s.Description } : {}),
      ...(s.StartDate !== undefined ? { StartDate: s.StartDate } : {}),
      ...(s.EndDate !== undefined ? { EndDate: s.EndDate } : {}),
      ...(s.KmsKeyArn !== undefined ? { KmsKeyArn: s.KmsKeyArn } : {}),
      FlexibleTimeWindow: s.FlexibleTimeWindow,
      Target: s.Target,
      ActionAfterCompletion: s.ActionAfterCompletion,
      CreationDate: s.CreationDate,
      LastModificationDate: s.LastModificationDate,
    };
  }

  private page<T>(all: T[], query: URLSearchParams, c: Constraints): { items: T[]; NextToken?: string } {
    const maxText = query.get('MaxResults');
    let max = 100;
    if (maxText !== null) {
      max = Number(maxText);
      if (!/^-?\d+$/.test(maxText)) throw new AwsError('SerializationException', "Expected an integer at 'maxResults'");
      c.integer(max, 'maxResults', 1, 100);
    }
    const token = query.get('NextToken');
    c.string(token ?? undefined, 'nextToken', { min: 1, max: 2048 });
    c.throwIfAny();
    let start = 0;
    if (token !== null) {
      start = Number(token);
      if (!/^\d+$/.test(token) || start > all.length) throw validation('The NextToken is not valid.');
    }
    const items = all.slice(start, start + max);
    return { items, ...(start + max < all.length ? { NextToken: String(start + max) } : {}) };
  }

  private list(query: URLSearchParams) {
    const c = new Constraints();
    const group = query.get('ScheduleGroup') ?? undefined;
    c.string(group, 'groupName', { min: 1, max: 64, pattern: NAME_PATTERN });
    const prefix = query.get('NamePrefix') ?? undefined;
    c.string(prefix, 'namePrefix', { min: 1, max: 64, pattern: NAME_PATTERN });
    const state = query.get('State') ?? undefined;
    c.string(state, 'state', { oneOf: ['ENABLED', 'DISABLED'] });
    const all = this.state.schedules
      .filter((s) => (!group || s.GroupName === group) && (!prefix || s.Name.startsWith(prefix)) && (!state || s.State === state))
      .sort((a, b) => a.GroupName.localeCompare(b.GroupName) || a.Name.localeCompare(b.Name));
    const { items, NextToken } = this.page(all, query, c);
    if (group) this.group(group);
    return {
      Schedules: items.map((s) => ({ Arn: this.arn(s), CreationDate: s.CreationDate, GroupName: s.GroupName, LastModificationDate: s.LastModificationDate, Name: s.Name, State: s.State, Target: { Arn: s.Target.Arn } })),
      ...(NextToken ? { NextToken } : {}),
    };
  }

  // ---- schedule groups ------------------------------------------------------------------------

  private describeGroup(name: string) {
    const stored = this.state.groups!.find((g) => g.Name === name);
    return {
      Arn: this.groupArn(name),
      Name: name,
      State: 'ACTIVE',
      ...(stored ? { CreationDate: stored.CreationDate, LastModificationDate: stored.LastModificationDate } : {}),
    };
  }

  private createGroup(name: string, body: Json) {
    const c = new Constraints();
    c.string(body.ClientToken, 'clientToken', { min: 1, max: 64, pattern: CLIENT_TOKEN });
    if (body.Tags !== undefined && (!Array.isArray(body.Tags) || body.Tags.length > 200)) throw validation('Tags must be a list of at most 200 tags.');
    c.throwIfAny();
    if (this.groupExists(name)) throw new AwsError('ConflictException', `Schedule group ${name} already exists.`, 409);
    const now = Date.now() / 1000;
    this.state.groups!.push({ Name: name, CreationDate: now, LastModificationDate: now });
    this.save([groupKey(name)]);
    return { ScheduleGroupArn: this.groupArn(name) };
  }

  private getGroup(name: string) {
    if (!this.groupExists(name)) throw notFound(`Schedule group ${name} does not exist.`);
    return this.describeGroup(name);
  }

  private deleteGroup(name: string, query: URLSearchParams) {
    const c = new Constraints();
    c.string(query.get('clientToken') ?? undefined, 'clientToken', { min: 1, max: 64, pattern: CLIENT_TOKEN });
    c.throwIfAny();
    if (name === 'default') throw validation('You cannot delete the default schedule group.');
    if (!this.groupExists(name)) throw notFound(`Schedule group ${name} does not exist.`);
    // Deleting a group deletes its schedules (DeleteScheduleGroup API reference).
    const removed = this.state.schedules.filter((s) => s.GroupName === name).map(scheduleKey);
    this.state.groups = this.state.groups!.filter((g) => g.Name !== name);
    this.state.schedules = this.state.schedules.filter((s) => s.GroupName !== name);
    this.save([groupKey(name), ...removed]);
    return {};
  }

  private listGroups(query: URLSearchParams) {
    const c = new Constraints();
    const prefix = query.get('NamePrefix') ?? undefined;
    c.string(prefix, 'namePrefix', { min: 1, max: 64, pattern: NAME_PATTERN });
    const names = [...new Set([...BUILT_IN_GROUPS, ...this.state.groups!.map((g) => g.Name)])]
      .filter((n) => !prefix || n.startsWith(prefix))
      .sort();
    const { items, NextToken } = this.page(names, query, c);
    return { ScheduleGroups: items.map((n) => this.describeGroup(n)), ...(NextToken ? { NextToken } : {}) };
  }

  // ---- CreateSchedule / UpdateSchedule --------------------------------------------------------

  /** Validates a Create/UpdateSchedule request as AWS does; returns the parsed pieces. */
  private validate(name: string, body: Json, nowMs: number) {
    const c = new Constraints();
    c.string(name, 'name', { min: 1, max: 64, pattern: NAME_PATTERN });
    c.string(body.GroupName, 'groupName', { min: 1, max: 64, pattern: NAME_PATTERN });
    c.string(body.ScheduleExpression, 'scheduleExpression', { min: 1, max: 256, required: true });
    c.string(body.ScheduleExpressionTimezone, 'scheduleExpressionTimezone', { min: 1, max: 50 });
    c.string(body.Description, 'description', { max: 512 });
    c.string(body.State, 'state', { oneOf: ['ENABLED', 'DISABLED'] });
    c.string(body.ActionAfterCompletion, 'actionAfterCompletion', { oneOf: ['NONE', 'DELETE'] });
    c.string(body.KmsKeyArn, 'kmsKeyArn', { min: 1, max: 2048, pattern: KMS_ARN });
    c.string(body.ClientToken, 'clientToken', { min: 1, max: 64, pattern: CLIENT_TOKEN });
    const startMs = c.timestamp(body.StartDate, 'startDate');
    const endMs = c.timestamp(body.EndDate, 'endDate');

    const ftw = body.FlexibleTimeWindow as Json | undefined;
    if (c.required(ftw, 'flexibleTimeWindow') && c.type(ftw, 'flexibleTimeWindow', 'object')) {
      c.string(ftw!.Mode, 'flexibleTimeWindow.mode', { required: true, oneOf: ['OFF', 'FLEXIBLE'] });
      c.integer(ftw!.MaximumWindowInMinutes, 'flexibleTimeWindow.maximumWindowInMinutes', 1, 1440);
    }

    const target = body.Target as Json | undefined;
    if (c.required(target, 'target') && c.type(target, 'target', 'object')) {
      c.string(target!.Arn, 'target.arn', { min: 1, max: 1600, required: true });
      c.string(target!.RoleArn, 'target.roleArn', { min: 1, max: 1600, pattern: ROLE_ARN, required: true });
      c.string(target!.Input, 'target.input', { min: 1 });
      const retry = target!.RetryPolicy as Json | undefined;
      if (c.type(retry, 'target.retryPolicy', 'object')) {
        c.integer(retry!.MaximumEventAgeInSeconds, 'target.retryPolicy.maximumEventAgeInSeconds', 60, 86_400);
        c.integer(retry!.MaximumRetryAttempts, 'target.retryPolicy.maximumRetryAttempts', 0, 185);
      }
      const dlq = target!.DeadLetterConfig as Json | undefined;
      if (c.type(dlq, 'target.deadLetterConfig', 'object')) c.string(dlq!.Arn, 'target.deadLetterConfig.arn', { min: 1, max: 1600, pattern: SQS_ARN });
    }
    c.throwIfAny();

    // Then the service's own checks.
    const expression = body.ScheduleExpression as string;
    let parsed: ParsedExpression;
    try {
      parsed = parseExpression(expression);
    } catch (error) {
      if (error instanceof ExpressionError) throw validation(`Invalid Schedule Expression ${expression}.`);
      throw error;
    }
    const timezone = (body.ScheduleExpressionTimezone as string | undefined) ?? 'UTC';
    if (!isTimeZone(timezone)) throw validation(`Invalid Schedule Expression Timezone ${timezone}.`);
    if (ftw!.Mode === 'OFF' && ftw!.MaximumWindowInMinutes !== undefined && ftw!.MaximumWindowInMinutes !== null) {
      throw validation('MaximumWindowInMinutes must not be provided when the FlexibleTimeWindow Mode is OFF.');
    }
    if (ftw!.Mode === 'FLEXIBLE' && (ftw!.MaximumWindowInMinutes === undefined || ftw!.MaximumWindowInMinutes === null)) {
      throw validation('MaximumWindowInMinutes must be provided when the FlexibleTimeWindow Mode is FLEXIBLE.');
    }
    if (!/^arn:aws(-[a-z]+)?:[a-z0-9-]+:/.test(target!.Arn as string)) throw validation('Provided Arn is not in correct format.');
    if (target!.Input !== undefined && JSON_INPUT_TARGET.test(target!.Arn as string)) {
      try {
        JSON.parse(target!.Input as string);
      } catch {
        throw validation('Target Input must be a well-formed JSON for this target type.');
      }
    }
    // StartDate and EndDate apply to recurring schedules only; at() ignores them.
    if (parsed.kind !== 'at') {
      if (startMs !== undefined && startMs < nowMs - FIVE_MINUTES) throw validation('The StartDate you specify cannot be earlier than 5 minutes ago.');
      if (endMs !== undefined && endMs <= nowMs) throw validation('The EndDate you specify cannot be earlier than the current time.');
      if (startMs !== undefined && endMs !== undefined && endMs <= startMs) throw validation('The StartDate must come before the EndDate.');
    }
    return { parsed, expression, timezone, startMs, endMs, ftw: ftw!, target: target! };
  }

  private upsert(name: string, body: Json, update: boolean) {
    const nowMs = Date.now();
    const v = this.validate(name, body, nowMs);
    const group = this.group(body.GroupName as string | undefined);
    const existing = this.find(group, name);
    if (update && !existing) throw notFound(`Schedule ${name} does not exist.`);
    if (!update && existing) {
      // A retried CreateSchedule with the same ClientToken is answered as the first one was.
      if (body.ClientToken !== undefined && existing.clientToken === body.ClientToken) return { ScheduleArn: this.arn(existing) };
      throw new AwsError('ConflictException', `Schedule ${name} already exists.`, 409);
    }
    const { parsed, expression, timezone, startMs, endMs, ftw, target } = v;
    const retry = (target.RetryPolicy as Json | undefined) ?? {};
    const storedTarget: StoredTarget = {
      ...(target as Json),
      Arn: target.Arn as string,
      RoleArn: target.RoleArn as string,
      // AWS fills in the default retry policy (GetSchedule shows it).
      RetryPolicy: { MaximumEventAgeInSeconds: (retry.MaximumEventAgeInSeconds as number | undefined) ?? 86_400, MaximumRetryAttempts: (retry.MaximumRetryAttempts as number | undefined) ?? 185 },
    };
    // Updating a schedule without changing when it runs keeps its rate() phase.
    const sameTiming = existing && existing.ScheduleExpression === expression && existing.StartDate === (startMs === undefined ? undefined : startMs / 1000);
    const anchorMs = sameTiming ? existing.anchorMs : (startMs ?? nowMs);
    const s: StoredSchedule = {
      Name: name,
      GroupName: group,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: timezone,
      State: (body.State as 'ENABLED' | 'DISABLED' | undefined) ?? 'ENABLED',
      ...(body.Description !== undefined ? { Description: body.Description as string } : {}),
      ...(startMs !== undefined ? { StartDate: startMs / 1000 } : {}),
      ...(endMs !== undefined ? { EndDate: endMs / 1000 } : {}),
      ...(body.KmsKeyArn !== undefined ? { KmsKeyArn: body.KmsKeyArn as string } : {}),
      FlexibleTimeWindow: { Mode: ftw.Mode as 'OFF' | 'FLEXIBLE', ...(ftw.MaximumWindowInMinutes !== undefined ? { MaximumWindowInMinutes: ftw.MaximumWindowInMinutes as number } : {}) },
      Target: storedTarget,
      ActionAfterCompletion: (body.ActionAfterCompletion as 'NONE' | 'DELETE' | undefined) ?? 'NONE',
      CreationDate: existing?.CreationDate ?? nowMs / 1000,
      LastModificationDate: nowMs / 1000,
      anchorMs,
      ...(typeof body.ClientToken === 'string' ? { clientToken: body.ClientToken } : existing?.clientToken ? { clientToken: existing.clientToken } : {}),
    };
    s.nextFireAt = this.firstFiring(s, parsed, nowMs, sameTiming ? existing : undefined);
    if (s.nextFireAt === undefined) s.completed = true;
    if (existing) this.state.schedules = this.state.schedules.filter((x) => x !== existing);
    this.state.schedules.push(s);
    this.save([scheduleKey(s)]);
    this.tickSoon();
    return { ScheduleArn: this.arn(s) };
  }

  /**
   * When a new (or updated) schedule first fires. rate(): at StartDate, or right away without one
   * (schedule types, "Rate-based schedules"); cron(): the first matching time on or after StartDate.
   * An update that keeps the timing continues after the last firing, without replaying what was
   * missed while the schedule was disabled.
   */
  private firstFiring(s: StoredSchedule, parsed: ParsedExpression, nowMs: number, previous?: StoredSchedule): number | undefined {
    if (parsed.kind === 'at') {
      // AWS accepts an at() in the past (it fires right away); an unchanged, completed one stays done.
      if (previous?.completed && previous.lastFiredAt !== undefined) return undefined;
      return nextFiring(parsed, nowMs, s.ScheduleExpressionTimezone) ?? nowMs;
    }
    let after = parsed.kind === 'rate' ? s.anchorMs - 1 : Math.max(nowMs, s.anchorMs) - 1;
    if (previous) after = Math.max(after, previous.lastFiredAt ?? after, nowMs - 1);
    return this.withinEnd(s, nextFiring(parsed, after, s.ScheduleExpressionTimezone, s.anchorMs));
  }

  /** EndDate: "the date before which the schedule can invoke its target". */
  private withinEnd(s: StoredSchedule, t: number | undefined) {
    return t !== undefined && s.EndDate !== undefined && t >= s.EndDate * 1000 ? undefined : t;
  }

  start(intervalMs = 1000): void {
    this.resumePending();
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** After a change, while started: a schedule due now fires without waiting for the interval. */
  private tickSoon() {
    if (this.timer) setTimeout(() => void this.tick(), 0).unref();
  }

  /** Firings journaled before a crash or stop and not finished, re-fired once (at start or the first tick). */
  private resumePending(): Promise<void>[] {
    if (this.resumed) return [];
    this.resumed = true;
    return this.journal.pending().map(([id, p]) => track(() => this.fire(id, p)));
  }

  /**
   * Moves a schedule past its due time (`nextFireAt`): recurring ones that missed several periods fire once,
   * a one-time one completes (and is removed with ActionAfterCompletion DELETE). Returns whether it changed.
   */
  private advance(s: StoredSchedule, nowMs: number): boolean {
    if (s.nextFireAt === undefined) return false;
    let parsed: ParsedExpression | undefined;
    try {
      parsed = parseExpression(s.ScheduleExpression);
    } catch {
      parsed = undefined;
    }
    s.lastFiredAt = Math.max(nowMs, s.nextFireAt);
    s.nextFireAt = !parsed || parsed.kind === 'at' ? undefined : this.withinEnd(s, nextFiring(parsed, s.lastFiredAt, s.ScheduleExpressionTimezone, s.anchorMs));
    if (s.nextFireAt === undefined) s.completed = true;
    if (s.completed && s.ActionAfterCompletion === 'DELETE') this.state.schedules = this.state.schedules.filter((x) => x !== s);
    return true;
  }

  /**
   * Fires every due schedule. Each firing is journaled and fsync'd first, then its schedule is moved on and
   * saved with fsync, then its target is invoked; resolves when those invocations (and, on the first tick,
   * the re-fired journaled ones) have finished.
   */
  async tick(): Promise<void> {
    const runs = this.resumePending();
    // Counted as busy from the start (whenIdle, the clock's settle), not only once the invocations begin.
    runs.push(track(() => this.fireDue()));
    await Promise.all(runs);
  }

  private async fireDue(): Promise<void> {
    const nowMs = Date.now();
    const runs: Promise<void>[] = [];
    const due: { id: string; key: string; firing: PendingFiring; started: (run: Promise<void>) => void }[] = [];
    const broken: string[] = [];
    for (const s of this.state.schedules) {
      if (s.State !== 'ENABLED' || s.completed || s.nextFireAt === undefined || s.nextFireAt > nowMs) continue;
      const key = `${s.GroupName}/${s.Name}@${s.nextFireAt}`;
      const taken = this.advancing.get(key);
      if (taken) {
        runs.push(taken); // another tick is journaling this very firing
        continue;
      }
      try {
        parseExpression(s.ScheduleExpression);
      } catch {
        s.completed = true;
        broken.push(scheduleKey(s));
        continue;
      }
      const firing: PendingFiring = {
        schedule: s.Name,
        group: s.GroupName,
        scheduledAt: s.nextFireAt,
        targetArn: s.Target.Arn,
        ...(s.Target.Input !== undefined ? { input: s.Target.Input } : {}),
        retryPolicy: { MaximumRetryAttempts: s.Target.RetryPolicy?.MaximumRetryAttempts ?? 185, MaximumEventAgeInSeconds: s.Target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400 },
        ...(s.Target.DeadLetterConfig?.Arn ? { deadLetterArn: s.Target.DeadLetterConfig.Arn } : {}),
        attempt: 0,
      };
      const id = `${key}#${randomUUID()}`;
      this.journal.add(id, firing);
      let started!: (run: Promise<void>) => void;
      this.advancing.set(key, new Promise<Promise<void>>((resolve) => (started = resolve)).then((run) => run));
      due.push({ id, key, firing, started });
    }
    if (due.length > 0) {
      try {
        await this.journal.sync(); // every firing below is on disk before its schedule moves on
      } catch (error) {
        console.error('[local] scheduler: could not fsync the pending firings:', (error as Error).message);
      }
      for (const { key, firing } of due) {
        this.advancing.delete(key);
        // Unless an UpdateSchedule or DeleteSchedule came in meanwhile, the schedule still waits for this time.
        const s = this.find(firing.group, firing.schedule);
        if (s && !s.completed && s.nextFireAt === firing.scheduledAt) this.advance(s, nowMs);
      }
      try {
        this.save(due.map(({ firing }) => scheduleKey({ GroupName: firing.group, Name: firing.schedule })));
        await this.stateJournal.sync(); // the schedules moved on are on disk before their targets run
      } catch (error) {
        console.error('[local] scheduler: could not fsync the schedules:', (error as Error).message);
      } finally {
        for (const { id, firing, started } of due) {
          const run = track(() => this.fire(id, firing));
          started(run);
          runs.push(run);
        }
      }
    }
    if (broken.length) this.save(broken);
    await Promise.all(runs);
  }

  /** Invokes a journaled firing's target per its RetryPolicy; it leaves the journal on success or once recorded as failed. */
  private async fire(id: string, p: PendingFiring): Promise<void> {
    const label = `${p.group}/${p.schedule}`;
    const fn = findFunction(functionNameFromArn(p.targetArn) ?? '');
    if (!fn) {
      // Not retried: the target does not exist (AWS's error for a missing resource goes straight to the DLQ).
      const error = `Target ${p.targetArn} is not a function of this deployment; the local runtime cannot invoke it`;
      console.error(`[local] schedule ${label}: ${error}`);
      this.recordFailure(id, p, error, 'ResourceNotFoundException', undefined);
      return;
    }
    let event: unknown = {};
    try {
      event = p.input !== undefined ? JSON.parse(p.input) : {};
    } catch {
      /* validated at creation */
    }
    const attempts = p.retryPolicy.MaximumRetryAttempts + 1;
    const maxAgeMs = p.retryPolicy.MaximumEventAgeInSeconds * 1000;
    let last: unknown;
    let condition: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds' = 'MaximumRetryAttempts';
    for (let attempt = p.attempt + 1; ; attempt++) {
      // A retry (not a first attempt, even one resumed after a restart) only within MaximumEventAgeInSeconds.
      if (attempt > 1 && Date.now() - p.scheduledAt > maxAgeMs) {
        condition = 'MaximumEventAgeInSeconds';
        break;
      }
      try {
        await invoke(fn, event, `schedule ${label}`);
        this.journal.done(id);
        return;
      } catch (error) {
        last = error;
      }
      p = { ...p, attempt };
      this.journal.add(id, p); // the attempts made survive a restart (not fsync'd: a lost one is one more retry)
      if (attempt >= attempts) break;
      await sleep(Math.min(this.retryDelayMs * 2 ** (attempt - 1), this.maxRetryDelayMs));
    }
    const message = String((last as Error)?.message ?? last);
    console.error(`[local] schedule ${label}: ${fn.name} failed ${p.attempt} time(s) (${condition}):`, message);
    this.recordFailure(id, p, message, (last as Error)?.name || 'Error', condition);
  }

  /** Records a failed firing (and the dead-letter message its DLQ would get), durably, then drops it from the journal. */
  private recordFailure(id: string, p: PendingFiring, error: string, code: string, condition: string | undefined): void {
    const scheduledTime = new Date(p.scheduledAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const failure: SchedulerFailure = {
      schedule: p.schedule,
      group: p.group,
      scheduledTime,
      target: p.targetArn,
      error,
      attempts: p.attempt,
      at: new Date().toISOString(),
      ...(p.deadLetterArn
        ? {
            deadLetter: {
              queueArn: p.deadLetterArn,
              body: p.input ?? '{}',
              attributes: {
                ERROR_CODE: code,
                ERROR_MESSAGE: error,
                ...(condition ? { EXHAUSTED_RETRY_CONDITION: condition } : {}),
                RETRY_ATTEMPTS: String(Math.max(0, p.attempt - 1)),
                SCHEDULED_TIME: scheduledTime,
                SCHEDULE_ARN: this.arn({ GroupName: p.group, Name: p.schedule }),
                TARGET_ARN: p.targetArn,
              },
            },
          }
        : {}),
    };
    this.failures.push(failure);
    writeFileDurably(this.failuresFile, JSON.stringify(this.failures, null, 1));
    this.journal.done(id);
  }
}
