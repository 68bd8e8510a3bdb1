import { documentCaps } from '../content/caps.js';
import type { SyndicateError } from '../core/errors.js';
import type { NormalizedItem } from '../core/item.js';
import { isBatch, runBatch, type BatchHandOff } from '../queues/batch.js';
import type { BatchJob, NormalizeJob } from '../queues/pipeline.js';
import type { PipelineQueues } from '../queues/queues.js';
import { failsAtOnce, type StageJob } from '../queues/stage-job.js';
import { rulesFor } from '../content/extraction-rules.js';
import type { StageServices } from '../queues/stage-services.js';
import type { Catalog } from '../catalog/catalog.js';
import { isOverrun } from '../sandbox/sandbox.js';

/** Where an entry the sandbox gave up is counted: the source status (fetch/source-status.ts), by this one method. */
interface NormalizeErrorLog {
  recordNormalizeError(sourceId: string, error: { code: string; message: string; at: string; guid: string | null }): Promise<void>;
}

/**
 * What the normalize stage touches: the catalog (the source's name and cleanup rules), the config's shared extraction
 * rules, the sandbox it normalizes in, the source status (entries given up), the dedup queue, its counter.
 */
export type NormalizeDeps = Pick<StageServices, 'metrics' | 'config' | 'sandbox' | 'clock' | 'logger'> & {
  catalog: Catalog;
  sourceStatus: NormalizeErrorLog;
} & {
  queues: Pick<PipelineQueues, 'enqueueDedup' | 'enqueueDedupBatch'> & BatchHandOff;
};

/**
 * Normalizes one entry in the sandbox; null when its source is gone. An entry the sandbox gives up (past the
 * deadline, the heap limit or the nesting it follows) fails at once, without retries (the same entry would overrun
 * again; the fetch stage does not hand it down again unless it changes), and is counted on the source status.
 */
async function normalizeEntry(ctx: NormalizeDeps, data: NormalizeJob): Promise<NormalizedItem | null> {
  const { sourceId, sourceHomepage, entry, fetchedAt } = data;
  const source = await ctx.catalog.get('sources', sourceId);
  if (!source) return null;
  // The config's shared rules for the article's domain, then the source's own.
  const cleanup = rulesFor(entry.link ?? source.url, source.cleanup, ctx.config.extractionRules);
  try {
    const item = await ctx.sandbox.run('normalizeFeedEntry', {
      entry,
      source: { id: source.id, name: source.name, homepage: sourceHomepage, cleanup },
      fetchedAt,
      caps: documentCaps(ctx.config.limits),
    });
    ctx.metrics.itemsNormalized.inc({ kind: item.kind });
    return item;
  } catch (err) {
    if (!isOverrun(err)) throw err;
    const error = err as SyndicateError;
    await ctx.sourceStatus.recordNormalizeError(sourceId, {
      code: error.code,
      message: error.message,
      at: new Date(ctx.clock.now()).toISOString(),
      guid: entry.guid,
    });
    ctx.logger.warn({ sourceId, code: error.code, err: error.message, guid: entry.guid }, 'entry given up by the sandbox: not retried');
    throw failsAtOnce(`${error.code}: ${error.message}`);
  }
}

/**
 * Normalizes a batch of a document's entries one by one and hands their items to dedup as one batch job; an entry
 * that fails goes on in a normalize job of its own (queues/batch.ts).
 */
async function processNormalizeBatch(ctx: NormalizeDeps, job: StageJob<BatchJob<NormalizeJob>>): Promise<{ items: number }> {
  const done = await runBatch(ctx, 'normalize', job, (member) => normalizeEntry(ctx, member.data));
  const items = done.flatMap(({ member, result }) => (result ? [{ id: member.id, data: { item: result, guid: member.data.entry.guid } }] : []));
  await ctx.queues.enqueueDedupBatch(items, job.id);
  return { items: items.length };
}

/**
 * Normalizes one entry (or a batch of them, see {@link processNormalizeBatch}) in the sandbox and hands the item to
 * the dedup stage, under the normalize job's id.
 */
export async function processNormalizeJob(
  ctx: NormalizeDeps,
  job: StageJob<NormalizeJob | BatchJob<NormalizeJob>>,
): Promise<{ storyId: string; kind: string } | { items: number } | null> {
  const data = job.data;
  if (isBatch(data)) return processNormalizeBatch(ctx, job as StageJob<BatchJob<NormalizeJob>>);
  const item = await normalizeEntry(ctx, data);
  if (!item) return null;
  await ctx.queues.enqueueDedup({ item, guid: data.entry.guid }, job.id);
  return { storyId: item.id, kind: item.kind };
}
