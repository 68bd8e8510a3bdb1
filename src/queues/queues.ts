import { Queue, type ConnectionOptions, type DefaultJobOptions, type WorkerOptions } from 'bullmq';
import { QUEUE_NAMES, type QueueName, type QueuePayloads } from './pipeline.js';

/** One typed producer per pipeline queue. */
export type PipelineQueues = { [K in QueueName]: Queue<QueuePayloads[K]> };

const DAY_S = 86_400;

/**
 * Job options per stage. Finished jobs are kept a while (a day, or a week when failed) so operators can see them
 * on the dashboard, and so a repeated add with the same job id is dropped meanwhile.
 */
export const STAGE_JOB_OPTIONS: Record<QueueName, DefaultJobOptions> = {
  fetch: { attempts: 1, removeOnComplete: { age: DAY_S, count: 1000 }, removeOnFail: { age: 7 * DAY_S, count: 5000 } },
  // A story's jobs that exhaust their attempts are kept until an operator replays or removes them (see
  // queues/failed-jobs.ts): deleting them after a week would lose the story silently.
  normalize: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: DAY_S, count: 5000 }, removeOnFail: false },
  dedup: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: DAY_S, count: 5000 }, removeOnFail: false },
  publish: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: DAY_S, count: 5000 }, removeOnFail: false },
  // Delivery retries follow the configured schedule (see deliver/retry-schedule.ts); failed ones are the dead letters.
  deliver: { backoff: { type: 'schedule' }, removeOnComplete: { age: 7 * DAY_S, count: 10_000 }, removeOnFail: false },
  // WebSub pushes: 1 s, 2 s, 4 s … about 17 minutes in all; a subscriber down longer catches up by polling.
  websub: { attempts: 11, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: DAY_S, count: 5000 }, removeOnFail: { age: 7 * DAY_S } },
};

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

/** Creates the producers of every queue on one connection, all under the BullMQ `prefix`. */
export function createQueues(connection: ConnectionOptions, prefix: string, deliverAttempts: number): PipelineQueues {
  const make = <K extends QueueName>(name: K) =>
    new Queue<QueuePayloads[K]>(name, {
      connection,
      prefix,
      defaultJobOptions: name === 'deliver' ? { ...STAGE_JOB_OPTIONS.deliver, attempts: deliverAttempts } : STAGE_JOB_OPTIONS[name],
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
