/**
 * Where the time goes in `.cpuprofile` files (`node --cpu-prof`; the e2e bench writes one per thread with
 * `BENCH_E2E_CPU_PROF=DIR`): per file (thread), self time by package (`node_modules/<name>`), by `src/<folder>`,
 * by native activity (garbage collection, socket writes, …), and inclusive time by `src/<folder>` (a sample counts
 * for every folder on its stack). Percentages are of the thread's profiled wall time.
 *
 * Run: npx tsx bench/_profile.ts DIR [--top N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Natives whose self time is one activity whatever calls them. */
const NATIVE_GROUPS: Array<[RegExp, string]> = [
  [/^\(garbage collector\)$/, '(garbage collection)'],
  [/^\(idle\)$/, '(idle)'],
  [/^\(program\)$/, '(program: V8 and native, unattributed)'],
  [/^(?:writev|writeUtf8String|writeBuffer|writeLatin1String|writeAsciiString|writeUcs2String)$/, 'socket writes (native)'],
  [/^(?:readFileUtf8|read|open|close|fstat)$/, 'file system (native)'],
];

/** The bucket a frame's self time belongs to. */
function bucketOf(frame: ProfileNode['callFrame']): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1]!;
  const src = srcFolderOf(frame.url);
  if (src) return src;
  if (frame.url.startsWith('node:')) return 'node (JS internals)';
  for (const [pattern, name] of NATIVE_GROUPS) if (pattern.test(frame.functionName)) return name;
  if (!frame.url) return `native: ${frame.functionName || '(anonymous)'}`;
  return 'other JS';
}

function srcFolderOf(url: string): string | null {
  const match = /\/(src|workers)\/(?:([^/]+)\/)?[^/]+\.[jt]s$/.exec(url);
  if (!match || url.includes('node_modules')) return null;
  return match[1] === 'workers' ? 'workers' : `src/${match[2] ?? ''}`;
}

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)} %`;

function summarize(path: string, top: number): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const folderSets = new Map<number, Set<string>>();
  const foldersOnStack = (id: number): Set<string> => {
    let set = folderSets.get(id);
    if (set) return set;
    const up = parent.get(id);
    set = new Set(up === undefined ? [] : foldersOnStack(up));
    const folder = srcFolderOf(byId.get(id)!.callFrame.url);
    if (folder) set.add(folder);
    folderSets.set(id, set);
    return set;
  };
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    total += delta;
    const bucket = bucketOf(byId.get(id)!.callFrame);
    self.set(bucket, (self.get(bucket) ?? 0) + delta);
    for (const folder of foldersOnStack(id)) inclusive.set(folder, (inclusive.get(folder) ?? 0) + delta);
  }
  const idle = self.get('(idle)') ?? 0;
  const rows = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `    ${name.padEnd(44)} ${percent(us, total).padStart(7)}  ${(us / 1e6).toFixed(2)} s`)
      .join('\n');
  return [
    `${path}: ${(total / 1e6).toFixed(1)} s profiled, busy ${percent(total - idle, total)}`,
    `  self time by package / src folder / native activity:`,
    rows(self),
    `  inclusive time by src folder:`,
    rows(inclusive),
  ].join('\n');
}

const [dir, ...rest] = process.argv.slice(2);
if (!dir) throw new Error('usage: npx tsx bench/_profile.ts DIR [--top N]');
const top = rest[0] === '--top' ? Number(rest[1]) : 18;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort())
  console.log(summarize(join(dir, file), top), '\n');
