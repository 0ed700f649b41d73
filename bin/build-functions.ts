/**
 * Bundles every Lambda function declared in infra/declarations (allFunctions()) into
 * dist/functions/<name>/index.mjs with esbuild: ESM, node22, minified, tree-shaken, everything bundled
 * (including @aws-sdk, so bundle sizes are honest), a source map, and the esbuild metafile in meta.json.
 * One esbuild run bundles all entries in parallel in this process (each source file parsed once). The CDK api/events stacks deploy these directories as-is.
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

/** One esbuild run for all functions: each file is parsed once, entries bundle in parallel (code splitting off). */
export function esbuildOptions(functions: readonly FunctionDeclaration[], outDir: string): BuildOptions & { metafile: true } {
  return {
    absWorkingDir: repoRoot,
    entryPoints: functions.map((fn) => ({ in: path.join(repoRoot, fn.entry), out: `${fn.name}/index` })),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: false,
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
  const result = await build(esbuildOptions(functions, outDir)).catch((error: Error) => {
    throw new Error(`esbuild failed: ${error.message}`);
  });
  const results = await Promise.all(
    functions.map(async (fn): Promise<BuildResult> => {
      const outfile = path.join(outDir, fn.name, 'index.mjs');
      const key = path.relative(repoRoot, outfile).split(path.sep).join('/');
      const meta = metafileOf(result.metafile, key);
      await mkdir(path.dirname(outfile), { recursive: true });
      await writeFile(path.join(outDir, fn.name, 'meta.json'), JSON.stringify(meta));
      return { name: fn.name, outfile, bytes: meta.outputs[key]!.bytes };
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
