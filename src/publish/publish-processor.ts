import type { NormalizedItem } from '../core/item.js';
import { SyndicateError } from '../core/errors.js';
import { itemChanges, type PatchOperation } from '../core/item-changes.js';
import { safeItem } from '../core/safe-item.js';
import { carryTurnIds, turnDiff } from '../core/turn-ids.js';
import { isBatch, runBatch, type BatchHandOff } from '../queues/batch.js';
import type { BatchJob, PublishJob } from '../queues/pipeline.js';
import { postpone, postponeDelay, timesPostponed } from '../queues/postpone.js';
import type { StageJob } from '../queues/stage-job.js';
import type { PeopleStore } from '../people/people-store.js';
import { backfillChannel, type BackfillDeps, type BackfillOutcome } from './backfill.js';
import { retractFromSource, type RetractDeps, type RetractOutcome } from './retract.js';
import { fileAndAnnounce, type AnnounceDeps, type PublishOutcome } from './announce.js';
import type { StageServices } from '../queues/stage-services.js';

/**
 * What the publish stage touches: the stored stories and the channels they are filed in (catalog), the deliver
 * queue (fan-outs), and through its helpers the backfill and WebSub distribution.
 */
export type PublishDeps = BackfillDeps & AnnounceDeps & RetractDeps & { queues: BatchHandOff };

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
async function waitForStory(ctx: Pick<StageServices, 'clock'>, job: StageJob<PublishJob>, token: string | undefined, storyId: string): Promise<never> {
  const times = timesPostponed(job);
  if (times < STORY_WAIT_LIMIT) {
    const now = ctx.clock.now();
    return postpone(job, token, now + postponeDelay(STORY_WAIT_MS, times, STORY_WAIT_CAP_MS), now);
  }
  throw new SyndicateError('SYN_ERR_STORY_NOT_STORED', `story ${storyId} is still not stored after ${times} waits: its item.published job did not run`);
}

/**
 * The stored story after an edit of its first publication: the new text, with what belongs to the story rather
 * than to the edited entry kept (first publication time, outlets), and each turn keeping the id of the turn it
 * was (a reworded answer is the same turn). Pure.
 */
export function editedVersion(existing: NormalizedItem, edit: NormalizedItem): NormalizedItem {
  const item: NormalizedItem = { ...edit, publishedAt: existing.publishedAt, sources: existing.sources };
  if (existing.firstSource) item.firstSource = existing.firstSource;
  if (existing.translations) item.translations = existing.translations;
  if (item.interview) item.interview = { ...item.interview, qa: carryTurnIds(existing.interview?.qa ?? [], item.interview.qa) };
  return item;
}

/**
 * The story with its interviewee's person id (people/people-store.ts), the sighting recorded with the story:
 * the same person whatever the script or spelling of the name. Unchanged when the name identifies no one.
 */
async function withPerson(ctx: { people: PeopleStore }, item: NormalizedItem): Promise<NormalizedItem> {
  const who = item.interview?.interviewee;
  if (!item.interview || !who) return item;
  const personId = await ctx.people.identify({
    name: who.name,
    language: item.language,
    ...(who.role ? { role: who.role } : {}),
    storyId: item.id,
    at: Date.parse(item.publishedAt),
  });
  if (!personId) return item;
  return { ...item, interview: { ...item.interview, interviewee: { ...who, personId } } };
}

/**
 * Stores a story (or its change), files it in every channel whose filter it matches, bumps those channels so
 * their feeds re-render, and fans the event out to every subscription that wants it. Idempotent: a retried job
 * rewrites the same state and produces the same event ids, which the deliver queue drops as repeats (one fan-out
 * job per event, see deliver/fanout-processor.ts). A later event whose story is not stored yet waits for it.
 */
export async function processPublishJob(
  ctx: PublishDeps,
  job: StageJob<PublishJob | BatchJob<PublishJob>>,
  token?: string,
): Promise<PublishOutcome | BackfillOutcome | RetractOutcome | { published: number } | null> {
  const batch = job.data;
  // A batch of a document's decisions: each member in turn; one that fails, or waits for its story, goes on in a
  // publish job of its own (queues/batch.ts).
  if (isBatch(batch)) {
    const done = await runBatch(ctx, 'publish', job as StageJob<BatchJob<PublishJob>>, (member) => processPublishJob(ctx, member, token));
    return { published: done.length };
  }
  return publishOne(ctx, job as StageJob<PublishJob>, token);
}

/** Publishes one decision, backfill or retraction (see {@link processPublishJob}). */
async function publishOne(ctx: PublishDeps, job: StageJob<PublishJob>, token?: string): Promise<PublishOutcome | BackfillOutcome | RetractOutcome | null> {
  const data = job.data;
  // Backfills share the publish queue so they are serialized with nothing but run by the same workers.
  if (data.event === 'channel.backfill') return backfillChannel(ctx, data.channelId);
  if (data.event === 'item.retracted') return retractFromSource(ctx, data);
  const now = ctx.clock.now();
  let item: NormalizedItem | null;
  let discriminator = '';
  let changes: PatchOperation[] | undefined;
  if (data.event === 'item.source_added') {
    const story = data.turns ? await ctx.items.get(data.storyId) : null;
    const source = story?.interview && data.turns ? { ...data.source, turns: turnDiff(story.interview.qa, data.turns) } : data.source;
    const added = await ctx.items.addSource(data.storyId, source, new Date(now).toISOString());
    if (added === 'no-story') return waitForStory(ctx, job, token, data.storyId);
    // The story already lists this outlet (a retry or a re-fetch), so there is nothing to announce.
    if (added === 'known') return null;
    item = added;
    discriminator = `${data.source.id} ${data.source.itemUrl}`;
  } else if (data.event === 'item.translation_added') {
    const added = await ctx.items.addTranslation(data.storyId, data.translation, new Date(now).toISOString());
    if (added === 'no-story') return waitForStory(ctx, job, token, data.storyId);
    // The story already lists this translation (a retry or a re-fetch): nothing to announce.
    if (added === 'known') return null;
    item = added;
    discriminator = `${data.translation.source.id} ${data.translation.url}`;
  } else if (data.event === 'item.updated') {
    const existing = await ctx.items.get(data.item.id);
    if (!existing) return waitForStory(ctx, job, token, data.item.id);
    // The edit itself names the event: two different edits get two ids, a retried job the same one.
    discriminator = `${data.item.title}\u0000${data.item.contentText}`;
    // A retried job finds its own edit stored already: the patch it computed then is the one to send again.
    const retried = await ctx.items.lastChange(existing.id, discriminator);
    item = retried ? existing : await withPerson(ctx, editedVersion(existing, data.item));
    changes = retried ?? itemChanges(safeItem(existing), safeItem(item));
    if (!retried) await ctx.items.save(item, now, { discriminator, changes });
  } else {
    item = await withPerson(ctx, data.item);
    // The first outlet's entry says when it published, like every later outlet's.
    item = { ...item, sources: item.sources.map((s, i) => (i === 0 && !s.publishedAt ? { ...s, publishedAt: item!.publishedAt } : s)) };
    await ctx.items.save(item, now);
  }
  return fileAndAnnounce(ctx, data.event, item, discriminator, now, changes);
}
