import { join } from 'node:path';
import type { ScheduleDeclaration } from '../declarations/events.ts';
import { ACCOUNT_ID, REGION, SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN, lambdaArn } from './config.ts';
import { findFunction, functionNameFromArn, invoke, track } from './lambda.ts';
import { AwsError } from './protocol.ts';
import { ExpressionError, assertTimeZone, nextFiring, parseExpression } from './schedule-expression.ts';
import { readJson, writeJson } from './store.ts';

/**
 * EventBridge Scheduler emulator (restJson1 on `/schedules/...`): Create/Get/Update/Delete/ListSchedules
 * in the Cirrus group (and `default`), firing `at()`, `rate()` and `cron()` schedules on the runtime's
 * clock. A schedule's target is a declared function, called with `JSON.parse(Target.Input)`.
 * State is persisted in DATA_DIR; a one-time schedule is marked done before its target runs, so it never
 * fires twice, even across a restart.
 */
interface StoredSchedule {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
  StartDate?: number;
  EndDate?: number;
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  Target: { Arn: string; RoleArn: string; Input?: string; RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number } };
  ActionAfterCompletion: 'NONE' | 'DELETE';
  CreationDate: number;
  LastModificationDate: number;
  /** Local bookkeeping: epoch ms of the next firing (undefined = nothing more to do). */
  nextFireAt?: number;
  anchorMs: number;
  lastFiredAt?: number;
  completed?: boolean;
}

interface State {
  schedules: StoredSchedule[];
}

const GROUPS = new Set([SCHEDULE_GROUP_NAME, 'default']);
const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SchedulerEmulator {
  private state: State;
  private readonly file: string;
  private timer?: NodeJS.Timeout;
  readonly failures: { schedule: string; error: string; at: string }[] = [];

  constructor(dataDir: string) {
    this.file = join(dataDir, 'schedules.json');
    this.state = readJson<State>(this.file, { schedules: [] });
  }

  private save() {
    writeJson(this.file, this.state);
  }

  private arn(s: { GroupName: string; Name: string }) {
    return `arn:aws:scheduler:${REGION}:${ACCOUNT_ID}:schedule/${s.GroupName}/${s.Name}`;
  }

  private find(group: string, name: string) {
    return this.state.schedules.find((s) => s.GroupName === group && s.Name === name);
  }

  private group(name: unknown): string {
    const g = name === undefined || name === null || name === '' ? 'default' : String(name);
    if (!GROUPS.has(g)) throw new AwsError('ResourceNotFoundException', `Schedule group ${g} does not exist.`, 404);
    return g;
  }

  /** Installs (or refreshes) the declared recurring schedules. */
  installDeclared(schedules: readonly ScheduleDeclaration[]): void {
    for (const d of schedules) {
      const input = { Name: d.name, GroupName: SCHEDULE_GROUP_NAME, ScheduleExpression: d.expression, ScheduleExpressionTimezone: d.timezone, FlexibleTimeWindow: { Mode: 'OFF' }, Description: d.description, Target: { Arn: lambdaArn(d.target.name), RoleArn: SCHEDULER_ROLE_ARN, Input: '{}' } };
      const existing = this.find(SCHEDULE_GROUP_NAME, d.name);
      if (existing && existing.ScheduleExpression === d.expression && existing.ScheduleExpressionTimezone === d.timezone) continue;
      this.upsert(d.name, input, Boolean(existing));
    }
  }

  async handle(method: string, path: string, query: URLSearchParams, body: Record<string, any>): Promise<[number, unknown]> {
    const m = /^\/schedules(?:\/([^/]+))?\/?$/.exec(path);
    if (!m) throw new AwsError('UnknownOperationException', `No Scheduler operation at ${method} ${path}`, 404);
    const name = m[1] ? decodeURIComponent(m[1]) : undefined;
    if (!name) {
      if (method !== 'GET') throw new AwsError('UnknownOperationException', `No Scheduler operation at ${method} ${path}`, 404);
      return [200, this.list(query)];
    }
    switch (method) {
      case 'POST':
        return [200, this.upsert(name, body, false)];
      case 'PUT':
        return [200, this.upsert(name, body, true)];
      case 'GET': {
        const s = this.find(this.group(query.get('groupName')), name);
        if (!s) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
        return [200, this.describe(s)];
      }
      case 'DELETE': {
        const group = this.group(query.get('groupName'));
        const s = this.find(group, name);
        if (!s) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
        this.state.schedules = this.state.schedules.filter((x) => x !== s);
        this.save();
        return [200, {}];
      }
      default:
        throw new AwsError('UnknownOperationException', `No Scheduler operation at ${method} ${path}`, 404);
    }
  }

  private describe(s: StoredSchedule) {
    const { nextFireAt: _n, anchorMs: _a, lastFiredAt: _l, completed: _c, ...rest } = s;
    return { ...rest, Arn: this.arn(s) };
  }

  private list(query: URLSearchParams) {
    const group = query.get('ScheduleGroup');
    const prefix = query.get('NamePrefix') ?? '';
    const state = query.get('State');
    const max = Math.min(Number(query.get('MaxResults') ?? 100) || 100, 100);
    const start = Number(query.get('NextToken') ?? 0) || 0;
    const all = this.state.schedules
      .filter((s) => (!group || s.GroupName === group) && s.Name.startsWith(prefix) && (!state || s.State === state))
      .sort((a, b) => a.Name.localeCompare(b.Name));
    const page = all.slice(start, start + max);
    return {
      Schedules: page.map((s) => ({ Arn: this.arn(s), CreationDate: s.CreationDate, GroupName: s.GroupName, LastModificationDate: s.LastModificationDate, Name: s.Name, State: s.State, Target: { Arn: s.Target.Arn } })),
      ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
    };
  }

  private upsert(name: string, body: Record<string, any>, update: boolean) {
    if (!NAME.test(name)) throw new AwsError('ValidationException', `Invalid schedule name ${name}`);
    const group = this.group(body.GroupName);
    const existing = this.find(group, name);
    if (update && !existing) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    if (!update && existing) throw new AwsError('ConflictException', `Schedule ${name} already exists.`, 409);
    const expression = String(body.ScheduleExpression ?? '');
    const timezone = String(body.ScheduleExpressionTimezone ?? 'UTC');
    let parsed;
    try {
      parsed = parseExpression(expression);
      assertTimeZone(timezone);
    } catch (error) {
      if (error instanceof ExpressionError) throw new AwsError('ValidationException', `Invalid Schedule Expression ${expression}: ${error.message}`);
      throw error;
    }
    if (!body.FlexibleTimeWindow?.Mode) throw new AwsError('ValidationException', 'FlexibleTimeWindow is required');
    const target = body.Target;
    if (!target?.Arn || !target?.RoleArn) throw new AwsError('ValidationException', 'Target.Arn and Target.RoleArn are required');
    const fnName = functionNameFromArn(target.Arn);
    if (!fnName || !findFunction(fnName)) throw new AwsError('ValidationException', `Target ${target.Arn} is not a declared function of this deployment`);
    if (target.Input !== undefined) {
      try {
        JSON.parse(String(target.Input));
      } catch {
        throw new AwsError('ValidationException', 'Target.Input must be valid JSON');
      }
    }
    const nowMs = Date.now();
    const toMs = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'number' ? v * 1000 : Date.parse(String(v)));
    const startMs = toMs(body.StartDate);
    const endMs = toMs(body.EndDate);
    const anchorMs = startMs ?? nowMs;
    const s: StoredSchedule = {
      Name: name,
      GroupName: group,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: timezone,
      State: body.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      ...(body.Description ? { Description: String(body.Description) } : {}),
      ...(startMs !== undefined ? { StartDate: startMs / 1000 } : {}),
      ...(endMs !== undefined ? { EndDate: endMs / 1000 } : {}),
      FlexibleTimeWindow: body.FlexibleTimeWindow,
      Target: target,
      ActionAfterCompletion: body.ActionAfterCompletion === 'DELETE' ? 'DELETE' : 'NONE',
      CreationDate: existing?.CreationDate ?? nowMs / 1000,
      LastModificationDate: nowMs / 1000,
      anchorMs,
      nextFireAt: nextFiring(parsed, Math.max(nowMs, (startMs ?? nowMs) - 1), timezone, anchorMs),
    };
    // AWS accepts an at() in the past at creation time (it fires right away).
    if (parsed.kind === 'at' && s.nextFireAt === undefined) s.nextFireAt = nowMs;
    if (existing) this.state.schedules = this.state.schedules.filter((x) => x !== existing);
    this.state.schedules.push(s);
    this.save();
    this.tickSoon();
    return { ScheduleArn: this.arn(s) };
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tickSoon() {
    setTimeout(() => void this.tick(), 0).unref();
  }

  /** Fires every due schedule; recurring ones that missed several periods fire once. Returns the invocations. */
  async tick(): Promise<void> {
    // The collection below is synchronous, so concurrent ticks never pick the same firing twice.
    const runs: Promise<void>[] = [];
    {
      const nowMs = Date.now();
      for (const s of [...this.state.schedules]) {
        if (s.State !== 'ENABLED' || s.completed || s.nextFireAt === undefined || s.nextFireAt > nowMs) continue;
        const parsed = parseExpression(s.ScheduleExpression);
        const firedAt = s.nextFireAt;
        s.lastFiredAt = nowMs;
        if (parsed.kind === 'at') {
          s.completed = true;
          s.nextFireAt = undefined;
        } else {
          s.nextFireAt = nextFiring(parsed, nowMs, s.ScheduleExpressionTimezone, s.anchorMs);
          if (s.EndDate !== undefined && s.nextFireAt !== undefined && s.nextFireAt > s.EndDate * 1000) s.nextFireAt = undefined;
          if (s.nextFireAt === undefined) s.completed = true;
        }
        if (s.completed && s.ActionAfterCompletion === 'DELETE') this.state.schedules = this.state.schedules.filter((x) => x !== s);
        // Persist before invoking: a one-time schedule must never fire twice.
        this.save();
        runs.push(track(() => this.fire(s, firedAt)));
      }
    }
    await Promise.all(runs);
  }

  private async fire(s: StoredSchedule, firedAt: number): Promise<void> {
    const fn = findFunction(functionNameFromArn(s.Target.Arn) ?? '');
    if (!fn) {
      this.failures.push({ schedule: s.Name, error: `No function for ${s.Target.Arn}`, at: new Date().toISOString() });
      return;
    }
    let event: unknown = {};
    try {
      event = s.Target.Input !== undefined ? JSON.parse(s.Target.Input) : {};
    } catch {
      /* validated at creation */
    }
    const attempts = (s.Target.RetryPolicy?.MaximumRetryAttempts ?? 185) + 1;
    const maxAgeMs = (s.Target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400) * 1000;
    let last: unknown;
    for (let attempt = 1; attempt <= Math.min(attempts, 10); attempt++) {
      if (attempt > 1 && Date.now() - firedAt > maxAgeMs) break;
      try {
        await invoke(fn, event, `schedule ${s.GroupName}/${s.Name}`);
        return;
      } catch (error) {
        last = error;
        await sleep(Math.min(200 * 2 ** (attempt - 1), 2000));
      }
    }
    console.error(`[local] schedule ${s.Name}: ${fn.name} failed:`, (last as Error)?.message ?? last);
    this.failures.push({ schedule: s.Name, error: String((last as Error)?.message ?? last), at: new Date().toISOString() });
  }
}
