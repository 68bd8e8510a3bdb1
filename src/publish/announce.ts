import type { Catalog } from '../catalog/catalog.js';
import type { PatchOperation } from '../core/item-changes.js';
import type { EventType, NormalizedItem } from '../core/item.js';
import { buildEvent, eventId, subscriptionWants } from '../deliver/build-event.js';
import type { PipelineQueues } from '../queues/queues.js';
import type { StageServices } from '../queues/stage-services.js';
import { definitionDigest } from './backfill.js';
import { belongsInChannel } from './channel-filter.js';
import { enqueueChannelUpdates, type ChannelUpdateDeps } from './hub-publisher.js';
import { firstSourceOf, type ItemStore } from './item-store.js';

/** What one announcement did: the story, its event, the channels it is filed in, the fan-out's subscriptions. */
export interface PublishOutcome {
  storyId: string;
  event: EventType;
  channels: string[];
  deliveries: number;
}

/** What an announcement touches: channels (catalog), stored stories, the WebSub and deliver queues, a counter. */
export type AnnounceDeps = ChannelUpdateDeps &
  Pick<StageServices, 'metrics' | 'logger'> & { catalog: Catalog; items: ItemStore } & { queues: Pick<PipelineQueues, 'enqueueFanout' | 'enqueueWebSub'> };

/**
 * Files a stored story (or its change) in every channel whose filter it matches, takes an edited one out of those it
 * no longer matches, pushes the changed feeds to WebSub and fans the event out to every subscription that wants it.
 * `discriminator` tells this event from an earlier one of the same type about the same story (see `eventId`);
 * `changes`, of an `item.updated`, the JSON Patch from the version before (core/item-changes.ts).
 */
export async function fileAndAnnounce(
  ctx: AnnounceDeps,
  event: 'item.published' | 'item.updated' | 'item.source_added' | 'item.translation_added',
  item: NormalizedItem,
  discriminator: string,
  now: number,
  changes?: PatchOperation[],
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

  // Every event names the first publisher the way a stored story read back does.
  item = { ...item, ...firstSourceOf(item.sources) };
  const id = eventId(data.event, item, discriminator);
  const body = JSON.stringify(buildEvent(data.event, item, new Date(now).toISOString(), changes));
  // A subscriber of a channel the story just left still holds the old version: the edit is news to it too.
  const routedBy = left.length ? [...channels, ...left] : channels;
  const wanted = (await ctx.catalog.list('subscriptions'))
    .filter((subscription) => subscriptionWants(subscription, data.event, routedBy, item))
    .map((s) => s.id);
  // One fan-out job per event makes every first attempt (the deliver stage hands failures to per-subscription
  // jobs): a queue job per delivery would cost more than the POST itself. Its own attempts and backoff, since
  // it only fails on Redis trouble, never on an endpoint.
  if (wanted.length) {
    await ctx.queues.enqueueFanout({ eventId: id, eventType: data.event, body, storyId: item.id, subscriptionIds: wanted });
  }
  const deliveries = wanted.length;
  ctx.metrics.storiesPublished.inc({ event: data.event });
  ctx.logger.info({ storyId: item.id, event: data.event, channels, ...(left.length ? { leftChannels: left } : {}), deliveries }, 'published');
  return { storyId: item.id, event: data.event, channels, deliveries };
}
