import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { AppContext } from '../runtime/context.js';
import type { RoleHandle, RoleName } from '../runtime/role.js';
import type { QueueName, QueuePayloads } from './pipeline.js';
import { STALL_POLICY } from './queues.js';

/**
 * Processes one job of a stage with the process context. `token` is the worker's lock token, which
 * `job.moveToDelayed(ts, token)` needs (e.g. to postpone a fetch while its host is paused).
 */
export type StageProcessor<K extends QueueName> = (ctx: AppContext, job: Job<QueuePayloads[K]>, token?: string) => Promise<unknown>;

/**
 * Closes a BullMQ worker within `graceMs`: first gently (active jobs finish), then by force. BullMQ's `close()`
 * never returns while Redis is unreachable, so it is raced against a timer; a forced close leaves active jobs to
 * come back through stall detection, so nothing is lost.
 */
export async function closeWorkerWithin(worker: Worker, graceMs: number): Promise<'graceful' | 'forced'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
  const outcome = await Promise.race([worker.close().then(() => 'closed' as const), timeout]);
  clearTimeout(timer);
  if (outcome === 'closed') return 'graceful';
  await Promise.race([worker.close(true), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  return 'forced';
}

/**
 * Starts the BullMQ worker of one stage. Errors are logged with their code; BullMQ retries per the stage's
 * job options.
 */
export function startStageWorker<K extends QueueName>(
  ctx: AppContext,
  role: RoleName,
  queue: K,
  processor: StageProcessor<K>,
  options: Partial<WorkerOptions> = {},
): RoleHandle {
  const concurrencyFromEnv = Number(process.env[`SYNDICATE_CONCURRENCY_${queue.toUpperCase()}`]);
  const worker = new Worker<QueuePayloads[K]>(queue, (job, token) => processor(ctx, job, token), {
    connection: ctx.workerRedis,
    prefix: ctx.env.redisPrefix,
    concurrency: Number.isInteger(concurrencyFromEnv) && concurrencyFromEnv > 0 ? concurrencyFromEnv : 4,
    ...STALL_POLICY[queue],
    ...options,
  });
  worker.on('failed', (job, err) =>
    ctx.logger.warn({ queue, jobId: job?.id, attemptsMade: job?.attemptsMade, code: (err as { code?: string }).code, err: err.message }, 'job failed'),
  );
  worker.on('error', (err) => ctx.logger.error({ queue, err: err.message }, 'worker error'));
  ctx.state.workersRunning++;
  return {
    name: role,
    async close(graceMs) {
      const how = await closeWorkerWithin(worker, graceMs);
      ctx.state.workersRunning--;
      ctx.logger.info({ queue, how }, 'worker stopped');
    },
  };
}
