import { Queue, type ConnectionOptions, type DefaultJobOptions, type WorkerOptions } from 'bullmq';
import { QUEUE_NAMES, type QueueName, type QueuePayloads } from './pipeline.js';

/** One typed producer per pipeline queue. */
export type PipelineQueues = { [K in QueueName]: Queue<QueuePayloads[K]> };

const DAY_S = 86_400;

/** What bounds a queue's finished jobs (from `limits`): see {@link stageJobOptions}. */
export interface JobBounds {
  /** `limits.retention`, ms: no finished job (they carry story content) is kept longer. */
  retention: number;
  /** How long failed jobs are kept (`limits.failedJobRetention`, ms). */
  failedJobRetention: number;
  /** Failed jobs kept per queue at most (`limits.failedJobCap`). */
  failedJobCap: number;
}

/**
 * Job options per stage. Completed jobs are kept a while (a day, or a week for deliveries) so operators can see
 * them on the dashboard and a repeated add with the same job id is dropped meanwhile; failed ones (a story's jobs
 * that exhausted their attempts, the deliver stage's dead letters) are kept for an operator to replay for
 * `failedJobRetention` and at most `failedJobCap` per queue (counted in `syndicate_queue_jobs{state="failed"}`, so an
 * operator sees them before they go). No finished job outlives `retention`: it carries a story's content.
 */
export function stageJobOptions(bounds: JobBounds): Record<QueueName, DefaultJobOptions> {
  const retentionS = Math.max(1, Math.floor(bounds.retention / 1000));
  const kept = (ageS: number, count: number) => ({ age: Math.min(ageS, retentionS), count });
  const failed = kept(Math.floor(bounds.failedJobRetention / 1000), bounds.failedJobCap);
  return {
    fetch: { attempts: 1, removeOnComplete: kept(DAY_S, 1000), removeOnFail: kept(7 * DAY_S, Math.min(5000, bounds.failedJobCap)) },
    normalize: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: kept(DAY_S, 5000), removeOnFail: failed },
    dedup: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: kept(DAY_S, 5000), removeOnFail: failed },
    publish: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: kept(DAY_S, 5000), removeOnFail: failed },
    // Delivery retries follow the configured schedule (see deliver/retry-schedule.ts); failed ones are the dead letters.
    deliver: { backoff: { type: 'schedule' }, removeOnComplete: kept(7 * DAY_S, 10_000), removeOnFail: failed },
    // WebSub pushes: 1 s, 2 s, 4 s … about 17 minutes in all; a subscriber down longer catches up by polling.
    websub: {
      attempts: 11,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: kept(DAY_S, 5000),
      removeOnFail: kept(7 * DAY_S, Math.min(5000, bounds.failedJobCap)),
    },
  };
}

/**
 * What happens to the jobs of a worker that dies (SIGKILL, OOM, a lost container), per stage, set on purpose
 * rather than left to BullMQ's defaults (lock 30 s, check every 30 s, failed at the second stall):
 * - `lockDuration` 10 s: a live worker renews its locks every 5 s, so only a dead one (or an event loop blocked for
 *   10 s, which no stage does: normalize works entry by entry) loses them;
 * - `stalledInterval` 3 s: any live worker of the queue looks for expired locks that often, so a dead worker's
 *   jobs are back in the wait list within about 10–16 s (lock expiry plus up to two checks);
 * - `maxStalledCount` 20: a job is failed for stalling only after twenty deaths of the workers holding it, which a
 *   crash loop of a deployment reaches but a few restarts never do. Every processor is idempotent, so a job run
 *   again after a stall does no harm.
 */
export const STALL_POLICY: Record<QueueName, Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>> = {
  fetch: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
  normalize: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
  dedup: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
  publish: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
  deliver: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
  websub: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
};

/**
 * Creates the producers of every queue on one connection, all under the BullMQ `prefix`; `bounds` (the config's
 * `limits`) bound their finished jobs, `deliverAttempts` is the delivery retry schedule's length plus one.
 */
export function createQueues(connection: ConnectionOptions, prefix: string, deliverAttempts: number, bounds: JobBounds): PipelineQueues {
  const options = stageJobOptions(bounds);
  const make = <K extends QueueName>(name: K) =>
    new Queue<QueuePayloads[K]>(name, {
      connection,
      prefix,
      defaultJobOptions: name === 'deliver' ? { ...options.deliver, attempts: deliverAttempts } : options[name],
    }) as unknown as PipelineQueues[K];
  return {
    fetch: make(QUEUE_NAMES.fetch),
    normalize: make(QUEUE_NAMES.normalize),
    dedup: make(QUEUE_NAMES.dedup),
    publish: make(QUEUE_NAMES.publish),
    deliver: make(QUEUE_NAMES.deliver),
    websub: make(QUEUE_NAMES.websub),
  };
}

/** Closes every producer. */
export async function closeQueues(queues: PipelineQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}
