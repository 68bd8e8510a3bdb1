/**
 * The stress suite's rig: a Redis of its own (loopback port, AOF on, data in a temp folder), the role processes as
 * real `node bin/syndicate.js start --roles X` children (the compiled build: `npm run test:stress` builds first),
 * loopback feed servers with many entries, and a webhook receiver. Nothing here touches the machine's Redis on 6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisAnswers } from '../../src/redis/ensure-redis.js';
import { redisKeys, slotTag } from '../../src/redis/keys.js';
import { QUEUE_NAMES, type QueueName } from '../../src/queues/pipeline.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ADMIN_TOKEN = 'stress-admin-token';
export const WEBHOOK_SECRET = 'whsec_c3RyZXNzLXN1aXRlLXNlY3JldC1rZXktMDEyMzQ1Njc4OQ';
export const PREFIX = '{syndicate}';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** Waits until `predicate` holds (polling every `everyMs`); throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, predicate: () => T | Promise<T>, timeoutMs: number, everyMs = 200): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A redis-server of the test's own: `stop()` shuts it down (AOF flushed), `start()` brings it back on the same data. */
export class TestRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'syn-stress-redis-'));
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
        '--logfile',
        join(this.dir, 'redis.log'),
      ],
      { stdio: 'ignore' },
    );
    await until('the test Redis to answer', () => redisAnswers(this.url, 200), 10_000, 100);
  }

  /** SIGTERM: Redis flushes its AOF and exits, as on a restart by an operator or a supervisor. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  }
}

export interface FeedEntrySpec {
  guid: string;
  title: string;
  link: string;
  description: string;
}

/** Words enough that two generated stories never look alike to the near-duplicate detector. */
function word(n: number): string {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'ba', 'do', 'fe', 'gu', 'hi', 'ja', 'pe', 'qu', 'xo', 'ye', 'wu'];
  let s = '';
  let x = n + 7;
  for (let i = 0; i < 3; i++) {
    s += syllables[x % syllables.length];
    x = Math.floor(x / syllables.length) + 13 * (i + 1);
  }
  return s;
}

/** A deterministic pseudo-random text of `count` words for story `seed`. */
export function text(seed: number, count: number): string {
  let x = seed * 2654435761;
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x ^ (x >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
    words.push(word(x % 8000));
  }
  return words.join(' ');
}

/** `perSource` distinct stories for each of `sources` feeds. */
export function makeFeeds(sources: number, perSource: number): FeedEntrySpec[][] {
  return Array.from({ length: sources }, (_s, s) =>
    Array.from({ length: perSource }, (_e, e) => {
      const n = s * 100_000 + e;
      return {
        guid: `story-${s}-${e}`,
        title: `Report ${s}-${e}: ${text(n + 1, 6)}`,
        link: `http://news-${s}.example/story/${e}`,
        description: `<p>${text(n + 3, 60)}.</p><p>${text(n + 5, 50)}.</p>`,
      };
    }),
  );
}

function rss(index: number, entries: FeedEntrySpec[]): string {
  const items = entries
    .map(
      (e, i) =>
        `<item><guid isPermaLink="false">${e.guid}</guid><title>${e.title}</title><link>${e.link}</link><pubDate>${new Date(Date.UTC(2025, 5, 1) + i * 60_000).toUTCString()}</pubDate><description><![CDATA[${e.description}]]></description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Stress source ${index}</title><link>http://news-${index}.example/</link><description>stress</description>${items}</channel></rss>`;
}

/** One loopback server serving every feed at `/feed/{i}.rss`. */
export async function startFeedServer(feeds: FeedEntrySpec[][]): Promise<{ url: string; close(): Promise<void> }> {
  const bodies = feeds.map((entries, i) => Buffer.from(rss(i, entries)));
  const server = http.createServer((req, res) => {
    const match = /^\/feed\/(\d+)\.rss$/.exec(req.url ?? '');
    const body = match ? bodies[Number(match[1])] : undefined;
    if (!body) {
      res.statusCode = 404;
      return res.end();
    }
    res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
}

export interface WebhookDelivery {
  webhookId: string;
  type: string;
  storyId: string;
  at: number;
}

/**
 * The webhook consumer: records every delivery; `hold(predicate)` keeps matching requests unanswered until
 * `release()` (so the deliver worker holding that job can be killed while it waits).
 */
export async function startReceiver(delayMs = 0) {
  const received: WebhookDelivery[] = [];
  let holdIf: ((d: WebhookDelivery) => boolean) | null = null;
  const held: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let delivery: WebhookDelivery;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; data: { id: string } };
        delivery = { webhookId: String(req.headers['webhook-id']), type: body.type, storyId: body.data.id, at: Date.now() };
      } catch {
        res.statusCode = 400;
        return res.end();
      }
      const answer = () => {
        if (res.destroyed) return;
        received.push(delivery);
        res.statusCode = 200;
        res.end('ok');
      };
      if (holdIf?.(delivery)) {
        held.push(answer);
        return;
      }
      if (delayMs) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    heldCount: () => held.length,
    hold(predicate: (d: WebhookDelivery) => boolean) {
      holdIf = predicate;
    },
    release() {
      holdIf = null;
      for (const answer of held.splice(0)) answer();
    },
    close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
}

/** Writes the system's config file: the feeds, one channel, one webhook subscription, loopback allowed. */
export function writeConfig(feedServerUrl: string, sources: number, receiverUrl: string, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'syn-stress-config-'));
  const lines = [
    'sources:',
    ...Array.from(
      { length: sources },
      (_, i) => `  - { id: src-${i}, name: Source ${i}, url: '${feedServerUrl}/feed/${i}.rss', interval: 1h, fullText: never }`,
    ),
    'channels:',
    '  - { id: all, title: All stories }',
    'subscriptions:',
    `  - { id: consumer, url: '${receiverUrl}', secret: ${WEBHOOK_SECRET} }`,
    'network:',
    '  allowHosts: [127.0.0.1, localhost]',
    'limits:',
    '  hostSpacing: 0s',
    '  hostConcurrency: 4',
    '  shutdownGrace: 2s',
    extra,
  ];
  const path = join(dir, 'syndication.yaml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * One role process: `node bin/syndicate.js start --roles <role>` (no --roles for role ''), restartable, with its
 * output in a log file. `name` tells apart several processes of one role (`fetch#2`).
 */
export class RoleProcess {
  private child: ChildProcess | null = null;
  starts = 0;
  readonly logPath: string;
  /** Options for node itself before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not accept). */
  nodeArgs: string[] = [];

  constructor(
    readonly role: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    logDir: string,
    readonly name = role || 'all',
  ) {
    this.logPath = join(logDir, `${name}.log`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts (or restarts) the process; `extraEnv` applies to this start only (e.g. fault injection). */
  start(extraEnv: Record<string, string> = {}): void {
    const log = createWriteStream(this.logPath, { flags: 'a' });
    log.write(`--- start ${++this.starts} at ${new Date().toISOString()}\n`);
    // An empty role: `syndicate start` with no --roles, the whole system in one process.
    this.child = spawn(process.execPath, [...this.nodeArgs, join(ROOT, 'bin/syndicate.js'), 'start', ...(this.role ? ['--roles', this.role] : [])], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, ...extraEnv, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
  }

  /** SIGKILL: no shutdown hook runs, its jobs are left active with their locks. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGKILL');
    });
  }

  /** Waits until the process answers `/readyz` with 200 (it started and reached Redis). */
  async ready(timeoutMs = 120_000): Promise<void> {
    await until(
      `${this.role || 'the whole system'} to be ready`,
      async () => (await timedGet(`http://127.0.0.1:${this.port}/readyz`, {}, 1_000)).status === 200,
      timeoutMs,
      250,
    );
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** This process's own `/metrics` body. */
  async metrics(): Promise<string> {
    return (await timedGet(`${this.url}/metrics`)).body;
  }

  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`); answers the exit code. */
  async stop(graceMs = 20_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}

/** The value of one Prometheus series in a /metrics body (0 when absent). */
export function metric(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Starts one process per role on its own health/API port. */
export async function startRoles(roles: string[], env: Record<string, string>, logDir: string): Promise<Map<string, RoleProcess>> {
  const processes = new Map<string, RoleProcess>();
  for (const role of roles) {
    const process = new RoleProcess(role, await freePort(), env, logDir);
    process.start();
    processes.set(role, process);
  }
  return processes;
}

/** The environment of every role process of a rig. */
export function roleEnv(redisUrl: string, configPath: string): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    SYNDICATE_CONFIG: configPath,
    SYNDICATE_REDIS_PREFIX: PREFIX,
    ADMIN_TOKEN,
    LOG_LEVEL: process.env.STRESS_LOG_LEVEL ?? 'warn',
    PUBLIC_URL: 'http://127.0.0.1:8080',
  };
}

/** Inspects the rig's Redis from the test: queue counts and stored stories. */
export class Inspector {
  readonly redis: Redis;
  readonly queues: Record<QueueName, Queue>;
  readonly keys = redisKeys(PREFIX);

  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: null });
    this.redis.on('error', () => {});
    const connection = { url, maxRetriesPerRequest: null };
    this.queues = Object.fromEntries(
      Object.values(QUEUE_NAMES).map((name) => [name, new Queue(name, { connection, prefix: slotTag(PREFIX, name) })]),
    ) as Record<QueueName, Queue>;
    // The outage test stops Redis on purpose: reconnect errors are expected, not news.
    for (const queue of Object.values(this.queues)) queue.on('error', () => {});
  }

  async storyCount(): Promise<number> {
    return this.redis.zcard(this.keys.itemsByTime);
  }

  /** Counts per queue of the states that must be empty when the system is idle (fetch keeps its next polls delayed). */
  async unfinished(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, queue] of Object.entries(this.queues)) {
      const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'failed', 'prioritized', 'waiting-children');
      if (name === 'fetch') delete counts.delayed;
      out[name] = counts;
    }
    return out;
  }

  async idle(): Promise<boolean> {
    const counts = await this.unfinished();
    return Object.values(counts).every((c) => Object.values(c).every((n) => n === 0));
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    this.redis.disconnect();
  }
}

/** One HTTP GET with its latency; never throws (a refused or timed-out request is status 0). */
export async function timedGet(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 3_000,
): Promise<{ status: number; ms: number; body: string; headers: Headers | null }> {
  const started = performance.now();
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return { status: response.status, ms: performance.now() - started, body, headers: response.headers };
  } catch {
    return { status: 0, ms: performance.now() - started, body: '', headers: null };
  }
}

/** Every item.published story id must have exactly one webhook-id; answers what does not hold. */
export function publishedOnce(received: WebhookDelivery[]): { stories: number; duplicates: string[]; repeats: number } {
  const ids = new Map<string, Set<string>>();
  let repeats = 0;
  for (const d of received) {
    if (d.type !== 'item.published') continue;
    const set = ids.get(d.storyId) ?? new Set<string>();
    if (set.has(d.webhookId)) repeats++;
    set.add(d.webhookId);
    ids.set(d.storyId, set);
  }
  return { stories: ids.size, duplicates: [...ids].filter(([, s]) => s.size > 1).map(([id]) => id), repeats };
}

/** What a stress file shares between its tests: its Redis, an inspector on it, the feeds, the receiver and the role processes it started. */
export interface StressRig {
  redis: TestRedis;
  inspector: Inspector;
  feeds: Awaited<ReturnType<typeof startFeedServer>>;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  processes: Map<string, RoleProcess>;
}

/**
 * Sets up a stress file's rig before its tests (a Redis of its own on a free port, loopback feeds of `sources` ×
 * `perSource` entries, a receiver answering after `receiverDelayMs`) and stops all of it, role processes included,
 * after them.
 */
export function useStressRig(sources: number, perSource: number, receiverDelayMs = 0): StressRig {
  const rig = { redis: new TestRedis(0), processes: new Map<string, RoleProcess>() } as StressRig;
  beforeAll(async () => {
    (rig.redis as { port: number }).port = await freePort();
    await rig.redis.start();
    rig.inspector = new Inspector(rig.redis.url);
    rig.feeds = await startFeedServer(makeFeeds(sources, perSource));
    rig.receiver = await startReceiver(receiverDelayMs);
  });
  afterAll(async () => {
    for (const p of rig.processes.values()) await p.kill();
    await rig.inspector?.close();
    await rig.redis.stop();
    await rig.feeds?.close();
    await rig.receiver?.close();
  });
  return rig;
}
