import type { Job } from 'bullmq';
import type { NormalizeJob } from '../queues/pipeline.js';
import type { PipelineQueues } from '../queues/queues.js';
import { normalizeEntry } from './normalize-entry.js';
import type { StageServices } from '../queues/stage-services.js';
import type { Catalog } from '../catalog/catalog.js';

/** What the normalize stage touches: the catalog (the source's name and cleanup rules), the dedup queue, its counter. */
export type NormalizeDeps = Pick<StageServices, 'metrics'> & { catalog: Catalog } & { queues: Pick<PipelineQueues, 'dedup'> };

/** Normalizes one entry and hands the item to the dedup stage. */
export async function processNormalizeJob(ctx: NormalizeDeps, job: Job<NormalizeJob>): Promise<{ storyId: string; kind: string } | null> {
  const { sourceId, sourceHomepage, entry, fetchedAt } = job.data;
  const source = await ctx.catalog.get('sources', sourceId);
  if (!source) return null;
  const item = normalizeEntry(entry, { id: source.id, name: source.name, homepage: sourceHomepage, cleanup: source.cleanup }, fetchedAt);
  await ctx.queues.dedup.add('dedup', { item, guid: entry.guid }, { jobId: `${job.id}` });
  ctx.metrics.itemsNormalized.inc({ kind: item.kind });
  return { storyId: item.id, kind: item.kind };
}
