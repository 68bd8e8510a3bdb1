import { isBatch, runBatch, type BatchHandOff } from '../queues/batch.js';
import type { BatchJob, DedupJob, PublishJob } from '../queues/pipeline.js';
import type { PipelineQueues } from '../queues/queues.js';
import type { StageJob } from '../queues/stage-job.js';
import { matchKind } from '../queues/stage-metrics.js';
import type { DedupResolution } from './story-index.js';
import type { StageServices } from '../queues/stage-services.js';
import type { StoryIndex } from './story-index.js';
import type { TranslationIndex } from './translation-index.js';
import { translationSignature } from './translation.js';
import type { NormalizedItem, Translation } from '../core/item.js';

/** What the dedup stage touches: the story index, the publish queue, its counters and the log. */
export type DedupDeps = Pick<StageServices, 'metrics' | 'logger' | 'sandbox'> & { storyIndex: StoryIndex; translations: TranslationIndex } & {
  queues: Pick<PipelineQueues, 'enqueueDecision' | 'enqueueDecisionBatch'> & BatchHandOff;
};

/** What dedup decided about one item and the event it hands to publish (null: nothing to announce). */
interface DedupVerdict {
  decision: DedupResolution;
  handoff: PublishJob | null;
}

const translationOf = (item: NormalizedItem): Translation => ({ language: item.language, url: item.url, source: item.source, title: item.title });

/**
 * The cross-language step: a new interview that translates one published within the window (same person, turns,
 * figures and names: dedup/translation.ts) joins that story's translations instead of being a story of its own;
 * a copy of such a translation by another outlet joins them too, and its edits change nothing. A new interview
 * that translates nothing is filed as a possible original. Answers the verdict when the item was handled here.
 */
async function handleTranslation(ctx: DedupDeps, item: NormalizedItem, decision: DedupResolution): Promise<DedupVerdict | null> {
  if (decision.outcome === 'unchanged') return null;
  const original = decision.outcome === 'new' ? null : await ctx.translations.originalOf(decision.storyId);
  if (original) {
    const joins = decision.outcome === 'duplicate' && decision.newSource;
    return { decision, handoff: joins ? { event: 'item.translation_added', storyId: original, translation: translationOf(item) } : null };
  }
  if (decision.outcome !== 'new') return null;
  const signature = translationSignature(item);
  if (!signature) return null;
  const found = await ctx.translations.findOriginal(signature);
  if (!found) {
    await ctx.translations.add(signature);
    return null;
  }
  await ctx.translations.markTranslation(item.id, found);
  ctx.logger.debug({ storyId: found, translation: item.id, language: item.language }, 'dedup: a translation');
  return { decision, handoff: { event: 'item.translation_added', storyId: found, translation: translationOf(item) } };
}

/** The event a decision hands to publish, outside the cross-language step (null: nothing to announce). Pure. */
function decisionEvent(item: NormalizedItem, decision: DedupResolution): PublishJob | null {
  if (decision.outcome === 'new') return { event: 'item.published', item };
  if (decision.outcome === 'updated') return { event: 'item.updated', item: { ...item, id: decision.storyId } };
  if (decision.outcome === 'duplicate' && decision.newSource)
    return {
      event: 'item.source_added',
      storyId: decision.storyId,
      source: { ...item.source, publishedAt: item.publishedAt },
      ...(item.interview ? { turns: item.interview.qa.map(({ question, answer }) => ({ question, answer })) } : {}),
    };
  return null;
}

/**
 * Decides what an incoming item is (a new story, another outlet's copy, an edit, or nothing new) and the event to
 * hand to publish. `attemptId` keeps the decision for a retry until {@link forgetAttempts} (see story-index.ts).
 */
async function decide(ctx: DedupDeps, { item, guid }: DedupJob, attemptId: string): Promise<DedupVerdict> {
  const decision = await ctx.storyIndex.resolve({
    sourceId: item.source.id,
    guid,
    url: item.url,
    title: item.title,
    contentText: item.contentText,
    proposedStoryId: item.id,
    attemptId,
    // Shingling a long body takes a while: in the sandbox, so the process's main thread stays free.
    sketch: await ctx.sandbox.run('sketchDedupText', { text: item.contentText }),
  });
  const verdict = (await handleTranslation(ctx, item, decision)) ?? { decision, handoff: decisionEvent(item, decision) };
  ctx.metrics.dedupDecisions.inc({ outcome: decision.outcome, match: matchKind(decision.matchedBy) });
  ctx.logger.debug({ storyId: decision.storyId, outcome: decision.outcome, matchedBy: decision.matchedBy }, 'dedup decision');
  return verdict;
}

/** Handed on: the decisions' memos are no longer needed (a retry now finds the entries known). */
async function forgetAttempts(ctx: DedupDeps, attemptIds: string[]): Promise<void> {
  await Promise.all(attemptIds.map((id) => ctx.storyIndex.forgetAttempt(id)));
}

/**
 * Decides a batch of items one by one and hands their events to publish as one batch job; an item whose decision
 * fails goes on in a dedup job of its own (queues/batch.ts).
 */
async function processDedupBatch(ctx: DedupDeps, job: StageJob<BatchJob<DedupJob>>): Promise<{ decisions: number }> {
  const done = await runBatch(ctx, 'dedup', job, (member) => decide(ctx, member.data, String(member.id)));
  const decisions = done.flatMap(({ member, result }) =>
    result.handoff ? [{ job: result.handoff, outcome: result.decision.outcome, dedupJobId: member.id }] : [],
  );
  await ctx.queues.enqueueDecisionBatch(decisions, job.id);
  await forgetAttempts(
    ctx,
    done.map(({ member }) => member.id),
  );
  return { decisions: decisions.length };
}

/**
 * Decides what an incoming item is (or each of a batch, see {@link processDedupBatch}) and hands the matching event
 * to the publish stage. A copy from an outlet the story already lists announces nothing.
 */
export async function processDedupJob(ctx: DedupDeps, job: StageJob<DedupJob | BatchJob<DedupJob>>): Promise<DedupResolution | { decisions: number }> {
  const data = job.data;
  if (isBatch(data)) return processDedupBatch(ctx, job as StageJob<BatchJob<DedupJob>>);
  const { decision, handoff } = await decide(ctx, data, String(job.id));
  if (handoff) await ctx.queues.enqueueDecision(handoff, decision.outcome, job.id);
  await forgetAttempts(ctx, [String(job.id)]);
  return decision;
}
