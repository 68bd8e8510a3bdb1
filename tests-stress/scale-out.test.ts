import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../tests/support/redis.js';
import { get, makeFeed, metric, startRoleProcesses, until, writeConfig, type RoleProcess } from './support/role-processes.js';

/**
 * Scale-out: two processes of every role (`syndicate start --roles X`, the compiled build) against one Redis, through
 * a full ingest of SOURCES × ENTRIES distinct stories. Each process's own /metrics shows the work it did; the webhook
 * receiver shows each story published once and every event delivered.
 */
const SOURCES = Number(process.env.SCALE_SOURCES ?? 8);
const ENTRIES = Number(process.env.SCALE_ENTRIES ?? 30);
const ROLES = ['api', 'scheduler', 'fetch', 'normalize', 'dedup', 'publish', 'deliver', 'websub'];
/** The stage each worker role's jobs are timed under in /metrics. */
const STAGE: Record<string, string> = { fetch: 'fetch', normalize: 'normalize', dedup: 'dedup', publish: 'publish', deliver: 'deliver' };

describe('scale-out: two processes per role, one Redis', () => {
  const prefix = uniquePrefix('scale');
  let feedServer: Server;
  let receiverServer: Server;
  const received: Array<{ id: string; type: string; storyId: string }> = [];
  let processes: RoleProcess[] = [];
  let logDir = '';

  beforeAll(async () => {
    const feeds = Array.from({ length: SOURCES }, (_, i) => makeFeed(i, ENTRIES));
    feedServer = createServer((req, res) => {
      const match = /^\/s(\d+)\.rss$/.exec(req.url ?? '');
      const feed = match ? feeds[Number(match[1])] : undefined;
      if (!feed) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed);
    });
    receiverServer = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += String(chunk)));
      req.on('end', () => {
        const event = JSON.parse(body) as { type: string; data: { id: string } };
        received.push({ id: String(req.headers['webhook-id']), type: event.type, storyId: event.data.id });
        res.writeHead(204).end();
      });
    });
    await Promise.all([feedServer, receiverServer].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop(5_000)));
    await new Promise((resolve) => feedServer?.close(resolve));
    await new Promise((resolve) => receiverServer?.close(resolve));
    await deleteKeys(prefix);
  });

  it('both processes of each role do work; no story is published twice; no event is lost; all stop cleanly', async () => {
    const feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
    const hookUrl = `http://127.0.0.1:${(receiverServer.address() as AddressInfo).port}/hooks`;
    const sources = Array.from({ length: SOURCES }, (_, i) => `  - { id: s${i}, name: Source ${i}, url: "${feedUrl}/s${i}.rss", interval: 1h, fullText: never }`).join('\n');
    const configPath = writeConfig(
      `sources:\n${sources}\nchannels:\n  - { id: all, title: Everything }\nsubscriptions:\n  - { id: receiver, url: "${hookUrl}", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }\nnetwork:\n  allowHosts: [127.0.0.1]\nlimits:\n  hostConcurrency: 4\n  hostSpacing: 50ms\n`,
    );
    const started = Date.now();
    ({ processes, logDir } = await startRoleProcesses(ROLES, 2, {
      REDIS_URL: TEST_REDIS_URL,
      SYNDICATE_REDIS_PREFIX: prefix,
      SYNDICATE_CONFIG: configPath,
      ADMIN_TOKEN: 'scale-token',
      LOG_LEVEL: 'info',
      // Small batches per process, so that one process cannot take a whole stage's work before its twin starts.
      SYNDICATE_CONCURRENCY_NORMALIZE: '2',
      SYNDICATE_CONCURRENCY_DEDUP: '2',
      SYNDICATE_CONCURRENCY_PUBLISH: '2',
    }));
    await Promise.all(processes.map((p) => p.ready(300_000)));
    const readyMs = Date.now() - started;

    const total = SOURCES * ENTRIES;
    const published = () => new Set(received.filter((r) => r.type === 'item.published').map((r) => r.storyId)).size;
    await until(`all ${total} stories delivered`, () => published() >= total, 240_000, 500).catch(async (err: Error) => {
      const api = processes.find((p) => p.roles === 'api')!;
      const queues = (await api.metrics()).split('\n').filter((l) => l.startsWith('syndicate_queue_jobs{') && !l.endsWith(' 0'));
      throw new Error(`${err.message}: ${received.length} deliveries received, ${published()} stories; queues ${queues.join(', ')}; logs in ${logDir}`);
    });
    const ingestMs = Date.now() - started;

    // Each process reports its own work on its own port.
    const work: Record<string, number> = {};
    for (const p of processes) {
      const body = await p.metrics();
      const role = p.roles;
      if (STAGE[role]) work[p.name] = metric(body, `syndicate_job_duration_seconds_count{stage="${STAGE[role]}",result="completed"}`);
      if (role === 'publish') work[`${p.name} published`] = metric(body, 'syndicate_stories_published_total{event="item.published"}');
    }
    for (const role of Object.keys(STAGE)) {
      for (const i of [1, 2]) expect(work[`${role}#${i}`], `${role}#${i} did no ${role} job: ${JSON.stringify(work)}`).toBeGreaterThan(0);
    }
    // Together the two publish processes stored each story once.
    expect(work['publish#1 published']! + work['publish#2 published']!).toBe(total);
    // Both API processes serve the same feed.
    for (const api of processes.filter((p) => p.roles === 'api')) {
      const feed = await get(`${api.url}/feeds/all.json`);
      expect(feed.status).toBe(200);
      expect((JSON.parse(feed.body) as { items: unknown[] }).items.length).toBe(Math.min(total, 50));
    }

    // No story published twice: one item.published event id per story, however many retries carried it.
    const publishedIds = new Map<string, Set<string>>();
    for (const r of received.filter((e) => e.type === 'item.published')) publishedIds.set(r.storyId, (publishedIds.get(r.storyId) ?? new Set()).add(r.id));
    expect(publishedIds.size).toBe(total);
    expect([...publishedIds.values()].every((ids) => ids.size === 1)).toBe(true);
    // Every entry is a story of its own: nothing was taken for another outlet's copy.
    expect(received.filter((e) => e.type !== 'item.published')).toEqual([]);
    // No event lost: Redis holds every story, and every queue is drained with nothing failed.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.zcard(`${prefix}:items:by-time`)).toBe(total);
    } finally {
      redis.disconnect();
    }
    const queues = (await processes.find((p) => p.roles === 'api')!.metrics()).split('\n').filter((l) => l.startsWith('syndicate_queue_jobs{'));
    for (const state of ['waiting', 'active', 'failed']) for (const q of ['normalize', 'dedup', 'publish', 'deliver']) expect(metric(queues.join('\n'), `syndicate_queue_jobs{queue="${q}",state="${state}"}`), `${q} ${state}`).toBe(0);
    // Two schedulers never double a source's chain of polls: one pending poll per source.
    expect(metric(queues.join('\n'), 'syndicate_queue_jobs{queue="fetch",state="delayed"}')).toBe(SOURCES);

    // Every process stops gracefully (exit 0) on SIGTERM.
    const stopStarted = Date.now();
    const codes = await Promise.all(processes.map(async (p) => [p.name, await p.stop(20_000)] as const));
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
    console.log(JSON.stringify({ scaleOut: { processes: processes.length, stories: total, readyMs, ingestMs, stopMs: Date.now() - stopStarted, work, deliveries: received.length } }));
  }, 900_000);
});
