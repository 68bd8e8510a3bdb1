import type { DedupJob } from '../queues/pipeline.js';
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
  queues: Pick<PipelineQueues, 'enqueueDecision'>;
};

const translationOf = (item: NormalizedItem): Translation => ({ language: item.language, url: item.url, source: item.source, title: item.title });

/**
 * The cross-language step: a new interview that translates one published within the window (same person, turns,
 * figures and names: dedup/translation.ts) joins that story's translations instead of being a story of its own;
 * a copy of such a translation by another outlet joins them too, and its edits change nothing. A new interview
 * that translates nothing is filed as a possible original. Answers whether the item was handled here.
 */
async function handleTranslation(ctx: DedupDeps, item: NormalizedItem, decision: DedupResolution, dedupJobId: string | undefined): Promise<boolean> {
  if (decision.outcome === 'unchanged') return false;
  const original = decision.outcome === 'new' ? null : await ctx.translations.originalOf(decision.storyId);
  if (original) {
    if (decision.outcome === 'duplicate' && decision.newSource)
      await ctx.queues.enqueueDecision({ event: 'item.translation_added', storyId: original, translation: translationOf(item) }, decision.outcome, dedupJobId);
    return true;
  }
  if (decision.outcome !== 'new') return false;
  const signature = translationSignature(item);
  if (!signature) return false;
  const found = await ctx.translations.findOriginal(signature);
  if (!found) {
    await ctx.translations.add(signature);
    return false;
  }
  await ctx.translations.markTranslation(item.id, found);
  await ctx.queues.enqueueDecision({ event: 'item.translation_added', storyId: found, translation: translationOf(item) }, decision.outcome, dedupJobId);
  ctx.logger.debug({ storyId: found, translation: item.id, language: item.language }, 'dedup: a translation');
  return true;
}

/**
 * Decides what an incoming item is (a new story, another outlet's copy, an edit, or nothing new) and hands the
 * matching event to the publish stage. A copy from an outlet the story already lists announces nothing.
 */
export async function processDedupJob(ctx: DedupDeps, job: StageJob<DedupJob>): Promise<DedupResolution> {
  const { item, guid } = job.data;
  const decision = await ctx.storyIndex.resolve({
    sourceId: item.source.id,
    guid,
    url: item.url,
    title: item.title,
    contentText: item.contentText,
    proposedStoryId: item.id,
    attemptId: String(job.id),
    // Shingling a long body takes a while: in the sandbox, so the process's main thread stays free.
    sketch: await ctx.sandbox.run('sketchDedupText', { text: item.contentText }),
  });
  if (await handleTranslation(ctx, item, decision, job.id)) {
    await ctx.storyIndex.forgetAttempt(String(job.id));
    ctx.metrics.dedupDecisions.inc({ outcome: decision.outcome, match: matchKind(decision.matchedBy) });
    return decision;
  }
  if (decision.outcome === 'new') await ctx.queues.enqueueDecision({ event: 'item.published', item }, decision.outcome, job.id);
  else if (decision.outcome === 'updated')
    await ctx.queues.enqueueDecision({ event: 'item.updated', item: { ...item, id: decision.storyId } }, decision.outcome, job.id);
  else if (decision.outcome === 'duplicate' && decision.newSource)
    await ctx.queues.enqueueDecision(
      {
        event: 'item.source_added',
        storyId: decision.storyId,
        source: { ...item.source, publishedAt: item.publishedAt },
        ...(item.interview ? { turns: item.interview.qa.map(({ question, answer }) => ({ question, answer })) } : {}),
      },
      decision.outcome,
      job.id,
    );
  // Handed on: the decision's memo is no longer needed (a retry now finds the entry known).
  await ctx.storyIndex.forgetAttempt(String(job.id));
  ctx.metrics.dedupDecisions.inc({ outcome: decision.outcome, match: matchKind(decision.matchedBy) });
  ctx.logger.debug({ storyId: decision.storyId, outcome: decision.outcome, matchedBy: decision.matchedBy }, 'dedup decision');
  return decision;
}
