import { Worker, type Job, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parseConfig } from '../../src/config/load-config.js';
import { isBatch } from '../../src/queues/batch.js';
import type { BatchJob, NormalizeJob } from '../../src/queues/pipeline.js';
import { PipelineQueues } from '../../src/queues/queues.js';
import { slotTag } from '../../src/redis/keys.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from './redis.js';

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

/** What {@link openNormalizeQueues} opens; `close()` stops the worker and the queues and deletes the test's keys. */
type Limits = ReturnType<typeof parseConfig>['limits'];

export interface NormalizeQueuesRig {
  prefix: string;
  redis: Redis;
  queues: PipelineQueues;
  limits: Limits;
  close(): Promise<void>;
}

/**
 * The pipeline queues on the test Redis under a prefix of its own, with the given `limits` (validated like the
 * YAML file), and a real normalize worker running `process` on each job, batch or single entry.
 */
export function openNormalizeQueues(
  label: string,
  limits: Record<string, unknown>,
  process: (job: Job<NormalizeJob | BatchJob<NormalizeJob>>) => Promise<unknown>,
): NormalizeQueuesRig {
  const prefix = uniquePrefix(label);
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const parsed = parseConfig({ limits }).limits;
  const queues = new PipelineQueues(redis, prefix, 1, parsed);
  const worker = new Worker<NormalizeJob | BatchJob<NormalizeJob>>('normalize', process, {
    connection: redis,
    prefix: slotTag(prefix, 'normalize'),
  });
  return {
    prefix,
    redis,
    queues,
    limits: parsed,
    async close() {
      await worker.close();
      await queues.close();
      await deleteKeys(prefix);
      redis.disconnect();
    },
  };
}
