import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { EVENT_TYPES, type EventType } from '../../src/core/item.js';
import { startServer, waitFor, type LoopbackServer, type ReceivedRequest } from '../support/http.js';
import { sampleFeed } from '../support/seed.js';
import { startTestSystem } from '../support/system.js';
import { ADMIN_AUTH, ADMIN_TOKEN, CLEANUP_TIMEOUT_MS, sampleItem, secretFor, type TestSystem } from './helpers.js';

const SECRET = secretFor('event-catalog');
const GONE_SECRET = secretFor('event-catalog-gone');

/**
 * The event catalog against real deliveries: a system with the fetch, publish and deliver roles produces every event
 * type (story events from publish jobs and an operator's deletion, operational ones from a subscription answering
 * 410, its recovery, and a source failing, recovering and going away), a loopback receiver gets them signed, and
 * each body is validated with ajv against the JSON Schema the OpenAPI document's `webhooks` section publishes.
 */
describe('event catalog, checked against real deliveries', () => {
  let receiver: LoopbackServer;
  let feed: LoopbackServer;
  let system: TestSystem;
  let app: FastifyInstance;
  let goneHealthy = false;
  let feedMode: 'ok' | 'fail' | 'gone' = 'fail';
  const bodies = (path: string) => receiver.requests.filter((r) => r.url === path);
  const ofType = (type: EventType) => bodies('/all').filter((r) => JSON.parse(r.body).type === type);

  beforeAll(async () => {
    receiver = await startServer((request, response) => {
      if (request.url === '/gone') return void response.writeHead(goneHealthy ? 204 : 410).end();
      if (request.url === '/teapot') return void response.writeHead(418, { 'content-type': 'text/plain' }).end('x'.repeat(10_000));
      response.writeHead(204).end();
    });
    feed = await startServer((_request, response) => {
      if (feedMode === 'ok') return void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(sampleFeed);
      response.writeHead(feedMode === 'gone' ? 410 : 500).end();
    });
    system = await startTestSystem(
      'event-catalog',
      {
        sources: [{ id: 'flaky', name: 'Flaky Outlet', url: `${feed.url}/rss`, interval: '1h' }],
        channels: [{ id: 'all', title: 'All' }],
        subscriptions: [
          // Lists every type: it hears of the other subscription's troubles and of the source's.
          { id: 'all-events', url: `${receiver.url}/all`, secret: SECRET, events: [...EVENT_TYPES] },
          { id: 'gone', url: `${receiver.url}/gone`, secret: GONE_SECRET, events: ['item.published'] },
          { id: 'teapot', url: `${receiver.url}/teapot`, secret: GONE_SECRET, events: ['item.updated'] },
        ],
        limits: { hostSpacing: '10ms' },
        events: { sourceFailingAfter: 2 },
        delivery: { retrySchedule: ['50ms'], jitter: 0 },
      },
      ['fetch', 'publish', 'deliver'],
    );
    app = await buildApp({ ctx: system.ctx, adminToken: ADMIN_TOKEN });
  });

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
    await receiver?.close();
    await feed?.close();
  }, CLEANUP_TIMEOUT_MS);

  const fetchOnce = async (n: number) => {
    await system.ctx.queues.fetch.add('fetch', { sourceId: 'flaky' }, { jobId: `manual-flaky-${n}` });
    await waitFor(`fetch ${n}`, () => feed.requests.length >= n, 15_000);
    await waitFor(`fetch ${n} recorded`, async () => (await system.ctx.queues.fetch.getJobState(`manual-flaky-${n}`)).match(/completed|failed/), 15_000);
  };

  it('produces every event type through the running system', async () => {
    const { queues } = system.ctx;
    const story = sampleItem('catalog-1');
    await queues.publish.add('publish', { event: 'item.published', item: story });
    await waitFor('item.published', () => ofType('item.published').length >= 1, 15_000);
    // The 410 disabled "gone" and made its delivery a dead letter: both announced to the listener.
    await waitFor('subscription.disabled', () => ofType('subscription.disabled').length >= 1, 15_000);
    await waitFor('delivery.exhausted', () => ofType('delivery.exhausted').length >= 1, 15_000);
    expect(JSON.parse(ofType('subscription.disabled')[0]!.body).data).toMatchObject({ subscriptionId: 'gone', reason: expect.stringContaining('410') });
    expect(JSON.parse(ofType('delivery.exhausted')[0]!.body).data).toMatchObject({ subscriptionId: 'gone', eventType: 'item.published', storyId: story.id });

    goneHealthy = true;
    expect((await app.inject({ method: 'PUT', url: '/api/v1/subscriptions/gone/enable', headers: ADMIN_AUTH })).statusCode).toBe(200);
    await queues.publish.add('publish', { event: 'item.published', item: sampleItem('catalog-2') });
    await waitFor('delivery.recovered', () => ofType('delivery.recovered').length >= 1, 15_000);
    expect(JSON.parse(ofType('delivery.recovered')[0]!.body).data).toMatchObject({ subscriptionId: 'gone' });

    await queues.publish.add('publish', { event: 'item.updated', item: { ...story, title: 'Catalog story, edited' } });
    await queues.publish.add('publish', {
      event: 'item.source_added',
      storyId: story.id,
      source: { id: 'other', name: 'Other', url: 'https://other.example/', itemUrl: 'https://other.example/a' },
    });
    await queues.publish.add('publish', {
      event: 'item.translation_added',
      storyId: story.id,
      translation: {
        language: 'ru',
        url: 'https://other.example/ru/a',
        source: { id: 'other-ru', name: 'Other (RU)', url: 'https://other.example/ru/', itemUrl: 'https://other.example/ru/a' },
        title: 'Каталог',
      },
    });
    await waitFor('item.updated', () => ofType('item.updated').length >= 1, 15_000);
    await waitFor('item.source_added', () => ofType('item.source_added').length >= 1, 15_000);
    await waitFor('item.translation_added', () => ofType('item.translation_added').length >= 1, 15_000);
    // The edit names what changed; the translation arrives in `translations`, its outlet not in `sources`.
    expect(JSON.parse(ofType('item.updated')[0]!.body).changes).toContainEqual({ op: 'replace', path: '/title', value: 'Catalog story, edited' });
    const translated = JSON.parse(ofType('item.translation_added')[0]!.body).data;
    expect(translated.translations).toMatchObject([{ language: 'ru', url: 'https://other.example/ru/a', source: { id: 'other-ru' } }]);
    expect(translated.sources.map((s: { id: string }) => s.id)).not.toContain('other-ru');
    const deleted = await app.inject({ method: 'DELETE', url: `/api/v1/items/${story.id}`, headers: ADMIN_AUTH });
    expect(deleted.statusCode).toBe(200);
    await waitFor('item.deleted', () => ofType('item.deleted').length >= 1, 15_000);
    expect(JSON.parse(ofType('item.deleted')[0]!.body).data).toMatchObject({ id: story.id, reason: 'operator', sourceId: null });

    // The source fails twice in a row (the threshold here), then recovers, then answers 410.
    await fetchOnce(1);
    expect(ofType('source.failing')).toHaveLength(0);
    await fetchOnce(2);
    await waitFor('source.failing', () => ofType('source.failing').length >= 1, 15_000);
    feedMode = 'ok';
    await fetchOnce(3);
    await waitFor('source.recovered', () => ofType('source.recovered').length >= 1, 15_000);
    feedMode = 'gone';
    await fetchOnce(4);
    await waitFor('source.gone', () => ofType('source.gone').length >= 1, 15_000);
    expect(JSON.parse(ofType('source.failing')[0]!.body).data).toMatchObject({ sourceId: 'flaky', name: 'Flaky Outlet', consecutiveErrors: 2 });

    // Never about a subscription to itself: "gone" listed none of the operational types, and "all-events" heard of
    // nobody's trouble but the others'.
    for (const request of bodies('/all')) expect(JSON.parse(request.body).data.subscriptionId ?? 'another').not.toBe('all-events');
    expect(bodies('/gone').every((r) => JSON.parse(r.body).type === 'item.published')).toBe(true);
    // A failing streak announces itself once.
    expect(ofType('source.failing')).toHaveLength(1);
  });

  it('every delivery verifies and validates against the schema the OpenAPI document publishes for its type', async () => {
    const openApi = JSON.parse((await app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: ADMIN_AUTH })).body);
    expect(Object.keys(openApi.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validators = new Map(
      EVENT_TYPES.map((type) => {
        const post = openApi.webhooks[type].post;
        const content = post.requestBody.content['application/json'];
        const validate = ajv.compile(content.schema);
        // The catalog's own example validates against its schema.
        expect(validate(content.examples.example.value), `${type} example: ${ajv.errorsText(validate.errors)}`).toBe(true);
        return [type, validate] as const;
      }),
    );
    const seen = new Set<string>();
    const check = (request: ReceivedRequest, secret: string) => {
      const event = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: EventType };
      const validate = validators.get(event.type)!;
      expect(validate(event), `${event.type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      seen.add(event.type);
    };
    for (const request of bodies('/all')) check(request, SECRET);
    for (const request of bodies('/gone')) check(request, GONE_SECRET);
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
    // The figure the report quotes.
    console.info(`event catalog: ${EVENT_TYPES.length} types; ${bodies('/all').length + bodies('/gone').length} real deliveries validated`);
  });

  it('test send: signs and sends the example of each type, answering status, time and the first 4 KB', async () => {
    const before = bodies('/all').length;
    for (const type of EVENT_TYPES) {
      const answer = await app.inject({ method: 'POST', url: '/api/v1/subscriptions/all-events/test', headers: ADMIN_AUTH, payload: { type } });
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ type, ok: true, status: 204, response: '', error: null, eventId: expect.stringMatching(/^msg_/) });
    }
    const sent = bodies('/all').slice(before);
    expect(sent.map((r) => JSON.parse(r.body).type)).toEqual([...EVENT_TYPES]);
    for (const request of sent) new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>);

    const teapot = JSON.parse((await app.inject({ method: 'POST', url: '/api/v1/subscriptions/teapot/test', headers: ADMIN_AUTH })).body);
    expect(teapot).toMatchObject({ type: 'item.published', ok: false, status: 418, error: { code: 'SYN_ERR_DELIVERY_FAILED' } });
    expect(teapot.response).toHaveLength(4096);
    expect(teapot.durationMs).toBeGreaterThanOrEqual(0);
    // Logged, never retried.
    const log = JSON.parse((await app.inject({ method: 'GET', url: '/api/v1/subscriptions/teapot/deliveries', headers: ADMIN_AUTH })).body).deliveries;
    expect(log[0]).toMatchObject({ test: true, status: 418, ok: false });

    // Through the address guard: an endpoint outside the allow list is refused without a request.
    await system.ctx.catalog.put('subscriptions', { id: 'private', url: 'http://10.1.2.3/hook', secret: SECRET, enabled: true });
    const refused = JSON.parse((await app.inject({ method: 'POST', url: '/api/v1/subscriptions/private/test', headers: ADMIN_AUTH })).body);
    expect(refused).toMatchObject({ ok: false, status: null, error: { code: 'SYN_ERR_FETCH_BLOCKED_ADDRESS' } });
    expect((await app.inject({ method: 'POST', url: '/api/v1/subscriptions/nobody/test', headers: ADMIN_AUTH })).statusCode).toBe(404);
  });
});
