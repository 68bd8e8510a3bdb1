import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedSubscription } from '../../src/fetch/feed-subscriptions.js';
import {
  decideVerification,
  ensureWebSubSubscription,
  MIN_LEASE_SECONDS,
  REQUESTED_LEASE_SECONDS,
  VERIFICATION_WINDOW_MS,
} from '../../src/fetch/hub-subscriber.js';
import { openTestApp } from '../support/app.js';

const TOPIC = 'https://outlet.example/feed';
const now = 1_800_000_000_000;
const subscription = (over: Partial<FeedSubscription> = {}): FeedSubscription => ({
  hub: 'https://hub.example/',
  topic: TOPIC,
  secret: 'a'.repeat(48),
  state: 'pending',
  requestedAt: now - 60_000,
  leaseUntil: null,
  leaseSeconds: null,
  ...over,
});
const verification = (over: Record<string, string> = {}) => ({
  'hub.mode': 'subscribe',
  'hub.topic': TOPIC,
  'hub.challenge': 'c-1',
  'hub.lease_seconds': '3600',
  ...over,
});

describe('which verifications the callback accepts', () => {
  it('only as an answer to our own request of the last few minutes, for our topic', () => {
    expect(decideVerification(subscription(), verification(), now)).toEqual({ accept: true, mode: 'subscribe', leaseSeconds: 3600 });
    expect(decideVerification(subscription({ requestedAt: now - VERIFICATION_WINDOW_MS }), verification(), now).accept).toBe(true);
    expect(decideVerification(subscription({ requestedAt: now - VERIFICATION_WINDOW_MS - 1 }), verification(), now)).toMatchObject({ accept: false });
    expect(decideVerification(subscription({ requestedAt: now + 60_000 }), verification(), now).accept).toBe(false);
    expect(decideVerification(null, verification(), now).accept).toBe(false);
    expect(decideVerification(subscription(), verification({ 'hub.topic': 'https://other.example/feed' }), now).accept).toBe(false);
    expect(decideVerification(subscription(), verification({ 'hub.mode': 'unsubscribe' }), now).accept).toBe(false);
    expect(decideVerification(subscription(), { 'hub.mode': 'subscribe', 'hub.topic': TOPIC }, now).accept).toBe(false);
  });

  it('an active subscription renews like a first one; without a renewal of ours waiting, a forged GET changes nothing', () => {
    const active = subscription({ state: 'active', leaseSeconds: 3600, leaseUntil: now + 1_000_000 });
    expect(decideVerification({ ...active, requestedAt: now - 1_000 }, verification(), now).accept).toBe(true);
    expect(decideVerification({ ...active, requestedAt: now - 86_400_000 }, verification(), now).accept).toBe(false);
  });

  it('keeps the granted lease between the minimum and what we asked for', () => {
    const lease = (given: string | undefined) => {
      const decision = decideVerification(subscription(), { ...verification(), 'hub.lease_seconds': given }, now);
      return decision.accept && decision.mode === 'subscribe' ? decision.leaseSeconds : null;
    };
    expect(lease(String(10 ** 9))).toBe(REQUESTED_LEASE_SECONDS);
    expect(lease('1')).toBe(MIN_LEASE_SECONDS);
    expect(lease('7200')).toBe(7200);
    expect(lease('-5')).toBe(86_400);
    expect(lease(undefined)).toBe(86_400);
    expect(lease('NaN')).toBe(86_400);
  });

  it('takes a denial only within the window too', () => {
    expect(decideVerification(subscription(), { 'hub.mode': 'denied', 'hub.topic': TOPIC, 'hub.reason': 'nope' }, now)).toEqual({
      accept: true,
      mode: 'denied',
      reason: 'nope',
    });
    expect(decideVerification(subscription({ requestedAt: now - 3_600_000 }), { 'hub.mode': 'denied', 'hub.topic': TOPIC }, now).accept).toBe(false);
  });
});

/** Sends raw bytes and answers what came back within `waitMs` (empty when nothing did). */
function sendAndListen(port: number, bytes: string, waitMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.write(bytes);
    setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, waitMs);
  });
}

describe('the callback route', () => {
  let test: Awaited<ReturnType<typeof openTestApp>>;
  let port = 0;
  const get = (sourceId: string, query: Record<string, string>) =>
    test.app.inject({ method: 'GET', url: `/websub/${sourceId}?${new URLSearchParams(query).toString()}` });

  beforeAll(async () => {
    test = await openTestApp('websub-callback-guard', { network: { allowHosts: ['127.0.0.1'] }, limits: { fetchTimeout: '1s' } });
    await test.app.listen({ host: '127.0.0.1', port: 0 });
    port = (test.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => test?.close());

  it('refuses a forged verification or denial outside the window, and leaves the subscription as it was', async () => {
    const stale = { ...subscription({ state: 'active', leaseSeconds: 3600, leaseUntil: Date.now() + 3_000_000 }), requestedAt: Date.now() - 3_600_000 };
    await test.ctx.feedSubscriptions.save('stale', stale);
    const forged = await get('stale', verification({ 'hub.lease_seconds': String(10 ** 9) }));
    expect(forged.statusCode).toBe(404);
    expect(forged.json().error.code).toBe('SYN_ERR_NOT_FOUND');
    expect((await get('stale', { 'hub.mode': 'denied', 'hub.topic': TOPIC })).statusCode).toBe(404);
    expect(await test.ctx.feedSubscriptions.get('stale')).toEqual(stale);
  });

  it('accepts the verification of a request just sent, with the lease capped', async () => {
    await test.ctx.feedSubscriptions.save('fresh', subscription({ requestedAt: Date.now() - 1_000 }));
    const answer = await get('fresh', verification({ 'hub.lease_seconds': String(10 ** 9) }));
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toBe('c-1');
    const stored = await test.ctx.feedSubscriptions.get('fresh');
    expect(stored).toMatchObject({ state: 'active', leaseSeconds: REQUESTED_LEASE_SECONDS });
    expect(stored!.leaseUntil! - Date.now()).toBeLessThanOrEqual(REQUESTED_LEASE_SECONDS * 1000);
    expect((await test.ctx.sourceStatus.get('fresh')).websub).toMatchObject({ state: 'active' });
  });

  it('answers a POST to no subscription, or one without a signature, before reading its body', async () => {
    await test.ctx.feedSubscriptions.save('live', subscription({ state: 'active', requestedAt: Date.now() - 3_600_000 }));
    // Headers announce 9 MB; not one byte of the body is sent, so only an answer given before reading it arrives.
    const head = (sourceId: string, extra = '') =>
      `POST /websub/${sourceId} HTTP/1.1\r\nHost: x\r\nContent-Type: application/atom+xml\r\nContent-Length: 9000000\r\n${extra}\r\n`;
    const unknown = await sendAndListen(port, head('nobody'), 1_000);
    expect(unknown).toMatch(/^HTTP\/1\.1 410 /);
    expect(unknown).toContain('"code":"SYN_ERR_NOT_FOUND"');
    expect(unknown.toLowerCase()).toContain('connection: close');
    const unsigned = await sendAndListen(port, head('live'), 1_000);
    expect(unsigned).toMatch(/^HTTP\/1\.1 202 /);
    expect((await test.ctx.sourceStatus.get('live')).websub?.error).toContain('SYN_ERR_WEBSUB_BAD_SIGNATURE');
    // A signed push is read: nothing is answered while its body has not arrived.
    expect(await sendAndListen(port, head('live', 'X-Hub-Signature: sha256=00\r\n'), 500)).toBe('');
    // A body over the cap is refused on its announced length alone.
    const huge = await sendAndListen(port, head('live', 'X-Hub-Signature: sha256=00\r\n').replace('9000000', String(64 * 1024 * 1024)), 1_000);
    expect(huge).toMatch(/^HTTP\/1\.1 413 /);
  });
});

describe("reading a feed's hub's answer", () => {
  let test: Awaited<ReturnType<typeof openTestApp>>;
  let hub: http.Server;
  let hubUrl = '';
  let sentBytes = 0;

  beforeAll(async () => {
    test = await openTestApp('websub-hub-answer', { network: { allowHosts: ['127.0.0.1'] }, limits: { fetchTimeout: '1s' } });
    hub = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/endless') {
        // A fast endless answer: 64 KB chunks for as long as anyone reads.
        res.writeHead(202);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) sentBytes += chunk.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      // A slow drip: one byte every 100 ms, forever (each wait is short, so only a total deadline ends it).
      res.writeHead(202);
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('.')), 100);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hub?.closeAllConnections();
    hub?.close();
    await test?.close();
  });

  it('reads at most 4 KB of an endless answer and stops', async () => {
    const started = Date.now();
    const result = await ensureWebSubSubscription(test.ctx, 'endless', `${hubUrl}/endless`, TOPIC);
    expect(result?.state).toBe('pending');
    expect(Date.now() - started).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // What the hub managed to write before we hung up: socket buffers, not the endless stream.
    expect(sentBytes).toBeLessThan(8 * 1024 * 1024);
  });

  it('gives up a slowly dripping answer at the fetch timeout', async () => {
    const started = Date.now();
    const result = await ensureWebSubSubscription(test.ctx, 'drip', `${hubUrl}/drip`, TOPIC);
    const took = Date.now() - started;
    expect(result?.state).toBe('failed');
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(3_000);
    expect((await test.ctx.sourceStatus.get('drip')).websub?.error).toMatch(/^SYN_ERR_WEBSUB_SUBSCRIBE_FAILED: /);
  });
});
