import type { Job } from 'bullmq';
import type { DedupJob } from '../queues/pipeline.js';
import type { PipelineQueues } from '../queues/queues.js';
import { matchKind } from '../queues/stage-metrics.js';
import type { DedupResolution } from './story-index.js';
import type { StageServices } from '../queues/stage-services.js';
import type { StoryIndex } from './story-index.js';

/** What the dedup stage touches: the story index, the publish queue, its counters and the log. */
export type DedupDeps = Pick<StageServices, 'metrics' | 'logger'> & { storyIndex: StoryIndex } & { queues: Pick<PipelineQueues, 'publish'> };

/**
 * Decides what an incoming item is (a new story, another outlet's copy, an edit, or nothing new) and hands the
 * matching event to the publish stage. A copy from an outlet the story already lists announces nothing.
 */
export async function processDedupJob(ctx: DedupDeps, job: Job<DedupJob>): Promise<DedupResolution> {
  const { item, guid } = job.data;
  const decision = await ctx.storyIndex.resolve({
    sourceId: item.source.id,
    guid,
    url: item.url,
    title: item.title,
    contentText: item.contentText,
    proposedStoryId: item.id,
    attemptId: String(job.id),
  });
  const jobId = `${decision.outcome}-${job.id}`;
  if (decision.outcome === 'new') await ctx.queues.publish.add('publish', { event: 'item.published', item }, { jobId });
  else if (decision.outcome === 'updated')
    await ctx.queues.publish.add('publish', { event: 'item.updated', item: { ...item, id: decision.storyId } }, { jobId });
  else if (decision.outcome === 'duplicate' && decision.newSource)
    await ctx.queues.publish.add('publish', { event: 'item.source_added', storyId: decision.storyId, source: item.source }, { jobId });
  // Handed on: the decision's memo is no longer needed (a retry now finds the entry known).
  await ctx.storyIndex.forgetAttempt(String(job.id));
  ctx.metrics.dedupDecisions.inc({ outcome: decision.outcome, match: matchKind(decision.matchedBy) });
  ctx.logger.debug({ storyId: decision.storyId, outcome: decision.outcome, matchedBy: decision.matchedBy }, 'dedup decision');
  return decision;
}
