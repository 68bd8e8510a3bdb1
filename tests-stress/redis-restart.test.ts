import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, publishedOnce, roleEnv, sleep, startRoles, timedGet, until, writeConfig, useStressRig } from './support/harness.js';
import { report } from './support/report.js';

/**
 * Redis restart: the system's Redis (AOF on, a server of the test's own) is stopped for 10 s in the middle of the
 * ingest and started again on the same data. Nothing is lost; readiness says 503 while it is away; feeds, the API
 * and metrics answer within a second throughout (feeds from memory with the same ETag, else 503 + Retry-After; the
 * API 503 SYN_ERR_REDIS_UNAVAILABLE; metrics with `syndicate_redis_up 0`).
 */
const SOURCES = 4;
const PER_SOURCE = 150;
const OUTAGE_MS = 10_000;
const ROLES = ['api', 'scheduler', 'fetch', 'normalize', 'dedup', 'publish', 'deliver'];

interface Probe {
  what: 'feed' | 'api' | 'metrics' | 'readyz';
  phase: 'before' | 'down' | 'after';
  /** Milliseconds since Redis was stopped (negative before). */
  t: number;
  status: number;
  ms: number;
  etag: string | null;
  retryAfter: string | null;
  body: string;
}

describe('Redis restart in the middle of the ingest', () => {
  const rig = useStressRig(SOURCES, PER_SOURCE, 20);

  it('loses nothing, reports the outage in readiness, and answers every request within a second throughout', async () => {
    const total = SOURCES * PER_SOURCE;
    const configPath = writeConfig(rig.feeds.url, SOURCES, rig.receiver.url);
    const logDir = mkdtempSync(join(tmpdir(), 'syn-stress-restart-'));
    rig.processes = await startRoles(ROLES, roleEnv(rig.redis.url, configPath), logDir);
    for (const p of rig.processes.values()) await p.ready();
    const api = `http://127.0.0.1:${rig.processes.get('api')!.port}`;

    await until('the ingest to be under way', async () => (await rig.inspector.storyCount()) >= total * 0.1, 300_000, 100);

    // Probe every 200 ms, before, during and after the outage.
    const probes: Probe[] = [];
    let stoppedAt = 0;
    let phase: Probe['phase'] = 'before';
    let probing = true;
    const probeLoop = (async () => {
      while (probing) {
        const round = [
          ['feed', `${api}/feeds/all.atom`, {}],
          ['api', `${api}/api/v1/items?limit=1`, { authorization: `Bearer ${ADMIN_TOKEN}` }],
          ['metrics', `${api}/metrics`, {}],
          ['readyz', `${api}/readyz`, {}],
        ] as const;
        await Promise.all(
          round.map(async ([what, url, headers]) => {
            const t = stoppedAt ? Date.now() - stoppedAt : -1;
            const at = phase;
            const r = await timedGet(url, headers as Record<string, string>, 5_000);
            probes.push({
              what,
              phase: at,
              t,
              status: r.status,
              ms: r.ms,
              etag: r.headers?.get('etag') ?? null,
              retryAfter: r.headers?.get('retry-after') ?? null,
              body: what === 'feed' ? '' : what === 'metrics' ? (/^syndicate_redis_up .*$/m.exec(r.body)?.[0] ?? '') : r.body.slice(0, 4000),
            });
          }),
        );
        await sleep(200);
      }
    })();

    await sleep(1_500);
    const storiesAtStop = await rig.inspector.storyCount();
    await rig.redis.stop();
    stoppedAt = Date.now();
    phase = 'down';
    await sleep(OUTAGE_MS);
    await rig.redis.start();
    const restartedAt = Date.now();
    phase = 'after';
    const readyAgain = await until('the API process to be ready again', async () => (await timedGet(`${api}/readyz`)).status === 200, 60_000, 100);
    const readyAfterMs = Date.now() - restartedAt;
    expect(readyAgain).toBe(true);
    await sleep(2_000);
    probing = false;
    await probeLoop;

    // Everything still gets through: stored, delivered once per story, nothing failed or stuck.
    await until('every story stored', async () => (await rig.inspector.storyCount()) >= total, 300_000, 500);
    await until('every event delivered', () => publishedOnce(rig.receiver.received).stories >= total, 120_000, 500);
    await until('no job active, waiting, delayed or failed', () => rig.inspector.idle(), 90_000, 500).catch(async (err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await rig.inspector.unfinished())}`);
    });

    const down = probes.filter((p) => p.phase === 'down' && p.t > 1_000);
    const of = (what: Probe['what'], list = probes) => list.filter((p) => p.what === what);
    const maxMs = (list: Probe[]) => Math.round(Math.max(0, ...list.map((p) => p.ms)));
    const lastFeedBefore = of('feed')
      .filter((p) => p.phase === 'before' && p.status === 200)
      .at(-1);
    const once = publishedOnce(rig.receiver.received);
    report('redis-restart', {
      stories: await rig.inspector.storyCount(),
      storiesAtStop,
      outageSeconds: OUTAGE_MS / 1000,
      readyAfterRestartMs: readyAfterMs,
      probes: probes.length,
      probesDuringOutage: down.length,
      maxLatencyMs: { feed: maxMs(of('feed')), api: maxMs(of('api')), metrics: maxMs(of('metrics')), readyz: maxMs(of('readyz')) },
      maxLatencyAfterRestartMs: {
        feed: maxMs(
          of(
            'feed',
            probes.filter((p) => p.phase === 'after'),
          ),
        ),
        api: maxMs(
          of(
            'api',
            probes.filter((p) => p.phase === 'after'),
          ),
        ),
      },
      maxLatencyDuringOutageMs: {
        feed: maxMs(of('feed', down)),
        api: maxMs(of('api', down)),
        metrics: maxMs(of('metrics', down)),
        readyz: maxMs(of('readyz', down)),
      },
      feedStatusesDuringOutage: [...new Set(of('feed', down).map((p) => p.status))],
      apiStatusesDuringOutage: [...new Set(of('api', down).map((p) => p.status))],
      storiesWithTwoWebhookIds: once.duplicates.length,
    });

    expect(storiesAtStop).toBeLessThan(total); // the outage really was mid-ingest
    expect(down.length).toBeGreaterThan(20);
    // Within a second, every answer, throughout the outage (before and after it, the figures are reported: with
    // Redis up an answer's time is the machine's load, not the outage's).
    for (const p of probes.filter((p) => p.phase === 'down'))
      expect(p.ms, `${p.what} at ${p.t} ms (${p.phase}) took ${Math.round(p.ms)} ms`).toBeLessThan(1_000);
    for (const p of probes) expect(p.status, `${p.what} at ${p.t} ms (${p.phase})`).not.toBe(0);
    // Readiness reflects the outage; the API says why; metrics say redis_up 0; feeds serve what they had.
    for (const p of of('readyz', down)) expect(p.status).toBe(503);
    for (const p of of('api', down)) {
      expect(p.status).toBe(503);
      expect(JSON.parse(p.body).error.code).toBe('SYN_ERR_REDIS_UNAVAILABLE');
    }
    for (const p of of('metrics', down)) {
      expect(p.status).toBe(200);
      expect(p.body).toMatch(/^syndicate_redis_up 0$/m);
    }
    for (const p of of('feed', down)) {
      if (p.status === 200) expect(p.etag).toBe(lastFeedBefore?.etag);
      else {
        expect(p.status).toBe(503);
        expect(p.retryAfter).toMatch(/^\d+$/);
      }
    }
    expect(of('feed', down).some((p) => p.status === 200)).toBe(true);
    expect(
      of(
        'metrics',
        probes.filter((p) => p.phase === 'after'),
      ).at(-1)!.body,
    ).toMatch(/^syndicate_redis_up 1$/m);
    // Nothing lost.
    expect(await rig.inspector.storyCount()).toBe(total);
    expect(once.stories).toBe(total);
    expect(once.duplicates).toEqual([]);
  });
});
