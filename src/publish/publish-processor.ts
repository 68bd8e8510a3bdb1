import type { Job } from 'bullmq';
import type { EventType, NormalizedItem } from '../core/item.js';
import { FANOUT_JOB_NAME, buildEvent, eventId, fanoutJobId, subscriptionWants } from '../deliver/build-event.js';
import { SyndicateError } from '../core/errors.js';
import type { PublishJob } from '../queues/pipeline.js';
import { postpone, postponeDelay, timesPostponed } from '../queues/postpone.js';
import type { PipelineQueues } from '../queues/queues.js';
import { backfillChannel, definitionDigest, type BackfillDeps, type BackfillOutcome } from './backfill.js';
import { belongsInChannel } from './channel-filter.js';
import { retractFromSource, type RetractableStoryIndex, type RetractOutcome } from './retract.js';
import { enqueueChannelUpdates, type ChannelUpdateDeps } from './websub.js';
import type { StageServices } from '../queues/stage-services.js';

export interface PublishOutcome {
  storyId: string;
  event: EventType;
  channels: string[];
  deliveries: number;
}

/**
 * What the publish stage touches: the stored stories and the channels they are filed in (catalog), the deliver
 * queue (fan-outs), and through its helpers the backfill and WebSub distribution.
 */
export type PublishDeps = BackfillDeps &
  ChannelUpdateDeps &
  Pick<StageServices, 'metrics'> & { storyIndex: RetractableStoryIndex } & { queues: Pick<PipelineQueues, 'deliver' | 'websub'> };

/** First wait of a later event whose story is not stored yet; it grows by half each time up to the cap. */
const STORY_WAIT_MS = 250;
const STORY_WAIT_CAP_MS = 30_000;
/** Waits before giving up on the story (about 5 minutes in all), then the job fails visibly and retries. */
const STORY_WAIT_LIMIT = 20;

/**
 * A later event (`item.source_added`, `item.updated`) whose story is not stored yet. The dedup stage can decide
 * that a second outlet carries a story before the story's own `item.published` job has stored it (both jobs then
 * sit in the publish queue, and workers take them in parallel): the event waits, without spending an attempt,
 * rather than lose the outlet or store an edit that the older version would then overwrite.
 */
async function waitForStory(ctx: Pick<StageServices, 'clock'>, job: Job<PublishJob>, token: string | undefined, storyId: string): Promise<never> {
  const times = timesPostponed(job);
  if (times < STORY_WAIT_LIMIT) {
    const now = ctx.clock.now();
    return postpone(job, token, now + postponeDelay(STORY_WAIT_MS, times, STORY_WAIT_CAP_MS), now);
  }
  throw new SyndicateError('SYN_ERR_STORY_NOT_STORED', `story ${storyId} is still not stored after ${times} waits: its item.published job did not run`);
}

/**
 * Stores a story (or its change), files it in every channel whose filter it matches, bumps those channels so
 * their feeds re-render, and fans the event out to every subscription that wants it. Idempotent: a retried job
 * rewrites the same state and produces the same event ids, which the deliver queue drops as repeats (one fan-out
 * job per event, see deliver/fanout-processor.ts). A later event whose story is not stored yet waits for it.
 */
export async function processPublishJob(
  ctx: PublishDeps,
  job: Job<PublishJob>,
  token?: string,
): Promise<PublishOutcome | BackfillOutcome | RetractOutcome | null> {
  const data = job.data;
  // Backfills share the publish queue so they are serialized with nothing but run by the same workers.
  if (data.event === 'channel.backfill') return backfillChannel(ctx, data.channelId);
  if (data.event === 'item.retracted') return retractFromSource(ctx, data);
  const now = ctx.clock.now();
  let item: NormalizedItem | null;
  let discriminator = '';
  if (data.event === 'item.source_added') {
    const added = await ctx.items.addSource(data.storyId, data.source, new Date(now).toISOString());
    if (added === 'no-story') return waitForStory(ctx, job, token, data.storyId);
    // The story already lists this outlet (a retry or a re-fetch), so there is nothing to announce.
    if (added === 'known') return null;
    item = added;
    discriminator = `${data.source.id} ${data.source.itemUrl}`;
  } else if (data.event === 'item.updated') {
    const existing = await ctx.items.get(data.item.id);
    if (!existing) return waitForStory(ctx, job, token, data.item.id);
    item = { ...data.item, publishedAt: existing.publishedAt, sources: existing.sources };
    await ctx.items.save(item, now);
    // The edit itself names the event: two different edits get two ids, a retried job the same one.
    discriminator = `${item.title}\u0000${item.contentText}`;
  } else {
    item = data.item;
    await ctx.items.save(item, now);
  }
  return fileAndAnnounce(ctx, data.event, item, discriminator, now);
}

/**
 * Files a stored story (or its change) in every channel whose filter it matches, takes an edited one out of those it
 * no longer matches, pushes the changed feeds to WebSub and fans the event out to every subscription that wants it.
 * `discriminator` tells this event from an earlier one of the same type about the same story (see `eventId`).
 */
export async function fileAndAnnounce(
  ctx: PublishDeps,
  event: 'item.published' | 'item.updated' | 'item.source_added',
  item: NormalizedItem,
  discriminator: string,
  now: number,
): Promise<PublishOutcome> {
  const data = { event };
  // Each channel is decided on the definition read here; a channel redefined meanwhile is left to the backfill its
  // redefinition queued (the story is stored already, so that backfill finds it). `channels`, the story's channels
  // by this reading, route the webhooks; the `changed` feeds are pushed to WebSub subscribers.
  const channels: string[] = [];
  const changed: string[] = [];
  const left: string[] = [];
  for (const { entry: channel, json } of await ctx.catalog.listStored('channels')) {
    const digest = definitionDigest(json);
    if (belongsInChannel(item, channel)) {
      channels.push(channel.id);
      if (await ctx.items.addToChannel(channel.id, item, now, digest)) changed.push(channel.id);
    } else if (data.event === 'item.updated' && (await ctx.items.removeFromChannel(channel.id, item.id, channel.pageSize, now, digest))) {
      // An edit made the story stop matching the channel (its kind or language changed): it leaves the channel.
      left.push(channel.id);
      changed.push(channel.id);
    }
  }
  // WebSub pushes go through their own queue: a slow subscriber must not hold up the pipeline, and its retries
  // must not repeat the publication. Queued before the webhooks, since WebSub promises push within seconds.
  if (changed.length) await enqueueChannelUpdates(ctx, changed);

  const id = eventId(data.event, item, discriminator);
  const body = JSON.stringify(buildEvent(data.event, item, new Date(now).toISOString()));
  // A subscriber of a channel the story just left still holds the old version: the edit is news to it too.
  const routedBy = left.length ? [...channels, ...left] : channels;
  const wanted = (await ctx.catalog.list('subscriptions'))
    .filter((subscription) => subscriptionWants(subscription, data.event, routedBy, item))
    .map((s) => s.id);
  // One fan-out job per event makes every first attempt (the deliver stage hands failures to per-subscription
  // jobs): a queue job per delivery would cost more than the POST itself. Its own attempts and backoff, since
  // it only fails on Redis trouble, never on an endpoint.
  if (wanted.length) {
    await ctx.queues.deliver.add(
      FANOUT_JOB_NAME,
      { eventId: id, eventType: data.event, body, storyId: item.id, subscriptionIds: wanted },
      { jobId: fanoutJobId(id), attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
    );
  }
  const deliveries = wanted.length;
  ctx.metrics.storiesPublished.inc({ event: data.event });
  ctx.logger.info({ storyId: item.id, event: data.event, channels, ...(left.length ? { leftChannels: left } : {}), deliveries }, 'published');
  return { storyId: item.id, event: data.event, channels, deliveries };
}
