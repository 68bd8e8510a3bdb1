import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.js';
import { parseConfig } from '../src/config/load-config.js';
import type { WebhookEvent } from '../src/core/item.js';
import { startSystem, type RunningSystem } from '../src/runtime/start.js';
import { ROLES } from '../workers/index.js';
import { type LoopbackServer, serveRss, startAcceptingReceiver, waitFor } from '../tests/support/http.js';
import { sampleFeed } from '../tests/support/seed.js';
import { testEnv } from '../tests/support/redis.js';

const run = promisify(execFile);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** Whether nothing listens on a loopback port. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Three ports whose cluster bus ports (+10000) are free too. */
async function clusterPorts(): Promise<number[]> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = [base, base + 1, base + 2];
    const all = await Promise.all([...ports, ...ports.map((p) => p + 10_000)].map(portFree));
    if (all.every(Boolean)) return ports;
  }
}

describe('Redis Cluster: the whole pipeline on a local 3-master cluster, feed to webhook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'syn-cluster-'));
  const servers: ChildProcess[] = [];
  let ports: number[] = [];
  let feedServer: LoopbackServer;
  let receiver: LoopbackServer;
  let system: RunningSystem | undefined;

  beforeAll(async () => {
    ports = await clusterPorts();
    for (const port of ports) {
      const server = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      servers.push(server);
    }
    for (const port of ports)
      await waitFor(
        `redis-server on ${port}`,
        async () => (await run('redis-cli', ['-p', String(port), 'ping']).catch(() => ({ stdout: '' }))).stdout.trim() === 'PONG',
        20_000,
      );
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports)
      await waitFor(
        `cluster ok on ${port}`,
        async () => (await run('redis-cli', ['-p', String(port), 'cluster', 'info'])).stdout.includes('cluster_state:ok'),
        30_000,
      );

    feedServer = await serveRss(sampleFeed);
    receiver = await startAcceptingReceiver();
  }, 120_000);

  afterAll(async () => {
    await system?.stop('test cleanup');
    await feedServer?.close();
    await receiver?.close();
    // Stopped by PID: only the servers this test started.
    for (const server of servers) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches, normalizes, dedups, publishes, serves the feed and delivers a signed webhook, with every key in the prefix slot', async () => {
    const env = {
      ...testEnv('cluster'),
      redisUrl: `redis://127.0.0.1:${ports[0]}`,
      redisCluster: ports.map((port) => ({ host: '127.0.0.1', port })),
      redisPrefix: '{syn-cluster}',
    };
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

    // Every key is in the hash tag's slot, on the one master that owns it.
    const slot = Number((await run('redis-cli', ['-p', String(ports[0]), 'cluster', 'keyslot', '{syn-cluster}'])).stdout.trim());
    let keysFound = 0;
    for (const port of ports) {
      const keys = (await run('redis-cli', ['-p', String(port), '--scan'])).stdout.split('\n').filter(Boolean);
      for (const key of keys) expect(Number((await run('redis-cli', ['-p', String(port), 'cluster', 'keyslot', key])).stdout.trim()), key).toBe(slot);
      keysFound += keys.length;
    }
    expect(keysFound).toBeGreaterThan(10);
  }, 180_000);
});
