/**
 * Bundles every Lambda function declared in infra/declarations (allFunctions()) into
 * dist/functions/<name>/index.mjs with esbuild: ESM, node22, minified, tree-shaken, everything bundled
 * (including @aws-sdk, so bundle sizes are honest), a source map, and the esbuild metafile in meta.json.
 * One esbuild run per function, in parallel, with code splitting: lazily imported modules become chunks in
 * dist/functions/<name>/chunks/ that a cold start does not load. The CDK api/events stacks deploy these directories as-is.
 *
 *   npm run build:functions                 # all functions
 *   npm run build:functions -- health me    # only the named functions
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { allFunctions, type FunctionDeclaration } from '../infra/declarations/index.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const functionsDist = path.join(repoRoot, 'dist', 'functions');

/** Lets bundled CommonJS dependencies call require() inside an ES module. */
const banner = [
  "import { createRequire as __cirrusCreateRequire } from 'node:module';",
  'const require = __cirrusCreateRequire(import.meta.url);',
].join('\n');

export interface BuildResult {
  readonly name: string;
  readonly outfile: string;
  readonly bytes: number;
}

export interface BuildFunctionsOptions {
  /** Defaults to allFunctions(). */
  readonly functions?: readonly FunctionDeclaration[];
  /** Defaults to dist/functions under the repository root. */
  readonly outDir?: string;
  readonly log?: (line: string) => void;
}

/** Entries declared but not written yet, relative to the repository root. */
export function missingEntries(functions: readonly FunctionDeclaration[] = allFunctions()): FunctionDeclaration[] {
  return functions.filter((f) => !existsSync(path.join(repoRoot, f.entry)));
}

/**
 * esbuild options for one function (or, with splitting off, several in one run — the bench's floor). With
 * `splitting`, what the code loads lazily with `import()` (the Powertools Tracer and Metrics, the SSM client)
 * becomes a chunk next to index.mjs that a cold start neither reads nor parses until it is needed.
 */
export function esbuildOptions(functions: readonly FunctionDeclaration[], outDir: string, splitting = false): BuildOptions & { metafile: true } {
  return {
    absWorkingDir: repoRoot,
    entryPoints: functions.map((fn) => ({ in: path.join(repoRoot, fn.entry), out: splitting ? 'index' : `${fn.name}/index` })),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    treeShaking: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    legalComments: 'none',
    // ESM-first resolution for dependencies that ship both builds (smaller, tree-shakable).
    mainFields: ['module', 'main'],
    banner: { js: banner },
    logLevel: 'silent',
  };
}

/** What a cold start loads: index.mjs and the chunks it imports statically (not the lazy `import()` ones). */
export function eagerBytes(metafile: Metafile, entry: string): number {
  const seen = new Set<string>();
  const visit = (file: string): number => {
    if (seen.has(file)) return 0;
    seen.add(file);
    const out = metafile.outputs[file];
    if (!out) return 0;
    return out.bytes + out.imports.filter((i) => i.kind === 'import-statement' && !i.external).reduce((n, i) => n + visit(i.path), 0);
  };
  return visit(entry);
}

/** The part of the combined metafile that belongs to one function's output, in esbuild's metafile format. */
function metafileOf(metafile: Metafile, outfile: string): Metafile {
  const output = metafile.outputs[outfile];
  if (!output) throw new Error(`esbuild produced no ${outfile}`);
  const inputs = Object.fromEntries(Object.keys(output.inputs).map((k) => [k, metafile.inputs[k]!]));
  return { inputs, outputs: { [outfile]: output } };
}

export async function buildFunctions(options: BuildFunctionsOptions = {}): Promise<BuildResult[]> {
  const functions = options.functions ?? allFunctions();
  const outDir = options.outDir ?? functionsDist;
  const log = options.log ?? (() => {});

  const missing = missingEntries(functions);
  if (missing.length) {
    throw new Error(
      `Cannot bundle: ${missing.length} declared function entr${missing.length === 1 ? 'y does' : 'ies do'} not exist:\n` +
        missing.map((f) => `  - ${f.name}: ${f.entry}`).join('\n') +
        '\nWrite the handler (exporting `handler`) or remove the declaration in infra/declarations.',
    );
  }
  if (!functions.length) return [];

  const started = performance.now();
  await Promise.all(functions.map((fn) => rm(path.join(outDir, fn.name), { recursive: true, force: true })));
  // One esbuild run per function (in parallel), each with code splitting into its own directory: a deployed
  // function is its directory, so its lazy chunks must sit beside its index.mjs.
  const results = await Promise.all(
    functions.map(async (fn): Promise<BuildResult> => {
      const dir = path.join(outDir, fn.name);
      const result = await build(esbuildOptions([fn], dir, true)).catch((error: Error) => {
        throw new Error(`esbuild failed for ${fn.name}: ${error.message}`);
      });
      const outfile = path.join(dir, 'index.mjs');
      const key = path.relative(repoRoot, outfile).split(path.sep).join('/');
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'meta.json'), JSON.stringify(result.metafile));
      return { name: fn.name, outfile, bytes: eagerBytes(result.metafile, key) };
    }),
  );
  const ms = Math.round(performance.now() - started);
  for (const r of [...results].sort((a, b) => b.bytes - a.bytes)) {
    log(`  ${r.name.padEnd(28)} ${(r.bytes / 1024).toFixed(1).padStart(8)} KiB`);
  }
  log(`bundled ${results.length} functions into ${path.relative(repoRoot, outDir)} in ${ms} ms`);
  return results;
}

/** Bundles only when a function's index.mjs is missing (used by the infra tests). */
export async function ensureFunctionBundles(functions: readonly FunctionDeclaration[] = allFunctions()): Promise<void> {
  const missing = functions.filter((f) => !existsSync(path.join(functionsDist, f.name, 'index.mjs')));
  if (missing.length) await buildFunctions({ functions: missing });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const only = process.argv.slice(2);
  const all = allFunctions();
  const unknown = only.filter((n) => !all.some((f) => f.name === n));
  if (unknown.length) {
    console.error(`Unknown function(s): ${unknown.join(', ')}`);
    process.exit(1);
  }
  const functions = only.length ? all.filter((f) => only.includes(f.name)) : all;
  buildFunctions({ functions, log: (l) => console.log(l) }).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
