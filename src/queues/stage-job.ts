/**
 * The job a stage's processor is handed: our own small view of a BullMQ job, so the stages know what they read of
 * it (and nothing else of BullMQ). A BullMQ `Job` is one; so is a plain object in a test.
 */
import { UnrecoverableError } from 'bullmq';

/** One job of a stage, as a processor sees it. */
export interface StageJob<T> {
  /** The job id: deterministic where the queue facade (queues.ts) sets one, BullMQ's counter otherwise. */
  readonly id?: string;
  /** The job name: on the deliver queue it tells a fan-out (`fanout`) from a per-subscription delivery. */
  readonly name: string;
  readonly data: T;
  /** Attempts that ended in failure so far (the current one not counted). */
  readonly attemptsMade: number;
  /** Times the job was taken up, postponements included (see postpone.ts `timesPostponed`). */
  readonly attemptsStarted: number;
  /** The attempts the job was added with. */
  readonly opts: { readonly attempts?: number };
  /** When the current attempt started (epoch ms, machine clock). */
  readonly processedOn?: number;
  /** Puts the job back to wait until `timestamp` (machine clock) without an outcome; needs the worker's lock token. */
  moveToDelayed(timestamp: number, token?: string): Promise<void>;
}

/**
 * The error that fails a job at once, whatever attempts it has left (its input can never succeed: an entry the
 * sandbox gave up, a delivery the fan-out already judged a dead letter). Its message starts with the code; `code`
 * is set too when given, for the worker's failure log.
 */
export function failsAtOnce(message: string, code?: string): Error {
  const error = new UnrecoverableError(message);
  return code === undefined ? error : Object.assign(error, { code });
}
