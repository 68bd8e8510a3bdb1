import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/runtime/context.js';
import { openTestApp, testAuth as auth } from '../support/app.js';

describe('admin API and health routes', () => {
  let ctx: AppContext;
  let app: FastifyInstance;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ ctx, app, close } = await openTestApp('api', { channels: [{ id: 'all', title: 'All' }] }));
  });

  afterAll(() => close());

  it('refuses the API and the dashboard without the token, with a catalogued error', async () => {
    for (const url of ['/api/v1/sources', '/admin/queues']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'SYN_ERR_UNAUTHORIZED', message: expect.any(String) } });
    }
    const wrong = await app.inject({ method: 'GET', url: '/api/v1/sources', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    const dashboard = await app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: `Basic ${Buffer.from('admin:test-admin-token').toString('base64')}` },
    });
    expect(dashboard.statusCode).toBe(200);
  });

  it('adds a source, schedules its first fetch, lists and removes it', async () => {
    const created = await app.inject({
      method: 'PUT',
      url: '/api/v1/sources/example',
      headers: auth,
      payload: { name: 'Example', url: 'https://example.com/rss', interval: '10m' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().source).toMatchObject({ id: 'example', interval: 600_000, enabled: true });
    const waiting = await ctx.queues.fetch.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(waiting.some((job) => job.data.sourceId === 'example')).toBe(true);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/sources', headers: auth });
    expect(listed.json().sources.map((s: { id: string }) => s.id)).toEqual(['example']);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/sources/example', headers: auth })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/sources/example', headers: auth })).json().error.code).toBe('SYN_ERR_NOT_FOUND');
    expect((await ctx.queues.fetch.getJobSchedulers()).length).toBe(0);
  });

  it('rejects a malformed body, naming every problem', async () => {
    const response = await app.inject({ method: 'PUT', url: '/api/v1/sources/bad', headers: auth, payload: { url: 'gopher://x', interval: 'often' } });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe('SYN_ERR_BAD_REQUEST');
    expect(body.error.details).toEqual(
      expect.arrayContaining([expect.stringMatching(/^body\.name/), expect.stringMatching(/^body\.url/), expect.stringMatching(/^body\.interval/)]),
    );
    const mismatch = await app.inject({ method: 'PUT', url: '/api/v1/channels/a', headers: auth, payload: { id: 'b', title: 'B' } });
    expect(mismatch.statusCode).toBe(400);
    const notJson = await app.inject({ method: 'PUT', url: '/api/v1/channels/a', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"id":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('SYN_ERR_BAD_REQUEST');
  });

  it('never shows subscription secrets', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    await app.inject({ method: 'PUT', url: '/api/v1/subscriptions/partner', headers: auth, payload: { url: 'https://partner.example/hooks', secret } });
    const listed = await app.inject({ method: 'GET', url: '/api/v1/subscriptions', headers: auth });
    expect(listed.body).not.toContain(secret);
    expect(listed.json().subscriptions[0].secrets).toHaveLength(1);
  });

  it('answers unknown routes and feeds with catalogued 404s', async () => {
    expect((await app.inject({ method: 'GET', url: '/nope' })).json().error.code).toBe('SYN_ERR_NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/feeds/missing.atom' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/feeds/all.html' })).statusCode).toBe(404);
  });

  it('reports liveness, readiness, draining and metrics', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/syndicate_queue_jobs\{queue="fetch",state="waiting"\} \d+/);
    ctx.state.draining = true;
    const draining = await app.inject({ method: 'GET', url: '/readyz' });
    expect(draining.statusCode).toBe(503);
    expect(draining.json().error.code).toBe('SYN_ERR_NOT_READY');
    ctx.state.draining = false;
  });
});
