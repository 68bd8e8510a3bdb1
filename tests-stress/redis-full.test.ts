import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  freePort,
  publishedOnce,
  RoleProcess,
  roleEnv,
  sleep,
  startRoles,
  timedGet,
  until,
  writeConfig,
  useStressRig,
} from './support/harness.js';
import { report } from './support/report.js';

/**
 * Redis full: the system's Redis (a server of the test's own, `noeviction`) gets a `maxmemory` a few MB above what
 * it holds when the ingest starts, so it refuses writes part way through. Refused writes say `SYN_ERR_REDIS_FULL` in
 * the role processes' log, in the API's answer to a write and on the status page; then `maxmemory` is raised (as an
 * operator would) and every entry the feeds listed ends stored and announced once, with nothing left failed.
 */
const SOURCES = 4;
const PER_SOURCE = 150;
/**
 * Room left above the memory in use when the ingest starts: a fraction of what its 600 stories need (≈ 11 KB each
 * stored since stories are deflated and finished jobs keep none, ≈ 6.6 MB, more with the jobs in flight).
 */
const HEADROOM = 2 * 1024 * 1024;
/** How long Redis stays full (jobs retry, fail their attempts, stall) before memory comes back. */
const FULL_MS = 20_000;
const WORKERS = ['api', 'fetch', 'normalize', 'dedup', 'publish', 'deliver'];
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('Redis full: writes refused for memory', () => {
  const rig = useStressRig(SOURCES, PER_SOURCE);

  it('says SYN_ERR_REDIS_FULL in the log, the API and the status page, and loses nothing once memory is back', async () => {
    const total = SOURCES * PER_SOURCE;
    const { redis } = rig.inspector;
    const info = async (section: string, field: string) => Number(new RegExp(`^${field}:(?:count=)?(\\d+)`, 'm').exec(await redis.info(section))?.[1] ?? 0);
    const configPath = writeConfig(rig.feeds.url, SOURCES, rig.receiver.url);
    const logDir = mkdtempSync(join(tmpdir(), 'syn-stress-full-'));
    const env = roleEnv(rig.redis.url, configPath);
    rig.processes = await startRoles(WORKERS, env, logDir);
    for (const p of rig.processes.values()) await p.ready();
    const api = rig.processes.get('api')!.url;

    const usedAtStart = await info('memory', 'used_memory');
    await redis.config('SET', 'maxmemory', String(usedAtStart + HEADROOM));
    // The scheduler's polls start the ingest.
    const scheduler = new RoleProcess('scheduler', await freePort(), env, logDir);
    scheduler.start();
    rig.processes.set('scheduler', scheduler);

    await until('Redis to refuse a write for memory', async () => (await info('errorstats', 'errorstat_OOM')) > 0, 300_000, 100);
    const storiesWhenFull = await rig.inspector.storyCount();

    // The API refuses a write with the code (retried with fresh ids: work finishing meanwhile can free a little room).
    let attempt = 0;
    const refused = await until(
      'an API write refused with SYN_ERR_REDIS_FULL',
      async () => {
        const response = await fetch(`${api}/api/v1/channels/late-${attempt++}`, {
          method: 'PUT',
          headers: { ...AUTH, 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'Late' }),
        });
        const body = await response.text();
        return response.status === 503
          ? { status: response.status, body: JSON.parse(body) as { error: { code: string } }, retryAfter: response.headers.get('retry-after') }
          : null;
      },
      60_000,
      200,
    );
    expect(refused.body.error.code).toBe('SYN_ERR_REDIS_FULL');
    expect(refused.retryAfter).toMatch(/^\d+$/);
    const statusPage = await until(
      'the status page to show SYN_ERR_REDIS_FULL',
      async () => {
        const page = await timedGet(`${api}/admin`, AUTH);
        return page.status === 200 && page.body.includes('SYN_ERR_REDIS_FULL') ? page.body : null;
      },
      60_000,
      200,
    );
    expect(statusPage).toMatch(/writes refused for memory/);
    const metrics = await timedGet(`${api}/metrics`);
    expect(Number(/^syndicate_redis_maxmemory_bytes (\d+)/m.exec(metrics.body)?.[1])).toBe(usedAtStart + HEADROOM);

    await sleep(FULL_MS);
    const storiesAfterFull = await rig.inspector.storyCount();
    const refusedWrites = await info('errorstats', 'errorstat_OOM');
    // The role processes logged the refusals with the code.
    const logged: Record<string, number> = {};
    for (const file of readdirSync(logDir))
      logged[file] = readFileSync(join(logDir, file), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"code":"SYN_ERR_REDIS_FULL"')).length;
    expect(Object.values(logged).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    // Memory comes back: the operator raises maxmemory.
    await redis.config('SET', 'maxmemory', '0');
    const backAt = Date.now();
    await until('every story stored', async () => (await rig.inspector.storyCount()) >= total, 300_000, 500).catch(async (err) => {
      throw new Error(`${(err as Error).message}: ${await rig.inspector.storyCount()} stored; ${JSON.stringify(await rig.inspector.unfinished())}`);
    });
    await until('every event delivered', () => publishedOnce(rig.receiver.received).stories >= total, 120_000, 500);
    await until('no job active, waiting, delayed or failed', () => rig.inspector.idle(), 120_000, 500).catch(async (err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await rig.inspector.unfinished())}`);
    });
    const page = await timedGet(`${api}/admin`, AUTH);
    const once = publishedOnce(rig.receiver.received);
    report('redis-full', {
      stories: await rig.inspector.storyCount(),
      storiesWhenFull,
      storiesAfterFull,
      maxmemory: usedAtStart + HEADROOM,
      refusedWrites,
      loggedRefusals: logged,
      recoverySeconds: Math.round((Date.now() - backAt) / 1000),
      storiesWithTwoWebhookIds: once.duplicates.length,
    });

    expect(storiesWhenFull).toBeLessThan(total); // Redis really filled up mid-ingest
    expect(page.body).not.toContain('<code>SYN_ERR_REDIS_FULL</code> writes are refused');
    // Nothing lost, nothing announced twice.
    expect(await rig.inspector.storyCount()).toBe(total);
    expect(once.stories).toBe(total);
    expect(once.duplicates).toEqual([]);
  });
});
