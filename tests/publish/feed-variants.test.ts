import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { processPublishJob } from '../../src/publish/publish-processor.js';
import type { PublishJob } from '../../src/queues/pipeline.js';
import { startTestSystem } from '../support/system.js';
import { articleItem, interviewItem } from './fixtures.js';

const MAX_VARIANTS = 8;
const HOUR = 3_600_000;
const TOPICS = ['oil', 'gas', 'football', 'elections', 'music'];

describe('feed variants: /feeds/{channel}.{rss,atom,json}?limit=&filter=&filterout=&since=', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let app: FastifyInstance;
  const publish = (data: PublishJob) => processPublishJob(system.ctx, { data } as Job<PublishJob>);
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
  const ids = async (url: string) => {
    const res = await get(url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return (JSON.parse(res.body) as { items: Array<{ id: string }> }).items.map((item) => item.id.replace('urn:syndicate:story:', ''));
  };
  const cachedVariants = async () => Number(/^syndicate_feed_variants_cached (\d+)$/m.exec((await get('/metrics')).body)?.[1]);

  beforeAll(async () => {
    system = await startTestSystem(
      'feed-variants',
      { limits: { feedVariants: MAX_VARIANTS }, channels: [{ id: 'all', title: 'Everything', pageSize: 20 }] },
      [],
    );
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
    // 30 stories, one every hour back from now (story-1 the newest), each about one topic.
    for (let n = 30; n >= 1; n--) {
      const at = new Date(Date.now() - n * HOUR + 60_000).toISOString();
      const base = n % 2 ? interviewItem(n) : { ...articleItem(n), id: `story-${n}` };
      await publish({ event: 'item.published', item: { ...base, title: `${TOPICS[n % TOPICS.length]} news number ${n}`, publishedAt: at, updatedAt: at } });
    }
  });

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
  });

  it('limits, filters and cuts by time', async () => {
    expect(await ids('/feeds/all.json')).toHaveLength(20);
    expect(await ids('/feeds/all.json?limit=3')).toEqual(['story-1', 'story-2', 'story-3']);
    // From the channel's newest 1,000, not only its current page: story-24 and story-29 are older than the newest 20.
    expect(await ids('/feeds/all.json?filter=music')).toEqual(['story-4', 'story-9', 'story-14', 'story-19', 'story-24', 'story-29']);
    expect(await ids('/feeds/all.json?filter=MUSIC|Football&limit=4')).toEqual(['story-2', 'story-4', 'story-7', 'story-9']);
    expect(await ids('/feeds/all.json?filter=news&filterout=oil|gas|football|elections&limit=2')).toEqual(['story-4', 'story-9']);
    expect(await ids('/feeds/all.json?filter=foot')).toEqual([]); // whole words
    expect(await ids('/feeds/all.json?filter=foot*&limit=1')).toEqual(['story-2']);
    // A pattern proven linear; a super-linear one is refused (below).
    expect(await ids(`/feeds/all.json?filter=${encodeURIComponent('/^(music|FOOTBALL) news number 1/i')}`)).toEqual([
      'story-12',
      'story-14',
      'story-17',
      'story-19',
    ]);
    // Categories (kind) and the interviewee are filtered too.
    expect((await ids('/feeds/all.json?filter=interview')).every((id) => Number(id.slice(6)) % 2 === 1)).toBe(true);
    expect(await ids('/feeds/all.json?filterout=трофимчук&limit=2')).toEqual(['story-2', 'story-4']);
    // Published 1 min after each whole hour back: 4h reaches story-4 (a relative cutoff is rounded down to the minute).
    expect(await ids('/feeds/all.json?since=4h')).toEqual(['story-1', 'story-2', 'story-3', 'story-4']);
    const since = new Date(Date.now() - 2 * HOUR - 1_000).toISOString();
    expect(await ids(`/feeds/all.json?since=${encodeURIComponent(since)}`)).toEqual(['story-1', 'story-2']);
    const atom = await get('/feeds/all.atom?limit=2&filter=oil');
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain('<link rel="self" href="http://127.0.0.1:8080/feeds/all.atom?limit=2&amp;filter=oil"');
    expect(atom.body).not.toContain('prev-archive');
    const rss = await get('/feeds/all.rss?limit=1');
    expect(rss.body.match(/<item>/g)).toHaveLength(1);
  });

  it('refuses unknown or malformed parameters with a 400 in the documented error shape', async () => {
    for (const url of [
      '/feeds/all.atom?utm_source=x',
      '/feeds/all.atom?limit=0',
      '/feeds/all.atom?limit=many',
      '/feeds/all.atom?since=yesterday',
      '/feeds/all.atom?since=1700000000',
      '/feeds/all.atom?filter=%20|...',
      `/feeds/all.atom?filter=${'a'.repeat(501)}`,
      `/feeds/all.atom?filterout=${encodeURIComponent('/(a+)+$/')}`,
      '/feeds/all/archive/1.atom?limit=1',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: { code: 'SYN_ERR_BAD_REQUEST', message: expect.stringMatching(/^invalid query: query/) } });
    }
    expect((await get('/feeds/nope.atom?limit=1')).statusCode).toBe(404);
  });

  it('caches each variant with its own ETag, holds at most the configured number, and answers 304 to each ETag', async () => {
    const sets = Array.from({ length: 50 }, (_, i) => {
      const params = new URLSearchParams({ limit: String((i % 10) + 1) });
      if (i >= 10) params.set('filter', TOPICS[i % TOPICS.length]!);
      if (i >= 20) params.set('filterout', TOPICS[(i + 1) % TOPICS.length]!);
      if (i >= 30) params.set('since', `${(i % 7) + 3}h`);
      if (i >= 40) params.set('since', new Date(Date.now() - (i - 30) * HOUR).toISOString());
      return `/feeds/all.${['rss', 'atom', 'json'][i % 3]}?${params}`;
    });
    expect(new Set(sets).size).toBe(50);
    const etags = new Map<string, string>();
    for (const url of sets) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      etags.set(url, String(res.headers.etag));
    }
    expect(new Set(etags.values()).size).toBe(50);
    expect(await cachedVariants()).toBe(MAX_VARIANTS);
    let notModified = 0;
    for (const url of sets) {
      const res = await get(url, { 'if-none-match': etags.get(url)! });
      expect(res.statusCode, url).toBe(304);
      expect(res.headers.etag).toBe(etags.get(url));
      notModified++;
    }
    expect(notModified).toBe(50);
    expect(await cachedVariants()).toBe(MAX_VARIANTS);
    // The same parameters in another order are the same variant.
    const swapped = await get('/feeds/all.json?filter=oil&limit=2', {
      'if-none-match': String((await get('/feeds/all.json?limit=2&filter=oil')).headers.etag),
    });
    expect(swapped.statusCode).toBe(304);
  });

  it('renders a variant afresh when the channel changes', async () => {
    const before = await get('/feeds/all.json?filter=oil&limit=2');
    await publish({ event: 'item.published', item: { ...interviewItem(99), title: 'oil again', publishedAt: new Date().toISOString() } });
    const after = await get('/feeds/all.json?filter=oil&limit=2', { 'if-none-match': String(before.headers.etag) });
    expect(after.statusCode).toBe(200);
    expect((JSON.parse(after.body) as { items: Array<{ id: string }> }).items[0]!.id).toContain('story-99');
    // A variant the new story does not enter keeps its ETag.
    const music = await get('/feeds/all.json?filter=music&limit=2');
    expect((await get('/feeds/all.json?filter=music&limit=2', { 'if-none-match': String(music.headers.etag) })).statusCode).toBe(304);
  });
});
