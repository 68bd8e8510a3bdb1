import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { startSampleFeedSite } from '../support/seed.js';
import { startTestSystem } from '../support/system.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const TOKEN = 'status-page-token';
/** Screenshots are kept here (gitignored) so a person can look at what the test saw. */
const OUTPUT_DIR = new URL('../../test-output/', import.meta.url);

describe('/admin: the status page, as a person sees it in Chromium', () => {
  let feeds: LoopbackServer;
  let receiver: LoopbackServer;
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let app: FastifyInstance;
  let base = '';
  let browser: Browser;

  beforeAll(async () => {
    feeds = await startSampleFeedSite(503, 'maintenance');
    receiver = await startServer((req, res) => {
      // One endpoint works; the other is gone (410), which disables its subscription and dead-letters the event.
      res.statusCode = req.url.startsWith('/gone') ? 410 : 204;
      res.end();
    });
    system = await startTestSystem('status-page', {
      sources: [
        { id: 'news-az', name: 'News.Az', url: `${feeds.url}/news-az.rss`, interval: '1h' },
        { id: 'mirror', name: 'Mirror Outlet', url: `${feeds.url}/mirror.rss`, interval: '1h' },
        { id: 'broken', name: 'Broken Outlet', url: `${feeds.url}/broken.rss`, interval: '1h' },
      ],
      channels: [{ id: 'all', title: 'Everything' }],
      subscriptions: [
        { id: 'partner', url: `${receiver.url}/hooks`, secret: SECRET },
        { id: 'departed', url: `${receiver.url}/gone`, secret: SECRET },
      ],
    });
    await waitFor(
      'both outlets on the story and both subscriptions tried',
      async () => {
        const [story] = await system.ctx.items.latest(1);
        const broken = (await system.ctx.sourceStatus.get('broken')).errorCode;
        return (
          story?.sources.length === 2 &&
          broken &&
          receiver.requests.some((r) => r.url.startsWith('/gone')) &&
          receiver.requests.filter((r) => r.url.startsWith('/hooks')).length >= 2
        );
      },
      30_000,
    );
    app = await buildApp({ ctx: system.ctx, adminToken: TOKEN });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await system?.cleanup();
    await feeds?.close();
    await receiver?.close();
  });

  it('asks for the token: no page without it', async () => {
    // Chromium refuses to navigate to a page asking for Basic auth when it has no credentials at all, so that case
    // goes through the browser context's own HTTP client; with wrong ones it shows the 401.
    const context = await browser.newContext();
    const response = await context.request.get(`${base}/admin`);
    expect(response.status()).toBe(401);
    expect(response.headers()['www-authenticate']).toBe('Basic realm="syndicate admin"');
    expect(await response.text()).toContain('SYN_ERR_UNAUTHORIZED');
    const wrong = await browser.newContext({ httpCredentials: { username: 'operator', password: 'wrong' } });
    const refused = await (await wrong.newPage()).goto(`${base}/admin`);
    expect(refused?.status()).toBe(401);
    await wrong.close();
    await context.close();
  });

  it('shows sources with health, last fetch, last error, next poll and stories; stories with their outlets; subscriptions with delivery health and dead letters', async () => {
    // A person signs in the way the browser asks (Basic auth: any user, the token as password).
    const context = await browser.newContext({ httpCredentials: { username: 'operator', password: TOKEN }, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const response = await page.goto(`${base}/admin`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('syndicate status');
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: new URL('admin-status.png', OUTPUT_DIR).pathname, fullPage: true });

    const sources = page.locator('#sources');
    await expect.poll(() => sources.locator('h2').innerText()).toMatch(/Sources\s+3 · 1 failing/);
    const header = await sources.locator('thead th').allInnerTexts();
    expect(header).toEqual(['Source', 'Health', 'Last fetch', 'Last error', 'Next poll', 'Stories', 'Feed']);
    const row = async (id: string) => (await sources.locator(`tr[data-source="${id}"] td`).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    const newsAz = await row('news-az');
    expect(newsAz[0]).toBe('News.Az news-az');
    expect(newsAz[1]).toBe('ok');
    expect(newsAz[2]).toMatch(/^\d+ s ago$/);
    expect(newsAz[3]).toBe('—');
    expect(newsAz[4]).toMatch(/^in \d+ (min|h)$/);
    expect(newsAz[5]).toBe('1');
    const broken = await row('broken');
    expect(broken[1]).toBe('failing');
    expect(broken[3]).toMatch(/^SYN_ERR_FETCH_HTTP_STATUS .*answered 503$/);
    expect(broken[5]).toBe('0');
    // The health badge is coloured: a failing source stands out.
    expect(
      await sources
        .locator('tr[data-source="broken"] .badge')
        .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor),
    ).toBe('rgb(253, 224, 224)');

    const story = page.locator('#stories tbody tr').first();
    const cells = (await story.locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(cells[0]).toMatch(/^Grigory Trofimchuk: Russia has no choice .* interview$/);
    expect(cells[2]).toBe('2 outlets');
    // Whichever outlet was fetched first holds the story; the other is listed with it.
    expect(cells[3]!.split(', ').sort()).toEqual(['Mirror Outlet', 'News.Az']);
    expect(await page.locator('#stories tbody tr').count()).toBe(1);

    const subs = page.locator('#subscriptions');
    const partner = (await subs.locator('tr[data-subscription="partner"] td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(partner[1]).toBe('delivering');
    expect(partner[2]).toMatch(/ago 20\d$/);
    expect(partner[3]).toMatch(/^(\d+) \/ \1$/);
    expect(partner[4]).toBe('0');
    const departed = (await subs.locator('tr[data-subscription="departed"] td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(departed[1]).toMatch(/^disabled: 410 Gone/);
    // Its last attempt is the 410, or a later event refused because the subscription is disabled by then.
    expect(departed[2]).toMatch(/SYN_ERR_DELIVERY_GONE|SYN_ERR_SUBSCRIPTION_DISABLED/);
    expect(Number(departed[4])).toBeGreaterThanOrEqual(1);
    expect(await subs.locator('tr[data-subscription="departed"] .bad-text').innerText()).toBe(departed[4]);

    // The queue dashboard is one click away, behind the same sign-in.
    await page.click('#queues a[href="/admin/queues"]');
    await page.waitForURL(`${base}/admin/queues`);
    expect(await page.title()).toMatch(/Bull/i);
    await context.close();
  });
});
