import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAndApply, parseHubRequest } from '../../src/publish/hub-publisher.js';
import { openTestApp } from '../support/app.js';
import { waitFor } from '../support/http.js';
import { startTestSystem } from '../support/system.js';

/**
 * A subscriber's callback on loopback: echoes the challenge, after `hold` is released when holding; counts the
 * verification GETs in flight at once.
 */
async function startCallbacks() {
  let inFlight = 0;
  let maxInFlight = 0;
  let holding = false;
  const held: Array<() => void> = [];
  const verified: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const answer = () => {
      inFlight--;
      const url = new URL(req.url ?? '/', 'http://x');
      verified.push(url.pathname);
      res.end(url.searchParams.get('hub.challenge') ?? '');
    };
    if (holding) held.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    verified,
    stats: () => ({ inFlight, maxInFlight, held: held.length }),
    hold: () => void (holding = true),
    release: () => {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const hubConfig = (hub: Record<string, unknown>, network: Record<string, unknown> = {}) => ({
  channels: [{ id: 'news', title: 'News' }],
  network: { allowHosts: ['127.0.0.1'], ...network },
  websub: { hub },
});

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
const subscribe = (test: TestApp, callback: string, remoteAddress = '127.0.0.1', format = 'atom', headers: Record<string, string> = {}) =>
  test.app.inject({
    method: 'POST',
    url: '/websub',
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.topic': `${test.ctx.env.publicUrl}/feeds/news.${format}`,
      'hub.callback': callback,
    }).toString(),
  });

describe('hub requests are rate-limited per client address', () => {
  let direct: TestApp;
  let proxied: TestApp;
  beforeAll(async () => {
    direct = await openTestApp('hub-rate', hubConfig({ requestsPerMinute: 3 }));
    proxied = await openTestApp('hub-rate-proxy', hubConfig({ requestsPerMinute: 3 }, { trustedProxies: ['127.0.0.1'] }));
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
  });

  it('answers 429 in the documented shape past the limit, counted per address, X-Forwarded-For ignored from others', async () => {
    // Invalid requests count too: the limit is applied before the body is read.
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await subscribe(direct, 'not a url', '10.9.0.1', 'atom', { 'x-forwarded-for': `10.8.0.${i}` })).statusCode);
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
    const refused = await subscribe(direct, 'not a url', '10.9.0.1');
    expect(refused.json().error).toMatchObject({ code: 'SYN_ERR_RATE_LIMITED', message: expect.stringContaining('more than 3 hub requests a minute') });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await subscribe(direct, 'not a url', '10.9.0.2')).statusCode).toBe(400);
  });

  it('takes the client address from X-Forwarded-For only from a trusted proxy', async () => {
    const fromProxy = async (client: string) => (await subscribe(proxied, 'not a url', '127.0.0.1', 'atom', { 'x-forwarded-for': client })).statusCode;
    for (let i = 0; i < 3; i++) expect(await fromProxy('203.0.113.7')).toBe(400);
    expect(await fromProxy('203.0.113.7')).toBe(429);
    expect(await fromProxy('203.0.113.8')).toBe(400);
    // The same header from an address that is not the proxy names nobody but that address.
    for (let i = 0; i < 3; i++) expect((await subscribe(proxied, 'not a url', '10.7.0.1', 'atom', { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(400);
    expect((await subscribe(proxied, 'not a url', '10.7.0.1', 'atom', { 'x-forwarded-for': '203.0.113.10' })).statusCode).toBe(429);
  });
});

describe('hub verifications go through a queue with a concurrency cap', () => {
  let test: TestApp;
  let callbacks: Awaited<ReturnType<typeof startCallbacks>>;
  beforeAll(async () => {
    callbacks = await startCallbacks();
    test = await openTestApp('hub-queue', hubConfig({ verificationConcurrency: 2, maxQueuedVerifications: 3 }));
  });
  afterAll(async () => {
    callbacks?.release();
    await test?.close();
    await callbacks?.close();
  });

  it('runs at most 2 at once, keeps 3 waiting, refuses the rest with 429 and verifies the same request once', async () => {
    callbacks.hold();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await subscribe(test, `${callbacks.base}/cb-${i}`, `10.6.0.${i}`)).statusCode);
    await waitFor('two verifications in flight', () => callbacks.stats().held === 2);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    const scraped = (await test.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(scraped).toContain('syndicate_websub_verifications{state="running"} 2');
    expect(scraped).toContain('syndicate_websub_verifications{state="waiting"} 3');
    const full = await subscribe(test, `${callbacks.base}/cb-9`);
    expect(full.json().error.code).toBe('SYN_ERR_RATE_LIMITED');
    expect(full.headers['retry-after']).toBe('10');
    // A request already waiting is accepted again without a second verification.
    expect((await subscribe(test, `${callbacks.base}/cb-4`)).statusCode).toBe(202);
    callbacks.release();
    const topic = `${test.ctx.env.publicUrl}/feeds/news.atom`;
    await waitFor('five verified subscriptions', async () => (await test.ctx.hubSubscriptions.active(topic, Date.now())).length === 5);
    expect(callbacks.stats().maxInFlight).toBe(2);
    expect(callbacks.verified.sort()).toEqual(['/cb-0', '/cb-1', '/cb-2', '/cb-3', '/cb-4']);
  });
});

describe('hub subscriptions are capped per topic and per callback host', () => {
  let test: TestApp;
  let callbacks: Awaited<ReturnType<typeof startCallbacks>>;
  beforeAll(async () => {
    callbacks = await startCallbacks();
    test = await openTestApp('hub-caps', hubConfig({ maxSubscriptionsPerTopic: 2, maxSubscriptionsPerCallbackHost: 3 }));
  });
  afterAll(async () => {
    await test?.close();
    await callbacks?.close();
  });

  const topic = (format: string) => `${test.ctx.env.publicUrl}/feeds/news.${format}`;
  const verifiedOn = async (format: string, count: number) =>
    waitFor(`${count} subscriptions of ${format}`, async () => (await test.ctx.hubSubscriptions.active(topic(format), Date.now())).length === count);

  it('refuses a new callback on a full topic or host with 403 SYN_ERR_WEBSUB_LIMIT; renewals go through', async () => {
    expect((await subscribe(test, `${callbacks.base}/a`)).statusCode).toBe(202);
    expect((await subscribe(test, `${callbacks.base}/b`)).statusCode).toBe(202);
    await verifiedOn('atom', 2);
    const full = await subscribe(test, `${callbacks.base}/c`);
    expect(full.statusCode).toBe(403);
    expect(full.json().error).toEqual({ code: 'SYN_ERR_WEBSUB_LIMIT', message: 'this topic has 2 subscriptions already' });
    // A renewal of a subscriber already there is no new subscription.
    const before = callbacks.verified.length;
    expect((await subscribe(test, `${callbacks.base}/a`)).statusCode).toBe(202);
    await waitFor('the renewal verified', () => callbacks.verified.length === before + 1);
    // The host holds 2; one more on another topic fits, the next does not.
    expect((await subscribe(test, `${callbacks.base}/d`, '127.0.0.1', 'rss')).statusCode).toBe(202);
    await verifiedOn('rss', 1);
    const hostFull = await subscribe(test, `${callbacks.base}/e`, '127.0.0.1', 'json');
    expect(hostFull.statusCode).toBe(403);
    expect(hostFull.json().error.message).toBe('callbacks on this host hold 3 subscriptions already');
  });

  it('refuses at storing time too, when others filled the topic while a verification ran', async () => {
    const caps = test.ctx.config.websub.hub;
    const sub = { topic: topic('atom'), callback: 'http://127.0.0.2/late', secret: null, leaseSeconds: 60, expiresAt: Date.now() + 60_000 };
    expect(await test.ctx.hubSubscriptions.save(sub, caps)).toBe('topic');
    expect(await test.ctx.hubSubscriptions.get(sub.topic, sub.callback, Date.now())).toBeNull();
    // A verification that passes but finds its topic full stores nothing.
    const request = parseHubRequest({ 'hub.mode': 'subscribe', 'hub.topic': topic('atom'), 'hub.callback': `${callbacks.base}/late` }, test.ctx);
    expect(await verifyAndApply(test.ctx, request)).toBe(false);
    expect((await test.ctx.hubSubscriptions.active(topic('atom'), Date.now())).map((s) => new URL(s.callback).pathname).sort()).toEqual(['/a', '/b']);
  });
});

describe("a subscriber's verification answer is read bounded", () => {
  let test: TestApp;
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    test = await openTestApp('hub-answer', hubConfig({ verificationTimeout: '1s' }));
    server = http.createServer((req, res) => {
      req.resume();
      const challenge = new URL(req.url ?? '/', 'http://x').searchParams.get('hub.challenge') ?? '';
      res.writeHead(200);
      if (req.url?.startsWith('/endless')) {
        // The challenge, then an endless stream after it.
        res.write(challenge);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      // The challenge, one byte every 100 ms, never finished.
      let i = 0;
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(challenge[i++ % challenge.length] ?? ' ')), 100);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    server?.close();
    await test?.close();
  });

  const verify = (path: string) =>
    verifyAndApply(
      test.ctx,
      parseHubRequest({ 'hub.mode': 'subscribe', 'hub.topic': `${test.ctx.env.publicUrl}/feeds/news.atom`, 'hub.callback': `${base}${path}` }, test.ctx),
    );

  it('stops after 4 KB of an endless answer', async () => {
    const started = Date.now();
    expect(await verify('/endless')).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('gives up a dripping answer at websub.hub.verificationTimeout', async () => {
    const started = Date.now();
    expect(await verify('/drip')).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('expired hub subscriptions are swept by the websub role', () => {
  it('removes them within a sweep interval, and keeps live ones', async () => {
    const system = await startTestSystem('hub-sweep', { channels: [{ id: 'news', title: 'News' }], websub: { hub: { sweepInterval: '200ms' } } }, ['websub']);
    try {
      const store = system.ctx.hubSubscriptions;
      const caps = system.ctx.config.websub.hub;
      const topic = `${system.ctx.env.publicUrl}/feeds/news.atom`;
      await store.save({ topic, callback: 'http://127.0.0.1:9/short', secret: null, leaseSeconds: 1, expiresAt: Date.now() + 300 }, caps);
      await store.save({ topic, callback: 'http://127.0.0.1:9/long', secret: null, leaseSeconds: 3600, expiresAt: Date.now() + 3_600_000 }, caps);
      await waitFor('the sweep', async () => (await system.ctx.redis.hlen(system.ctx.keys.websubSubscriptions(topic))) === 1, 5_000);
      expect((await store.active(topic, Date.now())).map((s) => s.callback)).toEqual(['http://127.0.0.1:9/long']);
      expect(await system.ctx.redis.zcard(system.ctx.keys.websubExpiries)).toBe(1);
      expect(await system.ctx.redis.hlen(system.ctx.keys.websubCallbackHost('127.0.0.1'))).toBe(1);
    } finally {
      await system.cleanup();
    }
  });
});
