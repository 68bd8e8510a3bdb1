import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { WebSubStore } from '../../src/publish/websub-store.js';
import { type LoopbackServer, startAcceptingReceiver, startServer, waitFor } from '../support/http.js';
import { startTestSystem } from '../support/system.js';
import { articleItem, interviewItem } from './fixtures.js';

const TOPIC = 'http://127.0.0.1:8080/feeds/news.atom';
const SECRET = 'subscriber-secret-ə-ş';

describe('the built-in WebSub hub', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let app: FastifyInstance;
  let subscriber: LoopbackServer;
  let liar: LoopbackServer;
  let externalHub: LoopbackServer;
  /** Status codes the subscriber answers pushes with, in turn (then 204). */
  const pushAnswers: number[] = [];
  let store: WebSubStore;

  const hubRequest = (form: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/websub',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    });
  const pushes = () => subscriber.requests.filter((r) => r.method === 'POST');

  beforeAll(async () => {
    subscriber = await startServer((req, res) => {
      if (req.method === 'GET') {
        // Intent verification: echo the challenge.
        res.end(new URL(req.url, 'http://x').searchParams.get('hub.challenge') ?? '');
        return;
      }
      res.statusCode = pushAnswers.shift() ?? 204;
      res.end();
    });
    liar = await startServer((_req, res) => {
      res.end('not the challenge');
    });
    externalHub = await startAcceptingReceiver();
    system = await startTestSystem('websub', { channels: [{ id: 'news', title: 'News' }], websub: { externalHubs: [`${externalHub.url}/hub`] } }, [
      'publish',
      'websub',
    ]);
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
    store = new WebSubStore(system.ctx.redis, system.ctx.keys);
  });

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
    await subscriber?.close();
    await liar?.close();
    await externalHub?.close();
  });

  it('verifies a subscription, then pushes a signed update within a second of a story being published', async () => {
    const accepted = await hubRequest({
      'hub.mode': 'subscribe',
      'hub.topic': TOPIC,
      'hub.callback': `${subscriber.url}/cb`,
      'hub.secret': SECRET,
      'hub.lease_seconds': '3600',
    });
    expect(accepted.statusCode).toBe(202);
    const [subscription] = await waitFor(
      'the verified subscription',
      async () => ((await store.active(TOPIC, Date.now())).length ? store.active(TOPIC, Date.now()) : null),
      5_000,
    );
    const verification = new URL(subscriber.requests[0]!.url, 'http://x').searchParams;
    expect(verification.get('hub.mode')).toBe('subscribe');
    expect(verification.get('hub.topic')).toBe(TOPIC);
    expect(verification.get('hub.lease_seconds')).toBe('3600');
    expect(subscription!.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);

    const started = Date.now();
    await system.ctx.queues.publish.add('item.published', { event: 'item.published', item: interviewItem(7) });
    const push = await waitFor('the push', () => pushes()[0], 5_000);
    expect(push.at - started).toBeLessThan(1_000);
    expect(push.headers['content-type']).toContain('application/atom+xml');
    expect(push.headers['x-hub-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(push.body).digest('hex')}`);
    expect(push.headers.link).toBe(`<http://127.0.0.1:8080/websub>; rel="hub", <${TOPIC}>; rel="self"`);
    expect(push.body).toContain('urn:syndicate:story:story-7');
    // What was pushed is what a poll returns; the poll advertises the hub by header too.
    const poll = await app.inject({ method: 'GET', url: '/feeds/news.atom' });
    expect(poll.body).toBe(push.body);
    expect(poll.headers.link).toBe(push.headers.link);
    // The external hub named in the config was pinged for each format of the channel.
    const pings = await waitFor('the external hub pings', () => (externalHub.requests.length >= 3 ? externalHub.requests : null));
    expect(pings.map((r) => new URLSearchParams(r.body).get('hub.url')).sort()).toEqual(
      ['atom', 'json', 'rss'].map((f) => `http://127.0.0.1:8080/feeds/news.${f}`),
    );
    expect(new URLSearchParams(pings[0]!.body).get('hub.mode')).toBe('publish');
  });

  it('retries a push the subscriber did not accept', async () => {
    pushAnswers.push(503);
    const before = pushes().length;
    await system.ctx.queues.publish.add('item.published', { event: 'item.published', item: articleItem(8) });
    await waitFor('the retried push', () => pushes().length >= before + 2, 5_000);
    const [failed, retried] = pushes().slice(before);
    expect(retried!.at - failed!.at).toBeGreaterThanOrEqual(900);
    expect(retried!.body).toBe(failed!.body);
  });

  it('stores nothing when the callback does not echo the challenge, and refuses bad requests', async () => {
    expect((await hubRequest({ 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.callback': `${liar.url}/cb` })).statusCode).toBe(202);
    await waitFor('the verification attempt', () => liar.requests.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await store.active(TOPIC, Date.now())).map((s) => s.callback)).toEqual([`${subscriber.url}/cb`]);

    expect(
      (await hubRequest({ 'hub.mode': 'subscribe', 'hub.topic': 'https://elsewhere.example/feed', 'hub.callback': `${subscriber.url}/cb` })).statusCode,
    ).toBe(400);
    expect(
      (await hubRequest({ 'hub.mode': 'subscribe', 'hub.topic': 'http://127.0.0.1:8080/feeds/nope.rss', 'hub.callback': `${subscriber.url}/cb` })).statusCode,
    ).toBe(400);
    expect((await hubRequest({ 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.callback': 'http://10.0.0.1/cb' })).statusCode).toBe(400);
    expect((await hubRequest({ 'hub.mode': 'publish', 'hub.topic': TOPIC, 'hub.callback': `${subscriber.url}/cb` })).statusCode).toBe(400);
  });

  it('ignores expired leases, sweeps them away, and drops verified unsubscriptions', async () => {
    const old = 'http://127.0.0.1:1/old';
    await store.save({ topic: TOPIC, callback: old, secret: null, leaseSeconds: 60, expiresAt: Date.now() - 1 }, system.ctx.config.websub.hub);
    expect((await store.active(TOPIC, Date.now())).map((s) => s.callback)).toEqual([`${subscriber.url}/cb`]);
    expect(await store.get(TOPIC, old, Date.now())).toBeNull();
    // Reads leave it; the periodic sweep removes it, and every index of it.
    expect(await system.ctx.redis.hexists(system.ctx.keys.websubSubscriptions(TOPIC), old)).toBe(1);
    expect(await store.sweepExpired(Date.now())).toBe(1);
    expect(await system.ctx.redis.hexists(system.ctx.keys.websubSubscriptions(TOPIC), old)).toBe(0);
    expect(await system.ctx.redis.hlen(system.ctx.keys.websubCallbackHost('127.0.0.1'))).toBe(1);
    expect(await system.ctx.redis.zcard(system.ctx.keys.websubExpiries)).toBe(1);

    expect((await hubRequest({ 'hub.mode': 'unsubscribe', 'hub.topic': TOPIC, 'hub.callback': `${subscriber.url}/cb` })).statusCode).toBe(202);
    await waitFor('the unsubscription', async () => (await store.active(TOPIC, Date.now())).length === 0, 5_000);
  });
});
