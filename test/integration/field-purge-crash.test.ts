import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, describe, expect, it } from 'vitest';
import { captureOutput, freePort } from '../support/net.ts';
import { alive } from '../../infra/local/dynamodb.ts';

/**
 * kill -9 of the local runtime while a field purge runs (pages of one record, so it is caught mid-way),
 * then a restart on the same DATA_DIR (DynamoDB Local on disk): the delivery of
 * `metadata.field_purge_requested` is journaled until the worker finishes, so the restart delivers it
 * again (and the stream may forward the outbox event a second time); the worker resumes at the job's last
 * checkpoint and ends with exactly one count per record, examined and cleared, and no value left.
 *
 * Its own runtime, as test/integration/crash.test.ts (whose helpers these are).
 */
const ROOT = resolve(import.meta.dirname, '../..');
const NODE = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;
const RECORDS = 30;
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });

async function eventually(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000, every = 100): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

const started: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'cirrus-purge-crash-'));

async function startRuntime(port: number): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), SMTP_PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, CIRRUS_PUBLIC_URL: `http://127.0.0.1:${port}` };
  delete env.CIRRUS_DYNAMODB_IN_MEMORY; // on disk: that is what must survive
  delete env.CIRRUS_EXTRA_DECLARATIONS;
  delete env.CIRRUS_HANDLER_DYNAMODB_ENDPOINT;
  const child = spawn(NODE, ['--import', 'tsx', 'infra/local/main.ts'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const output = captureOutput(child);
  const url = `http://127.0.0.1:${port}`;
  await eventually('the runtime to be healthy', async () => {
    if (child.exitCode !== null) throw new Error(`The runtime exited (code ${child.exitCode}):\n${output()}`);
    try {
      return (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })).status === 200;
    } catch {
      return false;
    }
  }, 240_000);
  return { child, url };
}

function stopGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

afterAll(async () => {
  for (const child of started) stopGroup(child, 'SIGKILL');
  const pidFile = join(dataDir, 'dynamodb', 'dynamodb-local.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (pid > 1 && alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function login(url: string, email: string): Promise<string> {
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const res = await client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'cirrus-local-client', AuthParameters: { USERNAME: email, PASSWORD: 'Demo123!' } }));
  client.destroy();
  return res.AuthenticationResult!.IdToken!;
}

const caller = (url: string, token: string) => async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};
const advance = (url: string, seconds: number) => fetch(`${url}/_local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });

describe('kill -9 of the local runtime during a field purge', () => {
  it('resumes at the last checkpoint and finishes with one count per record', async () => {
    const port = await freePort();
    const first = await startRuntime(port);
    const admin = caller(first.url, await login(first.url, 'admin@demo.local'));
    const object = 'c_crashprobes';
    expect((await admin('POST', '/api/metadata/objects', {
      apiName: object, label: l('Crash probe', '崩溃测试'), labelPlural: l('Crash probes', '崩溃测试'),
      fields: [
        { apiName: 'c_name', type: 'text', label: l('Name', '名称'), required: true },
        { apiName: 'c_level', type: 'number', label: l('Level', '级别') },
      ],
    })).status).toBe(201);
    await advance(first.url, 6);
    const ids: string[] = [];
    for (let i = 0; i < RECORDS; i += 6) {
      const batch = await Promise.all(Array.from({ length: Math.min(6, RECORDS - i) }, (_, k) => admin('POST', `/api/${object}`, { c_name: `Probe ${i + k}`, c_level: i + k })));
      for (const r of batch) {
        expect(r.status).toBe(201);
        ids.push(r.body.id);
      }
    }
    expect((await admin('DELETE', `/api/metadata/objects/${object}/fields/c_level`)).status).toBe(204);
    await advance(first.url, 6);
    const purge = await admin('POST', `/api/metadata/objects/${object}/fields/c_level/purge`, { pageSize: 1 });
    expect(purge.status).toBe(202);
    // The worker starts METADATA_REFRESH_MS after the request (the clock is not moved here: moving it waits
    // for every delivery to settle, the purge included).

    // Caught mid-way: some pages checkpointed, not all.
    let seen: any;
    const observed: string[] = [];
    await eventually('the purge to be under way', async () => {
      seen = (await admin('GET', `/api/metadata/jobs/${purge.body.id}`)).body;
      const now = `${seen.status}:${seen.examined}`;
      if (observed.at(-1) !== now) observed.push(now);
      if (seen.status === 'done' || seen.status === 'failed') throw new Error(`The purge ended before the kill (seen: ${observed.join(' ')})`);
      return seen.status === 'running' && seen.examined >= 3;
    }, 120_000, 5);
    const javaPid = Number(readFileSync(join(dataDir, 'dynamodb', 'dynamodb-local.pid'), 'utf8'));
    process.kill(first.child.pid!, 'SIGKILL');
    expect(seen.examined).toBeLessThan(RECORDS);
    await eventually('the runtime to die', () => first.child.exitCode !== null || first.child.signalCode !== null);
    // DynamoDB Local dies with it (Linux: parent-death signal) and lets go of its files before the restart.
    if (process.platform === 'linux') await eventually('DynamoDB Local to die with the runtime', () => !alive(javaPid), 30_000);

    const second = await startRuntime(port);
    const admin2 = caller(second.url, await login(second.url, 'admin@demo.local'));
    let job: any;
    await eventually('the purge to finish after the restart', async () => {
      job = (await admin2('GET', `/api/metadata/jobs/${purge.body.id}`)).body;
      return job.status === 'done' || job.status === 'failed';
    }, 60_000);
    expect(job).toMatchObject({ status: 'done', examined: RECORDS, cleared: RECORDS });

    // Nothing of the old values anywhere: a new c_level starts empty on every record and in the index.
    expect((await admin2('POST', `/api/metadata/objects/${object}/fields`, { apiName: 'c_level', type: 'number', label: l('Level', '级别') })).status).toBe(201);
    await advance(second.url, 6);
    const withLevel = await admin2('GET', `/api/${object}?where[c_level][gte]=0`);
    expect(withLevel.status).toBe(200);
    expect(withLevel.body.items).toEqual([]);
    const all = await admin2('GET', `/api/${object}?limit=50`);
    expect(all.body.items).toHaveLength(RECORDS);
    expect(all.body.items.filter((r: any) => r.c_level !== undefined)).toEqual([]);
    expect(((await (await fetch(`${second.url}/_aws/events/dead-letters`)).json()) as { deadLetters: unknown[] }).deadLetters).toEqual([]);
    console.info(`[purge crash test] killed at ${seen.examined} of ${RECORDS} examined; finished with ${job.examined} examined, ${job.cleared} cleared`);
    stopGroup(second.child, 'SIGTERM');
  }, 600_000);
});
