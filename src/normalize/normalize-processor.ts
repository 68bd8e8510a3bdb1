import type { Job } from 'bullmq';
import type { NormalizeJob } from '../queues/pipeline.js';
import type { AppContext } from '../runtime/context.js';
import { normalizeEntry } from './normalize-entry.js';

/** Normalizes one entry and hands the item to the dedup stage. */
export async function processNormalizeJob(ctx: AppContext, job: Job<NormalizeJob>): Promise<{ storyId: string; kind: string } | null> {
  const { sourceId, sourceHomepage, entry, fetchedAt } = job.data;
  const source = await ctx.catalog.get('sources', sourceId);
  if (!source) return null;
  const item = normalizeEntry(entry, { id: source.id, name: source.name, homepage: sourceHomepage, cleanup: source.cleanup }, fetchedAt);
  await ctx.queues.dedup.add('dedup', { item, guid: entry.guid }, { jobId: `${job.id}` });
  ctx.metrics.itemsNormalized.inc({ kind: item.kind });
  return { storyId: item.id, kind: item.kind };
}
