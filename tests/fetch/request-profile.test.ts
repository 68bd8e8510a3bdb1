import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { renderOpml } from '../../src/catalog/opml.js';
import { escape, seedPage, TITLE } from '../support/seed.js';
import { waitFor } from '../support/http.js';
import { startTestSystem } from '../support/system.js';

type System = Awaited<ReturnType<typeof startTestSystem>>;

const SECRET_HEADER = 'key-7f3a9c1e5b';
const PASSWORD = 'pw-d41d8cd98f';
const COOKIE = 'sess-0cc175b9c0';
const AUTH = `Basic ${Buffer.from(`reader:${PASSWORD}`).toString('base64')}`;

/** A loopback site on a host of its own (127.0.0.x), recording each request's path and headers. */
async function site(host: string, answer: (path: string, req: IncomingMessage) => { status: number; type?: string; body?: string; location?: string }) {
  const seen: Array<{ path: string; headers: IncomingMessage['headers'] }> = [];
  const server = http.createServer((req, res) => {
    const path = req.url!.split('?')[0]!;
    seen.push({ path, headers: req.headers });
    const a = answer(path, req);
    res.writeHead(a.status, { ...(a.type ? { 'content-type': a.type } : {}), ...(a.location ? { location: a.location } : {}) }).end(a.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

const carriesSecrets = (headers: IncomingMessage['headers']) =>
  JSON.stringify(headers).includes(SECRET_HEADER) || JSON.stringify(headers).includes(COOKIE) || headers.authorization !== undefined;

const feed = (link: string, guid: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Paywalled</title>
<item><title>${escape(TITLE)}</title><link>${link}</link><guid isPermaLink="false">${guid}</guid><description>Teaser only.</description></item></channel></rss>`;

describe('request profile per source: headers, user agent, basic auth, cookies', () => {
  let own: Awaited<ReturnType<typeof site>>;
  let elsewhere: Awaited<ReturnType<typeof site>>;
  let named: Awaited<ReturnType<typeof site>>;
  let system: System;
  let app: FastifyInstance;
  const authorized = (req: IncomingMessage) =>
    req.headers.authorization === AUTH && req.headers['x-api-key'] === SECRET_HEADER && req.headers.cookie === `session=${COOKIE}`;

  beforeAll(async () => {
    elsewhere = await site('127.0.0.2', (path) =>
      path.startsWith('/feed')
        ? { status: 200, type: 'application/rss+xml', body: feed(`${elsewhere.url}/news/moved`, 'moved-1') }
        : { status: 200, type: 'text/html', body: seedPage() },
    );
    named = await site('127.0.0.3', () => ({ status: 200, type: 'text/html', body: seedPage() }));
    own = await site('127.0.0.1', (path, req) => {
      if (path === '/moved') return { status: 302, location: `${elsewhere.url}/feed/after-redirect` };
      if (!authorized(req)) return { status: 401 };
      if (path === '/feed/elsewhere') return { status: 200, type: 'application/rss+xml', body: feed(`${elsewhere.url}/news/page`, 'elsewhere-1') };
      if (path === '/feed/named') return { status: 200, type: 'application/rss+xml', body: feed(`${named.url}/news/page`, 'named-1') };
      if (path === '/feed/own') return { status: 200, type: 'application/rss+xml', body: feed(`${own.url}/news/page`, 'own-1') };
      return { status: 200, type: 'text/html', body: seedPage() };
    });
    const profile = {
      userAgent: 'PartnerBot/2.0',
      headers: { 'X-Api-Key': SECRET_HEADER },
      auth: { username: 'reader', password: PASSWORD },
      cookies: { session: COOKIE },
    };
    system = await startTestSystem(
      'request-profile',
      {
        network: { allowHosts: ['127.0.0.0/8'] },
        limits: { hostSpacing: '10ms', fetchTimeout: '3s' },
        sources: [
          { id: 'own', name: 'Own', url: `${own.url}/feed/own`, interval: '1h', fullText: 'always', request: profile },
          { id: 'elsewhere', name: 'Elsewhere', url: `${own.url}/feed/elsewhere`, interval: '1h', fullText: 'always', request: profile },
          {
            id: 'named',
            name: 'Named',
            url: `${own.url}/feed/named`,
            interval: '1h',
            fullText: 'always',
            request: { ...profile, hosts: [new URL(named.url).host] },
          },
          { id: 'redirected', name: 'Redirected', url: `${own.url}/moved`, interval: '1h', fullText: 'never', request: profile },
        ],
      },
      ['scheduler', 'fetch'],
    );
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
    await Promise.all([own?.close(), elsewhere?.close(), named?.close()]);
  });

  const statusOf = async (id: string) => await system.ctx.sourceStatus.get(id);

  it('sends the profile to the feed and its own article pages, and fetches what needs it', async () => {
    await waitFor('own fetched with its page', async () => (await statusOf('own')).fullText.fetched === 1, 20_000);
    const feedRequest = own.seen.find((r) => r.path === '/feed/own')!;
    expect(feedRequest.headers['user-agent']).toBe('PartnerBot/2.0');
    expect(authorized({ headers: feedRequest.headers } as IncomingMessage)).toBe(true);
    expect((await statusOf('own')).errorCode).toBeNull();
  });

  it('never sends it to an article page on another host, nor across a redirect to another host', async () => {
    await waitFor('elsewhere page read', async () => (await statusOf('elsewhere')).fullText.fetched === 1, 20_000);
    await waitFor('redirected fetched', async () => (await statusOf('redirected')).lastSuccessAt, 20_000);
    expect(elsewhere.seen.map((r) => r.path).sort()).toEqual(['/feed/after-redirect', '/news/page']);
    for (const request of elsewhere.seen) {
      expect(carriesSecrets(request.headers), request.path).toBe(false);
      expect(request.headers['user-agent']).not.toBe('PartnerBot/2.0');
    }
  });

  it('sends it to a host the profile names', async () => {
    await waitFor('named page read', async () => (await statusOf('named')).fullText.fetched === 1, 20_000);
    expect(named.seen).toHaveLength(1);
    expect(authorized({ headers: named.seen[0]!.headers } as IncomingMessage)).toBe(true);
  });

  it('redacts it in API answers and the status page; a PUT without it keeps it; OPML leaves it out and says so', async () => {
    const auth = { authorization: 'Bearer test-admin-token' };
    const got = await app.inject({ method: 'GET', url: '/api/v1/sources/own', headers: auth });
    const list = await app.inject({ method: 'GET', url: '/api/v1/sources', headers: auth });
    const page = await app.inject({ method: 'GET', url: '/admin', headers: auth });
    for (const body of [got.body, list.body, page.body]) for (const secret of [SECRET_HEADER, PASSWORD, COOKIE]) expect(body).not.toContain(secret);
    const shown = got.json().source.request;
    expect(shown).toEqual({
      userAgent: 'PartnerBot/2.0',
      headers: { 'X-Api-Key': '[REDACTED]' },
      auth: { username: 'reader', password: '[REDACTED]' },
      cookies: { session: '[REDACTED]' },
    });

    // A PUT that leaves the profile out, and one that sends back what GET showed, both keep the secrets.
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/sources/own',
      headers: auth,
      payload: { name: 'Own renamed', url: `${own.url}/feed/own`, interval: '1h' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.body).not.toContain(PASSWORD);
    expect((await system.ctx.catalog.get('sources', 'own'))!.request!.auth!.password).toBe(PASSWORD);
    const roundTrip = await app.inject({
      method: 'PUT',
      url: '/api/v1/sources/own',
      headers: auth,
      payload: { ...got.json().source, status: undefined, interval: '1h' },
    });
    expect(roundTrip.statusCode).toBe(200);
    expect((await system.ctx.catalog.get('sources', 'own'))!.request).toMatchObject({ headers: { 'X-Api-Key': SECRET_HEADER }, cookies: { session: COOKIE } });
    // The kept profile still opens the feed.
    const before = own.seen.filter((r) => r.path === '/feed/own').length;
    await app.inject({ method: 'POST', url: '/api/v1/sources/own/fetch', headers: auth });
    await waitFor('a second fetch', () => own.seen.filter((r) => r.path === '/feed/own').length > before, 20_000);
    expect(authorized({ headers: own.seen.filter((r) => r.path === '/feed/own').at(-1)!.headers } as IncomingMessage)).toBe(true);

    const removed = await app.inject({
      method: 'PUT',
      url: '/api/v1/sources/named',
      headers: auth,
      payload: { name: 'Named', url: `${own.url}/feed/named`, request: null },
    });
    expect(removed.statusCode).toBe(200);
    expect((await system.ctx.catalog.get('sources', 'named'))!.request).toBeUndefined();

    const opml = renderOpml(await system.ctx.catalog.list('sources'));
    for (const secret of [SECRET_HEADER, PASSWORD, COOKIE, 'PartnerBot']) expect(opml).not.toContain(secret);
    expect(opml).toMatch(/request profiles .* left out of this export: elsewhere, own, redirected/);
  }, 40_000);

  it('refuses header values with line breaks and headers the fetcher sets itself', async () => {
    const auth = { authorization: 'Bearer test-admin-token' };
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/sources/bad',
      headers: auth,
      payload: { name: 'Bad', url: `${own.url}/feed/own`, request: { headers: { 'X-A': 'a\r\nX-B: b', Host: 'evil' } } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('SYN_ERR_BAD_REQUEST');
    expect(bad.body).toMatch(/one line/);
    expect(bad.body).toMatch(/Host is set by the fetcher/);
  });
});
