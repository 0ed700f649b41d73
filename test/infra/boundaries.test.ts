import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Folder boundaries (issue "Platform v2", Boundaries): no import cycles between folders, deployment code never
 * imports function code, function code never imports deployment code; what both need lives in contracts/.
 * Type-only imports count (tsPreCompilationDeps), since they couple the folders just the same.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
let result: ICruiseResult;
const edges: { from: string; to: string; typeOnly: boolean }[] = [];

beforeAll(async () => {
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    result = (await cruise(['functions', 'contracts', 'schemas', 'infra', 'bin'], {
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
      exclude: { path: 'node_modules' },
      tsConfig: { fileName: 'tsconfig.json' },
    })).output as ICruiseResult;
  } finally {
    process.chdir(cwd);
  }
  for (const m of result.modules) {
    for (const d of m.dependencies) {
      if (d.coreModule || d.couldNotResolve || d.resolved.includes('node_modules')) continue;
      edges.push({ from: m.source, to: d.resolved, typeOnly: d.dependencyTypes.some((t) => t.includes('type')) });
    }
  }
}, 120_000);

/** A module's folder: one level inside functions/ and infra/ (a domain, a deployment part), else the top. */
const folderOf = (file: string) => {
  const parts = file.split('/');
  return parts[0] === 'functions' || parts[0] === 'infra' ? parts.slice(0, 2).join('/') : parts[0]!;
};

function cyclesBetween(nodes: (file: string) => string, runtimeOnly = false): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    if (runtimeOnly && e.typeOnly) continue;
    const [a, b] = [nodes(e.from), nodes(e.to)];
    if (a !== b) (graph.get(a) ?? graph.set(a, new Set()).get(a)!).add(b);
  }
  // Tarjan's strongly connected components: any component of more than one node is a cycle.
  let index = 0;
  const stack: string[] = [];
  const meta = new Map<string, { index: number; low: number; onStack: boolean }>();
  const components: string[][] = [];
  const visit = (v: string) => {
    meta.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!meta.has(w)) {
        visit(w);
        meta.get(v)!.low = Math.min(meta.get(v)!.low, meta.get(w)!.low);
      } else if (meta.get(w)!.onStack) meta.get(v)!.low = Math.min(meta.get(v)!.low, meta.get(w)!.index);
    }
    if (meta.get(v)!.low === meta.get(v)!.index) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        meta.get(w)!.onStack = false;
        c.push(w);
      } while (w !== v);
      if (c.length > 1) components.push(c.sort());
    }
  };
  for (const v of graph.keys()) if (!meta.has(v)) visit(v);
  return components;
}

const crossing = (from: RegExp, to: RegExp) => edges.filter((e) => from.test(e.from) && to.test(e.to)).map((e) => `${e.from} → ${e.to}`);

describe('folder boundaries (dependency-cruiser)', () => {
  it('sees the code base (a check that reads nothing cannot fail)', () => {
    expect(result.modules.length).toBeGreaterThan(80);
    expect(edges.some((e) => e.from.startsWith('functions/units/') && e.to.startsWith('functions/records/'))).toBe(true);
  });

  it('no import cycles between folders', () => {
    const byFolder = cyclesBetween(folderOf);
    const explain = byFolder.map((c) => `${c.join(' ⇄ ')}: ${edges.filter((e) => c.includes(folderOf(e.from)) && c.includes(folderOf(e.to)) && folderOf(e.from) !== folderOf(e.to)).map((e) => `${e.from} → ${e.to}`).join(', ')}`);
    expect(explain).toEqual([]);
  });

  it('no runtime import cycles between modules (type-only references inside a folder may point both ways)', () => {
    expect(cyclesBetween((f) => f, true)).toEqual([]);
  });

  it('deployment code (infra/stacks, infra/declarations, bin/cirrus.ts) and contracts/ never import functions/', () => {
    expect(crossing(/^(infra\/stacks|infra\/declarations|contracts)\/|^bin\/cirrus\.ts$/, /^functions\//)).toEqual([]);
  });

  it('function code and schemas never import deployment code (infra/)', () => {
    expect(crossing(/^(functions|schemas)\//, /^infra\//)).toEqual([]);
  });

  it('contracts/ depends only on contracts/ and schemas/; schemas/ only on schemas/', () => {
    expect(crossing(/^contracts\//, /^(?!contracts\/|schemas\/)/)).toEqual([]);
    expect(crossing(/^schemas\//, /^(?!schemas\/)/)).toEqual([]);
  });
});
