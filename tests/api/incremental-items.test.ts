import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { NormalizedItem } from '../../src/core/item.js';
import { processPublishJob } from '../../src/publish/publish-processor.js';
import type { PublishJob } from '../../src/queues/pipeline.js';
import { articleItem, interviewItem } from '../publish/fixtures.js';
import { startTestSystem } from '../support/system.js';

const auth = { authorization: 'Bearer test-admin-token' };

interface ChangesAnswer {
  items: NormalizedItem[];
  nextCursor: string | null;
  resumeCursor: string | null;
}

describe('incremental reads: GET /api/v1/items?updatedSince=&cursor=', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let app: FastifyInstance;
  const publish = (data: PublishJob) => processPublishJob(system.ctx, { data } as Job<PublishJob>);
  const get = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/items?${query}`, headers: auth });
    return { status: res.statusCode, body: res.json() as ChangesAnswer & { error?: { code: string; message: string }; total?: number } };
  };
  /** Pages from `query` until nextCursor is null; answers every id in order and the last resumeCursor. */
  const pageAll = async (query: string) => {
    const ids: string[] = [];
    let answer = await get(query);
    let pages = 1;
    for (;;) {
      expect(answer.status).toBe(200);
      ids.push(...answer.body.items.map((item) => item.id));
      if (answer.body.nextCursor === null) return { ids, resume: answer.body.resumeCursor, pages };
      // The same filters with the cursor instead of the starting time.
      const next = new URLSearchParams(query);
      next.delete('updatedSince');
      next.set('cursor', answer.body.nextCursor);
      answer = await get(next.toString());
      pages++;
    }
  };

  beforeAll(async () => {
    system = await startTestSystem('incremental-items', { channels: [{ id: 'interviews', title: 'Interviews', filter: { kind: 'interview' } }] }, []);
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
  });

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
  });

  it('pages through every story once, oldest change first, while new stories arrive between and during pages', async () => {
    for (let n = 1; n <= 12; n++) await publish({ event: 'item.published', item: n % 3 === 0 ? articleItem(n) : interviewItem(n) });
    const seen: string[] = [];
    let next = 100;
    let writing = true;
    // A writer racing the reader (their Redis commands interleave): 40 more stories, as fast as the store takes them.
    const writer = (async () => {
      for (let i = 0; i < 40; i++) await publish({ event: 'item.published', item: interviewItem(next++) });
      writing = false;
    })();
    // Whether the writer was still at work when the request was made (a story it commits later is the next read's).
    let writingBefore = writing;
    let answer = await get('updatedSince=1970-01-01T00:00:00Z&limit=5');
    let pages = 1;
    for (;;) {
      expect(answer.status).toBe(200);
      seen.push(...answer.body.items.map((item) => item.id));
      // At the newest change, a client comes back later from where it stopped (resumeCursor).
      if (answer.body.nextCursor === null && !writingBefore) break;
      writingBefore = writing;
      answer = await get(`limit=5&cursor=${encodeURIComponent((answer.body.nextCursor ?? answer.body.resumeCursor)!)}`);
      pages++;
    }
    expect(pages).toBeGreaterThan(10);
    await writer;
    expect(new Set(seen).size).toBe(seen.length); // nothing repeated
    expect(seen.length).toBe(52); // nothing skipped: 12 before, 40 during
    expect(seen.slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? `article-${i + 1}` : `story-${i + 1}`)));
    for (let n = 100; n < 140; n++) expect(seen).toContain(`story-${n}`);
  });

  it('shows a story again after it changes, and nothing else, from the last cursor', async () => {
    const { resume } = await pageAll('updatedSince=0&limit=20');
    expect(resume).toBeTruthy();
    expect((await get(`cursor=${encodeURIComponent(resume!)}`)).body).toMatchObject({ items: [], nextCursor: null, resumeCursor: resume });
    await publish({ event: 'item.updated', item: interviewItem(4, { title: 'An edited title' }) });
    await publish({
      event: 'item.source_added',
      storyId: 'article-6',
      source: { id: 'ria', name: 'RIA', url: 'https://ria.ru/', itemUrl: 'https://ria.ru/a6' },
    });
    const after = await get(`cursor=${encodeURIComponent(resume!)}`);
    expect(after.body.items.map((item) => [item.id, item.title])).toEqual([
      ['story-4', 'An edited title'],
      ['article-6', expect.any(String)],
    ]);
    expect(after.body.items[1]!.sources.map((s) => s.id)).toContain('ria');
    expect(after.body.nextCursor).toBeNull();
    expect(after.body.resumeCursor).not.toBe(resume);
  });

  it('filters by kind, outlet and channel, and by change time', async () => {
    const articles = await pageAll('kind=article&limit=3');
    expect(articles.ids.sort()).toEqual(['article-12', 'article-3', 'article-6', 'article-9']);
    expect(articles.pages).toBeGreaterThanOrEqual(2);
    // Interviews are filed in the channel; the articles are not.
    const filed = await pageAll('channel=interviews&updatedSince=0&limit=50');
    expect(filed.ids.length).toBe(48);
    expect(filed.ids.every((id) => id.startsWith('story-'))).toBe(true);
    await publish({
      event: 'item.published',
      item: {
        ...articleItem(200),
        source: { id: 'only-here', name: 'Only', url: 'https://o.example/', itemUrl: 'https://o.example/1' },
        sources: [{ id: 'only-here', name: 'Only', url: 'https://o.example/', itemUrl: 'https://o.example/1' }],
      },
    });
    expect((await pageAll('source=only-here&limit=10')).ids).toEqual(['article-200']);
    // A time after every change but the last: only the last.
    const since = new Date(Date.now() - 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await publish({ event: 'item.published', item: interviewItem(300) });
    expect((await pageAll(`updatedSince=${encodeURIComponent(since)}`)).ids).toEqual(['story-300']);
    expect((await pageAll(`updatedSince=${Date.now() + 60_000}`)).ids).toEqual([]);
  });

  it('refuses a foreign cursor, offset with a cursor and unknown parameters in the documented error shape', async () => {
    for (const query of ['cursor=not-ours', 'cursor=c1.bm90LWEtbnVtYmVy', 'updatedSince=0&offset=5', 'updatedSince=yesterday', 'since=0', 'kind=video']) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error?.code, query).toBe('SYN_ERR_BAD_REQUEST');
      expect(res.body.error?.message, query).toBeTruthy();
    }
    expect((await get('updatedSince=0&channel=nope')).status).toBe(404);
  });

  it('keeps the newest-first listing for existing callers (channel, limit, offset)', async () => {
    const page = await get('channel=interviews&limit=2&offset=1');
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(49);
    expect(page.body.items.length).toBe(2);
    expect(page.body).not.toHaveProperty('nextCursor');
    const latest = await get('limit=3');
    expect(latest.body.items.map((item) => item.id)).toEqual(['article-200', 'article-12', 'article-9']); // by publication time, as before;
  });
});
