import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { syncSchedules } from '../../src/scheduler/source-scheduler.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { startTestSystem } from '../support/system.js';

/**
 * A source added through the API is fetched exactly once at creation, even when the scheduler's reconcile pass runs
 * at the same moment (it used to add a first poll beside the API's initial fetch: two fetches at once).
 */
describe('a new source', () => {
  let feed: LoopbackServer;
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let app: FastifyInstance;
  const auth = { authorization: 'Bearer test-admin-token' };

  beforeAll(async () => {
    feed = await startServer((_req, res) => {
      res.setHeader('content-type', 'application/rss+xml');
      res.end('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://127.0.0.1/</link><description>d</description></channel></rss>');
    });
    system = await startTestSystem('new-source', {}, ['fetch']);
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
  });

  afterAll(async () => {
    await app.close();
    await system.cleanup();
    await feed.close();
  });

  it('is fetched exactly once when created, whatever the reconcile pass does meanwhile', async () => {
    for (let i = 0; i < 5; i++) {
      const put = app.inject({
        method: 'PUT',
        url: `/api/v1/sources/new-${i}`,
        headers: auth,
        payload: { name: `New ${i}`, url: `${feed.url}/feed/${i}`, interval: '1h' },
      });
      // The scheduler role's pass, racing the API (before, during and after its write).
      const ctx = system.ctx;
      const sync = async () => syncSchedules(ctx, await ctx.catalog.list('sources'), Date.now());
      await Promise.all([put, sync()]);
      expect((await put).statusCode).toBe(201);
      await sync();
    }
    await waitFor('five first fetches', () => feed.requests.length >= 5, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const perSource = new Map<string, number>();
    for (const request of feed.requests) perSource.set(request.url, (perSource.get(request.url) ?? 0) + 1);
    expect([...perSource.values()]).toEqual([1, 1, 1, 1, 1]);
  });
});
