import { Cluster, type Redis } from 'ioredis';
import { scanKeys } from './server-memory.js';
import { QUEUE_SLOT_GROUPS, slotTag, type SlotGroup } from './keys.js';

/**
 * The move of an existing deployment's keys from the one-tag layout (every key under `{prefix}:`, before the slot
 * groups of #22) to the slot groups of keys.ts (src/redis/README.md, "Slot map" and "Upgrading from the one-tag
 * layout"). Run with the system stopped (`syndicate redis migrate`): a key is moved by RENAMENX on one server, by
 * DUMP + RESTORE + DEL on a Redis Cluster (source and target are in different slots there), never over a key that
 * exists already (reported as a conflict). Old-format band buckets of the dedup index (65,536 hashes per
 * generation) are converted into the generation's one hash on the way, so the stories indexed before the upgrade
 * stay matchable as near-duplicates.
 */

/** The hub's own keys under `websub:`, which are not the websub queue's and stay in the core group. */
const HUB_KEY = /^websub:(?:topic:|pushed:|host:|rate:|expiries$)/;
const QUEUE_KEY = new RegExp(`^(${QUEUE_SLOT_GROUPS.join('|')}):`);
/** An old band bucket: `dd:b:<generation>:<shard>`. */
const BUCKET_KEY = /^dd:b:(\d+):(\d+)$/;
/** Shard bits of the buckets before #22: 65,536 hashes per generation. */
const OLD_SHARD_BITS = 16;

/** The slot group a key of the one-tag layout (its name after `{prefix}:`) moves to, or null when it stays. */
export function groupOfOldKey(name: string): SlotGroup | null {
  if (name.startsWith('dd:')) return 'dd';
  if (name.startsWith('delivery:')) return 'deliver';
  if (HUB_KEY.test(name)) return null;
  return (QUEUE_KEY.exec(name)?.[1] as SlotGroup | undefined) ?? null;
}

/** The new name of a key of the one-tag layout (`{p}:fetch:wait` → `{p:fetch}:fetch:wait`), or null when it stays. */
export function movedKeyName(key: string, prefix: string): string | null {
  if (!key.startsWith(`${prefix}:`)) return null;
  const name = key.slice(prefix.length + 1);
  const group = groupOfOldKey(name);
  return group ? `${slotTag(prefix, group)}:${name}` : null;
}

/**
 * The field of a band bucket in the one hash per generation (shard bits 0, story-index.ts `bandSlots`) for a field
 * of an old bucket hash `shard` (shard bits 16): the band's key was `shard * 2^16 + field % 2^16`.
 */
export function convertedBucketField(shard: number, field: string): string {
  const span = 2 ** OLD_SHARD_BITS;
  const band = Math.floor(Number(field) / span);
  const bandKey = shard * span + (Number(field) % span);
  return String(band * 2 ** 32 + bandKey);
}

/**
 * Whether keys of the one-tag layout are still there (the dedup counter, a queue's meta hash, the delivery stats,
 * under the old names): an upgrade that skipped `syndicate redis migrate`. One EXISTS: the old names share a slot.
 */
export async function hasOneTagLayout(redis: Redis, prefix: string): Promise<boolean> {
  const sentinels = ['dd:seq', 'delivery:stats', ...QUEUE_SLOT_GROUPS.map((queue) => `${queue}:meta`)];
  return (await redis.exists(...sentinels.map((name) => `${prefix}:${name}`))) > 0;
}

/** What a migration did (or, dry, would do). */
export interface LayoutMigrationReport {
  dryRun: boolean;
  /** Keys moved, by slot group. */
  moved: Partial<Record<SlotGroup, number>>;
  /** Old-format band buckets converted into their generation's hash, and the generations they made. */
  bucketsConverted: number;
  generationsConverted: number[];
  /** Keys not moved because their new name is taken. */
  conflicts: string[];
}

/** `*`, `?`, `[` and `\` escaped for a SCAN pattern. */
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Moves one key to `target` keeping its TTL; false when `target` exists. */
async function moveKey(redis: Redis, key: string, target: string): Promise<boolean> {
  if (!((redis as unknown) instanceof Cluster)) return (await redis.renamenx(key, target)) === 1;
  const [dump, ttl] = await Promise.all([redis.dumpBuffer(key), redis.pttl(key)]);
  if (dump === null) return true; // gone meanwhile (expired)
  try {
    await redis.restore(target, Math.max(0, ttl), dump);
  } catch (err) {
    if (/BUSYKEY/.test((err as Error).message)) return false;
    throw err;
  }
  await redis.del(key);
  return true;
}

/** Merges comma-separated entry lists, first appearance first. */
const mergeLists = (...lists: Array<string | null | undefined>): string => [...new Set(lists.flatMap((list) => (list ? list.split(',') : [])))].join(',');

/** Converts one generation's old bucket hashes into its one hash (merged with what the new layout wrote there). */
async function convertGeneration(redis: Redis, prefix: string, gen: number, shards: Array<[string, number]>): Promise<void> {
  const target = `${slotTag(prefix, 'dd')}:dd:b:${gen}:0`;
  const fields = new Map<string, string>();
  let expireAt = 0;
  for (const [key, shard] of shards) {
    const [hash, ttl] = await Promise.all([redis.hgetall(key), redis.pttl(key)]);
    for (const [field, list] of Object.entries(hash)) {
      const converted = convertedBucketField(shard, field);
      fields.set(converted, mergeLists(fields.get(converted), list));
    }
    if (ttl > 0) expireAt = Math.max(expireAt, Date.now() + ttl);
  }
  const names = [...fields.keys()];
  for (let i = 0; i < names.length; i += 1000) {
    const chunk = names.slice(i, i + 1000);
    const present = await redis.hmget(target, ...chunk);
    await redis.hset(target, Object.fromEntries(chunk.map((name, j) => [name, mergeLists(fields.get(name), present[j])])));
  }
  const current = await redis.pttl(target);
  if (expireAt && (current === -1 || Date.now() + current < expireAt)) await redis.pexpireat(target, expireAt);
  for (const [key] of shards) await redis.del(key);
}

/**
 * Moves every key of the one-tag layout under `prefix` to its slot group (see the module comment); with `dryRun`,
 * only counts. Idempotent: a second run finds nothing to move.
 */
export async function migrateKeyLayout(redis: Redis, prefix: string, { dryRun }: { dryRun: boolean }): Promise<LayoutMigrationReport> {
  const report: LayoutMigrationReport = { dryRun, moved: {}, bucketsConverted: 0, generationsConverted: [], conflicts: [] };
  const keys = await scanKeys(redis, `${globEscape(prefix)}:*`);
  const oldBuckets = new Map<number, Array<[string, number]>>();
  for (const key of keys) {
    const bucket = BUCKET_KEY.exec(key.slice(prefix.length + 1));
    if (bucket) oldBuckets.set(Number(bucket[1]), [...(oldBuckets.get(Number(bucket[1])) ?? []), [key, Number(bucket[2])]]);
  }
  // A generation with a shard other than 0 is in the old format (65,536 hashes); one with shard 0 alone is a plain move.
  for (const [gen, shards] of oldBuckets) {
    if (!shards.some(([, shard]) => shard !== 0)) continue;
    if (!dryRun) await convertGeneration(redis, prefix, gen, shards);
    report.bucketsConverted += shards.length;
    report.generationsConverted.push(gen);
  }
  const converted = new Set(report.generationsConverted);
  const moves = keys.flatMap((key) => {
    const target = movedKeyName(key, prefix);
    const bucket = BUCKET_KEY.exec(key.slice(prefix.length + 1));
    return target && !(bucket && converted.has(Number(bucket[1]))) ? [[key, target] as const] : [];
  });
  // A hundred at a time: the commands share the connection, so they travel pipelined.
  for (let i = 0; i < moves.length; i += 100) {
    const chunk = moves.slice(i, i + 100);
    const taken = await Promise.all(chunk.map(async ([key, target]) => (dryRun ? (await redis.exists(target)) === 1 : !(await moveKey(redis, key, target)))));
    chunk.forEach(([key], j) => {
      if (taken[j]) return void report.conflicts.push(key);
      const group = groupOfOldKey(key.slice(prefix.length + 1))!;
      report.moved[group] = (report.moved[group] ?? 0) + 1;
    });
  }
  report.generationsConverted.sort((a, b) => a - b);
  return report;
}
