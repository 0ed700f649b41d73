import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/commons/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [path.relative(ROOT, p)] : [];
  });
const source = files(path.join(ROOT, 'functions')).map((f) => ({ f, text: readFileSync(path.join(ROOT, f), 'utf8') }));

describe('one config module and the injected clock', () => {
  it('nothing in functions/ reads process.env except the config module (and the Lambda runtime\'s trace variables in observability)', () => {
    const readers = source.filter(({ f, text }) => /process\.env/.test(text) && f !== 'functions/commons/config.ts' && f !== 'functions/commons/observability.ts');
    expect(readers.map((r) => r.f)).toEqual([]);
  });

  it('no bare `new Date()` outside the system clock: domain code takes the clock it is given', () => {
    const bare = source.filter(({ f, text }) => /new Date\(\)/.test(text) && f !== 'functions/commons/clock.ts');
    expect(bare.map((b) => b.f)).toEqual([]);
  });

  it('names the missing variable and why, on first use', () => {
    const config = configFrom({ TABLE_NAME: 'cirrus', APP_URL: 'https://crm.example.org/' });
    expect(config.tableName()).toBe('cirrus');
    expect(config.appUrl()).toEqual({ url: 'https://crm.example.org' });
    expect(() => config.mail()).toThrow(/MAIL_FROM is not set/);
    expect(() => config.scheduleTargetArn('lead-callback-check')).toThrow(/SCHEDULE_TARGET_LEAD_CALLBACK_CHECK_ARN/);
    expect(configFrom({ APP_URL_PARAMETER: '/cirrus/app-url' }).appUrl()).toEqual({ parameter: '/cirrus/app-url' });
    expect(configFrom({}).appUrl()).toBeUndefined();
    expect(configFrom({ FILES_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'true' }).files()).toEqual({ bucket: 'b', forcePathStyle: true });
  });
});
