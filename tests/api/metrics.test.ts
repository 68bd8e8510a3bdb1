import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { buildHealthApp } from '../../src/api/health-app.js';
import { type LoopbackServer, startAcceptingReceiver, waitFor } from '../support/http.js';
import { startSampleFeedSite } from '../support/seed.js';
import { startTestSystem } from '../support/system.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** The value of one sample line of a Prometheus text body, or undefined when the series is absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics after an ingest: every stage is counted, with no label per source or item', () => {
  let feeds: LoopbackServer;
  let receiver: LoopbackServer;
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let body = '';

  beforeAll(async () => {
    feeds = await startSampleFeedSite(500, 'down');
    receiver = await startAcceptingReceiver();
    // Two outlets carry the same story (the second is a duplicate of the first); a third answers 500.
    system = await startTestSystem('metrics', {
      sources: [
        { id: 'outlet-a', name: 'Outlet A', url: `${feeds.url}/a.rss`, interval: '1h' },
        { id: 'outlet-b', name: 'Outlet B', url: `${feeds.url}/b.rss`, interval: '1h' },
        { id: 'broken', name: 'Broken', url: `${feeds.url}/broken.rss`, interval: '1h' },
      ],
      channels: [{ id: 'all', title: 'Everything' }],
      subscriptions: [{ id: 'receiver', url: `${receiver.url}/hooks`, secret: SECRET }],
    });
    await waitFor('the webhook deliveries (published, then source_added)', () => receiver.requests.length >= 2, 20_000);
    const app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
    await waitFor('both sources counted', async () => {
      body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      return (sample(body, 'syndicate_fetch_outcomes_total{code="200"}') ?? 0) >= 2 && sample(body, 'syndicate_fetch_outcomes_total{code="500"}') === 1;
    });
    await app.close();
  }, 40_000);

  afterAll(async () => {
    await system?.cleanup();
    await feeds?.close();
    await receiver?.close();
  });

  it('counts fetched entries, fetch outcomes by code and fetch latency', () => {
    expect(sample(body, 'syndicate_fetch_entries_total{result="new"}')).toBe(2);
    expect(sample(body, 'syndicate_fetch_outcomes_total{code="200"}')).toBe(2);
    expect(sample(body, 'syndicate_fetch_outcomes_total{code="500"}')).toBe(1);
    expect(sample(body, 'syndicate_fetch_duration_seconds_count')).toBe(3);
    expect(sample(body, 'syndicate_fetch_duration_seconds_bucket{le="+Inf"}')).toBe(3);
  });

  it('counts normalized items by kind and dedup decisions by match kind', () => {
    expect(sample(body, 'syndicate_items_normalized_total{kind="interview"}')).toBe(2);
    expect(sample(body, 'syndicate_dedup_decisions_total{outcome="new",match="none"}')).toBe(1);
    expect(sample(body, 'syndicate_dedup_decisions_total{outcome="duplicate",match="exact"}')).toBe(1);
    // Every match kind is a documented label value (the help text names them).
    expect(body).toMatch(/# HELP syndicate_dedup_decisions_total .*exact, fingerprint, near-duplicate/);
  });

  it('counts stories published and outlets added, deliveries by outcome, job time per stage, queue depths and redis_up', () => {
    expect(sample(body, 'syndicate_stories_published_total{event="item.published"}')).toBe(1);
    expect(sample(body, 'syndicate_stories_published_total{event="item.source_added"}')).toBe(1);
    expect(sample(body, 'syndicate_delivery_attempts{outcome="delivered"}')).toBe(2);
    for (const stage of ['fetch', 'normalize', 'dedup', 'publish', 'deliver']) {
      expect(sample(body, `syndicate_job_duration_seconds_count{stage="${stage}",result="completed"}`), stage).toBeGreaterThan(0);
    }
    expect(sample(body, 'syndicate_queue_jobs{queue="fetch",state="delayed"}')).toBeGreaterThanOrEqual(3);
    expect(sample(body, 'syndicate_redis_up')).toBe(1);
  });

  it('never labels a series by source or story', () => {
    expect(body).not.toMatch(/outlet-a|outlet-b|broken|sourceId|storyId|127\.0\.0\.1/);
  });

  it('a worker-only process serves the stage metrics on its health port too', async () => {
    const health = await buildHealthApp(system.ctx);
    const text = (await health.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, 'syndicate_items_normalized_total{kind="interview"}')).toBe(2);
    expect(sample(text, 'syndicate_redis_up')).toBe(1);
    await health.close();
  });
});
