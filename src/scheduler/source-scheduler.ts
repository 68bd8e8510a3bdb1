import type { SourceConfig } from '../config/schema.js';
import type { PipelineQueues } from '../queues/queues.js';

/**
 * How sources are polled.
 *
 * Each fetch computes its source's next poll (`planNextPoll`) and enqueues it as one delayed job whose id is
 * deterministic: `poll-<sourceId>-<nextFetchAt>`, with `nextFetchAt` also written to the source's status hash.
 * So each source has exactly one chain of polls and its rhythm can change on every fetch, which a fixed BullMQ
 * job scheduler (`every`) cannot do.
 *
 * There is no BullMQ job scheduler any more. The safety net is the scheduler role's reconcile pass (every
 * minute): a source that has never been fetched gets its first `poll-*` job; a source whose `nextFetchAt` is overdue
 * (the chain was lost, e.g. Redis lost the delayed job) gets its `poll-*` job added again, which BullMQ drops
 * when it still exists, so reconciling never doubles a chain. A fetch job whose `poll-*` time is not the
 * source's current `nextFetchAt` is stale (a newer chain exists) and does nothing.
 */

/**
 * What the scheduler needs of the source status store (fetch/source-status.ts, which owns the hash): the planned
 * poll of a source, and planning one. Declared here so the scheduler depends on these three methods, not the store.
 */
export interface PollPlans {
  polling(sourceId: string): Promise<{ nextFetchAtMs: number | null; gone: boolean }>;
  scheduleFetch(sourceId: string, at: number): Promise<void>;
  startChain(sourceId: string, at: number): Promise<boolean>;
}

/** What scheduling touches: the fetch queue and the planned polls. */
export interface SchedulerDeps {
  queues: Pick<PipelineQueues, 'enqueuePoll' | 'removeLegacySchedule' | 'removeLegacySchedules'>;
  sourceStatus: PollPlans;
}

/**
 * Where in a window a source's first fetch falls: a fixed fraction of the window derived from the source id,
 * so that thousands of new sources spread out instead of firing together.
 */
export function pollOffset(sourceId: string, intervalMs: number): number {
  let hash = 2166136261;
  for (const char of sourceId) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return Math.floor((hash / 2 ** 32) * intervalMs);
}

/**
 * Fetches a source now (a source just added or changed shows up within seconds), exactly once: the fetch is a
 * `poll-*` job due now, and `nextFetchAt` says so before it is added. So the reconcile pass, which starts a chain
 * only where `nextFetchAt` is unset (HSETNX), adds no second fetch beside it; and any older pending poll no longer
 * matches `nextFetchAt` and is skipped as stale. Clearing `gone` lets an operator revive a source that answered
 * 410 by putting it again (it stops again if it still answers 410).
 */
export async function scheduleSource(
  deps: { queues: Pick<SchedulerDeps['queues'], 'enqueuePoll'>; sourceStatus: PollPlans },
  source: SourceConfig,
  now: number,
): Promise<void> {
  if (!source.enabled) return;
  await deps.sourceStatus.scheduleFetch(source.id, now);
  await deps.queues.enqueuePoll(source.id, now, now);
}

/**
 * Stops polling a source. The pending poll, if any, finds the source gone or disabled and ends the chain; the
 * legacy job scheduler of earlier versions is removed.
 */
export async function unscheduleSource(deps: { queues: Pick<SchedulerDeps['queues'], 'removeLegacySchedule'> }, sourceId: string): Promise<void> {
  await deps.queues.removeLegacySchedule(sourceId);
}

/** The longest window over which the first fetches of many new sources are spread. */
export const INITIAL_SPREAD_MAX_MS = 10_000;

/** How late a poll may be before the reconcile pass assumes its job was lost. */
export const OVERDUE_GRACE_MS = 60_000;

/**
 * The safety net (see above): every enabled source that is not gone has a pending fetch. Also removes the
 * `source-*` job schedulers that earlier versions created.
 */
export async function syncSchedules({ queues, sourceStatus }: SchedulerDeps, sources: SourceConfig[], now: number): Promise<void> {
  await queues.removeLegacySchedules();
  // First fetches spread over 10 ms per source, at most 10 s: a handful start at once, thousands do not.
  const spreadMs = Math.min(INITIAL_SPREAD_MAX_MS, sources.length * 10);
  for (const source of sources) {
    if (!source.enabled) continue;
    const { nextFetchAtMs: at, gone } = await sourceStatus.polling(source.id);
    if (gone) continue;
    if (at === null) {
      // Start the chain through the status hash (HSETNX), so a first fetch still waiting on a paused host is not
      // added again by the next pass or by another scheduler process.
      const due = now + pollOffset(source.id, spreadMs);
      if (await sourceStatus.startChain(source.id, due)) await queues.enqueuePoll(source.id, due, now);
    } else if (at + OVERDUE_GRACE_MS < now) await queues.enqueuePoll(source.id, at, now);
  }
}
