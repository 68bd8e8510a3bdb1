import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ItemStore } from '../../src/publish/item-store.js';
import { redisKeys } from '../../src/redis/keys.js';
import { interviewItem } from './fixtures.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from '../support/redis.js';

/** Stories are most of what Redis holds per story: stored deflated, read back as they were, old plain ones too. */
describe('item store: a story is stored deflated', () => {
  const prefix = uniquePrefix('item-store');
  const keys = redisKeys(prefix);
  const redis = new Redis(TEST_REDIS_URL);
  const store = new ItemStore(redis, keys);

  afterAll(async () => {
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it('reads back the story it stored, which takes far fewer bytes than its JSON', async () => {
    const paragraph = 'Ekspert deyir ki, regional nizam dəyişir və bu, bütün region üçün yeni imkanlar deməkdir. ';
    const body = Array.from({ length: 12 }, (_, i) => `${paragraph}${i}`);
    const item = interviewItem(1, { contentHtml: body.map((p) => `<p>${p}</p>`).join('\n'), contentText: body.join('\n\n') });
    await store.save(item, Date.UTC(2026, 11, 1));
    const { sources: _sources, ...content } = item;
    expect(await store.get(item.id)).toEqual({ ...item, firstSource: 'news-az' });
    const stored = await redis.getBuffer(keys.item(item.id));
    expect(stored!.length).toBeLessThan(JSON.stringify(content).length / 3);
  });

  it('reads a story stored as plain JSON by an earlier version, with its outlets', async () => {
    const item = interviewItem(2);
    await store.save(item, Date.UTC(2026, 11, 1));
    const { sources: _sources, ...content } = item;
    await redis.set(keys.item(item.id), JSON.stringify(content));
    expect(await store.get(item.id)).toEqual({ ...item, firstSource: 'news-az' });
  });
});
