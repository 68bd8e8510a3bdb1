/**
 * Putting a job back to wait without spending an attempt: for a job that cannot run yet through no fault of its
 * own (a busy or paused endpoint or host, an event whose story is not stored yet). Pure delay arithmetic plus the
 * one BullMQ call that does it.
 */
import { DelayedError } from 'bullmq';
import type { StageJob } from './stage-job.js';

/** A delay of about `baseMs` with jitter (0.5× to 1.5×), so jobs waiting on the same thing do not all come back at once. */
export function jittered(baseMs: number, random: () => number = Math.random): number {
  return Math.round(baseMs * (0.5 + random()));
}

/**
 * The wait of a job postponed for the `times`-th time: grows by half each time up to `capMs` (jittered), so a
 * thousand jobs queued behind a dead endpoint poll Redis rarely, not ten times a second.
 */
export function postponeDelay(baseMs: number, times: number, capMs: number, random: () => number = Math.random): number {
  return jittered(Math.min(capMs, baseMs * 1.5 ** Math.max(0, times)), random);
}

/** How many times this job was taken up only to be postponed (BullMQ counts those starts, but not as attempts made). */
export function timesPostponed(job: Pick<StageJob<unknown>, 'attemptsStarted' | 'attemptsMade'>): number {
  return Math.max(0, (job.attemptsStarted ?? 0) - job.attemptsMade - 1);
}

/**
 * Puts the job back to wait until `until` (epoch ms on the pipeline clock, read as `now`) without spending an
 * attempt: BullMQ counts a `DelayedError` as neither success nor failure. BullMQ's delays run on the machine's
 * clock, so the wait is handed to it as a duration from there (the same under the system clock; right under any
 * other, e.g. the soak test's fast one). Needs the worker's lock `token`.
 */
export async function postpone(job: Pick<StageJob<unknown>, 'moveToDelayed'>, token: string | undefined, until: number, now: number): Promise<never> {
  await job.moveToDelayed(Date.now() + Math.max(0, Math.ceil(until - now)), token);
  throw new DelayedError();
}
