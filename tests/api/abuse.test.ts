import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_SCHEMAS, type RouteKey } from '../../src/api/schemas.js';
import type { AppContext } from '../../src/runtime/context.js';
import { openTestApp, TEST_ADMIN_TOKEN } from '../support/app.js';

/**
 * Untrusted input, table-driven: every route of the HTTP API (read from the one schema table, so a route added
 * later is covered) × every kind of abuse. Each answer is a 4xx in the documented shape, never a 5xx, and no
 * secret (the admin token, a webhook secret) shows up in any response or any log line.
 */

const ADMIN_TOKEN = TEST_ADMIN_TOKEN;
const STORED_SECRET = 'whsec_StoredSecretThatMustNeverLeak00000';
const SENT_SECRET = 'whsec_SentSecretThatMustNeverLeak1111111';
const SECRETS = [ADMIN_TOKEN, STORED_SECRET, SENT_SECRET, STORED_SECRET.slice('whsec_'.length), SENT_SECRET.slice('whsec_'.length)];
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** A concrete URL for a route: its params filled with names that exist (or plausibly could). */
function urlOf(path: string): string {
  return path.replace(':queue', 'normalize').replace(/:([a-zA-Z]+)/g, (_m, name: string) => (name === 'file' ? 'all.atom' : 'partner'));
}

interface Abuse {
  name: string;
  /** The request to make for a route, or null when this abuse does not apply to it. */
  request(method: string, url: string, isApi: boolean): InjectOptions | null;
  /** The status the answer must have (a 4xx, or just "not 5xx" where a route may rightly ignore the abuse). */
  expect: 'exactly-4xx' | 'not-5xx';
}

const hasBody = (method: string) => method === 'PUT' || method === 'POST';

const ABUSES: Abuse[] = [
  { name: 'no token', expect: 'exactly-4xx', request: (method, url, isApi) => (isApi ? { method, url } : null) } as Abuse,
  {
    name: 'wrong token',
    expect: 'exactly-4xx',
    request: (method, url, isApi) => (isApi ? { method, url, headers: { authorization: 'Bearer wrong-token' } } : null),
  } as Abuse,
  {
    name: 'malformed JSON',
    expect: 'exactly-4xx',
    request: (method, url) =>
      hasBody(method) ? { method, url, headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name": "x", "url": ' } : null,
  } as Abuse,
  {
    name: 'wrong types',
    expect: 'exactly-4xx',
    request: (method, url) =>
      hasBody(method)
        ? {
            method,
            url,
            headers: auth,
            payload: {
              id: 7,
              name: ['x'],
              title: {},
              url: 42,
              secret: 123,
              from: { when: 'now' },
              to: [1],
              subscription: {},
              interval: true,
              enabled: 'yes',
              'hub.mode': 5,
            },
          }
        : null,
  } as Abuse,
  {
    name: 'a JSON array body',
    expect: 'exactly-4xx',
    request: (method, url) => (hasBody(method) ? { method, url, headers: { ...auth, 'content-type': 'application/json' }, payload: '[1,2,3]' } : null),
  } as Abuse,
  {
    name: 'bad query values',
    expect: 'not-5xx',
    request: (method, url) => ({ method, url: `${url}?limit=-1&offset=abc&from=yesterday&to=%00&channel=%2F..%2F&subscription[x]=1`, headers: auth }),
  } as Abuse,
  {
    name: 'oversized body',
    expect: 'exactly-4xx',
    request: (method, url) =>
      hasBody(method)
        ? { method, url, headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) }
        : null,
  } as Abuse,
  {
    name: 'unsupported content type',
    expect: 'exactly-4xx',
    request: (method, url) =>
      hasBody(method) ? { method, url, headers: { ...auth, 'content-type': 'application/x-msgpack' }, payload: Buffer.from([0x81, 0xa1, 0x61, 0x01]) } : null,
  } as Abuse,
  {
    name: 'over-long path segment',
    expect: 'exactly-4xx',
    request: (method, url) =>
      /partner|all\.atom|normalize/.test(url) ? { method, url: url.replace(/partner|all\.atom|normalize/, 'p'.repeat(5_000)), headers: auth } : null,
  } as Abuse,
];

/** Bodies for the routes that store URLs: each must be refused with a 4xx. */
const HOSTILE_URLS = [
  'file:///etc/passwd',
  'file:../../../etc/hostname',
  'http://169.254.169.254/latest/meta-data/',
  'http://10.0.0.1/',
  'http://[::1]:6379/',
  'http://0.0.0.0/',
  'gopher://127.0.0.1:6379/_INFO',
  'javascript:alert(1)',
];

describe('API abuse: every route × every kind of bad request', () => {
  let ctx: AppContext;
  let app: FastifyInstance;
  let close: () => Promise<void>;
  const logLines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    // Loopback is not allowed here (no allowHosts): the private-address guard is what the test exercises.
    ({ ctx, app, close } = await openTestApp(
      'abuse',
      { channels: [{ id: 'all', title: 'All' }], subscriptions: [{ id: 'partner', url: 'https://partner.example/hooks', secret: STORED_SECRET }] },
      pino({ level: 'trace' }, sink),
    ));
  });

  afterAll(() => close());

  const answers: Array<{ what: string; status: number; body: string }> = [];

  async function check(what: string, request: InjectOptions, expectation: Abuse['expect']): Promise<void> {
    const response = await app.inject(request);
    answers.push({ what, status: response.statusCode, body: response.body });
    expect(response.statusCode, `${what}: ${response.body.slice(0, 200)}`).toBeLessThan(500);
    if (expectation === 'exactly-4xx') expect(response.statusCode, `${what}: ${response.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    if (response.statusCode >= 400) {
      expect(response.json(), what).toEqual({
        error: {
          code: expect.stringMatching(/^SYN_ERR_[A-Z_]+$/),
          message: expect.any(String),
          ...(response.json().error.details ? { details: expect.anything() } : {}),
        },
      });
    }
  }

  const routes = Object.keys(ROUTE_SCHEMAS) as RouteKey[];

  it('covers every route of the schema table', () => {
    expect(routes.length).toBeGreaterThanOrEqual(30);
    expect(routes.filter((r) => r.includes('/api/v1/')).length).toBeGreaterThanOrEqual(20);
  });

  for (const abuse of ABUSES) {
    it(`answers ${abuse.name} with a 4xx in the documented shape on every route`, async () => {
      let tried = 0;
      for (const route of routes) {
        const [method, path] = route.split(' ') as [string, string];
        const request = abuse.request(method, urlOf(path), path.startsWith('/api/') || path.startsWith('/admin'));
        if (!request) continue;
        tried++;
        await check(`${abuse.name}: ${route}`, request, abuse.expect);
      }
      expect(tried).toBeGreaterThan(0);
    });
  }

  it('refuses file: and private-address URLs for sources and subscriptions, and as a WebSub callback', async () => {
    for (const url of HOSTILE_URLS) {
      await check(`source ${url}`, { method: 'PUT', url: '/api/v1/sources/hostile', headers: auth, payload: { name: 'Hostile', url } }, 'exactly-4xx');
      await check(
        `subscription ${url}`,
        { method: 'PUT', url: '/api/v1/subscriptions/hostile', headers: auth, payload: { url, secret: SENT_SECRET } },
        'exactly-4xx',
      );
      const form = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': `${ctx.env.publicUrl}/feeds/all.atom`, 'hub.callback': url }).toString();
      await check(
        `websub callback ${url}`,
        { method: 'POST', url: '/websub', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form },
        'exactly-4xx',
      );
    }
    // None of them was stored.
    expect(await ctx.catalog.get('sources', 'hostile')).toBeNull();
    expect(await ctx.catalog.get('subscriptions', 'hostile')).toBeNull();
    const blocked = answers.filter((a) => a.what.includes('169.254.169.254') && !a.what.startsWith('websub'));
    expect(blocked.every((a) => JSON.parse(a.body).error.code === 'SYN_ERR_FETCH_BLOCKED_ADDRESS')).toBe(true);
  });

  it('refuses what the issue saw accepted: limit=-1 and limit=abc, a numeric range, an object as subscription', async () => {
    for (const url of [
      '/api/v1/items?limit=-1',
      '/api/v1/items?limit=abc',
      '/api/v1/deliveries/failed?limit=0',
      '/api/v1/subscriptions/partner/deliveries?limit=1.5',
    ]) {
      await check(url, { method: 'GET', url, headers: auth }, 'exactly-4xx');
    }
    await check(
      'replay with an object as subscription',
      {
        method: 'POST',
        url: '/api/v1/deliveries/replay',
        headers: auth,
        payload: { from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', subscription: { $ne: null } },
      },
      'exactly-4xx',
    );
    await check('replay without a range', { method: 'POST', url: '/api/v1/deliveries/replay', headers: auth, payload: {} }, 'exactly-4xx');
  });

  it("answers fastify's own errors in the documented shape: 404, unknown method, 414, 413, 415, bad URL", async () => {
    await check('unknown route', { method: 'GET', url: '/nope' }, 'exactly-4xx');
    await check('unknown method', { method: 'PATCH', url: '/api/v1/sources/partner', headers: auth }, 'exactly-4xx');
    await check('414', { method: 'GET', url: `/feeds/${'a'.repeat(10_000)}.atom` }, 'exactly-4xx');
    await check('bad percent-encoding', { method: 'GET', url: '/feeds/%E0%A4%A.atom' }, 'exactly-4xx');
    await check(
      '413 on the hub',
      { method: 'POST', url: '/websub', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `hub.mode=${'x'.repeat(64 * 1024)}` },
      'exactly-4xx',
    );
    expect(answers.find((a) => a.what === '414')!.status).toBe(414);
  });

  it('a good request still works (the table is not refusing everything)', async () => {
    const created = await app.inject({ method: 'PUT', url: '/api/v1/sources/fine', headers: auth, payload: { name: 'Fine', url: 'https://example.com/rss' } });
    expect(created.statusCode).toBe(201);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/items?limit=5&offset=0', headers: auth });
    expect(listed.statusCode).toBe(200);
  });

  it('never shows a secret in any answer or any log line', () => {
    expect(answers.length).toBeGreaterThan(100);
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of SECRETS) {
      for (const answer of answers) expect(answer.body.includes(secret), `${answer.what} leaks a secret`).toBe(false);
      for (const line of logLines) expect(line.includes(secret), `log line leaks a secret: ${line.slice(0, 200)}`).toBe(false);
    }
  });
});
