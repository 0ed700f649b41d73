import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { captureOutput, freePort } from './net.ts';

/**
 * globalSetup of the integration and e2e projects: ONE local runtime (`infra/local/main.ts`) per project
 * run, on a free port with a fresh temp DATA_DIR and DynamoDB in memory; `inject('baseUrl')` gives its
 * URL. With CIRRUS_BASE_URL set, that runtime is used instead and nothing is started.
 * Vitest runs each project's globalSetup separately, so two runtimes may coexist: each picks its own port
 * and directory (DynamoDB Local gets its own free port inside the runtime).
 */
declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
/** Test-only declarations (a probe rule and schedule target), see test/support/fixtures/. */
export const EXTRA_DECLARATIONS = 'test/support/fixtures/extra-declarations.ts';


async function waitHealthy(url: string, child: ChildProcess, log: () => string, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The local runtime exited (code ${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The local runtime was not healthy within ${timeoutMs / 1000} s:\n${log()}`);
}

export default async function setup(project: TestProject) {
  const external = process.env.CIRRUS_BASE_URL;
  if (external) {
    project.provide('baseUrl', external.replace(/\/$/, ''));
    return;
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'cirrus-test-'));
  const node = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;
  const child = spawn(node, ['--import', 'tsx', 'infra/local/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CIRRUS_DYNAMODB_IN_MEMORY: '1',
      SMTP_PORT: '0', // any free port: GET /_aws/ses/inbound names it
      CIRRUS_PUBLIC_URL: `http://127.0.0.1:${port}`,
      CIRRUS_EXTRA_DECLARATIONS: EXTRA_DECLARATIONS,
    },
    // Its own process group, so teardown stops the runtime and its DynamoDB Local together.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const exited = new Promise((r) => child.once('exit', r));
      const timedOut = await Promise.race([exited.then(() => false), new Promise((r) => setTimeout(() => r(true), 8000))]);
      if (timedOut) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitHealthy(url, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('baseUrl', url);
  return stop;
}
