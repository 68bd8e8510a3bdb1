import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { KEY_FAMILIES, familyOf } from '../../src/redis/bounds.js';
import { redisKeys, slotTag } from '../../src/redis/keys.js';
import { keyCensus, unbounded } from '../support/key-families.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

/** The bounds table of src/redis/README.md: family → bound, as written. */
function readmeTable(): Map<string, string> {
  const readme = readFileSync(new URL('../../src/redis/README.md', import.meta.url), 'utf8');
  const rows = new Map<string, string>();
  for (const match of readme.matchAll(/^\|\s*`([a-z-]+)`\s*\|\s*`[^`]+`\s*\|\s*(retention|ttl|cap|owner|fixed)\s*\|/gm)) rows.set(match[1]!, match[2]!);
  return rows;
}

describe('the bounds table (src/redis/bounds.ts, mirrored in src/redis/README.md)', () => {
  const prefix = uniquePrefix('families');
  const redis = new Redis(TEST_REDIS_URL);
  afterAll(async () => {
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it('the README lists every family with the same bound, and nothing else', () => {
    expect(Object.fromEntries(readmeTable())).toEqual(Object.fromEntries(KEY_FAMILIES.map((f) => [f.family, f.bound])));
  });

  it('puts the keys of keys.ts in the families they belong to', () => {
    const keys = redisKeys(prefix);
    const cases: Array<[string, string | null]> = [
      [keys.item('s1'), 'item'],
      [keys.itemSources('s1'), 'item-sources'],
      [keys.itemTranslations('s1'), 'item-translations'],
      [keys.itemLastChange('s1'), 'item-last-change'],
      [keys.person('p-abc'), 'person'],
      [keys.personStories('p-abc'), 'person'],
      [keys.personAlias('p-abc'), 'person'],
      [keys.personKey('trofimcuk grigori'), 'people-index'],
      [keys.peopleBySurname('trofimcuk'), 'people-index'],
      [keys.people, 'people-all'],
      [keys.translationSignature('s1'), 'translation-index'],
      [keys.sourceSeen('news:az'), 'source-seen'],
      [keys.sourceSeenAt('news'), 'source-seen-at'],
      [keys.channelLog('all'), 'channel-log'],
      [keys.deliveryLog('partner'), 'delivery-log'],
      [keys.deliveryFanoutDone('msg_1'), 'delivery-fanout-done'],
      [keys.dedup.entry(7), 'dedup-index'],
      [keys.dedup.bucket(3, 12), 'dedup-buckets'],
      [`${slotTag(prefix, 'normalize')}:normalize:news-abc`, 'queue-job'],
      [`${slotTag(prefix, 'normalize')}:normalize:completed`, 'queue-structure'],
      [`${slotTag(prefix, 'deliver')}:deliver:de:fanout-msg_1`, 'queue-dedup'],
      [`${prefix.slice(0, -1)}:elsewhere}:normalize:completed`, null],
      [`${prefix.slice(0, -1)}x}:catalog:sources`, null],
    ];
    for (const [key, family] of cases) expect(familyOf(key, prefix)?.family ?? null, key).toBe(family);
  });

  it('names a key family with neither a row nor a TTL, and passes one with a TTL', async () => {
    await redis.set(`${prefix}:mystery:1`, 'x');
    await redis.set(`${prefix}:scratch:1`, 'x', 'EX', 60);
    await redis.set(redisKeys(prefix).item('s1'), '{}');
    const problems = unbounded(await keyCensus(redis, prefix), prefix);
    expect(problems).toEqual([expect.stringContaining('"mystery:1"')]);
  });
});
