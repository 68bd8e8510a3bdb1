import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
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
  normalize: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: DAY_S, count: 5000 }, removeOnFail: { age: 7 * DAY_S } },
  dedup: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: DAY_S, count: 5000 }, removeOnFail: { age: 7 * DAY_S } },
  publish: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: DAY_S, count: 5000 }, removeOnFail: { age: 7 * DAY_S } },
  // Delivery retries follow the configured schedule (see deliver/retry-schedule.ts); failed ones are the dead letters.
  deliver: { backoff: { type: 'schedule' }, removeOnComplete: { age: 7 * DAY_S, count: 10_000 }, removeOnFail: false },
  // WebSub pushes: 1 s, 2 s, 4 s … about 17 minutes in all; a subscriber down longer catches up by polling.
  websub: { attempts: 11, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: DAY_S, count: 5000 }, removeOnFail: { age: 7 * DAY_S } },
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
