import { deflateSync, inflateSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import type { PatchOperation } from '../core/item-changes.js';
import type { NormalizedItem, SourceRef, Translation } from '../core/item.js';
import { duplicateConnection } from '../redis/connection.js';
import type { RedisKeys } from '../redis/keys.js';
import { luaScript, runScript } from '../redis/scripts.js';

const ADD_TO_CHANNEL = luaScript('channel-add');
const REFILE_CHANNEL = luaScript('channel-refile');
const LEAVE_CHANNEL = luaScript('channel-leave');
const EXPIRE_FROM_CHANNEL = luaScript('channel-expire');
const RETRACT_FROM_CHANNEL = luaScript('channel-retract');

/** Tombstones a channel keeps at most, whatever their age. */
export const MAX_TOMBSTONES_PER_CHANNEL = 1000;
const TOUCH_ITEM = luaScript('items-touch');

const sourceField = (source: SourceRef) => `${source.id} ${source.itemUrl}`;

/**
 * Whether a story first stored at `storedAt` is within retention at a `cutoff` of now − `limits.retention`: stored at
 * or after it (the retention sweep takes those stored before it). One not tracked yet (written before retention was
 * tracked, until the start-up pass stamps it) counts as within.
 */
export function withinRetention(storedAt: number | null, cutoff: number): boolean {
  return storedAt === null || storedAt >= cutoff;
}

/** The outlet that published first: the earliest `publishedAt` among the outlets, ties to the one listed first. */
export function firstSourceOf(sources: SourceRef[]): { firstSource?: string } {
  let first: SourceRef | undefined;
  for (const source of sources) {
    const at = source.publishedAt ? Date.parse(source.publishedAt) : NaN;
    const best = first?.publishedAt ? Date.parse(first.publishedAt) : NaN;
    if (!first || (!Number.isNaN(at) && (Number.isNaN(best) || at < best))) first = source;
  }
  return first ? { firstSource: first.id } : {};
}

/** The first byte of a story stored as plain JSON (before stories were compressed): `{`. */
const PLAIN_JSON = 0x7b;

/**
 * A story's content as stored: its JSON, deflated (zlib format, whose first byte is never `{`). A story carries
 * its body twice or three times (`contentHtml`, `contentText`, an interview's `qa`), so it shrinks three to five
 * times, and it is most of what Redis holds per story.
 */
export function encodeStoredStory(content: object): Buffer {
  return deflateSync(JSON.stringify(content));
}

/** The content of a stored story, deflated ({@link encodeStoredStory}) or plain JSON (stored by earlier versions). */
export function decodeStoredStory<T>(stored: Buffer): T {
  return JSON.parse((stored[0] === PLAIN_JSON ? stored : inflateSync(stored)).toString('utf8')) as T;
}

/** An edit as stored beside the story: what names it, and the patch from the version before. */
export interface StoredChange {
  discriminator: string;
  changes: PatchOperation[];
}

/** Channel bookkeeping: a version that changes with every change, and when it changed. */
export interface ChannelState {
  version: number;
  lastModified: number;
}

/**
 * Stored stories and channel membership in Redis. Stories are deflated JSON ({@link encodeStoredStory}); channels are sorted sets by
 * publication time, with a version counter that the feed cache keys on.
 */
export class ItemStore {
  private readonly changeListeners = new Set<(channelId: string) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Stores (or replaces) a story's content. Its outlets are kept apart (one hash field each), so that adding an
   * outlet is a single atomic HSETNX that never races with a content update. `now` (the pipeline clock) stamps the
   * change in the index that incremental reads page through, and starts the story's retention the first time. An
   * edit is stored with its `change` in the same transaction (see {@link lastChange}).
   */
  async save(item: NormalizedItem, now = Date.now(), change?: StoredChange): Promise<void> {
    // Outlets and translations live in hashes of their own (addSource, addTranslation), never in the content.
    const { sources, translations: _translations, ...content } = item;
    const multi = this.redis
      .multi()
      .set(this.keys.item(item.id), encodeStoredStory(content))
      .zadd(this.keys.itemsByTime, Date.parse(item.publishedAt), item.id)
      // Retention counts from the first storing (an edit does not renew it): see runtime/retention.ts.
      .zadd(this.keys.itemsByStored, 'NX', now, item.id);
    if (change) multi.set(this.keys.itemLastChange(item.id), JSON.stringify(change));
    sources.forEach((source, order) => multi.hsetnx(this.keys.itemSources(item.id), sourceField(source), JSON.stringify({ order, source })));
    await multi.exec();
    await this.touch(item.id, now);
  }

  /** Records a change of a story in the index by change (after its content is written, so a reader finds it). */
  private async touch(storyId: string, now: number): Promise<number> {
    return Number(await runScript(this.redis, TOUCH_ITEM, [this.keys.itemsByUpdate], [now, storyId]));
  }

  /**
   * Story ids by change stamp, oldest change first: those changed after `stamp` (at or after it when `inclusive`),
   * at most `count`. A story changed again moves up, so it shows once, at its latest change.
   */
  async changedAfter(stamp: number, inclusive: boolean, count: number): Promise<Array<{ id: string; stamp: number }>> {
    const flat = await this.redis.zrangebyscore(this.keys.itemsByUpdate, inclusive ? String(stamp) : `(${stamp}`, '+inf', 'WITHSCORES', 'LIMIT', 0, count);
    const rows: Array<{ id: string; stamp: number }> = [];
    for (let i = 0; i < flat.length; i += 2) rows.push({ id: flat[i]!, stamp: Number(flat[i + 1]) });
    return rows;
  }

  /** For each of `storyIds`, whether it is filed in the channel. */
  async inChannel(channelId: string, storyIds: string[]): Promise<boolean[]> {
    if (storyIds.length === 0) return [];
    return (await this.redis.zmscore(this.keys.channelItems(channelId), ...storyIds)).map((score) => score !== null);
  }

  /**
   * The patch recorded with the story's latest edit, when that edit is the one `discriminator` names (a retried
   * publish job of an edit already stored sends the same `changes` again); null otherwise.
   */
  async lastChange(storyId: string, discriminator: string): Promise<PatchOperation[] | null> {
    const json = await this.redis.get(this.keys.itemLastChange(storyId));
    if (!json) return null;
    const change = JSON.parse(json) as StoredChange;
    return change.discriminator === discriminator ? change.changes : null;
  }

  /**
   * Calls `listener` with the id of each channel this store changes (same process, synchronously after the
   * write); other processes learn of it on the `channelChanges` pub/sub channel. Returns the unsubscribe.
   */
  onChannelChange(listener: (channelId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Calls `listener` with the id of each channel any process changes, as announced on the `channelChanges` pub/sub
   * channel, through a subscriber connection of its own (kept through outages: messages lost meanwhile are covered
   * by the caller's TTL). `onError` hears why no notices come, if the subscription fails. Returns the close.
   */
  watchChannelChanges(listener: (channelId: string) => void, onError: (err: Error) => void): () => void {
    const subscriber = duplicateConnection(this.redis, { enableOfflineQueue: true });
    subscriber.on('error', () => {}); // the store's own connection reports Redis errors
    subscriber.on('message', (_topic: string, channelId: string) => listener(channelId));
    subscriber.subscribe(this.keys.channelChanges).catch(onError);
    return () => subscriber.disconnect();
  }

  private async changed(channelId: string): Promise<void> {
    for (const listener of this.changeListeners) listener(channelId);
    await this.redis.publish(this.keys.channelChanges, channelId);
  }

  /** One stored story by id, or null when no story has that id. */
  async get(storyId: string): Promise<NormalizedItem | null> {
    return (await this.getMany([storyId]))[0] ?? null;
  }

  /** The stories that exist among `storyIds`, in that order, each with all its outlets. */
  async getMany(storyIds: string[]): Promise<NormalizedItem[]> {
    if (storyIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of storyIds) pipeline.getBuffer(this.keys.item(id)).hvals(this.keys.itemSources(id)).hvals(this.keys.itemTranslations(id));
    const rows = (await pipeline.exec()) ?? [];
    const items: NormalizedItem[] = [];
    for (let i = 0; i < storyIds.length; i++) {
      const stored = rows[3 * i]?.[1] as Buffer | null;
      if (!stored) continue;
      const sources = ((rows[3 * i + 1]?.[1] as string[] | undefined) ?? [])
        .map((row) => JSON.parse(row) as { order: number; source: SourceRef })
        .sort((a, b) => a.order - b.order)
        .map((row) => row.source);
      const translations = ((rows[3 * i + 2]?.[1] as string[] | undefined) ?? [])
        .map((row) => JSON.parse(row) as { order: number; translation: Translation })
        .sort((a, b) => a.order - b.order)
        .map((row) => row.translation);
      const { translations: _stored, firstSource: _first, ...content } = decodeStoredStory<Omit<NormalizedItem, 'sources'>>(stored);
      items.push({ ...content, sources, ...firstSourceOf(sources), ...(translations.length ? { translations } : {}) });
    }
    return items;
  }

  /**
   * Adds an outlet to a story's sources. Returns the updated story; `known` when the story already lists that
   * outlet's article (nothing changed); `no-story` when the story is not stored (yet), leaving nothing behind.
   */
  async addSource(storyId: string, source: SourceRef, at: string): Promise<NormalizedItem | 'known' | 'no-story'> {
    if ((await this.redis.exists(this.keys.item(storyId))) === 0) return 'no-story';
    const added = await this.redis.hsetnx(this.keys.itemSources(storyId), sourceField(source), JSON.stringify({ order: Date.parse(at), source }));
    if (added !== 1) return 'known';
    await this.touch(storyId, Date.parse(at));
    return (await this.get(storyId)) ?? 'no-story';
  }

  /**
   * Takes one outlet out of a story's sources (every article of it that the story lists); answers how many outlets
   * the story still has, or null when the story is not stored.
   */
  async removeSource(storyId: string, sourceId: string): Promise<number | null> {
    if ((await this.redis.exists(this.keys.item(storyId))) === 0) return null;
    const key = this.keys.itemSources(storyId);
    const fields = (await this.redis.hkeys(key)).filter((field) => field.startsWith(`${sourceId} `));
    if (fields.length) await this.redis.hdel(key, ...fields);
    return this.redis.hlen(key);
  }

  /** Forgets a story: its content, outlets, translations, last change and its place in the indexes (channels are left by {@link retractFromChannel}). */
  async remove(storyId: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.item(storyId), this.keys.itemSources(storyId), this.keys.itemTranslations(storyId), this.keys.itemLastChange(storyId))
      .zrem(this.keys.itemsByTime, storyId)
      .zrem(this.keys.itemsByStored, storyId)
      .zrem(this.keys.itemsByUpdate, storyId)
      .exec();
  }

  /**
   * Takes a retracted story out of a channel, leaving a tombstone (see redis/lua/channel-retract.lua); tombstones
   * older than `tombstoneCutoff` (epoch ms) go. Answers whether the story was in the channel.
   */
  async retractFromChannel(channelId: string, storyId: string, pageSize: number, now: number, tombstoneCutoff: number): Promise<boolean> {
    const keys = [this.keys.channelItems(channelId), this.keys.channelLog(channelId), this.keys.channelMeta(channelId), this.keys.channelTombstones(channelId)];
    const retracted = Number(await runScript(this.redis, RETRACT_FROM_CHANNEL, keys, [storyId, pageSize, now, tombstoneCutoff, MAX_TOMBSTONES_PER_CHANNEL]));
    if (retracted === 1) await this.changed(channelId);
    return retracted === 1;
  }

  /** A channel's tombstones deleted at or after `since` (epoch ms), newest first. */
  async channelTombstones(channelId: string, since: number): Promise<Array<{ storyId: string; deletedAt: number }>> {
    const flat = await this.redis.zrevrangebyscore(this.keys.channelTombstones(channelId), '+inf', String(since), 'WITHSCORES');
    const rows: Array<{ storyId: string; deletedAt: number }> = [];
    for (let i = 0; i < flat.length; i += 2) rows.push({ storyId: flat[i]!, deletedAt: Number(flat[i + 1]) });
    return rows;
  }

  /**
   * Adds a translation to a story (one hash field per outlet and address, like the outlets: no race with a content
   * update). Returns the updated story; `known` when it is listed already; `no-story` when the story is not stored.
   */
  async addTranslation(storyId: string, translation: Translation, at: string): Promise<NormalizedItem | 'known' | 'no-story'> {
    if ((await this.redis.exists(this.keys.item(storyId))) === 0) return 'no-story';
    const field = `${translation.source.id} ${translation.url}`;
    const added = await this.redis.hsetnx(this.keys.itemTranslations(storyId), field, JSON.stringify({ order: Date.parse(at), translation }));
    if (added !== 1) return 'known';
    await this.touch(storyId, Date.parse(at));
    return (await this.get(storyId)) ?? 'no-story';
  }

  /** Newest stories first, across all channels. */
  async latest(limit: number, offset = 0): Promise<NormalizedItem[]> {
    return this.getMany(await this.redis.zrevrange(this.keys.itemsByTime, offset, offset + limit - 1));
  }

  /**
   * Puts a story in a channel and bumps the channel's version. A story new to the channel also gets the next
   * arrival sequence number in the channel's log (one script, so concurrent publishers never share a number and
   * a retried job never moves a story): archive pages cut from that order stay the same once full.
   * `definitionDigest`: of the channel definition the caller matched the story against; when the stored one
   * differs (redefined meanwhile), nothing is filed and the answer is false: the backfill that every
   * redefinition queues decides for the new definition, from the stored story.
   */
  async addToChannel(channelId: string, item: NormalizedItem, now: number, definitionDigest = ''): Promise<boolean> {
    const filed = await runScript(this.redis, ADD_TO_CHANNEL, this.channelScriptKeys(channelId), [
      Date.parse(item.publishedAt),
      item.id,
      now,
      channelId,
      definitionDigest,
    ]);
    if (Number(filed) !== 1) return false;
    await this.changed(channelId);
    return true;
  }

  /**
   * Takes a story that no longer matches a channel (an edit changed it) out of the channel, unless it is already in
   * a full archive page, which never changes, or the channel was redefined since the caller read the definition
   * of `definitionDigest` (its backfill decides then). Answers whether the channel changed.
   */
  async removeFromChannel(channelId: string, storyId: string, pageSize: number, now: number, definitionDigest: string): Promise<boolean> {
    const removed = Number(
      await runScript(this.redis, LEAVE_CHANNEL, this.channelScriptKeys(channelId), [storyId, pageSize, now, channelId, definitionDigest]),
    );
    if (removed === 1) await this.changed(channelId);
    return removed === 1;
  }

  /**
   * Applies a backfill to a channel in one script: adds `add` (oldest first) unless already there, removes
   * `remove`, records `digest` as the definition the channel was last filed for, and bumps the version when
   * membership changed. Answers how many stories moved, or -1 when the definition changed meanwhile (nothing done).
   */
  async refileChannel(channelId: string, digest: string, add: Array<{ id: string; score: number }>, remove: string[], now: number): Promise<number> {
    const args: Array<string | number> = [now, channelId, digest, add.length];
    for (const { id, score } of add) args.push(score, id);
    args.push(...remove);
    const changed = Number(await runScript(this.redis, REFILE_CHANNEL, this.channelScriptKeys(channelId), args));
    if (changed > 0) await this.changed(channelId);
    return changed;
  }

  /** The keys every channel script takes (see redis/lua/channel-*.lua): items, log, meta, the channels catalog. */
  private channelScriptKeys(channelId: string): string[] {
    return [this.keys.channelItems(channelId), this.keys.channelLog(channelId), this.keys.channelMeta(channelId), this.keys.channels];
  }

  /** The definition digest a channel was last filed for (see publish/backfill.ts), null if never. */
  async filedDigest(channelId: string): Promise<string | null> {
    return this.redis.hget(this.keys.channelMeta(channelId), 'definitionDigest');
  }

  /** Forgets which definition a channel was filed for, so that a channel re-created under the same id is backfilled. */
  async forgetDigest(channelId: string): Promise<void> {
    await this.redis.hdel(this.keys.channelMeta(channelId), 'definitionDigest');
  }

  /** Story ids with their publication time, newest first, `offset`..`offset + limit - 1`. */
  async idsByTime(limit: number, offset = 0): Promise<Array<{ id: string; score: number }>> {
    const flat = await this.redis.zrevrange(this.keys.itemsByTime, String(offset), String(offset + limit - 1), 'WITHSCORES');
    const rows: Array<{ id: string; score: number }> = [];
    for (let i = 0; i < flat.length; i += 2) rows.push({ id: flat[i]!, score: Number(flat[i + 1]) });
    return rows;
  }

  /** Every story id filed in a channel. */
  async channelMembers(channelId: string): Promise<string[]> {
    return this.redis.zrange(this.keys.channelItems(channelId), '0', '-1');
  }

  /**
   * A channel's arrival log: `total` stories ever filed in its current numbering, of which the first `trimmed`
   * (whole archive pages that aged out) are gone from the log; log rank r is arrival number `trimmed + r`.
   */
  async channelExtent(channelId: string): Promise<{ total: number; trimmed: number }> {
    const [size, trimmed] = await Promise.all([
      this.redis.zcard(this.keys.channelLog(channelId)),
      this.redis.hget(this.keys.channelMeta(channelId), 'trimmed'),
    ]);
    const gone = Number(trimmed ?? 0);
    return { total: gone + size, trimmed: gone };
  }

  /**
   * Ids of stories first stored before `cutoff` (pipeline clock), oldest first, at most `limit`: those past
   * retention (see {@link withinRetention}).
   */
  async storedBefore(cutoff: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.itemsByStored, '-inf', `(${cutoff}`, 'LIMIT', 0, limit);
  }

  /** When each of `storyIds` was first stored (pipeline clock), null for one not tracked (yet). */
  async storedAt(storyIds: string[]): Promise<Array<number | null>> {
    if (storyIds.length === 0) return [];
    return (await this.redis.zmscore(this.keys.itemsByStored, ...storyIds)).map((score) => (score === null ? null : Number(score)));
  }

  /**
   * Takes aged-out stories out of a channel without an event (see redis/lua/channel-expire.lua: whole archive pages
   * leave the log once empty). Answers whether the channel changed; if so, feed caches hear of it.
   */
  async expireFromChannel(channelId: string, storyIds: string[], pageSize: number, now: number): Promise<boolean> {
    const changed = Number(await runScript(this.redis, EXPIRE_FROM_CHANNEL, this.channelScriptKeys(channelId).slice(0, 3), [pageSize, now, ...storyIds]));
    if (changed > 0) await this.changed(channelId);
    return changed > 0;
  }

  /** Deletes stories, their outlets, translations and last change for good (after they left their channels): the API answers 404 for them. */
  async forget(storyIds: string[]): Promise<void> {
    if (!storyIds.length) return;
    const multi = this.redis.multi();
    for (const id of storyIds) multi.del(this.keys.item(id), this.keys.itemSources(id), this.keys.itemTranslations(id), this.keys.itemLastChange(id));
    await multi
      .zrem(this.keys.itemsByTime, ...storyIds)
      .zrem(this.keys.itemsByStored, ...storyIds)
      .zrem(this.keys.itemsByUpdate, ...storyIds)
      .exec();
  }

  /**
   * Gives every story stored before retention was tracked (no entry in the by-stored set) a retention starting
   * `now`; idempotent (stories already tracked keep their time). Answers how many it adopted.
   */
  async adoptUntracked(now: number): Promise<number> {
    let adopted = 0;
    for (let start = 0; ; start += 1000) {
      const ids = await this.redis.zrange(this.keys.itemsByTime, String(start), String(start + 999));
      if (!ids.length) break;
      adopted += await this.redis.zadd(this.keys.itemsByStored, 'NX', ...ids.flatMap((id) => [String(now), id]));
    }
    return adopted;
  }

  /** Deletes a removed channel's membership and log (its version counter stays, so caches never see a version twice). */
  async removeChannelState(channelId: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.channelItems(channelId), this.keys.channelLog(channelId))
      .hdel(this.keys.channelMeta(channelId), 'definitionDigest', 'seq', 'trimmed')
      .exec();
  }

  /**
   * Stories of a channel by arrival order, `start`..`stop` inclusive (0 = the first to arrive), returned newest
   * first as feeds list them.
   */
  async channelRange(channelId: string, start: number, stop: number): Promise<NormalizedItem[]> {
    if (stop < start) return [];
    return this.getMany((await this.redis.zrange(this.keys.channelLog(channelId), String(start), String(stop))).reverse());
  }

  /** A channel's version and last change time (0 before its first story). */
  async channelState(channelId: string): Promise<ChannelState> {
    const [version, lastModified] = await this.redis.hmget(this.keys.channelMeta(channelId), 'version', 'lastModified');
    return { version: Number(version ?? 0), lastModified: Number(lastModified ?? 0) };
  }

  /** One page of a channel, newest first. */
  async channelPage(channelId: string, limit: number, offset = 0): Promise<{ items: NormalizedItem[]; total: number }> {
    const key = this.keys.channelItems(channelId);
    const [ids, total] = await Promise.all([this.redis.zrevrange(key, offset, offset + limit - 1), this.redis.zcard(key)]);
    return { items: await this.getMany(ids), total };
  }
}
