import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoryIndex } from '../../src/dedup/story-index.js';

const PREFIX = `{syn-test-dedup-${randomBytes(4).toString('hex')}}`;
const RETENTION = 3600;
let redis: Redis;

const interview = readFileSync(new URL('../fixtures/dedup/bases/summit--nurlanova-interview.txt', import.meta.url), 'utf8');
const sameEvent = readFileSync(new URL('../fixtures/dedup/bases/summit--markova-interview.txt', import.meta.url), 'utf8');
const body = interview.split('\n').slice(2).join('\n');

/** A republication with the usual edits: straight quotes, own intro, a dropped paragraph, furniture lines. */
function republished(text: string, outlet: string): string {
  const paras = text.split(/\n\s*\n/);
  paras.splice(4, 1);
  return [`${outlet} republishes this interview.`, ...paras, 'Share', `Source: News Central`].join('\n\n').replace(/[“”]/g, '"').replace(/’/g, "'");
}

async function keysOf(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  const keys = await keysOf(PREFIX);
  if (keys.length) await redis.unlink(...keys);
  await redis.quit();
});

describe('StoryIndex on Redis', () => {
  it('tells new, duplicate, updated and unchanged apart', async () => {
    const index = new StoryIndex(redis, { prefix: `${PREFIX}:a`, retentionSeconds: RETENTION });
    const orig = {
      sourceId: 'news-central',
      guid: 'nc-1',
      url: 'https://news.example/aktau?utm_source=x',
      title: 't',
      contentText: body,
      proposedStoryId: 's1',
    };
    expect(await index.resolve(orig)).toEqual({ outcome: 'new', storyId: 's1', matchedBy: null, newSource: true });
    expect(await index.resolve({ ...orig, url: 'https://news.example/aktau', proposedStoryId: 'x' })).toMatchObject({
      outcome: 'unchanged',
      storyId: 's1',
      matchedBy: 'guid',
    });

    const copy = {
      sourceId: 'caspian-post',
      guid: 'cp-9',
      url: 'https://caspian.example/a/9',
      title: 'INTERVIEW',
      contentText: republished(body, 'Caspian Post'),
      proposedStoryId: 's2',
    };
    expect(await index.resolve(copy)).toEqual({ outcome: 'duplicate', storyId: 's1', matchedBy: 'near-duplicate', newSource: true });
    // the copy's own re-fetch is nothing new
    expect(await index.resolve({ ...copy, proposedStoryId: 's3' })).toMatchObject({ outcome: 'unchanged', storyId: 's1' });
    // an exact copy under another guid of the same source is a duplicate that adds no source
    expect(await index.resolve({ ...orig, guid: 'nc-1-print', url: 'https://news.example/print/aktau', proposedStoryId: 's4' })).toEqual({
      outcome: 'duplicate',
      storyId: 's1',
      matchedBy: 'fingerprint',
      newSource: false,
    });
    // another outlet's feed pointing at the original article's URL
    expect(await index.resolve({ ...orig, sourceId: 'aggregator', guid: 'ag-1', contentText: 'Short teaser.', proposedStoryId: 's5' })).toMatchObject({
      outcome: 'duplicate',
      storyId: 's1',
      matchedBy: 'url',
    });
    expect(await index.sourcesOf('s1')).toEqual(['news-central', 'caspian-post', 'aggregator']);

    const edited = { ...orig, contentText: `${body}\n\nCorrection: an earlier version misstated the date of the Baku meeting.` };
    expect(await index.resolve(edited)).toMatchObject({ outcome: 'updated', storyId: 's1', matchedBy: 'guid' });
    expect(await index.resolve(edited)).toMatchObject({ outcome: 'unchanged', storyId: 's1' });
    // by URL when the feed has no guid
    expect(await index.resolve({ ...edited, guid: null, contentText: `${body}\n\nUpdated with a new paragraph about ferries and ports.` })).toMatchObject({
      outcome: 'updated',
      matchedBy: 'url',
    });

    const other = { sourceId: 'caspian-post', guid: 'cp-10', url: 'https://caspian.example/a/10', title: 'x', contentText: sameEvent, proposedStoryId: 's6' };
    expect(await index.resolve(other)).toMatchObject({ outcome: 'new', storyId: 's6', matchedBy: null });
  });

  it('never merges stories on an empty or near-empty body', async () => {
    const index = new StoryIndex(redis, { prefix: `${PREFIX}:d`, retentionSeconds: RETENTION });
    const video = {
      sourceId: 'a',
      guid: 'v1',
      url: 'https://a.example/v1',
      title: 'Video',
      contentText: 'Share\n\nA short caption here',
      proposedStoryId: 'v1',
    };
    expect(await index.resolve(video)).toMatchObject({ outcome: 'new', storyId: 'v1' });
    expect(await index.resolve({ ...video, sourceId: 'b', guid: 'v2', url: 'https://b.example/v2', proposedStoryId: 'v2' })).toMatchObject({
      outcome: 'new',
      storyId: 'v2',
    });
    expect(await index.resolve(video)).toMatchObject({ outcome: 'unchanged', storyId: 'v1' });
    expect(await index.resolve({ ...video, contentText: 'A short caption, edited' })).toMatchObject({ outcome: 'updated', storyId: 'v1' });
  });

  it('publishes one story once when 20 workers resolve copies of it at the same moment', async () => {
    const index = new StoryIndex(redis, { prefix: `${PREFIX}:b`, retentionSeconds: RETENTION });
    const workers = Array.from({ length: 20 }, () => new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'));
    try {
      const results = await Promise.all(
        workers.map((conn, i) =>
          new StoryIndex(conn, { prefix: `${PREFIX}:b`, retentionSeconds: RETENTION }).resolve({
            sourceId: `outlet-${i}`,
            guid: `g-${i}`,
            url: `https://outlet${i}.example/story`,
            title: `copy ${i}`,
            contentText: i % 2 ? republished(body, `Outlet ${i}`) : body,
            proposedStoryId: `story-${i}`,
          }),
        ),
      );
      const fresh = results.filter((r) => r.outcome === 'new');
      expect(fresh).toHaveLength(1);
      expect(new Set(results.map((r) => r.storyId)).size).toBe(1);
      expect(await index.sourcesOf(fresh[0]!.storyId)).toHaveLength(20);
    } finally {
      await Promise.all(workers.map((w) => w.quit()));
    }
  });

  it('files concurrent near-duplicates (no two alike in fingerprint) under one story, from two workers, round after round', async () => {
    // Two StoryIndex instances on connections of their own, as two dedup workers: each round resolves six copies of
    // one story that differ in intro and dropped paragraph (so only the band buckets and the shingle check can
    // match them), three per worker, all at once; a round's story must be one, with all six outlets.
    const prefix = `${PREFIX}:e`;
    const conns = [0, 1].map(() => new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'));
    const workers = conns.map((conn) => new StoryIndex(conn, { prefix, retentionSeconds: RETENTION }));
    const bases = [body, sameEvent];
    try {
      for (let round = 0; round < 6; round++) {
        const text = bases[round % 2]!;
        const copies = Array.from({ length: 6 }, (_, i) => {
          const paras = text.split(/\n\s*\n/);
          paras.splice(2 + (i % 4), 1);
          return [`Outlet ${i} carries this story, round ${round}.`, ...paras].join('\n\n');
        });
        const results = await Promise.all(
          copies.map((contentText, i) =>
            workers[i % 2]!.resolve({
              sourceId: `outlet-${round}-${i}`,
              guid: `g-${round}-${i}`,
              url: `https://outlet${i}.example/${round}`,
              title: `copy ${i}`,
              contentText,
              proposedStoryId: `story-${round}-${i}`,
            }),
          ),
        );
        const stories = new Set(results.map((r) => r.storyId));
        // round 0 and 1 each make a story; later rounds are copies of those
        expect(
          results.filter((r) => r.outcome === 'new'),
          `round ${round}`,
        ).toHaveLength(round < 2 ? 1 : 0);
        expect(stories.size, `round ${round}`).toBe(1);
        expect(
          results.filter((r) => r.outcome === 'duplicate').every((r) => r.matchedBy === 'near-duplicate'),
          `round ${round}`,
        ).toBe(true);
        expect(await workers[0]!.sourcesOf([...stories][0]!)).toEqual(expect.arrayContaining(copies.map((_, i) => `outlet-${round}-${i}`)));
      }
    } finally {
      await Promise.all(conns.map((c) => c.quit()));
    }
  });

  it('sets a TTL on every key but the entry counter, and forgets a removed story', async () => {
    const prefix = `${PREFIX}:c`;
    const index = new StoryIndex(redis, { prefix, retentionSeconds: RETENTION });
    await index.resolve({ sourceId: 'a', guid: 'a1', url: 'https://a.example/1', title: 't', contentText: body, proposedStoryId: 'keep' });
    await index.resolve({ sourceId: 'b', guid: 'b1', url: 'https://b.example/1', title: 't', contentText: republished(body, 'B'), proposedStoryId: 'nope' });
    await index.resolve({ sourceId: 'b', guid: 'b2', url: 'https://b.example/2', title: 't', contentText: sameEvent, proposedStoryId: 'gone' });
    for (const key of await keysOf(prefix)) {
      const ttl = await redis.ttl(key);
      if (key.endsWith(':dd:seq')) expect(ttl).toBe(-1);
      else {
        expect(ttl, key).toBeGreaterThan(0);
        // bucket keys live up to one generation past the window
        expect(ttl, key).toBeLessThanOrEqual(RETENTION * 1.25 + 1);
      }
    }
    const before = (await keysOf(prefix)).length;
    expect(await index.remove('gone')).toBe(1);
    expect(await index.sourcesOf('gone')).toEqual([]);
    expect((await keysOf(prefix)).length).toBeLessThan(before);
    expect(
      await index.resolve({ sourceId: 'c', guid: 'c1', url: 'https://c.example/1', title: 't', contentText: sameEvent, proposedStoryId: 'again' }),
    ).toMatchObject({
      outcome: 'new',
      storyId: 'again',
    });
    expect(await index.remove('keep')).toBe(2);
    expect(await index.remove('again')).toBe(1);
    const left = await keysOf(prefix);
    expect(left.filter((k) => !k.endsWith(':dd:seq'))).toEqual([]);
  });
});
