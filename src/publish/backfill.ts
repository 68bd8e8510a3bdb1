import { createHash } from 'node:crypto';
import type { PipelineQueues } from '../queues/queues.js';
import { belongsInChannel } from './channel-filter.js';
import { enqueueChannelUpdates, type ChannelUpdateDeps } from './hub-publisher.js';
import type { StageServices } from '../queues/stage-services.js';
import type { Catalog } from '../catalog/catalog.js';
import { withinRetention, type ItemStore } from './item-store.js';

/** At most this many of the newest stored stories are considered: a new channel shows recent history, not all. */
export const BACKFILL_MAX_STORIES = 5_000;
/** Stories loaded per round trip while walking the store. */
const PAGE = 200;

/**
 * The digest of a channel's definition as stored in the catalog (SHA-1 of its JSON, which the refile script can
 * recompute inside Redis to notice a definition changed under a running backfill). The schema writes keys in a
 * fixed order, so the same definition always has the same digest.
 */
export function definitionDigest(storedJson: string): string {
  return createHash('sha1').update(storedJson).digest('hex');
}

/** What queueing a backfill touches: the channel's definition, the digest it was filed for, the publish queue. */
export type BackfillRequestDeps = { catalog: Catalog; items: ItemStore } & { queues: Pick<PipelineQueues, 'enqueueBackfill'> };

/** What a backfill job touches: the channel's definition, the stored stories, and WebSub distribution of the result. */
export type BackfillDeps = Pick<StageServices, 'clock' | 'config' | 'logger'> & { catalog: Catalog; items: ItemStore } & ChannelUpdateDeps;

/** The digest of the channel's current catalog definition, null when the channel does not exist. */
async function currentDigest(ctx: { catalog: Catalog }, channelId: string): Promise<string | null> {
  const json = await ctx.catalog.storedJson('channels', channelId);
  return json === null ? null : definitionDigest(json);
}

/**
 * Queues a backfill of a channel when its definition differs from the one it was last filed for (new channel,
 * changed filter, or changed while no process was running). Answers whether a job was queued. Off the request
 * path: a backfill reads up to {@link BACKFILL_MAX_STORIES} stories.
 */
export async function requestBackfill(ctx: BackfillRequestDeps, channelId: string): Promise<boolean> {
  const digest = await currentDigest(ctx, channelId);
  if (digest === null || digest === (await ctx.items.filedDigest(channelId))) return false;
  // No fixed job id: the job re-checks the digest when it runs, so a repeat costs one comparison, while a fixed
  // id would make BullMQ drop the job of a definition that comes back (A → B → A) as long as the old one is kept.
  await ctx.queues.enqueueBackfill(channelId);
  return true;
}

/** At start: queues a backfill for every catalog channel whose definition changed since it was last filed. */
export async function requestChangedBackfills(ctx: BackfillRequestDeps & Pick<StageServices, 'logger'>): Promise<string[]> {
  const queued: string[] = [];
  for (const channel of await ctx.catalog.list('channels')) if (await requestBackfill(ctx, channel.id)) queued.push(channel.id);
  if (queued.length) ctx.logger.info({ channels: queued }, 'channel definitions changed: backfill queued');
  return queued;
}

/** What a backfill did: stories added and removed, or `skipped` when there was nothing to do. */
export interface BackfillOutcome {
  channelId: string;
  added: number;
  removed: number;
  skipped?: 'unchanged' | 'gone' | 'superseded';
}

/**
 * Files a channel's matching stored stories (the newest {@link BACKFILL_MAX_STORIES} within the retention window)
 * and removes the stories its filter no longer matches, in one script, oldest first. Idempotent: stories already
 * filed are skipped, and a second run finds the digest recorded and does nothing.
 *
 * Concurrent publishes: the catalog holds the new definition before this job is queued, so a story saved after
 * the walk began is filed by its own publish job (with the new filter) and skipped here; a story saved before is
 * in `itemsByTime` and found by the walk. A story's channel membership is decided from its stored content, which
 * the walk reads, so neither path loses it and the script's membership check keeps either from duplicating it.
 * A publish job that read the old definition before the PUT files nothing in the channel once the definition has
 * changed (its filing script compares the definition's digest): this job decides for that story instead.
 */
export async function backfillChannel(ctx: BackfillDeps, channelId: string): Promise<BackfillOutcome> {
  const json = await ctx.catalog.storedJson('channels', channelId);
  if (json === null) return { channelId, added: 0, removed: 0, skipped: 'gone' };
  const digest = definitionDigest(json);
  if (digest === (await ctx.items.filedDigest(channelId))) return { channelId, added: 0, removed: 0, skipped: 'unchanged' };
  const channel = (await ctx.catalog.get('channels', channelId))!;
  const now = ctx.clock.now();
  // Within retention as the sweep decides it: first stored at or after the cutoff (a story's publication time says
  // nothing: an old article stored today is kept for the whole retention). Stories past it wait for the next sweep.
  const cutoff = now - ctx.config.limits.retention;

  const matching: Array<{ id: string; score: number }> = [];
  for (let offset = 0; offset < BACKFILL_MAX_STORIES; offset += PAGE) {
    const page = await ctx.items.idsByTime(Math.min(PAGE, BACKFILL_MAX_STORIES - offset), offset);
    if (page.length === 0) break;
    const storedAt = await ctx.items.storedAt(page.map((row) => row.id));
    const rows = page.filter((_row, i) => withinRetention(storedAt[i] ?? null, cutoff));
    const stories = new Map((await ctx.items.getMany(rows.map((r) => r.id))).map((s) => [s.id, s]));
    for (const row of rows) {
      const story = stories.get(row.id);
      if (story && belongsInChannel(story, channel)) matching.push(row);
    }
    if (page.length < PAGE) break;
  }
  matching.reverse(); // oldest first, so stories the log has never seen are numbered by publication

  // Removal reads every filed story, whatever its age: a story the filter now excludes must leave the feed even
  // if it is older than the window (a missing story leaves too; its feed entry could not be rendered anyway).
  const remove: string[] = [];
  const members = await ctx.items.channelMembers(channelId);
  for (let i = 0; i < members.length; i += PAGE) {
    const ids = members.slice(i, i + PAGE);
    const stories = new Map((await ctx.items.getMany(ids)).map((s) => [s.id, s]));
    for (const id of ids) {
      const story = stories.get(id);
      if (!story || !belongsInChannel(story, channel)) remove.push(id);
    }
  }

  const filed = new Set(members);
  const added = matching.filter((row) => !filed.has(row.id)).length;
  const changed = await ctx.items.refileChannel(channelId, digest, matching, remove, now);
  if (changed === -1) return { channelId, added: 0, removed: 0, skipped: 'superseded' };
  // One WebSub push per subscriber: the job ids carry the version, bumped once by the script.
  if (changed > 0) await enqueueChannelUpdates(ctx, [channelId]);
  ctx.logger.info({ channelId, added, removed: remove.length, considered: matching.length }, 'channel backfilled');
  return { channelId, added, removed: remove.length };
}
