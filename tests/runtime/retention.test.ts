import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { bringUnderBounds, sweepRetention } from '../../src/runtime/retention.js';
import { countsByFamily, keyCensus, unbounded } from '../support/key-families.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { startTestSystem } from '../support/system.js';

const ATOM_RNC = fileURLToPath(new URL('../fixtures/validators/atom.rnc', import.meta.url));
const MINUTE = 60_000;

/** A feed whose entries the test changes: entry n has guid `e-n` and a text of its own. */
function rss(entries: number[], base: string): string {
  const items = entries
    .map((n) => {
      const words = Array.from({ length: 80 }, (_, i) => `w${(n * 7919 + i * 104_729) % 50_021}`).join(' ');
      return `<item><guid isPermaLink="false">e-${n}</guid><title>Entry ${n}</title><link>${base}/story/${n}</link><pubDate>${new Date(Date.UTC(2026, 0, 1, 0, n)).toUTCString()}</pubDate><description><![CDATA[<p>${words}.</p>]]></description></item>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Short retention</title><link>${base}/</link><description>t</description>${items}</channel></rss>`;
}

/**
 * An operator who sets `limits.retention` to minutes: stories, their channel entries, archive pages and their Redis
 * keys go once it passes, feeds stay valid, the API answers 404, and an entry still in its feed is never handed down
 * again. The pipeline clock is the test's (jumping minutes at a time), as the retention sweep reads it.
 */
describe('retention of minutes: stories and channel entries go, feeds stay valid', () => {
  let feedServer: LoopbackServer;
  let entries = Array.from({ length: 12 }, (_, i) => i + 1);
  let now = Date.UTC(2027, 0, 1);
  const clock = { now: () => now };
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    feedServer = await startServer(
      (_request, response) => void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(entries, feedServer.url)),
    );
    system = await startTestSystem(
      'retention',
      {
        sources: [{ id: 'short', name: 'Short', url: `${feedServer.url}/rss`, interval: '1h', fullText: 'never' }],
        channels: [{ id: 'x', title: 'Everything', pageSize: 5 }],
        limits: { retention: '2m' },
      },
      ['fetch', 'normalize', 'dedup', 'publish'],
      undefined,
      clock,
    );
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
  });

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
    await feedServer?.close();
  });

  const stored = async () => (await system.ctx.items.idsByTime(100)).map((row) => row.id);
  /** Fetches the source and waits until what it handed down is stored; answers how many entries it handed down. */
  const fetchNow = async (expected: number) => {
    const fetches = (await system.ctx.sourceStatus.get('short')).totals.fetches;
    await system.ctx.queues.fetch.add('fetch', { sourceId: 'short' });
    const status = await waitFor('the fetch', async () => {
      const now = await system.ctx.sourceStatus.get('short');
      return now.totals.fetches > fetches ? now : null;
    });
    await waitFor(
      `${expected} stories stored`,
      async () => {
        const counts = await Promise.all(
          [system.ctx.queues.normalize, system.ctx.queues.dedup, system.ctx.queues.publish].map((q) => q.getJobCounts('waiting', 'active', 'delayed')),
        );
        return counts.every((c) => (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0) && (await stored()).length === expected;
      },
      15_000,
    );
    return status.newEntries;
  };
  const get = (url: string) => app.inject({ url, headers: { authorization: 'Bearer test-admin-token' } });
  const atomValid = (body: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'syn-retention-')), 'x.atom');
    writeFileSync(file, body);
    expect(execFileSync('jing', ['-c', ATOM_RNC, file], { encoding: 'utf8' })).toBe('');
  };

  it('keeps every story within retention in the channel and its archive pages', async () => {
    expect(await fetchNow(12)).toBe(12);
    now += MINUTE;
    entries = Array.from({ length: 15 }, (_, i) => i + 1);
    expect(await fetchNow(15)).toBe(3);
    expect(await sweepRetention(system.ctx)).toMatchObject({ stories: 0, seenEntries: 0 });
    for (const page of [1, 2, 3]) expect((await get(`/feeds/x/archive/${page}.json`)).statusCode).toBe(200);
  });

  it('after retention: old stories leave the channel, their archive pages and the API without an event; the feed still validates', async () => {
    const all = await stored();
    const publishedBefore = await system.ctx.queues.deliver.count();
    now += MINUTE + 30_000; // 2.5 min after the first 12 were stored, 1.5 min after the last 3
    // Before the sweep runs, a channel created now is filed with the stories within retention only: its backfill
    // draws the line where the sweep does (when a story was first stored), whatever the stories' publication dates.
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/channels/late',
      headers: { authorization: 'Bearer test-admin-token' },
      payload: { title: 'Late' },
    });
    expect(put.statusCode).toBe(201);
    const late = await waitFor('the late channel backfilled', async () => {
      const members = await system.ctx.items.channelMembers('late');
      return members.length ? members : null;
    });
    expect(await sweepRetention(system.ctx)).toMatchObject({ stories: 12 });
    const kept = await stored();
    expect(late.sort()).toEqual([...kept].sort());
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/channels/late', headers: { authorization: 'Bearer test-admin-token' } })).statusCode).toBe(204);
    expect(kept).toHaveLength(3);
    const gone = all.filter((id) => !kept.includes(id));
    for (const id of gone) expect((await get(`/api/v1/items/${id}`)).statusCode).toBe(404);
    for (const id of kept) expect((await get(`/api/v1/items/${id}`)).statusCode).toBe(200);
    // Pages 1 and 2 held only aged-out stories: gone, and the prev-archive chain ends at page 3.
    for (const page of [1, 2]) expect((await get(`/feeds/x/archive/${page}.json`)).statusCode).toBe(404);
    const page3 = JSON.parse((await get('/feeds/x/archive/3.json')).body) as { items: Array<{ id: string }>; next_url?: string };
    expect(page3.items.map((item) => item.id).sort()).toEqual(kept.map((id) => `urn:syndicate:story:${id}`).sort());
    expect(page3.next_url).toBeUndefined();
    const current = await get('/feeds/x.atom');
    expect(current.statusCode).toBe(200);
    atomValid(current.body);
    expect(current.body).toContain('/feeds/x/archive/3.atom');
    // No event announced the removal.
    expect(await system.ctx.queues.deliver.count()).toBe(publishedBefore);
    // Their Redis keys are gone: the story, its outlets, its dedup index entries.
    const { keys, redis } = system.ctx;
    for (const id of gone) expect(await redis.exists(keys.item(id), keys.itemSources(id), keys.dedup.story(id))).toBe(0);
    expect(await redis.zcard(keys.channelItems('x'))).toBe(3);
  });

  it('an entry still in its feed is not handed down again after its story aged out', async () => {
    expect(await fetchNow(3)).toBe(0);
    expect(await stored()).toHaveLength(3);
    expect(await system.ctx.redis.hlen(system.ctx.keys.sourceSeen('short'))).toBe(15);
  });

  it('once the feed drops them and retention passes again: seen entries pruned, the channel empty, its memory back, feeds valid', async () => {
    entries = [13, 14, 15];
    now += 30_000;
    await fetchNow(3);
    now += 2 * MINUTE + 1;
    const swept = await sweepRetention(system.ctx);
    expect(swept).toMatchObject({ stories: 3, seenEntries: 12 });
    expect(await system.ctx.redis.hkeys(system.ctx.keys.sourceSeen('short'))).toEqual(expect.arrayContaining(['e-13', 'e-14', 'e-15']));
    expect(await system.ctx.redis.hlen(system.ctx.keys.sourceSeen('short'))).toBe(3);
    const rows = await keyCensus(system.ctx.redis, system.env.redisPrefix);
    const families = countsByFamily(rows);
    for (const family of ['item', 'item-sources', 'dedup-index', 'dedup-buckets', 'channel-items', 'channel-log'])
      expect(families[family] ?? 0, family).toBe(0);
    expect(unbounded(rows, system.env.redisPrefix)).toEqual([]);
    const current = await get('/feeds/x.atom');
    atomValid(current.body);
    expect(current.body).not.toContain('prev-archive');
    expect((await get('/feeds/x/archive/3.json')).statusCode).toBe(404);
    expect(JSON.parse((await get('/feeds/x.json')).body).items).toEqual([]);
    // The start-up pass finds nothing left to do, however often it runs.
    expect(await bringUnderBounds(system.ctx)).toMatchObject({ adoptedStories: 0, adoptedSeen: 0, forgotten: 0, stories: 0 });
  });
});

/**
 * The same, on the machine's clock and the scheduler role's own timer (no sweep called by the test): with
 * `limits.retention` of 2 s, the sweep runs every half second (a quarter of the retention, as the default
 * `limits.sweepInterval` of 10 min is longer), so the stories and their channel entries are gone within 2.5 s of
 * being stored, and the feed stays valid and empty.
 */
describe('retention of seconds on the scheduler timer', () => {
  let feedServer: LoopbackServer;
  let system: Awaited<ReturnType<typeof startTestSystem>>;

  beforeAll(async () => {
    feedServer = await startServer(
      (_request, response) => void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss([1, 2, 3], feedServer.url)),
    );
    system = await startTestSystem(
      'retention-timer',
      {
        sources: [{ id: 'short', name: 'Short', url: `${feedServer.url}/rss`, interval: '1h', fullText: 'never' }],
        channels: [{ id: 'x', title: 'Everything', pageSize: 5 }],
        limits: { retention: '2s' },
      },
      ['scheduler', 'fetch', 'normalize', 'dedup', 'publish'],
    );
  });

  afterAll(async () => {
    await system?.cleanup();
    await feedServer?.close();
  });

  it('stories and channel entries leave on their own once retention has passed', async () => {
    const { ctx } = system;
    const storedAt = await waitFor('the stories stored', async () => ((await ctx.items.idsByTime(10)).length === 3 ? Date.now() : null), 15_000);
    const goneAt = await waitFor(
      'the stories swept',
      async () => ((await ctx.items.idsByTime(10)).length === 0 && (await ctx.redis.zcard(ctx.keys.channelItems('x'))) === 0 ? Date.now() : null),
      15_000,
    );
    // Not before retention has passed (the last of the three was stored no later than storedAt), and within a
    // quarter of it after (plus the test's and the sweep's own time).
    expect(goneAt - storedAt).toBeGreaterThanOrEqual(1_000);
    const app = await buildApp({ ctx, adminToken: 'test-admin-token' });
    try {
      const feed = await app.inject({ url: '/feeds/x.json' });
      expect(feed.statusCode).toBe(200);
      expect(JSON.parse(feed.body).items).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
