/**
 * One job carrying several entries (a fetched document's new entries, then their items and dedup decisions) through
 * a stage, while a story's failure stays its own: the batch runs its members one by one, and a member that fails (or
 * must wait) is handed to a single-entry job of the same queue under the id a job of its own always had, where
 * BullMQ's retries, the failed set, dead letters and replay work per entry exactly as for any other job. A crash
 * mid-batch runs the whole batch again: every member's work is idempotent (deterministic downstream ids, dedup's
 * attempt memo and atomic claim), so what the first run handed on is not handed on twice.
 */
import { withJobContext } from '../core/logger.js';
import { isOutOfMemory, errorCodeOf } from '../redis/server-memory.js';
import type { BatchJob, BatchMember, BatchQueue, QueuePayloads } from './pipeline.js';
import type { StageJob } from './stage-job.js';
import { jobLogBindings } from './stage-worker.js';

/** Answers whether a job's payload is a batch of members rather than one entry's payload. */
export function isBatch<T>(data: T | BatchJob<T>): data is BatchJob<T> {
  return typeof data === 'object' && data !== null && Array.isArray((data as BatchJob<T>).members);
}

/** A member that ran to its end, with what its processing answered. */
export interface MemberResult<T, R> {
  member: BatchMember<T>;
  result: R;
}

/** The queue facade's single-entry hand-off (PipelineQueues `handOff`). */
export interface BatchHandOff {
  handOff(queue: BatchQueue, member: BatchMember<QueuePayloads[BatchQueue]>, delayMs: number): Promise<void>;
}

/** What the batch runner needs: the hand-off and a log for the members handed off. */
export interface BatchRunnerDeps {
  queues: BatchHandOff;
  logger: { warn(bindings: object, message: string): void };
}

/**
 * A member seen as a job of its own by the stage's per-entry processor: its own id, first attempt. A processor that
 * postpones it (`moveToDelayed`, then a `DelayedError`) has the time noted, and the member goes to a single-entry job
 * that starts then.
 */
function memberJob<T>(member: BatchMember<T>, batch: Pick<StageJob<unknown>, 'processedOn'>): StageJob<T> & { delayedUntil: number | null } {
  const view = {
    id: member.id,
    name: 'member',
    data: member.data,
    attemptsMade: 0,
    attemptsStarted: 1,
    opts: { attempts: 1 },
    processedOn: batch.processedOn,
    delayedUntil: null as number | null,
    async moveToDelayed(timestamp: number) {
      view.delayedUntil = timestamp;
    },
  };
  return view;
}

/**
 * Runs `processOne` on each member in order and answers the members that ran to their end. A member whose
 * processing throws is handed off (see the module comment) and left out of the answer; Redis refusing writes for
 * memory fails the whole batch instead (the stage worker puts it back to wait, and the hand-off would be refused too).
 */
export async function runBatch<T extends QueuePayloads[BatchQueue], R>(
  deps: BatchRunnerDeps,
  queue: BatchQueue,
  job: Pick<StageJob<BatchJob<T>>, 'id' | 'data' | 'processedOn'>,
  processOne: (member: StageJob<T>) => Promise<R>,
): Promise<Array<MemberResult<T, R>>> {
  const done: Array<MemberResult<T, R>> = [];
  for (const member of job.data.members) {
    const view = memberJob(member, job);
    // The member's lines carry its own ids (job, source, story), and the batch's.
    const bindings = { ...jobLogBindings(queue, { id: member.id, data: member.data }), batchJobId: String(job.id) };
    try {
      done.push({ member, result: await withJobContext(bindings, () => processOne(view)) });
    } catch (err) {
      if (isOutOfMemory(err)) throw err;
      const delayMs = view.delayedUntil === null ? 0 : Math.max(0, view.delayedUntil - Date.now());
      if ((err as Error).name !== 'DelayedError') {
        deps.logger.warn(
          { stage: queue, batchJobId: job.id, jobId: member.id, code: errorCodeOf(err), err: (err as Error).message },
          'batch member failed: handed to a job of its own (retries, failed set, replay)',
        );
      }
      await deps.queues.handOff(queue, member, delayMs);
    }
  }
  return done;
}
