import { Cluster, type Redis } from 'ioredis';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.js';
import { parseConfig } from '../src/config/load-config.js';
import type { WebhookEvent } from '../src/core/item.js';
import { keyAfterPrefix, redisKeys } from '../src/redis/keys.js';
import { convertedBucketField, migrateKeyLayout } from '../src/redis/layout-migration.js';
import { startSystem, type RunningSystem } from '../src/runtime/start.js';
import { ROLES } from '../workers/index.js';
import { type LoopbackServer, serveRss, startAcceptingReceiver, waitFor } from '../tests/support/http.js';
import { sampleFeed } from '../tests/support/seed.js';
import { testEnv } from '../tests/support/redis.js';
import { startLocalCluster, type LocalCluster } from './support/redis-cluster.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const PREFIX = '{syn-cluster}';

describe('Redis Cluster: the whole pipeline on a local 3-master cluster, feed to webhook', () => {
  let cluster: LocalCluster;
  let feedServer: LoopbackServer;
  let receiver: LoopbackServer;
  let system: RunningSystem | undefined;

  beforeAll(async () => {
    cluster = await startLocalCluster(3);
    feedServer = await serveRss(sampleFeed);
    receiver = await startAcceptingReceiver();
  }, 120_000);

  afterAll(async () => {
    await system?.stop('test cleanup');
    await feedServer?.close();
    await receiver?.close();
    cluster?.stop();
  });

  it('fetches, normalizes, dedups, publishes, serves the feed and delivers a signed webhook, its key groups spread over the masters', async () => {
    const env = { ...testEnv('cluster'), redisUrl: `redis://127.0.0.1:${cluster.ports[0]}`, redisCluster: cluster.nodes, redisPrefix: PREFIX };
    const config = parseConfig({
      network: { allowHosts: ['127.0.0.1'] },
      sources: [{ id: 'news-az', name: 'News.Az', url: `${feedServer.url}/rss`, interval: '1h' }],
      channels: [{ id: 'x', title: 'Everything' }],
      subscriptions: [{ id: 'receiver', url: `${receiver.url}/hooks`, secret: SECRET }],
    });
    const roles = (['scheduler', 'fetch', 'normalize', 'dedup', 'publish', 'deliver', 'websub'] as const).map((r) => ROLES[r]);
    system = await startSystem(env, config, roles, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
    expect(system.ctx.redis).toBeInstanceOf(Cluster);

    const delivery = await waitFor('the webhook delivery', () => receiver.requests[0], 60_000);
    const event = new Webhook(SECRET).verify(delivery.body, delivery.headers as Record<string, string>) as WebhookEvent;
    expect(event.type).toBe('item.published');
    expect(event.data.title).toContain('Grigory Trofimchuk');
    expect(event.data.kind).toBe('interview');

    const app = await buildApp({ ctx: system.ctx, adminToken: 'cluster-token' });
    const atom = await app.inject({ method: 'GET', url: '/feeds/x.atom' });
    expect(atom.statusCode).toBe(200);
    expect(atom.body).toContain('Grigory Trofimchuk: Russia has no choice but to accept the new regional order');
    const api = await app.inject({ method: 'GET', url: '/api/v1/sources/news-az', headers: { authorization: 'Bearer cluster-token' } });
    expect(JSON.parse(api.body).source.status.httpStatus).toBe(200);
    await app.close();

    // A second fetch of the same feed publishes nothing new (dedup's Lua scripts work on the cluster).
    await system.ctx.queues.fetch.add('fetch', { sourceId: 'news-az' }, { jobId: 'again' });
    await waitFor('the second fetch', () => feedServer.requests.length >= 2, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.requests).toHaveLength(1);

    // Every key belongs to one of the deployment's slot groups (src/redis/README.md, "Slot map"), and the groups
    // live on more than one master: the core group, each queue's and the dedup index's.
    const groupsByMaster = new Map<number, Set<string>>();
    for (const port of cluster.ports) {
      const keys = (await cluster.cli(port, '--scan')).split('\n').filter(Boolean);
      for (const key of keys) expect(keyAfterPrefix(key, PREFIX), key).not.toBeNull();
      groupsByMaster.set(port, new Set(keys.map((key) => key.slice(0, key.indexOf('}') + 1))));
    }
    const groups = new Set([...groupsByMaster.values()].flatMap((set) => [...set]));
    for (const group of [
      PREFIX,
      '{syn-cluster:fetch}',
      '{syn-cluster:normalize}',
      '{syn-cluster:dedup}',
      '{syn-cluster:publish}',
      '{syn-cluster:deliver}',
      '{syn-cluster:dd}',
    ])
      expect(groups, group).toContain(group);
    expect([...groupsByMaster.values()].filter((set) => set.size > 0).length).toBeGreaterThan(1);
  }, 180_000);

  it("moves an earlier version's keys to their slot groups across masters (DUMP + RESTORE + DEL), TTLs kept", async () => {
    const old = '{syn-old}';
    const keys = redisKeys(old);
    const redis = new Cluster(cluster.nodes);
    try {
      await redis.lpush(`${old}:delivery:partner:log`, '{"status":200}');
      await redis.set(`${old}:dd:seq`, '41');
      await redis.set(`${old}:dd:a:job-1`, 'memo', 'EX', 600);
      await redis.hset(`${old}:fetch:meta`, 'opts.maxLenEvents', '1000');
      await redis.hset(`${old}:dd:b:7:3`, '65543', '5'); // band 1, key 3 * 2^16 + 7, in the old 65,536-hash layout
      await redis.hset(`${old}:catalog:sources`, 'news-az', '{}');
      const report = await migrateKeyLayout(redis as unknown as Redis, old, { dryRun: false });
      expect(report).toMatchObject({ moved: { deliver: 1, dd: 2, fetch: 1 }, bucketsConverted: 1, generationsConverted: [7], conflicts: [] });
      expect(await redis.lrange(keys.deliveryLog('partner'), 0, -1)).toEqual(['{"status":200}']);
      expect(await redis.get(keys.dedup.seq)).toBe('41');
      expect(await redis.ttl(keys.dedup.attempt('job-1'))).toBeGreaterThan(500);
      expect(await redis.hget(`{syn-old:fetch}:fetch:meta`, 'opts.maxLenEvents')).toBe('1000');
      expect(await redis.hget(keys.dedup.bucket(7, 0), convertedBucketField(3, '65543'))).toBe('5');
      for (const gone of ['delivery:partner:log', 'dd:seq', 'dd:a:job-1', 'fetch:meta', 'dd:b:7:3']) expect(await redis.exists(`${old}:${gone}`), gone).toBe(0);
      expect(await redis.hget(keys.sources, 'news-az')).toBe('{}');
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
