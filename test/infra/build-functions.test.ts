import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Metafile } from 'esbuild';
import { buildFunctions, eagerBytes, missingEntries } from '../../bin/build-functions.ts';
import { allFunctions, routes, streamForwarder, unitFunctions } from '../../infra/declarations/index.ts';

/** The smallest unit: health and the API documents. */
const health = unitFunctions(routes).find((f) => f.name === 'platform')!;

describe('bin/build-functions', () => {
  it('bundles functions into <out>/<name>/index.mjs as minified ESM with a createRequire banner, source map and metafile', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'cirrus-build-'));
    const results = await buildFunctions({ functions: [health, streamForwarder], outDir });
    expect(results.map((r) => r.name).sort()).toEqual(['platform', 'stream-forwarder']);
    for (const name of ['platform', 'stream-forwarder']) {
      const code = readFileSync(path.join(outDir, name, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire as __cirrusCreateRequire } from 'node:module';")).toBe(true);
      expect(existsSync(path.join(outDir, name, 'index.mjs.map'))).toBe(true);
      const meta = JSON.parse(readFileSync(path.join(outDir, name, 'meta.json'), 'utf8'));
      expect(Object.keys(meta.outputs).some((k) => k.endsWith(`${name}/index.mjs`))).toBe(true);
      expect(Object.keys(meta.inputs).length).toBeGreaterThan(0);
    }
    // @aws-sdk is bundled, not left external.
    const forwarderMeta = JSON.parse(readFileSync(path.join(outDir, 'stream-forwarder', 'meta.json'), 'utf8'));
    expect(Object.keys(forwarderMeta.inputs).some((k) => k.includes('@aws-sdk/client-eventbridge'))).toBe(true);
    // The bundle runs.
    const mod = await import(path.join(outDir, 'platform', 'index.mjs'));
    expect(typeof mod.handler).toBe('function');
  });

  it('leaves what is imported lazily (the Powertools Tracer) in a chunk that a cold start does not load', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'cirrus-build-'));
    const [result] = await buildFunctions({ functions: [health], outDir });
    const meta = JSON.parse(readFileSync(path.join(outDir, 'platform', 'meta.json'), 'utf8')) as Metafile;
    const index = Object.keys(meta.outputs).find((k) => k.endsWith('platform/index.mjs'))!;
    const tracerChunk = Object.entries(meta.outputs).find(([, o]) => Object.keys(o.inputs).some((i) => i.includes('@aws-lambda-powertools/tracer')));
    expect(tracerChunk, 'the tracer is bundled').toBeDefined();
    expect(tracerChunk![0]).not.toBe(index);
    const total = Object.entries(meta.outputs).filter(([k]) => k.endsWith('.mjs')).reduce((n, [, o]) => n + o.bytes, 0);
    expect(result!.bytes).toBe(eagerBytes(meta, index));
    expect(result!.bytes).toBeLessThan(total);
    expect(existsSync(path.join(outDir, 'platform', tracerChunk![0].split('/').slice(-2).join('/')))).toBe(true);
  });

  it('refuses to bundle when declared entries are missing, naming each', async () => {
    const ghost = { name: 'ghost', entry: 'functions/ghost/handler.ts', access: {} };
    expect(missingEntries([ghost, health])).toEqual([ghost]);
    await expect(buildFunctions({ functions: [ghost], outDir: mkdtempSync(path.join(tmpdir(), 'cirrus-build-')) })).rejects.toThrow(
      /ghost: functions\/ghost\/handler\.ts/,
    );
  });

  it('every declared function has a unique name', () => {
    const names = allFunctions().map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
