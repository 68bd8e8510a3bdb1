import { documentCaps } from '../content/caps.js';
import type { SyndicateError } from '../core/errors.js';
import type { NormalizeJob } from '../queues/pipeline.js';
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
  queues: Pick<PipelineQueues, 'enqueueDedup'>;
};

/**
 * Normalizes one entry in the sandbox and hands the item to the dedup stage. An entry the sandbox gives up (past the
 * deadline, the heap limit or the nesting it follows) fails its job at once, without retries (the same entry would
 * overrun again; the fetch stage does not hand it down again unless it changes), and is counted on the source status.
 */
export async function processNormalizeJob(ctx: NormalizeDeps, job: StageJob<NormalizeJob>): Promise<{ storyId: string; kind: string } | null> {
  const { sourceId, sourceHomepage, entry, fetchedAt } = job.data;
  const source = await ctx.catalog.get('sources', sourceId);
  if (!source) return null;
  // The config's shared rules for the article's domain, then the source's own.
  const cleanup = rulesFor(entry.link ?? source.url, source.cleanup, ctx.config.extractionRules);
  let item;
  try {
    item = await ctx.sandbox.run('normalizeFeedEntry', {
      entry,
      source: { id: source.id, name: source.name, homepage: sourceHomepage, cleanup },
      fetchedAt,
      caps: documentCaps(ctx.config.limits),
    });
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
  await ctx.queues.enqueueDedup({ item, guid: entry.guid }, job.id);
  ctx.metrics.itemsNormalized.inc({ kind: item.kind });
  return { storyId: item.id, kind: item.kind };
}
