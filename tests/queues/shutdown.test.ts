import { Queue, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { closeWorkerWithin } from '../../src/queues/stage-worker.js';
import { startServer, waitFor } from '../support/http.js';
import { deleteKeys, uniquePrefix } from '../support/redis.js';
import { startTestSystem } from '../support/system.js';
import { slotTag } from '../../src/redis/keys.js';

describe('graceful shutdown', () => {
  it('bounds worker.close() by the grace period when a job never finishes', async () => {
    const prefix = uniquePrefix('close');
    const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
    const queue = new Queue('stuck', { connection, prefix });
    const worker = new Worker('stuck', () => new Promise(() => {}), { connection, prefix });
    try {
      await queue.add('job', {});
      await waitFor('the job to be active', async () => (await queue.getActiveCount()) === 1);
      const started = Date.now();
      expect(await closeWorkerWithin(worker, 300)).toBe('forced');
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await queue.close();
      await deleteKeys(prefix);
    }
  });

  it('turns readiness to 503 at once and lets an active fetch finish before stopping', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowFeed = await startServer(async (_req, res) => {
      await held;
      res.setHeader('content-type', 'application/rss+xml');
      res.end('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://127.0.0.1/</link><description>d</description></channel></rss>');
    });
    const system = await startTestSystem('shutdown', {
      sources: [{ id: 'slow', name: 'Slow', url: `${slowFeed.url}/rss`, interval: '1h' }],
      limits: { shutdownGrace: '5s' },
    });
    const app = await buildApp({ ctx: system.ctx, adminToken: 'x' });
    try {
      await waitFor('the fetch to be in flight', () => slowFeed.requests.length === 1);
      const stopping = system.stop('test');
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      setTimeout(release, 300);
      await stopping;
      const queue = new Queue('fetch', { connection: { host: '127.0.0.1', port: 6379 }, prefix: slotTag(system.env.redisPrefix, 'fetch') });
      // the job finished during the grace period: nothing is left active
      expect(await queue.getActiveCount()).toBe(0);
      expect(await queue.getCompletedCount()).toBe(1);
      await queue.close();
    } finally {
      release();
      await system.cleanup();
      await app.close();
      await slowFeed.close();
    }
  });
});
