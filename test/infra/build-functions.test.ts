import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFunctions, missingEntries } from '../../bin/build-functions.ts';
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
      expect(Object.keys(meta.outputs)).toHaveLength(1);
      expect(Object.keys(meta.inputs).length).toBeGreaterThan(0);
    }
    // @aws-sdk is bundled, not left external.
    const forwarderMeta = JSON.parse(readFileSync(path.join(outDir, 'stream-forwarder', 'meta.json'), 'utf8'));
    expect(Object.keys(forwarderMeta.inputs).some((k) => k.includes('@aws-sdk/client-eventbridge'))).toBe(true);
    // The bundle runs.
    const mod = await import(path.join(outDir, 'platform', 'index.mjs'));
    expect(typeof mod.handler).toBe('function');
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
