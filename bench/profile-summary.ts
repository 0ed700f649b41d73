/**
 * Where the local runtime's CPU goes while the bench posts leads:
 *
 *   BENCH_ONLY=webhook BENCH_CPU_PROF=/tmp/cirrus-prof npm run bench
 *   node --import tsx bench/profile-summary.ts /tmp/cirrus-prof/<file>.cpuprofile [bench/results/latest.json] [webhook|floor]
 *
 * Keeps the samples taken inside the bench's webhook batches (the windows latest.json records, on the same
 * monotonic clock as V8's profile timestamps) and sums their self time two ways: by the innermost frame of
 * this repository on the stack (which of our modules the work is for), and by where the leaf frame lives
 * (our code, a package, Node's internals, GC).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

const ROOT = resolve(import.meta.dirname, '..');
const [profileFile, resultsFile = 'bench/results/latest.json', kind = 'webhook'] = process.argv.slice(2);
if (!profileFile) {
  console.error('usage: bench/profile-summary.ts <file.cpuprofile> [latest.json] [webhook|floor]');
  process.exit(1);
}
const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as Profile;
const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as { leads: { windows: { kind: string; fromUs: number; toUs: number }[] } };
const windows = results.leads.windows.filter((w) => w.kind === kind);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const rel = (url: string) => url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
const ours = (url: string) => url.startsWith('file://') && !url.includes('/node_modules/') && url.includes(ROOT);
function place(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!.startsWith('@aws-sdk/') || pkg[1]!.startsWith('@smithy/') ? 'AWS SDK (@aws-sdk, @smithy)' : pkg[1]!;
  return ours(url) ? 'our code' : url;
}

const owner = new Map<string, number>();
const leaf = new Map<string, number>();
const fns = new Map<string, number>();
let t = profile.startTime;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i]!;
  if (!windows.some((w) => t >= w.fromUs && t <= w.toUs)) continue;
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  const node = byId.get(profile.samples[i]!)!;
  total += dt;
  const l = place(node.callFrame.url, node.callFrame.functionName);
  leaf.set(l, (leaf.get(l) ?? 0) + dt);
  let n: Node | undefined = node;
  let mine = '(no frame of ours on the stack)';
  while (n) {
    if (ours(n.callFrame.url)) {
      mine = rel(n.callFrame.url);
      break;
    }
    n = byId.get(parent.get(n.id) ?? -1);
  }
  if (node.callFrame.functionName === '(idle)') mine = '(idle)';
  owner.set(mine, (owner.get(mine) ?? 0) + dt);
  const f = `${node.callFrame.functionName || '(anonymous)'} ${rel(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
  fns.set(f, (fns.get(f) ?? 0) + dt);
}

const table = (title: string, m: Map<string, number>, n = 20) => {
  console.log(`\n| ${title} | ms | % |\n|---|---|---|`);
  for (const [k, v] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`| ${k} | ${v.toFixed(0)} | ${((100 * v) / total).toFixed(1)} |`);
};
console.log(`${windows.length} ${kind} windows, ${total.toFixed(0)} ms of samples (idle included)`);
table('innermost module of ours on the stack', owner);
table('where the leaf frame is', leaf, 12);
table('leaf functions', fns, 25);
