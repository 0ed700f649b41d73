import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { allFunctions, type FunctionDeclaration } from '../../infra/declarations/index.ts';
import { createCirrusStacks, type CirrusAppOptions, type CirrusStacks } from '../../infra/stacks/app.ts';

/**
 * Infra tests synthesize against placeholder bundles (one tiny index.mjs per function) and a placeholder web
 * build, so they need neither `npm run build` nor an AWS account. build-functions.test.ts covers real bundling.
 */
export function placeholderFunctions(functions: readonly FunctionDeclaration[] = allFunctions()): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cirrus-fn-'));
  for (const f of functions) {
    mkdirSync(path.join(dir, f.name), { recursive: true });
    writeFileSync(path.join(dir, f.name, 'index.mjs'), `export const handler = async () => ({ statusCode: 200, body: ${JSON.stringify(f.name)} });\n`);
  }
  return dir;
}

export function placeholderWeb(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cirrus-web-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Cirrus</title><div id="app"></div>');
  return dir;
}

/** The feature flags and context of cdk.json, so tests synthesize what `cdk synth` does. */
export const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8'),
).context;

export interface Synthesized {
  readonly app: App;
  readonly stacks: CirrusStacks;
  readonly templates: Record<keyof CirrusStacks, Template>;
}

/** Builds and synthesizes every stack once (call from beforeAll). */
export function synthesize(options: CirrusAppOptions = {}, functions?: readonly FunctionDeclaration[]): Synthesized {
  const app = new App({ context: { ...cdkContext, mailFrom: 'crm@example.org' } });
  const stacks = createCirrusStacks(app, {
    env: undefined,
    functionsDir: placeholderFunctions(functions),
    webAssetPath: placeholderWeb(),
    nag: false,
    ...options,
  });
  const templates = Object.fromEntries(
    Object.entries(stacks).map(([key, stack]) => [key, Template.fromStack(stack)]),
  ) as Record<keyof CirrusStacks, Template>;
  return { app, stacks, templates };
}
