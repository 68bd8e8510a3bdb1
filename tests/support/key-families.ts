import type { Redis } from 'ioredis';
import { familyOf, KEY_FAMILIES } from '../../src/redis/bounds.js';
import { deploymentKeyPattern } from '../../src/redis/keys.js';

/** One key a run left, with its family (null: none) and TTL in ms (-1: none). */
export interface KeyCensusRow {
  key: string;
  family: string | null;
  pttl: number;
}

/** Every key under `prefix` (SCAN), with its family in the bounds table and its TTL. */
export async function keyCensus(redis: Redis, prefix: string): Promise<KeyCensusRow[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', deploymentKeyPattern(prefix), 'COUNT', 5000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const rows: KeyCensusRow[] = [];
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    const pipeline = redis.pipeline();
    for (const key of chunk) pipeline.pttl(key);
    const ttls = (await pipeline.exec()) ?? [];
    chunk.forEach((key, j) => rows.push({ key, family: familyOf(key, prefix)?.family ?? null, pttl: Number(ttls[j]?.[1] ?? -2) }));
  }
  return rows.filter((row) => row.pttl !== -2);
}

/**
 * The keys that break the bounds rule, as readable lines: a key in no family of src/redis/bounds.ts and without a
 * TTL ("add its row to src/redis/bounds.ts and the README's table"), or a key of a `ttl` family of ours without one.
 */
export function unbounded(rows: KeyCensusRow[], prefix: string): string[] {
  const problems = new Set<string>();
  for (const row of rows) {
    const name = row.key.slice(prefix.length + 1);
    if (row.family === null && row.pttl < 0)
      problems.add(`no bound for key family of "${name}" (no TTL, no row): add its row to src/redis/bounds.ts and src/redis/README.md`);
    const family = KEY_FAMILIES.find((f) => f.family === row.family);
    if (family?.bound === 'ttl' && !family.family.startsWith('queue-') && row.pttl < 0)
      problems.add(`key "${name}" of family ${family.family} is bounded by a TTL but has none`);
  }
  return [...problems];
}

/** Key counts per family (`(unknown)` for keys in none). */
export function countsByFamily(rows: KeyCensusRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.family ?? '(unknown)'] = (counts[row.family ?? '(unknown)'] ?? 0) + 1;
  return counts;
}
