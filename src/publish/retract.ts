/**
 * Retractions. An outlet that marks an entry deleted (an Atom `at:deleted-entry` tombstone in its feed, RFC 6721)
 * leaves the story's sources: the story stays, announced as `item.updated` without that outlet, while another
 * outlet still carries it; when the last one retracts, or an operator deletes the story (`DELETE
 * /api/v1/items/{id}`, `syndicate items delete`), the story leaves every channel (an Atom tombstone takes its place
 * for `events.tombstoneRetention`), its record and its dedup entries are forgotten, and subscriptions get
 * `item.deleted`.
 */
import { SyndicateError } from '../core/errors.js';
import { itemChanges } from '../core/item-changes.js';
import { safeItem } from '../core/safe-item.js';
import type { NormalizedItem, RetractedItem } from '../core/item.js';
import { eventId, subscriptionWants } from '../deliver/build-event.js';
import type { PublishJob } from '../queues/pipeline.js';
import { firstSourceOf } from './item-store.js';
import { fileAndAnnounce, type AnnounceDeps } from './announce.js';
import { enqueueChannelUpdates } from './hub-publisher.js';
import type { PeopleStore } from '../people/people-store.js';
import type { StageServices } from '../queues/stage-services.js';

/** What a retraction did: nothing (unknown story or outlet), took one outlet out, or deleted the story. */
export type RetractOutcome =
  | { storyId: string | null; outcome: 'unknown' }
  | { storyId: string; outcome: 'source-removed'; remainingSources: number }
  | { storyId: string; outcome: 'deleted'; deleted: RetractedItem & { channels: string[] }; deliveries: number };

/** The part of the dedup stage's story index a retraction uses: which story an outlet's entry was filed under, and forgetting a story. */
export interface RetractableStoryIndex {
  storyOfGuid(sourceId: string, guid: string): Promise<string | null>;
  remove(storyId: string): Promise<number>;
}

/** What a retraction touches: the publish stage's stores, queues and helpers (and the story index, to find and forget entries). */
export type RetractDeps = AnnounceDeps & Pick<StageServices, 'clock' | 'config'> & { storyIndex: RetractableStoryIndex; people: PeopleStore };

/** A source's tombstone: finds the story its entry was filed under, then retracts that outlet from it. */
export async function retractFromSource(ctx: RetractDeps, job: Extract<PublishJob, { event: 'item.retracted' }>): Promise<RetractOutcome> {
  const storyId = await ctx.storyIndex.storyOfGuid(job.sourceId, job.guid);
  if (!storyId) {
    ctx.logger.info({ sourceId: job.sourceId, guid: job.guid }, 'tombstone for an entry we do not hold: nothing to retract');
    return { storyId: null, outcome: 'unknown' };
  }
  const story = await ctx.items.get(storyId);
  if (!story || !story.sources.some((source) => source.id === job.sourceId)) return { storyId, outcome: 'unknown' };
  if (story.sources.length > 1) {
    const remaining = (await ctx.items.removeSource(storyId, job.sourceId)) ?? 0;
    if (remaining > 0) {
      const rest = story.sources.filter((source) => source.id !== job.sourceId);
      const item: NormalizedItem = { ...story, sources: rest, source: story.source.id === job.sourceId ? rest[0]! : story.source, ...firstSourceOf(rest) };
      await ctx.items.save(item);
      // Another event than any earlier edit of the story: named after the retraction.
      const changes = itemChanges(safeItem(story), safeItem(item));
      await fileAndAnnounce(ctx, 'item.updated', item, `retracted\u0000${job.sourceId}\u0000${job.guid}`, ctx.clock.now(), changes);
      ctx.logger.info({ storyId, sourceId: job.sourceId, remainingSources: remaining }, 'outlet retracted its copy: story kept');
      return { storyId, outcome: 'source-removed', remainingSources: remaining };
    }
  }
  return deleteStory(ctx, story, 'source', job.sourceId);
}

/**
 * Deletes a stored story (the last outlet retracted it, or an operator did): out of every channel with a tombstone,
 * record and dedup entries forgotten, WebSub pushed, `item.deleted` fanned out to the subscriptions of the channels
 * it was in. Idempotent: a story already gone is `unknown`.
 */
export async function deleteStory(ctx: RetractDeps, story: NormalizedItem, reason: 'source' | 'operator', sourceId: string | null): Promise<RetractOutcome> {
  const now = ctx.clock.now();
  const cutoff = now - ctx.config.events.tombstoneRetention;
  const channels: string[] = [];
  for (const channel of await ctx.catalog.list('channels')) {
    if (await ctx.items.retractFromChannel(channel.id, story.id, channel.pageSize, now, cutoff)) channels.push(channel.id);
  }
  if (channels.length) await enqueueChannelUpdates(ctx, channels);
  const deleted: RetractedItem = { id: story.id, url: story.url, title: story.title, deletedAt: new Date(now).toISOString(), reason, sourceId };
  const wanted = (await ctx.catalog.list('subscriptions')).filter((s) => subscriptionWants(s, 'item.deleted', channels)).map((s) => s.id);
  // Announced before the record goes, so that a job retried after a crash here finds the story and adds the same
  // event (its id is the story's version, which a story published again under the same id would not share).
  if (wanted.length) {
    const id = eventId('item.deleted', story, story.updatedAt);
    await ctx.queues.enqueueFanout({
      eventId: id,
      eventType: 'item.deleted',
      body: JSON.stringify({ type: 'item.deleted', timestamp: deleted.deletedAt, data: deleted }),
      storyId: story.id,
      subscriptionIds: wanted,
    });
  }
  const personId = story.interview?.interviewee?.personId;
  if (personId) await ctx.people.forgetStory(personId, story.id);
  await ctx.items.remove(story.id);
  await ctx.storyIndex.remove(story.id);
  ctx.metrics.storiesPublished.inc({ event: 'item.deleted' });
  ctx.logger.info({ storyId: story.id, reason, sourceId, channels, deliveries: wanted.length }, 'story retracted');
  return { storyId: story.id, outcome: 'deleted', deleted: { ...deleted, channels }, deliveries: wanted.length };
}

/** An operator's deletion (API and CLI): the story as `item.deleted` announced it, with the channels it left; `SYN_ERR_NOT_FOUND` when not stored. */
export async function deleteStoryById(ctx: RetractDeps, storyId: string): Promise<RetractedItem & { channels: string[] }> {
  const story = await ctx.items.get(storyId);
  const outcome = story ? await deleteStory(ctx, story, 'operator', null) : null;
  if (outcome?.outcome !== 'deleted') throw new SyndicateError('SYN_ERR_NOT_FOUND', `no item ${storyId}`);
  return outcome.deleted;
}
