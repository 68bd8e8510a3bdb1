import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { StoryIndex } from '../../src/dedup/story-index.js';
import { convertedBucketField, hasOneTagLayout, migrateKeyLayout, movedKeyName } from '../../src/redis/layout-migration.js';
import { redisKeys, slotTag } from '../../src/redis/keys.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

const interview = readFileSync(new URL('../fixtures/dedup/bases/summit--nurlanova-interview.txt', import.meta.url), 'utf8');
const body = interview.split('\n').slice(2).join('\n');
const original = { sourceId: 'news-central', guid: 'nc-1', url: 'https://news.example/aktau', title: 't', contentText: body, proposedStoryId: 's1' };
/** Another outlet's copy with its own intro and a dropped paragraph: found only through the band buckets. */
const copy = {
  sourceId: 'caspian-post',
  guid: 'cp-9',
  url: 'https://caspian.example/a/9',
  title: 'INTERVIEW',
  contentText: ['Caspian Post republishes this interview.', ...body.split(/\n\s*\n/).filter((_, i) => i !== 4), 'Share'].join('\n\n'),
  proposedStoryId: 's2',
};

describe('moving the keys of the one-tag layout to their slot groups', () => {
  const prefix = uniquePrefix('migrate');
  const keys = redisKeys(prefix);
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('names the group of each old key, and leaves the core group and the hub keys where they are', () => {
    expect(movedKeyName(`${prefix}:fetch:wait`, prefix)).toBe(`${slotTag(prefix, 'fetch')}:fetch:wait`);
    expect(movedKeyName(`${prefix}:deliver:fanout-msg_1`, prefix)).toBe(`${slotTag(prefix, 'deliver')}:deliver:fanout-msg_1`);
    expect(movedKeyName(`${prefix}:delivery:partner:log`, prefix)).toBe(keys.deliveryLog('partner'));
    expect(movedKeyName(`${prefix}:dd:e:7`, prefix)).toBe(keys.dedup.entry(7));
    expect(movedKeyName(`${prefix}:websub:12`, prefix)).toBe(`${slotTag(prefix, 'websub')}:websub:12`);
    for (const stays of ['catalog:sources', 'item:s1', 'websub:topic:https://x', 'websub:expiries', 'websub:rate:1.2.3.4', 'host:a:state'])
      expect(movedKeyName(`${prefix}:${stays}`, prefix), stays).toBeNull();
    // band 3's key 0x0005_0007 was shard 5, field 3 * 2^16 + 7; it is field 3 * 2^32 + 0x0005_0007 of one hash now
    expect(convertedBucketField(5, String(3 * 65_536 + 7))).toBe(String(3 * 2 ** 32 + 5 * 65_536 + 7));
  });

  it('moves queues, delivery state and the dedup index (old band buckets converted), and the system reads them', async () => {
    // The one-tag layout as an earlier version wrote it: a waiting job, a story in the index with its band buckets
    // in 65,536 hashes per generation, a delivery log, a catalog entry.
    const oldQueue = new Queue('normalize', { connection: redis, prefix });
    await oldQueue.add('normalize', { sourceId: 'news-central' } as never, { jobId: 'waiting-1' });
    await oldQueue.close();
    const oldIndex = new StoryIndex(redis, { prefix, retentionSeconds: 3600, shardBits: 16 });
    expect(await oldIndex.resolve(original)).toMatchObject({ outcome: 'new', storyId: 's1' });
    await redis.lpush(`${prefix}:delivery:partner:log`, '{"status":200}');
    await redis.hset(keys.sources, 'news-central', '{}');

    const previous = process.env.SYNDICATE_REDIS_PREFIX;
    Object.assign(process.env, { SYNDICATE_REDIS_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL });
    try {
      const writes: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => (writes.push(chunk), true)) as typeof process.stdout.write;
      let code: number;
      try {
        code = await main(['redis', 'migrate', '--dry-run', '--json']);
      } finally {
        process.stdout.write = write;
      }
      expect(code).toBe(0);
      const dry = JSON.parse(writes.join('')) as { moved: Record<string, number>; generationsConverted: number[] };
      expect(dry.moved.normalize).toBeGreaterThan(0);
      expect(dry.moved.dd).toBeGreaterThan(0);
      expect(dry.generationsConverted).toHaveLength(1);
      expect(await redis.exists(`${prefix}:delivery:partner:log`)).toBe(1); // a dry run changes nothing
    } finally {
      if (previous === undefined) delete process.env.SYNDICATE_REDIS_PREFIX;
      else process.env.SYNDICATE_REDIS_PREFIX = previous;
    }

    expect(await hasOneTagLayout(redis, prefix)).toBe(true); // what the start warns of
    const report = await migrateKeyLayout(redis, prefix, { dryRun: false });
    expect(await hasOneTagLayout(redis, prefix)).toBe(false);
    expect(report.conflicts).toEqual([]);
    expect(report.moved.deliver).toBe(1);
    expect(report.bucketsConverted).toBeGreaterThan(10);

    const queue = new Queue('normalize', { connection: redis, prefix: slotTag(prefix, 'normalize') });
    expect((await queue.getJob('waiting-1'))?.data).toEqual({ sourceId: 'news-central' });
    expect(await queue.getJobState('waiting-1')).toBe('waiting');
    await queue.close();
    const index = new StoryIndex(redis, { prefix: keys.dedupPrefix, retentionSeconds: 3600 });
    expect(await index.resolve({ ...original, proposedStoryId: 'x' })).toMatchObject({ outcome: 'unchanged', storyId: 's1' });
    expect(await index.resolve(copy)).toMatchObject({ outcome: 'duplicate', storyId: 's1', matchedBy: 'near-duplicate' });
    expect(await redis.lrange(keys.deliveryLog('partner'), 0, -1)).toEqual(['{"status":200}']);
    expect(await redis.hget(keys.sources, 'news-central')).toBe('{}');

    // Nothing of the old layout is left, and a second run finds nothing to move.
    expect(await migrateKeyLayout(redis, prefix, { dryRun: false })).toMatchObject({ moved: {}, bucketsConverted: 0, conflicts: [] });
  });
});
