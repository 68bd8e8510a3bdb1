/**
 * End to end, as an operator sizes a deployment: loopback outlets on hosts of their own (127.0.0.x), each with a
 * feed of short teasers whose article pages are fetched in full; a third of the entries are interviews and one in
 * ten is a copy of another outlet's story; one webhook subscription to a loopback receiver. Entries per second
 * from the first ready answer to the last delivery, (a) every role in one process and (b) one process per role,
 * each on a fresh Redis of its own. Beside them, in the same run: the same entries through the pure stage
 * functions in this one thread (decode, parse, full-text extraction, normalize, the dedup sketch and decision,
 * render, build and sign the event), Redis commands and CPU per entry, Redis bytes per story and each process's
 * peak RSS.
 *
 * Needs the compiled build (`npm run build`; `npm ci` makes it); `BENCH_E2E_OUTLETS` / `BENCH_E2E_ENTRIES` size it.
 * (c) every role in one process on a local 3-master Redis Cluster (tests-stress/support/redis-cluster.ts): each
 * master's Redis CPU per entry, the busiest one beside the single node of (a) — the spread of Redis work over the
 * slot groups (src/redis/README.md, "Slot map"). `BENCH_E2E_MODES=one` runs the one-process mode only (default
 * `one,per-role,cluster`); `BENCH_E2E_CPU_PROF=DIR` starts every role process with
 * `--cpu-prof --cpu-prof-dir=DIR` (one .cpuprofile per thread, written when the process exits; bench/README.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { decodeText } from '../src/content/decode-text.js';
import { parseFeed } from '../src/content/parse-feed.js';
import { extractPageMetadata } from '../src/content/page-metadata.js';
import type { NormalizedItem } from '../src/core/item.js';
import { sketchText } from '../src/dedup/analyze.js';
import { buildEvent } from '../src/deliver/build-event.js';
import { signDelivery } from '../src/deliver/sign.js';
import { mergePageIntoEntry } from '../src/fetch/full-text/merge-page.js';
import { needsFullText } from '../src/fetch/full-text/needs-full-text.js';
import { normalizeEntry } from '../src/normalize/normalize-entry.js';
import { renderChannel } from '../src/publish/render-feed.js';
import { ROOT, RoleProcess, TestRedis, WEBHOOK_SECRET, freePort, roleEnv, sleep } from '../tests-stress/support/harness.js';
import { random } from './_random.js';
import type { KeyFigure } from './_summary.js';
import { startLocalCluster } from '../tests-stress/support/redis-cluster.js';

const OUTLETS = Number(process.env.BENCH_E2E_OUTLETS ?? 20);
const ENTRIES = Number(process.env.BENCH_E2E_ENTRIES ?? 100);
const MODE_TIMEOUT_MS = 300_000;
const MODES = (process.env.BENCH_E2E_MODES ?? 'one,per-role,cluster').split(',');
const CPU_PROFILE_DIR = process.env.BENCH_E2E_CPU_PROF;
const ROLES = ['api', 'scheduler', 'fetch', 'normalize', 'dedup', 'publish', 'deliver'];

const WORDS =
  'council city harbour plan tram depot flats vote members year budget river bridge traffic report minister region border trade export import growth forecast season energy industry workers union talks agreement market prices museum exhibition artists league coach stadium policy reform court ruling parliament election campaign governor mayor'.split(
    ' ',
  );
const FIRST = ['Elena', 'Rashad', 'Murat', 'Anna', 'Kamal', 'Leyla', 'Oleg', 'Selin', 'David', 'Nigar', 'Pavel', 'Aylin'];
const LAST = ['Karimova', 'Aliyev', 'Demir', 'Novak', 'Huseynov', 'Mammadli', 'Sokolov', 'Yilmaz', 'Brennan', 'Qasimova', 'Orlov', 'Kaya'];

interface Story {
  title: string;
  body: string;
}

/** One story's title and article body (paragraphs, or an intro and dash-marked questions and answers). */
function story(seed: number, interview: boolean): Story {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const sentence = (min: number, max: number): string => {
    const words = Array.from({ length: min + Math.floor(rnd() * (max - min)) }, () => pick(WORDS));
    return `${words[0]![0]!.toUpperCase()}${words.join(' ').slice(1)} ${seed % 9973}.`;
  };
  const paragraph = (): string => Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => sentence(9, 20)).join(' ');
  if (!interview) {
    const paragraphs = Array.from({ length: 6 + Math.floor(rnd() * 8) }, () => `<p>${paragraph()}</p>`);
    return { title: sentence(6, 10).replace(/\.$/, ''), body: paragraphs.join('\n') };
  }
  const name = `${pick(FIRST)} ${pick(LAST)}`;
  const headline = sentence(5, 9).replace(/\.$/, '');
  const turns = Array.from({ length: 4 + Math.floor(rnd() * 4) }, () => {
    const question = `${sentence(8, 14).replace(/\.$/, '')}?`;
    return `<p>– ${question}</p>\n<p>– ${paragraph()}</p>\n<p>${paragraph()}</p>`;
  });
  const intro = `<p>${paragraph()}</p>\n<p>In this exclusive interview with Bench News, policy analyst ${name} discusses ${sentence(5, 9)}</p>`;
  return { title: `${name}: ${headline} – INTERVIEW`, body: `${intro}\n${turns.join('\n')}` };
}

/** An article page as news sites serve it: navigation, share bar and footer around the story. */
function articlePage(outlet: number, s: Story): string {
  const nav = WORDS.slice(0, 12)
    .map((w) => `<li><a href="/section/${w}">${w}</a></li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${s.title} | Outlet ${outlet}</title>
<meta property="og:title" content="${s.title}"><meta property="og:site_name" content="Outlet ${outlet}">
<script>window.__cfg=${JSON.stringify('x'.repeat(4096))}</script></head><body>
<header><nav><ul>${nav}</ul></nav></header>
<main><article><h1>${s.title}</h1><div class="share">Share on Facebook Twitter</div>
<div class="article-body">${s.body}</div></article></main>
<aside><h3>Most read</h3><ul>${nav}</ul></aside><footer>© Outlet ${outlet}. All rights reserved.</footer></body></html>`;
}

interface Outlet {
  host: string;
  feed: Buffer;
  pages: Map<string, Buffer>;
}

/** Every outlet's feed and pages: entry e of outlet o is story o*ENTRIES+e, or every tenth a copy of another outlet's. */
function buildOutlets(port: number): Outlet[] {
  return Array.from({ length: OUTLETS }, (_o, o) => {
    const host = `127.0.0.${10 + o}`;
    const pages = new Map<string, Buffer>();
    const items = Array.from({ length: ENTRIES }, (_e, e) => {
      const copy = e % 10 === 9 && OUTLETS > 1;
      const origin = copy ? ((o + 1) % OUTLETS) * ENTRIES + e - 1 : o * ENTRIES + e;
      const s = story(origin, origin % 3 === 0);
      const path = `/news/${o}-${e}`;
      pages.set(path, Buffer.from(articlePage(o, s)));
      const date = new Date(Date.UTC(2026, 10, 1) + (o * ENTRIES + e) * 60_000).toUTCString();
      return `<item><guid isPermaLink="false">o${o}-e${e}</guid><title>${s.title}</title><link>http://${host}:${port}${path}</link><pubDate>${date}</pubDate><description>Read the story at Outlet ${o}.</description></item>`;
    });
    const feed = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Outlet ${o}</title><link>http://${host}:${port}/</link><description>bench</description><language>en</language>${items.join('\n')}</channel></rss>`;
    return { host, feed: Buffer.from(feed), pages };
  });
}

/** One server on every outlet's loopback host (same port), answering by the Host header. */
async function startOutlets(port: number, outlets: Outlet[]): Promise<() => Promise<void>> {
  const servers = await Promise.all(
    outlets.map(async (outlet) => {
      const server = http.createServer((req, res) => {
        const body = req.url === '/feed.rss' ? outlet.feed : outlet.pages.get(req.url ?? '');
        if (!body) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': req.url === '/feed.rss' ? 'application/rss+xml; charset=utf-8' : 'text/html; charset=utf-8' }).end(body);
      });
      await new Promise<void>((done) => server.listen(port, outlet.host, done));
      return server;
    }),
  );
  return async () => {
    await Promise.all(servers.map((server) => new Promise((done) => (server.closeAllConnections(), server.close(done)))));
  };
}

/** The webhook receiver: counts deliveries by type, remembering when the last one came. */
async function startReceiver(): Promise<{ url: string; count(): number; byType: Map<string, number>; lastAt(): number; close(): Promise<void> }> {
  const byType = new Map<string, number>();
  const ids = new Set<string>();
  let last = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!ids.has(id)) {
        ids.add(id);
        const type = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string }).type;
        byType.set(type, (byType.get(type) ?? 0) + 1);
        last = Date.now();
      }
      res.writeHead(200).end('ok');
    });
  });
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    count: () => ids.size,
    byType,
    lastAt: () => last,
    close: () => new Promise((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
}

function writeConfig(port: number, receiverUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'syn-bench-e2e-'));
  const lines = [
    'sources:',
    ...Array.from({ length: OUTLETS }, (_, o) => `  - { id: outlet-${o}, name: Outlet ${o}, url: 'http://127.0.0.${10 + o}:${port}/feed.rss', interval: 1h }`),
    'channels:',
    '  - { id: all, title: All stories }',
    'subscriptions:',
    `  - { id: consumer, url: '${receiverUrl}', secret: ${WEBHOOK_SECRET} }`,
    'network:',
    '  allowHosts: [127.0.0.0/8, localhost]',
    'limits:',
    '  hostSpacing: 0s',
    '  hostConcurrency: 8',
    '  shutdownGrace: 2s',
  ];
  const path = join(dir, 'syndication.yaml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** `INFO` as a map of its fields. */
async function info(redis: Redis, section: string): Promise<Map<string, string>> {
  const text = await redis.info(section);
  return new Map(
    text
      .split('\r\n')
      .filter((line) => line.includes(':') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
  );
}

interface RedisWork {
  commands: number;
  cpuMs: number;
  /** Calls and microseconds per command name (`INFO commandstats`). */
  byCommand: Map<string, { calls: number; usec: number }>;
}

async function redisWork(redis: Redis): Promise<RedisWork> {
  const stats = await info(redis, 'commandstats');
  const byCommand = new Map(
    [...stats].map(([name, value]) => [
      name.replace(/^cmdstat_/, ''),
      { calls: Number(/calls=(\d+)/.exec(value)?.[1] ?? 0), usec: Number(/usec=(\d+)/.exec(value)?.[1] ?? 0) },
    ]),
  );
  const commands = [...byCommand.values()].reduce((sum, c) => sum + c.calls, 0);
  const cpu = await info(redis, 'cpu');
  return { commands, cpuMs: (Number(cpu.get('used_cpu_sys')) + Number(cpu.get('used_cpu_user'))) * 1000, byCommand };
}

/** The busiest commands between two readings, per entry: `name calls/entry (µs/entry)`, most calls first. */
function busiestCommands(before: RedisWork, after: RedisWork, entries: number, top = 12): string {
  return [...after.byCommand]
    .map(([name, c]) => {
      const b = before.byCommand.get(name) ?? { calls: 0, usec: 0 };
      return { name, calls: (c.calls - b.calls) / entries, usec: (c.usec - b.usec) / entries };
    })
    .filter((c) => c.calls > 0)
    .sort((x, y) => y.calls - x.calls)
    .slice(0, top)
    .map((c) => `${c.name} ${c.calls.toFixed(1)} (${c.usec.toFixed(0)} µs)`)
    .join(', ');
}

/** CPU time (user + system, every thread) a process has used so far, in ms; 0 when it is gone. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

interface ModeFigures {
  entriesPerSecond: number;
  seconds: number;
  deliveries: number;
  published: number;
  sourceAdded: number;
  commandsPerEntry: number;
  redisCpuMsPerEntry: number;
  /** Per server (each master of a cluster): Redis CPU ms and commands per entry. */
  perServerCpuMsPerEntry: number[];
  perServerCommandsPerEntry: number[];
  perServerBusiestCommands: string[];
  /** The busiest server's busiest commands. */
  busiestCommands: string;
  redisBytesPerStory: number;
  peakRssMb: Record<string, number>;
  /** CPU ms per entry the role processes used from ready to the last delivery, all of them together. */
  processCpuMsPerEntry: number;
}

/** Where a mode's Redis runs: one server, or a local cluster whose masters are measured one by one. */
interface BenchRedis {
  url: string;
  /** Extra environment of the role processes (`REDIS_CLUSTER_NODES` on a cluster). */
  env: Record<string, string>;
  /** A connection to each server (each master of a cluster). */
  servers: Redis[];
  stop(): Promise<void>;
}

async function singleRedis(): Promise<BenchRedis> {
  const server = new TestRedis(await freePort());
  await server.start();
  const redis = new Redis(server.url);
  return { url: server.url, env: {}, servers: [redis], stop: async () => (redis.disconnect(), await server.stop()) };
}

/** A local 3-master Redis Cluster (tests-stress/support/redis-cluster.ts), as the cluster stress test starts it. */
async function clusterRedis(): Promise<BenchRedis> {
  const cluster = await startLocalCluster(3);
  const servers = cluster.ports.map((port) => new Redis(port, '127.0.0.1'));
  return {
    url: `redis://127.0.0.1:${cluster.ports[0]}`,
    env: { REDIS_CLUSTER_NODES: cluster.ports.map((port) => `127.0.0.1:${port}`).join(',') },
    servers,
    stop: async () => {
      for (const server of servers) server.disconnect();
      cluster.stop();
    },
  };
}

/** Redis CPU and commands per entry of each server between two readings, and the busiest server's top commands. */
function perServer(before: RedisWork[], after: RedisWork[], entries: number) {
  const cpu = after.map((a, i) => (a.cpuMs - before[i]!.cpuMs) / entries);
  const commands = after.map((a, i) => (a.commands - before[i]!.commands) / entries);
  const busiest = cpu.indexOf(Math.max(...cpu));
  const top = after.map((a, i) => busiestCommands(before[i]!, a, entries, 6));
  return { cpu, commands, busiestCommands: busiestCommands(before[busiest]!, after[busiest]!, entries), top };
}

/** One run of the whole system on a fresh Redis: `roles` empty means every role in one process. */
async function runMode(roles: string[], port: number, target: BenchRedis): Promise<ModeFigures> {
  const receiver = await startReceiver();
  const logDir = mkdtempSync(join(tmpdir(), 'syn-bench-e2e-logs-'));
  const env = { ...roleEnv(target.url, writeConfig(port, receiver.url)), ...target.env, LOG_LEVEL: 'error' };
  const processes = await Promise.all((roles.length ? roles : ['']).map(async (role) => new RoleProcess(role, await freePort(), env, logDir)));
  if (CPU_PROFILE_DIR) for (const process of processes) process.nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`];
  const expected = OUTLETS * ENTRIES;
  const usedMemory = async () =>
    (await Promise.all(target.servers.map(async (r) => Number((await info(r, 'memory')).get('used_memory'))))).reduce((a, b) => a + b, 0);
  try {
    const emptyBytes = await usedMemory();
    const before = await Promise.all(target.servers.map(redisWork));
    for (const process of processes) process.start();
    await Promise.all(processes.map((process) => process.ready(300_000)));
    const cpuBefore = processes.reduce((sum, process) => sum + cpuMs(process.pid), 0);
    const started = Date.now();
    const deadline = started + MODE_TIMEOUT_MS;
    while (receiver.count() < expected && Date.now() < deadline) await sleep(50);
    // Copies that dedup could not tell apart arrive as stories of their own: wait for the pipeline to go quiet.
    while (Date.now() - receiver.lastAt() < 2_000 && Date.now() < deadline) await sleep(100);
    const seconds = (receiver.lastAt() - started) / 1000;
    const cpuAfter = processes.reduce((sum, process) => sum + cpuMs(process.pid), 0);
    const after = await Promise.all(target.servers.map(redisWork));
    const peak = Object.fromEntries(processes.map((process) => [process.name, peakRssMb(process.pid)]));
    const stories = receiver.byType.get('item.published') ?? 0;
    const usedBytes = await usedMemory();
    const entries = receiver.count();
    const servers = perServer(before, after, entries);
    return {
      entriesPerSecond: entries / seconds,
      seconds,
      deliveries: entries,
      published: stories,
      sourceAdded: receiver.byType.get('item.source_added') ?? 0,
      commandsPerEntry: servers.commands.reduce((a, b) => a + b, 0),
      redisCpuMsPerEntry: servers.cpu.reduce((a, b) => a + b, 0),
      perServerCpuMsPerEntry: servers.cpu,
      perServerCommandsPerEntry: servers.commands,
      perServerBusiestCommands: servers.top,
      busiestCommands: servers.busiestCommands,
      redisBytesPerStory: (usedBytes - emptyBytes) / Math.max(1, stories),
      peakRssMb: peak,
      processCpuMsPerEntry: (cpuAfter - cpuBefore) / entries,
    };
  } finally {
    await Promise.all(processes.map((process) => process.stop(10_000)));
    await receiver.close();
    await target.stop();
  }
}

/**
 * The cluster's spread of Redis work: each master's CPU and commands per entry, and the busiest master's CPU per
 * entry beside the single node's of the same run (`one process`): what more masters buy.
 */
function clusterFigures(cluster: ModeFigures, single: ModeFigures | undefined): Record<string, number | string> {
  const busiest = Math.max(...cluster.perServerCpuMsPerEntry);
  return {
    'cluster: Redis CPU ms per entry, per master': cluster.perServerCpuMsPerEntry.map((ms) => ms.toFixed(3)).join(', '),
    'cluster: Redis commands per entry, per master': cluster.perServerCommandsPerEntry.map((n) => n.toFixed(1)).join(', '),
    ...Object.fromEntries(cluster.perServerBusiestCommands.map((top, i) => [`cluster: master ${i + 1}, Redis calls per entry, busiest`, top])),
    'cluster: busiest master, Redis CPU ms per entry': busiest,
    ...(single ? { 'cluster: busiest master / single node': busiest / single.redisCpuMsPerEntry } : {}),
  };
}

/** The same entries through the pure stage functions in this thread; answers entries per second. */
async function pureBaseline(outlets: Outlet[]): Promise<number> {
  const channel = { id: 'all', title: 'All stories' } as Parameters<typeof renderChannel>[1];
  const links = { publicUrl: 'http://127.0.0.1:8080' };
  const fingerprints = new Map<string, string>();
  let entries = 0;
  const started = process.hrtime.bigint();
  for (const [o, outlet] of outlets.entries()) {
    const feed = await parseFeed(decodeText(outlet.feed, 'application/rss+xml; charset=utf-8'), 500);
    const stored: NormalizedItem[] = [];
    for (const parsed of feed.entries) {
      let entry = parsed;
      if (needsFullText(entry, 'auto').fetch) {
        const url = new URL(entry.link!);
        const page = extractPageMetadata(decodeText(outlet.pages.get(url.pathname)!, 'text/html; charset=utf-8'), url.href);
        entry = mergePageIntoEntry(entry, page);
      }
      const item = normalizeEntry(entry, { id: `outlet-${o}`, name: `Outlet ${o}`, homepage: `http://${outlet.host}/` }, new Date().toISOString());
      const sketch = sketchText(item.contentText);
      const known = fingerprints.get(sketch.fingerprint);
      if (!known) fingerprints.set(sketch.fingerprint, item.id);
      stored.push(item);
      const event = buildEvent(known ? 'item.source_added' : 'item.published', item, new Date().toISOString());
      const body = JSON.stringify(event);
      signDelivery([WEBHOOK_SECRET], `msg_${item.id}`, new Date(), body);
      entries++;
    }
    // Each outlet's document changes the channel once: one render of its newest 50 stories per format.
    for (const format of ['rss', 'atom', 'json'] as const) renderChannel(format, channel, stored.slice(-50), links, new Date());
  }
  return entries / (Number(process.hrtime.bigint() - started) / 1e9);
}

export default async function benchEndToEnd(): Promise<Record<string, number | string>> {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  const port = await freePort();
  const outlets = buildOutlets(port);
  const stopOutlets = await startOutlets(port, outlets);
  try {
    await pureBaseline(outlets); // warm-up: the first pass compiles and fills caches
    const baseline = await pureBaseline(outlets);
    const modes: Array<readonly [string, ModeFigures]> = [];
    if (MODES.includes('one')) modes.push(['one process', await runMode([], port, await singleRedis())]);
    if (MODES.includes('per-role')) modes.push(['per role', await runMode(ROLES, port, await singleRedis())]);
    if (MODES.includes('cluster')) modes.push(['cluster, one process', await runMode([], port, await clusterRedis())]);
    const figures: Record<string, number | string> = {
      'entries (outlets x entries)': `${OUTLETS} x ${ENTRIES}`,
      'pure stages, one thread, entries/s': baseline,
      'pure stages, one thread, ms per entry': 1000 / baseline,
    };
    for (const [label, mode] of modes) {
      figures[`${label}: entries/s`] = mode.entriesPerSecond;
      figures[`${label}: ratio to pure stages`] = mode.entriesPerSecond / baseline;
      figures[`${label}: deliveries (published + source_added)`] = `${mode.deliveries} (${mode.published} + ${mode.sourceAdded})`;
      figures[`${label}: process CPU ms per entry`] = mode.processCpuMsPerEntry;
      figures[`${label}: Redis commands per entry`] = mode.commandsPerEntry;
      figures[`${label}: Redis CPU ms per entry`] = mode.redisCpuMsPerEntry;
      figures[`${label}: Redis calls per entry, busiest`] = mode.busiestCommands;
      figures[`${label}: Redis KB per story`] = mode.redisBytesPerStory / 1024;
      figures[`${label}: peak RSS MB`] = Object.entries(mode.peakRssMb)
        .map(([name, mb]) => `${name} ${mb.toFixed(0)}`)
        .join(', ');
    }
    const single = modes.find(([label]) => label === 'one process')?.[1];
    const cluster = modes.find(([label]) => label === 'cluster, one process')?.[1];
    if (cluster) Object.assign(figures, clusterFigures(cluster, single));
    return figures;
  } finally {
    await stopOutlets();
  }
}

/** This benchmark's rows in the report `npm run bench` ends with (bench/_summary.ts). */
export const keyFigures: KeyFigure[] = [
  {
    label: 'end to end, one process: entries/s',
    figure: 'one process: entries/s',
    baseline: 'pure stages, one thread, entries/s',
    ratio: 'one process: ratio to pure stages',
    goal: '≥ 0.75, and ≥ 600 entries/s',
  },
  {
    label: 'end to end, one process per role: entries/s',
    figure: 'per role: entries/s',
    baseline: 'pure stages, one thread, entries/s',
    ratio: 'per role: ratio to pure stages',
    goal: '(reported)',
  },
  { label: 'one process: Redis CPU ms per entry', figure: 'one process: Redis CPU ms per entry', goal: '≤ 0.5' },
  { label: 'one process: Redis commands per entry', figure: 'one process: Redis commands per entry', goal: '(reported)' },
  { label: 'one process: Redis KB per story', figure: 'one process: Redis KB per story', goal: '≤ 12' },
  {
    label: '3-master cluster: busiest master, Redis CPU ms per entry',
    figure: 'cluster: busiest master, Redis CPU ms per entry',
    baseline: 'one process: Redis CPU ms per entry',
    ratio: 'cluster: busiest master / single node',
    goal: '≤ 0.4',
  },
];
