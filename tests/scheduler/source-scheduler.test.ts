import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleSource } from '../../src/scheduler/source-scheduler.js';
import { parseConfig } from '../../src/config/load-config.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { startTestSystem } from '../support/system.js';
import { items, rss } from '../fetch/feeds.js';
import { queuedEntries } from '../support/queued.js';

type System = Awaited<ReturnType<typeof startTestSystem>>;

describe('per-host politeness shared through Redis', () => {
  let polite: LoopbackServer;
  let limited: LoopbackServer;
  let system: System;
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    polite = await startServer(async (_req, res) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 100));
      inFlight--;
      res.end(rss(items(1, 'Polite')));
    });
    limited = await startServer((_req, res) => {
      if (limited.requests.length === 1) return void res.writeHead(429, { 'retry-after': '1' }).end();
      res.end(rss(items(1, 'Limited')));
    });
    system = await startTestSystem(
      'fetch-polite',
      {
        limits: { fetchTimeout: '2s', hostConcurrency: 1, hostSpacing: '300ms', shutdownGrace: '1s' },
        // fullText: never: the teaser items of these feeds link to example.com; article pages have a test of their own (full-text.test.ts).
        sources: [
          ...['p1', 'p2', 'p3'].map((id) => ({ id, name: id, url: `${polite.url}/${id}`, interval: '1h', fullText: 'never' as const })),
          { id: 'r1', name: 'r1', url: `${limited.url}/r1`, interval: '200ms', fullText: 'never' },
        ],
      },
      ['scheduler', 'fetch'],
    );
  });

  afterAll(async () => {
    await system?.cleanup();
    await polite?.close();
    await limited?.close();
  }, 60_000);

  it('keeps one request in flight and the minimum spacing per host, across the worker pool', async () => {
    await waitFor('three polite fetches', () => polite.requests.length >= 3, 5_000);
    const at = polite.requests.map((r) => r.at);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(280);
    expect(maxInFlight).toBe(1);
  });

  it('429 with Retry-After pauses that host for the time asked, for every source on it', async () => {
    await waitFor('the 429', () => limited.requests.length >= 1);
    const pausedAt = limited.requests[0]!.at;
    const failed = await waitFor('the rate-limited job', async () => (await system.ctx.queues.fetch.getFailed()).find((j) => j.data.sourceId === 'r1'));
    expect(failed.failedReason).toContain('429');
    const paused = await system.ctx.redis.hget(system.ctx.keys.hostState(new URL(limited.url).host), 'pausedUntil');
    expect(Number(paused) - pausedAt).toBeGreaterThanOrEqual(900);
    // A second source on the same host, added during the pause, waits for it too.
    const r2 = parseConfig({ sources: [{ id: 'r2', name: 'r2', url: `${limited.url}/r2`, interval: '1h', fullText: 'never' }] }).sources[0]!;
    await system.ctx.catalog.put('sources', r2);
    await scheduleSource(system.ctx, r2, Date.now());
    await waitFor('r2 fetched', () => limited.requests.find((r) => r.url === '/r2'), 4_000);
    for (const request of limited.requests.slice(1)) expect(request.at - pausedAt).toBeGreaterThanOrEqual(950);
    // and r1 recovers its normal rhythm
    await waitFor(
      'r1 recovered',
      async () => {
        const status = await system.ctx.sourceStatus.get('r1');
        return status.lastSuccessAt !== null && status.consecutiveErrors === 0;
      },
      4_000,
    );
  });
});

describe('one broken source never delays the others', () => {
  let dead: LoopbackServer;
  let good: LoopbackServer;
  let system: System;

  beforeAll(async () => {
    dead = await startServer(() => undefined); // accepts, never answers
    good = await startServer((_req, res) => void res.end(rss(items(2, 'Good'))));
    system = await startTestSystem(
      'fetch-isolation',
      {
        limits: { fetchTimeout: '8s', hostSpacing: '0ms', shutdownGrace: '1s' },
        sources: [
          ...['dead-1', 'dead-2', 'dead-3', 'dead-4'].map((id) => ({ id, name: id, url: `${dead.url}/${id}`, interval: '1h', fullText: 'never' as const })),
          { id: 'good', name: 'good', url: `${good.url}/feed`, interval: '1h', fullText: 'never' },
        ],
      },
      ['scheduler', 'fetch'],
    );
  });

  afterAll(async () => {
    await system?.cleanup();
    await dead?.close();
    await good?.close();
  }, 60_000);

  it('the good source is fetched and handed on while the dead ones hang', async () => {
    // The dead sources hold their requests for 8 s; the good one must not wait for them.
    const started = Date.now();
    await waitFor(
      'the good entries',
      async () => (await queuedEntries(system.ctx.queues.normalize)).filter((j) => j.data.sourceId === 'good').length === 2,
      3_000,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(dead.requests.length).toBeGreaterThanOrEqual(1);
  });
});
