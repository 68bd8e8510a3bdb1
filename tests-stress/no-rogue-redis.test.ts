import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAnswers } from '../src/redis/ensure-redis.js';
import { freePort, RoleProcess, roleEnv, sleep, startFeedServer, startReceiver, TestRedis, timedGet, until, writeConfig } from './support/harness.js';
import { report } from './support/report.js';

/**
 * No rogue Redis: a role started while Redis is down (as a supervisor restarting a container does) starts no
 * redis-server of its own, reports not ready meanwhile, and turns ready once the operator's Redis is back.
 * Checked for a `--roles` process and for a whole-system process with REDIS_URL set.
 */
describe('no rogue Redis', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('a role started while Redis is down starts none, and turns ready when Redis returns', async () => {
    const redis = new TestRedis(await freePort());
    cleanup.push(() => redis.stop());
    const feeds = await startFeedServer([[]]);
    const receiver = await startReceiver();
    cleanup.push(
      () => feeds.close(),
      () => receiver.close(),
    );
    const configPath = writeConfig(feeds.url, 1, receiver.url);
    const logDir = mkdtempSync(join(tmpdir(), 'syn-stress-rogue-'));
    const env = roleEnv(redis.url, configPath);
    const fetchRole = new RoleProcess('fetch', await freePort(), env, logDir);
    // The whole system in one process, but with REDIS_URL set: it must not start a Redis either.
    const whole = new RoleProcess('', await freePort(), env, logDir);
    cleanup.push(
      () => fetchRole.kill(),
      () => whole.kill(),
    );
    fetchRole.start();
    whole.start();

    const readyz = (p: RoleProcess) => timedGet(`http://127.0.0.1:${p.port}/readyz`);
    // Both answer their health port, not ready, and nothing answers on the Redis port.
    for (const p of [fetchRole, whole]) await until(`${p.role || 'the whole system'} to answer /readyz`, async () => (await readyz(p)).status === 503, 30_000);
    const waited = Date.now();
    await sleep(3_000);
    expect(await redisAnswers(redis.url, 300)).toBe(false);
    expect(fetchRole.running && whole.running).toBe(true);
    const notReady = await readyz(fetchRole);
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body).error.code).toBe('SYN_ERR_REDIS_UNAVAILABLE');
    expect((await timedGet(`http://127.0.0.1:${whole.port}/healthz`)).status).toBe(200);

    // The operator's Redis starts on its port (which would fail with "Address already in use" had a role taken it).
    await redis.start();
    const back = Date.now();
    for (const p of [fetchRole, whole]) await until(`${p.role || 'the whole system'} to turn ready`, async () => (await readyz(p)).status === 200, 30_000);
    report('no-rogue-redis', { waitedWithoutRedisSeconds: Math.round((back - waited) / 1000), readyAfterRedisMs: Date.now() - back });
  });
});
