import type { Queue } from 'bullmq';
import type { SourceConfig } from '../config/schema.js';
import type { FetchJob } from '../queues/pipeline.js';

const schedulerId = (sourceId: string) => `source-${sourceId}`;

/**
 * Where in its interval a source's polls fall: a fixed fraction of the interval derived from the source id,
 * so thousands of sources spread evenly and a restart keeps each one's rhythm.
 */
export function pollOffset(sourceId: string, intervalMs: number): number {
  let hash = 2166136261;
  for (const char of sourceId) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return Math.floor((hash / 2 ** 32) * intervalMs);
}

/**
 * Polls a source: one fetch now (so a new source shows up within seconds), then one every `interval`, offset by
 * `pollOffset` so sources do not fire together. Idempotent (BullMQ's `upsertJobScheduler`).
 */
export async function scheduleSource(queue: Queue<FetchJob>, source: SourceConfig, now: number): Promise<void> {
  if (!source.enabled) {
    await unscheduleSource(queue, source.id);
    return;
  }
  await queue.add('fetch', { sourceId: source.id }, { jobId: `initial-${source.id}-${Math.floor(now / 10_000)}` });
  await queue.upsertJobScheduler(
    schedulerId(source.id),
    { every: source.interval, startDate: now + pollOffset(source.id, source.interval) },
    { name: 'fetch', data: { sourceId: source.id } },
  );
}

/** Stops polling a source. */
export async function unscheduleSource(queue: Queue<FetchJob>, sourceId: string): Promise<void> {
  await queue.removeJobScheduler(schedulerId(sourceId));
}

/**
 * Makes the schedules match the catalog: every enabled source polled, no schedule left for a removed or disabled
 * one. A source already scheduled with its interval is left alone, so reconciling does not disturb its rhythm.
 */
export async function syncSchedules(queue: Queue<FetchJob>, sources: SourceConfig[], now: number): Promise<void> {
  const existing = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s.every]));
  const wanted = new Map(sources.filter((s) => s.enabled).map((s) => [schedulerId(s.id), s]));
  for (const key of existing.keys()) if (key.startsWith('source-') && !wanted.has(key)) await queue.removeJobScheduler(key);
  for (const [key, source] of wanted) {
    if (Number(existing.get(key)) !== source.interval) await scheduleSource(queue, source, now);
  }
}
