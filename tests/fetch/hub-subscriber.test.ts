import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { FeedSubscription } from '../../src/fetch/feed-subscriptions.js';
import { REQUESTED_LEASE_SECONDS, websubSignatureValid, websubSubscriptionDue } from '../../src/fetch/hub-subscriber.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { testEnv } from '../support/redis.js';
import { startTestSystem } from '../support/system.js';
import { queuedEntries } from '../support/queued.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const atom = (hub: string, self: string, ids: string[]) =>
  `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Pushed</title><link rel="hub" href="${hub}"/><link rel="self" href="${self}"/>${ids
    .map((id) => `<entry><id>urn:${id}</id><title>Entry ${id}</title><link href="https://example.com/${id}"/><updated>2025-06-10T09:00:00Z</updated></entry>`)
    .join('')}</feed>`;

describe('WebSub subscriber with a hub on loopback', () => {
  let feed: LoopbackServer;
  let hub: LoopbackServer;
  let app: FastifyInstance;
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  const subscription: { callback?: string; secret?: string; topic?: string; lease?: string; challengeAnswer?: string } = {};

  beforeAll(async () => {
    hub = await startServer((req, res) => {
      const form = new URLSearchParams(req.body);
      Object.assign(subscription, {
        callback: form.get('hub.callback')!,
        secret: form.get('hub.secret')!,
        topic: form.get('hub.topic')!,
        lease: form.get('hub.lease_seconds')!,
      });
      res.writeHead(202).end();
      // Verification of intent, after the 202 as real hubs do.
      setTimeout(async () => {
        const url = `${subscription.callback}?hub.mode=subscribe&hub.topic=${encodeURIComponent(subscription.topic!)}&hub.challenge=challenge-123&hub.lease_seconds=3600`;
        subscription.challengeAnswer = await (await fetch(url)).text();
      }, 20);
    });
    feed = await startServer(
      (_req, res) => void res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(atom(`${hub.url}/hub`, `${feed.url}/feed`, ['1'])),
    );
    const port = await freePort();
    system = await startTestSystem(
      'fetch-websub',
      { limits: { shutdownGrace: '1s' }, sources: [{ id: 'pushed', name: 'Pushed', url: `${feed.url}/feed`, interval: '1h', fullText: 'never' }] },
      ['scheduler', 'fetch'],
      testEnv('fetch-websub', { publicUrl: `http://127.0.0.1:${port}` }),
    );
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
    await app.listen({ port, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
    await feed?.close();
    await hub?.close();
  }, 60_000);

  const pushed = async (id: string) =>
    (await queuedEntries(system.ctx.queues.normalize)).some((j) => j.data.sourceId === 'pushed' && j.data.entry.guid === `urn:${id}`);
  const push = (body: string, signature: string) =>
    fetch(subscription.callback!, { method: 'POST', headers: { 'content-type': 'application/atom+xml', 'x-hub-signature': signature }, body });

  it('subscribes with a secret and answers the hub’s intent verification', async () => {
    await waitFor('verification', () => subscription.challengeAnswer);
    expect(subscription.challengeAnswer).toBe('challenge-123');
    expect(subscription.topic).toBe(`${feed.url}/feed`);
    expect(subscription.secret).toMatch(/^[0-9a-f]{48}$/);
    expect(Number(subscription.lease)).toBe(REQUESTED_LEASE_SECONDS);
    // The source status shows the verified subscription; the subscriber store holds the lease the hub granted.
    const { websub } = await system.ctx.sourceStatus.get('pushed');
    expect(websub).toMatchObject({ state: 'active', hub: `${hub.url}/hub`, error: null });
    expect(Date.parse(websub!.leaseUntil!)).toBeGreaterThan(Date.now() + 3_000_000);
    expect(await system.ctx.feedSubscriptions.get('pushed')).toMatchObject({
      state: 'active',
      hub: `${hub.url}/hub`,
      topic: subscription.topic,
      secret: subscription.secret,
      leaseSeconds: 3600,
    });
  });

  it('ingests signed pushed content at once, and drops content with a bad signature', async () => {
    const body = atom(`${hub.url}/hub`, `${feed.url}/feed`, ['1', '2']);
    const response = await push(body, `sha256=${createHmac('sha256', subscription.secret!).update(body).digest('hex')}`);
    expect(response.status).toBe(202);
    await waitFor('the pushed entry', () => pushed('2'), 1_000);
    const forged = atom(`${hub.url}/hub`, `${feed.url}/feed`, ['3']);
    expect((await push(forged, `sha256=${createHmac('sha256', 'wrong').update(forged).digest('hex')}`)).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await pushed('3')).toBe(false);
    expect((await system.ctx.sourceStatus.get('pushed')).websub?.error).toContain('SYN_ERR_WEBSUB_BAD_SIGNATURE');
    expect(feed.requests).toHaveLength(1); // pushes, not polls
  });
});

describe('WebSub rules', () => {
  const now = 1_000_000_000;
  it('subscribes when new, on a hub/topic change, after a lost request, and in the last 10 % of the lease', () => {
    expect(websubSubscriptionDue(null, 'h', 't', now)).toBe(true);
    const active: FeedSubscription = {
      hub: 'h',
      topic: 't',
      secret: 's',
      state: 'active',
      requestedAt: now - 600_000,
      leaseSeconds: 1000,
      leaseUntil: now + 500_000,
    };
    expect(websubSubscriptionDue(active, 'h', 't', now)).toBe(false);
    expect(websubSubscriptionDue(active, 'h2', 't', now)).toBe(true);
    expect(websubSubscriptionDue({ ...active, leaseUntil: now + 50_000 }, 'h', 't', now)).toBe(true);
    const pending: FeedSubscription = { hub: 'h', topic: 't', secret: 's', state: 'pending', requestedAt: now - 1000, leaseSeconds: null, leaseUntil: null };
    expect(websubSubscriptionDue(pending, 'h', 't', now)).toBe(false);
    expect(websubSubscriptionDue({ ...pending, requestedAt: now - 3_600_000 }, 'h', 't', now)).toBe(true);
  });
  it('checks sha1/sha256 signatures', () => {
    const body = Buffer.from('payload');
    expect(websubSignatureValid('s', body, `sha1=${createHmac('sha1', 's').update(body).digest('hex')}`)).toBe(true);
    expect(websubSignatureValid('s', body, `sha256=${createHmac('sha256', 's').update(body).digest('hex')}`)).toBe(true);
    expect(websubSignatureValid('s', body, 'sha256=00')).toBe(false);
    expect(websubSignatureValid('s', body, undefined)).toBe(false);
  });
});
