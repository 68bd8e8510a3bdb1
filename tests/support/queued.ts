import type { Queue } from 'bullmq';
import { isBatch } from '../../src/queues/batch.js';
import type { BatchJob } from '../../src/queues/pipeline.js';

/** The job states a test reads queued work from, unless it names others. */
const QUEUED = ['waiting', 'prioritized', 'delayed'] as const;

/**
 * The payloads queued on a batch queue (normalize, dedup, publish), one per entry: a batch job's members and
 * single-entry jobs alike, with the job id each entry goes under.
 */
export async function queuedEntries<T>(
  queue: Queue<T | BatchJob<T>>,
  states: ReadonlyArray<'waiting' | 'prioritized' | 'delayed' | 'active' | 'completed' | 'failed'> = QUEUED,
): Promise<Array<{ id: string; data: T }>> {
  const jobs = await queue.getJobs([...states]);
  return jobs.flatMap((job) => (isBatch(job.data) ? job.data.members : [{ id: String(job.id), data: job.data }]));
}
