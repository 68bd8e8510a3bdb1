import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { waitFor, type ReceivedRequest } from '../support/http.js';
import {
  ADMIN_AUTH,
  ADMIN_TOKEN,
  CLEANUP_TIMEOUT_MS,
  enqueueEvent,
  expectDeliveredAfterThrottle,
  sampleItem,
  secretFor,
  startDeliverRig,
  waitForList,
  type DeliverRig,
} from './helpers.js';

const SECRET = secretFor('delivery-test');
const OLD = secretFor('old-secret');
const NEW = secretFor('new-secret');
const headersOf = (r: ReceivedRequest) => r.headers as Record<string, string>;

describe('webhook delivery to real loopback receivers', () => {
  let rig: DeliverRig;

  beforeAll(async () => {
    rig = await startDeliverRig('deliver', {
      answer: (req, res, n) => {
        if (req.url === '/flaky' && n === 1) return void res.writeHead(500).end('boom: database down');
        if (req.url === '/hang' && n === 1) return; // never answers: the attempt must time out
        if (req.url === '/gone') return void res.writeHead(410).end('gone');
        if (req.url === '/throttle' && n === 1) return void res.writeHead(429, { 'retry-after': '1' }).end('slow down');
        if (req.url === '/redirect') return void res.writeHead(302, { location: '/ok' }).end();
        res.writeHead(204).end();
      },
      config: (url) => {
        const sub = (id: string, path: string, secret: string | string[] = SECRET) => ({ id, url: `${url}${path}`, secret });
        return {
          subscriptions: [
            sub('ok', '/ok'),
            sub('flaky', '/flaky'),
            sub('hang', '/hang'),
            sub('gone', '/gone'),
            sub('throttle', '/throttle'),
            sub('rotate', '/rotate', [OLD, NEW]),
            sub('big', '/big'),
            sub('redirect', '/redirect'),
            { id: 'private', url: 'http://169.254.169.254/latest/meta-data', secret: SECRET },
          ],
          delivery: { retrySchedule: ['50ms', '100ms'], jitter: 0, maxPayloadBytes: 4096 },
          limits: { deliveryTimeout: '300ms' },
        };
      },
    });
  });

  afterAll(() => rig?.close(), CLEANUP_TIMEOUT_MS);

  it('delivers a signed event that the standardwebhooks library verifies, and logs the attempt', async () => {
    await enqueueEvent(rig.system.ctx, 'ok', 'item.published', sampleItem('s-ok'));
    const [request] = await waitForList('delivery', () => rig.at('/ok'));
    const event = new Webhook(SECRET).verify(request!.body, headersOf(request!)) as { type: string; data: { id: string } };
    expect(event).toMatchObject({ type: 'item.published', data: { id: 's-ok' } });
    const [attempt] = await waitForList('log', () => rig.log('ok'));
    expect(attempt).toMatchObject({ ok: true, status: 204, attempt: 1, errorCode: null, eventId: request!.headers['webhook-id'] });
  });

  it('retries a 500 with the same webhook-id and logs the first 4 KB of the failed answer', async () => {
    await enqueueEvent(rig.system.ctx, 'flaky', 'item.published', sampleItem('s-flaky'));
    const requests = await waitForList('two attempts', () => rig.at('/flaky'), 2);
    expect(requests[1]!.headers['webhook-id']).toBe(requests[0]!.headers['webhook-id']);
    for (const r of requests) new Webhook(SECRET).verify(r.body, headersOf(r));
    const attempts = await waitForList('log', () => rig.log('flaky'), 2);
    expect(attempts[0]).toMatchObject({ ok: false, status: 500, attempt: 1, errorCode: 'SYN_ERR_DELIVERY_FAILED', response: 'boom: database down' });
    expect(attempts[1]).toMatchObject({ ok: true, attempt: 2 });
  });

  it('gives up on an endpoint that does not answer within the timeout, then retries', async () => {
    await enqueueEvent(rig.system.ctx, 'hang', 'item.published', sampleItem('s-hang'));
    const attempts = await waitForList('timeout then success', () => rig.log('hang'), 2);
    expect(attempts[0]).toMatchObject({ ok: false, status: null, errorCode: 'SYN_ERR_DELIVERY_TIMEOUT' });
    expect(attempts[0]!.durationMs).toBeGreaterThanOrEqual(250);
    expect(attempts[0]!.durationMs).toBeLessThan(1500);
    expect(attempts[1]).toMatchObject({ ok: true, attempt: 2 });
  });

  it('disables the subscription on 410 Gone, visibly in the API and metrics, and re-enables it through the API', async () => {
    const jobId = await enqueueEvent(rig.system.ctx, 'gone', 'item.published', sampleItem('s-gone'));
    const app = await buildApp({ ctx: rig.system.ctx, adminToken: ADMIN_TOKEN });
    const sub = await waitFor('disabled in the API', async () => {
      const body = JSON.parse((await app.inject({ method: 'GET', url: '/api/v1/subscriptions/gone', headers: ADMIN_AUTH })).body);
      return body.subscription?.enabled === false && body.subscription;
    });
    expect(sub.disabledReason).toContain('410');
    // The worker disables the subscription before the job it is running moves to failed.
    await waitFor('the job failed', async () => (await rig.system.ctx.queues.deliver.getJobState(jobId)) === 'failed');
    // No retry after the 410: it is the last attempt. (On a loaded machine an earlier attempt may have run out of
    // this rig's 300 ms delivery timeout before the 410 came back; that one was retried, as it should be.)
    const attempts = await rig.log('gone');
    expect(rig.at('/gone')).toHaveLength(attempts.length);
    expect(attempts.at(-1)).toMatchObject({ status: 410, errorCode: 'SYN_ERR_DELIVERY_GONE' });
    expect(attempts.slice(0, -1).every((attempt) => attempt.errorCode === 'SYN_ERR_DELIVERY_TIMEOUT')).toBe(true);
    const disabled = JSON.parse((await app.inject({ method: 'GET', url: '/api/v1/deliveries/disabled', headers: ADMIN_AUTH })).body);
    expect(disabled.disabled.gone.reason).toContain('410');
    // A scrape gives up on a slow Redis read (the gauge is then left out), so a loaded machine may need a second one.
    await waitFor('the disabled gauge', async () => /syndicate_subscriptions_disabled 1/.test((await app.inject({ method: 'GET', url: '/metrics' })).body));
    const enabled = await app.inject({ method: 'PUT', url: '/api/v1/subscriptions/gone/enable', headers: ADMIN_AUTH });
    expect(JSON.parse(enabled.body).subscription.enabled).toBe(true);
    const after = JSON.parse((await app.inject({ method: 'GET', url: '/api/v1/subscriptions/gone', headers: ADMIN_AUTH })).body);
    expect(after.subscription).toMatchObject({ enabled: true });
    expect(after.subscription.disabledAt).toBeUndefined();
    await app.close();
  });

  it('honours 429 Retry-After for the endpoint without spending an attempt', async () => {
    await enqueueEvent(rig.system.ctx, 'throttle', 'item.published', sampleItem('s-throttle'));
    await expectDeliveredAfterThrottle(rig, 'throttle', 1000);
  });

  it('signs with both secrets during a rotation, so either verifies', async () => {
    await enqueueEvent(rig.system.ctx, 'rotate', 'item.published', sampleItem('s-rotate'));
    const [request] = await waitForList('delivery', () => rig.at('/rotate'));
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(new Webhook(OLD).verify(request!.body, headersOf(request!))).toMatchObject({ data: { id: 's-rotate' } });
    expect(new Webhook(NEW).verify(request!.body, headersOf(request!))).toMatchObject({ data: { id: 's-rotate' } });
    expect(() => new Webhook(SECRET).verify(request!.body, headersOf(request!))).toThrow();
  });

  it('sends a slim, still signed event when the item is above the payload limit', async () => {
    await enqueueEvent(rig.system.ctx, 'big', 'item.published', sampleItem('s-big', { contentHtml: `<p>${'x'.repeat(10_000)}</p>` }));
    const [request] = await waitForList('delivery', () => rig.at('/big'));
    const event = new Webhook(SECRET).verify(request!.body, headersOf(request!));
    expect(event).toEqual({
      type: 'item.published',
      timestamp: expect.any(String),
      slim: true,
      data: { id: 's-big', url: 'https://example.org/s-big', title: 'Story s-big' },
    });
  });

  it('does not follow redirects and refuses private addresses, logging each with its code', async () => {
    await enqueueEvent(rig.system.ctx, 'redirect', 'item.published', sampleItem('s-redirect'));
    await enqueueEvent(rig.system.ctx, 'private', 'item.published', sampleItem('s-private'));
    const redirects = await waitForList('three redirect attempts', () => rig.log('redirect'), 3);
    expect(redirects.every((a) => a.status === 302 && a.errorCode === 'SYN_ERR_DELIVERY_FAILED')).toBe(true);
    expect(rig.at('/ok').every((r) => !r.body.includes('s-redirect'))).toBe(true);
    const blocked = await waitForList('private attempt', () => rig.log('private'));
    expect(blocked[0]).toMatchObject({ ok: false, errorCode: 'SYN_ERR_FETCH_BLOCKED_ADDRESS' });
  });
});
