/**
 * Every piece of state kept bounded (see the bounds table, src/redis/bounds.ts, and src/redis/README.md): the
 * retention sweep and the start-up pass. Both read the pipeline's clock (`ctx.clock`), never Redis's, so that one
 * clock drives every bound (the soak test runs a year on a fast one); Redis TTLs are only a backstop behind them.
 */
import type { AppContext } from './context.js';

/** What the sweep and the start-up pass touch. */
export type RetentionDeps = Pick<
  AppContext,
  'config' | 'clock' | 'logger' | 'catalog' | 'items' | 'people' | 'storyIndex' | 'seenEntries' | 'sourceStatus' | 'feedSubscriptions' | 'endpoints' | 'queues'
>;

/** Stories forgotten per batch (one channel script per channel and batch). */
const STORY_BATCH = 200;

/** What one sweep removed. */
export interface SweepOutcome {
  stories: number;
  seenEntries: number;
  failedJobs: number;
}

/**
 * How long a stage's failed jobs are kept: `limits.failedJobRetention`, never past `limits.retention` (a story's
 * job carries its content, which must not outlive the story).
 */
export function failedJobAgeMs(limits: RetentionDeps['config']['limits']): number {
  return Math.min(limits.failedJobRetention, limits.retention);
}

/**
 * Stories first stored more than `limits.retention` ago leave their channels (whole archive pages leave the log once
 * empty), the dedup index and the store, without an event: the API answers 404 for them. Oldest first, in batches,
 * each batch in an order a crash can resume: index and channels first, the story (and its place in the by-stored
 * set the sweep reads) last.
 */
async function sweepStories(ctx: RetentionDeps, now: number): Promise<number> {
  const cutoff = now - ctx.config.limits.retention;
  let swept = 0;
  for (;;) {
    const ids = await ctx.items.storedBefore(cutoff, STORY_BATCH);
    if (!ids.length) return swept;
    for (const id of ids) await ctx.storyIndex.remove(id);
    for (const channel of await ctx.catalog.list('channels')) await ctx.items.expireFromChannel(channel.id, ids, channel.pageSize, now);
    // A person lasts while a stored story names them.
    for (const story of await ctx.items.getMany(ids)) {
      const personId = story.interview?.interviewee?.personId;
      if (personId) await ctx.people.forgetStory(personId, story.id);
    }
    await ctx.items.forget(ids);
    swept += ids.length;
  }
}

/** Seen entries their feed has not listed for `limits.retention` (one still listed is never pruned). */
async function sweepSeenEntries(ctx: RetentionDeps, now: number): Promise<number> {
  const cutoff = now - ctx.config.limits.retention;
  let pruned = 0;
  for (const source of await ctx.catalog.list('sources')) pruned += await ctx.seenEntries.prune(source.id, cutoff);
  return pruned;
}

/**
 * Failed jobs (dead letters) of every queue: older than {@link failedJobAgeMs}, or beyond `limits.failedJobCap`
 * per queue (oldest first), go. Job ages are BullMQ's own timestamps; the count cap holds whatever the clock.
 */
export async function trimFailedJobs(ctx: Pick<RetentionDeps, 'config' | 'queues'>): Promise<number> {
  const { limits } = ctx.config;
  let removed = 0;
  for (const [, queue] of ctx.queues.all()) {
    removed += (await queue.clean(failedJobAgeMs(limits), 0, 'failed')).length;
    const excess = (await queue.getFailedCount()) - limits.failedJobCap;
    // getFailed lists newest first: the excess is at the end.
    if (excess > 0)
      for (const job of await queue.getFailed(limits.failedJobCap, limits.failedJobCap + excess - 1))
        if (job)
          removed += await job.remove().then(
            () => 1,
            () => 0,
          );
  }
  return removed;
}

/**
 * How often the scheduler role runs the retention sweep: every `limits.sweepInterval`, or a quarter of
 * `limits.retention` when that is shorter (at least a second), so that a story never outlives its retention by more
 * than a quarter of it, however short an operator sets it. Within what Node's timers hold (about 24.8 days).
 */
export function sweepPeriodMs(limits: RetentionDeps['config']['limits']): number {
  return Math.min(limits.sweepInterval, Math.max(1_000, Math.floor(limits.retention / 4)), 2 ** 31 - 1);
}

/** One pass of every time bound, at the pipeline clock's now. Idempotent; safe to run in several processes at once. */
export async function sweepRetention(ctx: RetentionDeps): Promise<SweepOutcome> {
  const now = ctx.clock.now();
  const outcome = { stories: await sweepStories(ctx, now), seenEntries: await sweepSeenEntries(ctx, now), failedJobs: await trimFailedJobs(ctx) };
  if (outcome.stories || outcome.seenEntries || outcome.failedJobs) ctx.logger.info(outcome, 'retention sweep');
  return outcome;
}

/**
 * The start-up pass: brings state written before retention was enforced under its bounds, idempotently. Stories
 * and seen entries without a stamp get one at `now` (they leave one retention period later, unless still listed);
 * removed sources' and subscriptions' state is forgotten; then one sweep.
 */
export async function bringUnderBounds(ctx: RetentionDeps): Promise<SweepOutcome & { adoptedStories: number; adoptedSeen: number; forgotten: number }> {
  const now = ctx.clock.now();
  const adoptedStories = await ctx.items.adoptUntracked(now);
  const sources = new Set((await ctx.catalog.list('sources')).map((source) => source.id));
  let adoptedSeen = 0;
  for (const id of sources) adoptedSeen += await ctx.seenEntries.adoptUntracked(id, now);
  let forgotten = 0;
  for (const id of await ctx.sourceStatus.idsWithState())
    if (!sources.has(id)) {
      await Promise.all([ctx.sourceStatus.forget(id), ctx.seenEntries.forget(id), ctx.feedSubscriptions.forget(id)]);
      forgotten++;
    }
  const subscriptions = new Set((await ctx.catalog.list('subscriptions')).map((subscription) => subscription.id));
  for (const id of await ctx.endpoints.idsWithState())
    if (!subscriptions.has(id)) {
      await ctx.endpoints.forget(id);
      forgotten++;
    }
  const swept = await sweepRetention(ctx);
  if (adoptedStories || adoptedSeen || forgotten)
    ctx.logger.info({ adoptedStories, adoptedSeen, forgotten }, 'state written before retention was enforced brought under its bounds');
  return { ...swept, adoptedStories, adoptedSeen, forgotten };
}
