import type { Job } from 'bullmq';
import type { NormalizeJob } from '../queues/pipeline.js';
import type { PipelineQueues } from '../queues/queues.js';
import { normalizeEntry } from './normalize-entry.js';
import { rulesFor } from '../content/extraction-rules.js';
import type { StageServices } from '../queues/stage-services.js';
import type { Catalog } from '../catalog/catalog.js';

/** What the normalize stage touches: the catalog (the source's name and cleanup rules), the config's shared extraction rules, the dedup queue, its counter. */
export type NormalizeDeps = Pick<StageServices, 'metrics' | 'config'> & { catalog: Catalog } & { queues: Pick<PipelineQueues, 'dedup'> };

/** Normalizes one entry and hands the item to the dedup stage. */
export async function processNormalizeJob(ctx: NormalizeDeps, job: Job<NormalizeJob>): Promise<{ storyId: string; kind: string } | null> {
  const { sourceId, sourceHomepage, entry, fetchedAt } = job.data;
  const source = await ctx.catalog.get('sources', sourceId);
  if (!source) return null;
  // The config's shared rules for the article's domain, then the source's own.
  const cleanup = rulesFor(entry.link ?? source.url, source.cleanup, ctx.config.extractionRules);
  const item = normalizeEntry(entry, { id: source.id, name: source.name, homepage: sourceHomepage, cleanup }, fetchedAt);
  await ctx.queues.dedup.add('dedup', { item, guid: entry.guid }, { jobId: `${job.id}` });
  ctx.metrics.itemsNormalized.inc({ kind: item.kind });
  return { storyId: item.id, kind: item.kind };
}
