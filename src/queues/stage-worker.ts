import { DelayedError, Worker, type Job, type WorkerOptions } from 'bullmq';
import { withJobContext } from '../core/logger.js';
import { errorCodeOf, isOutOfMemory } from '../redis/server-memory.js';
import { slotTag } from '../redis/keys.js';
import type { QueueName, QueuePayloads } from './pipeline.js';
import { postponeDelay, timesPostponed } from './postpone.js';
import { STALL_POLICY } from './queues.js';
import type { StageJob } from './stage-job.js';
import type { StageServices } from './stage-services.js';

/** The wait of a job whose writes Redis refused for memory: 5 s, growing by half each time, at most a minute. */
const MEMORY_WAIT_MS = 5_000;
const MEMORY_WAIT_CAP_MS = 60_000;

/**
 * A job whose writes Redis refused for memory (`SYN_ERR_REDIS_FULL`) is put back to wait without spending an
 * attempt, so however long memory stays full, the work runs again once it is back instead of exhausting its attempts
 * into the failed set. Processors are idempotent (a retried job redoes what its refused run did). Answers false when
 * the job could not be put back (Redis refused that too): it then fails this attempt as any error does.
 */
async function waitForMemory(job: Job, token: string | undefined, log: StageServices['logger']): Promise<boolean> {
  if (!token) return false;
  const times = timesPostponed(job);
  try {
    await job.moveToDelayed(Date.now() + postponeDelay(MEMORY_WAIT_MS, times, MEMORY_WAIT_CAP_MS), token);
  } catch {
    return false;
  }
  log.warn({ code: 'SYN_ERR_REDIS_FULL', postponed: times + 1 }, 'job postponed: Redis refuses writes for memory');
  return true;
}

/**
 * Processes one job of a stage with the process context. `token` is the worker's lock token, which
 * `job.moveToDelayed(ts, token)` needs (e.g. to postpone a fetch while its host is paused). A processor declares the
 * narrower part of the context it uses (e.g. `FetchDeps`); the context the role hands over satisfies it.
 */
export type StageProcessor<K extends QueueName, Ctx> = (ctx: Ctx, job: StageJob<QueuePayloads[K]>, token?: string) => Promise<unknown>;

/** What the stage worker itself uses of the process: its connection, settings, logger, job timer and worker count. */
export type StageWorkerServices = Pick<StageServices, 'env' | 'workerRedis' | 'logger' | 'metrics' | 'state'>;

/** A running stage worker, as the role that started it hands it to the process runner. */
export interface StageWorkerHandle<Role extends string> {
  name: Role;
  /** Stops taking jobs and finishes or hands back what is in hand, within `graceMs`. */
  close(graceMs: number): Promise<void>;
}

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
 * The ids every log line of a job carries: its stage and job id, and the source and story it concerns when its
 * payload names them (each stage's payload names them differently).
 */
export function jobLogBindings(stage: QueueName, job: Pick<Job, 'id' | 'data'>): Record<string, string> {
  const data = (job.data ?? {}) as {
    sourceId?: string;
    storyId?: string;
    subscriptionId?: string;
    item?: { id?: string; source?: { id?: string } };
    source?: { id?: string };
  };
  const bindings: Record<string, string> = { stage, jobId: String(job.id) };
  const sourceId = data.sourceId ?? data.item?.source?.id ?? data.source?.id;
  const storyId = data.storyId ?? data.item?.id;
  if (sourceId) bindings.sourceId = sourceId;
  if (storyId) bindings.storyId = storyId;
  if (data.subscriptionId) bindings.subscriptionId = data.subscriptionId;
  return bindings;
}

/**
 * Starts the BullMQ worker of one stage. Errors are logged with their code; BullMQ retries per the stage's
 * job options.
 */
export function startStageWorker<K extends QueueName, Ctx extends StageWorkerServices, Role extends string>(
  ctx: Ctx,
  role: Role,
  queue: K,
  processor: StageProcessor<K, Ctx>,
  options: Partial<WorkerOptions> = {},
): StageWorkerHandle<Role> {
  const hold = ctx.env.holdJobs.includes(queue);
  if (hold) ctx.logger.warn({ queue }, 'SYNDICATE_FAULT_HOLD_JOBS: every job of this stage is held until the process dies (crash drills only)');
  const timed = async (job: Job<QueuePayloads[K]>, token?: string) => {
    if (hold) await new Promise<never>(() => {});
    const stop = ctx.metrics.jobDuration.startTimer({ stage: queue });
    try {
      const result = await processor(ctx, job, token);
      stop({ result: 'completed' });
      return result;
    } catch (err) {
      if (isOutOfMemory(err) && (await waitForMemory(job, token, ctx.logger))) {
        stop({ result: 'delayed' });
        throw new DelayedError();
      }
      // A postponed job (DelayedError) is not a failure, but its time is spent all the same.
      stop({ result: (err as Error).name === 'DelayedError' ? 'delayed' : 'failed' });
      throw err;
    }
  };
  // Every log line written during the job carries its ids (stage, job, source, story).
  const run = (job: Job<QueuePayloads[K]>, token?: string) => withJobContext(jobLogBindings(queue, job), () => timed(job, token));
  const worker = new Worker<QueuePayloads[K]>(queue, run, {
    connection: ctx.workerRedis,
    prefix: slotTag(ctx.env.redisPrefix, queue),
    ...STALL_POLICY[queue],
    ...options,
    // The operator's SYNDICATE_CONCURRENCY_<QUEUE> wins over the role's default.
    concurrency: ctx.env.concurrency[queue] ?? options.concurrency ?? 4,
  });
  worker.on('failed', (job, err) =>
    ctx.logger.warn(
      { ...(job ? jobLogBindings(queue, job) : { stage: queue }), attemptsMade: job?.attemptsMade, code: errorCodeOf(err), err: err.message },
      'job failed',
    ),
  );
  // BullMQ retries taking the next job at once after an error other than a lost connection: while Redis refuses
  // writes for memory, that is a busy loop (thousands of refusals and log lines a second). The worker pauses instead,
  // logging the refusal once per pause, and tries again after a while; jobs it holds carry on.
  let memoryPause: NodeJS.Timeout | null = null;
  let closing = false;
  worker.on('error', (err) => {
    if (!isOutOfMemory(err)) return ctx.logger.error({ queue, code: errorCodeOf(err), err: err.message }, 'worker error');
    if (memoryPause || closing) return;
    ctx.logger.error({ queue, code: 'SYN_ERR_REDIS_FULL', err: err.message }, 'worker paused: Redis refuses writes for memory');
    void worker.pause(true).catch(() => {});
    memoryPause = setTimeout(() => {
      memoryPause = null;
      if (!closing) void worker.resume().catch(() => {});
    }, MEMORY_WAIT_MS);
  });
  ctx.state.workersRunning++;
  return {
    name: role,
    async close(graceMs) {
      closing = true;
      if (memoryPause) clearTimeout(memoryPause);
      const how = await closeWorkerWithin(worker, graceMs);
      ctx.state.workersRunning--;
      ctx.logger.info({ queue, how }, 'worker stopped');
    },
  };
}
