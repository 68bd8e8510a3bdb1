/**
 * Jobs that exhausted their attempts (or were failed at once), in any queue: listing them by failure time and
 * putting them back to run again with the same job id. The deliver stage's dead letters (deliver/dead-letters.ts)
 * are these for the deliver queue; normalize, dedup and publish keep theirs too, so a story that could not get through
 * is visible (API, `syndicate_queue_jobs{state="failed"}`) and replayable, for `limits.failedJobRetention` (never
 * past `limits.retention`) and at most `limits.failedJobCap` per queue (see queues.ts `stageJobOptions`).
 */
import type { Job, Queue } from 'bullmq';
import { SyndicateError } from '../core/errors.js';
import type { StageJob } from './stage-job.js';

/** A failed job, as the failed-job tools and the deliver stage's dead letters read and replay it. */
export interface FailedStageJob<T> extends Pick<StageJob<T>, 'id' | 'name' | 'data' | 'attemptsMade'> {
  readonly queueName: string;
  /** How many times the workers holding it died (BullMQ's stall counter). */
  readonly stalledCounter: number;
  /** When it failed (epoch ms). */
  readonly finishedOn?: number;
  readonly failedReason: string;
  /** Replaces its data (kept when it runs again). */
  updateData(data: T): Promise<void>;
  /** Puts it back to wait; see {@link retryFailedJob}. */
  retry(state?: 'failed', options?: { resetAttemptsMade?: boolean; resetAttemptsStarted?: boolean }): Promise<void>;
}

/** A time range of failure (epoch ms, inclusive; the job's `finishedOn`). */
export interface FailedRange {
  from?: number;
  to?: number;
}

const PAGE = 500;

/** Parses an ISO time (or epoch ms) from a query or flag; throws SYN_ERR_BAD_REQUEST naming the field. */
export function parseTime(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = /^\d+$/.test(String(value)) ? Number(value) : Date.parse(String(value));
  if (Number.isNaN(ms)) throw new SyndicateError('SYN_ERR_BAD_REQUEST', `${field}: not a time: ${String(value)} (ISO 8601, e.g. 2025-06-10T09:00:00Z)`);
  return ms;
}

/** Answers whether a failed job's failure time is in the range. */
export function failedWithin(job: Pick<FailedStageJob<unknown>, 'finishedOn'>, range: FailedRange): boolean {
  const at = job.finishedOn ?? 0;
  return (range.from === undefined || at >= range.from) && (range.to === undefined || at <= range.to);
}

/** Failed jobs of `queue` that `accept` keeps, newest first, at most `limit`. */
export async function listFailedJobs<T>(queue: Queue<T>, accept: (job: FailedStageJob<T>) => boolean, limit = 1000): Promise<FailedStageJob<T>[]> {
  const found: FailedStageJob<T>[] = [];
  for (let start = 0; found.length < limit; start += PAGE) {
    const page = (await queue.getFailed(start, start + PAGE - 1)) as Job<T>[];
    for (const job of page) if (job && accept(job) && found.length < limit) found.push(job);
    if (page.length < PAGE) break;
  }
  return found;
}

/** A failed job as the API shows it (its data stays out: it can be large). */
export interface FailedJob {
  queue: string;
  jobId: string;
  name: string;
  attemptsMade: number;
  /** How many times the workers holding it died (BullMQ's stall counter). */
  stalledCounter: number;
  failedAt: string | null;
  reason: string;
}

/** The API view of a failed job. */
export function describeFailedJob(job: FailedStageJob<unknown>): FailedJob {
  return {
    queue: job.queueName,
    jobId: job.id ?? '',
    name: job.name,
    attemptsMade: job.attemptsMade,
    stalledCounter: job.stalledCounter ?? 0,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    reason: job.failedReason,
  };
}

/** The failed job `jobId` of `queue`; SYN_ERR_NOT_FOUND / SYN_ERR_CONFLICT when there is none or it is not failed. */
export async function getFailedJob<T>(queue: Queue<T>, jobId: string, what = `${queue.name} job`): Promise<FailedStageJob<T>> {
  const job = (await queue.getJob(jobId)) as Job<T> | undefined;
  if (!job) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no ${what} ${jobId}`);
  const state = await job.getState();
  if (state !== 'failed') throw new SyndicateError('SYN_ERR_CONFLICT', `${what} ${jobId} is ${state}, not failed`);
  return job;
}

/** Puts a failed job back to wait with its attempt counters reset: it runs its whole retry schedule again, same id. */
export async function retryFailedJob(job: FailedStageJob<unknown>): Promise<void> {
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
}

/** Replays one failed job (SYN_ERR_NOT_FOUND / SYN_ERR_CONFLICT when it is not a failed job of `queue`). */
export async function replayFailedJob<T>(queue: Queue<T>, jobId: string): Promise<FailedJob> {
  const job = await getFailedJob(queue, jobId);
  const described = describeFailedJob(job);
  await retryFailedJob(job);
  return described;
}

/** Replays every failed job of `queue` in the range, oldest first (so a story's earlier jobs go back first). */
export async function replayFailedJobs<T>(queue: Queue<T>, range: FailedRange, accept: (job: FailedStageJob<T>) => boolean = () => true): Promise<FailedJob[]> {
  const jobs = (await listFailedJobs(queue, (job) => accept(job) && failedWithin(job, range), Number.MAX_SAFE_INTEGER)).sort(
    (a, b) => (a.finishedOn ?? 0) - (b.finishedOn ?? 0),
  );
  const replayed: FailedJob[] = [];
  for (const job of jobs) {
    replayed.push(describeFailedJob(job));
    await retryFailedJob(job);
  }
  return replayed;
}
