import { describe, expect, it } from 'vitest';
import { FeedCache } from '../../src/publish/feed-cache.js';

const channel = { id: 'news', title: 'News', filter: {} } as Parameters<typeof FeedCache.keyOf>[0];
const doc = (body: string) => async () => ({ body, lastModified: new Date(0), archive: false });
const outage = async (): Promise<never> => {
  throw new Error('Redis is away');
};

describe('FeedCache: rendered once per version, the last one served when a render fails', () => {
  const document = FeedCache.documentOf(channel, 'atom');
  const key = (version: number) => FeedCache.keyOf(channel, 'atom', version);

  it('renders once per version and answers the same bytes and ETag after', async () => {
    const cache = new FeedCache();
    let renders = 0;
    const render = async () => (renders++, doc('<feed>v1</feed>')());
    const first = await cache.get(key(1), render, document);
    const again = await cache.get(key(1), render, document);
    expect(renders).toBe(1);
    expect(again).toBe(first);
  });

  it('with staleIfError, a failed render of a newer version answers the last document rendered', async () => {
    const cache = new FeedCache();
    const v1 = await cache.get(key(1), doc('<feed>v1</feed>'), document);
    const served = await cache.get(key(2), outage, document);
    expect(served?.etag).toBe(v1?.etag);
    expect(served?.body.toString()).toBe('<feed>v1</feed>');
    // Once Redis is back the newer version renders and becomes the one kept.
    const v2 = await cache.get(key(2), doc('<feed>v2</feed>'), document);
    expect(v2?.body.toString()).toBe('<feed>v2</feed>');
    expect((await cache.get(key(3), outage, document))?.etag).toBe(v2?.etag);
  });

  it('without staleIfError, or with nothing rendered before, the error stands', async () => {
    const cache = new FeedCache();
    await cache.get(key(1), doc('<feed>v1</feed>'), document);
    await expect(cache.get(key(2), outage)).rejects.toThrow('Redis is away');
    await expect(cache.get(key(2), outage, FeedCache.documentOf(channel, 'rss'))).rejects.toThrow('Redis is away');
  });
});
