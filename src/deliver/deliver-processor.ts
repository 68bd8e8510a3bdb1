import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { request } from 'undici';
import type { SubscriptionConfig } from '../config/schema.js';
import { SyndicateError, type ErrorCode } from '../core/errors.js';
import { assertUrlAllowed } from '../net/address-guard.js';
import type { DeliverJob } from '../queues/pipeline.js';
import type { AppContext } from '../runtime/context.js';
import { publishedJobId } from './build-event.js';
import { EndpointState } from './endpoint-state.js';
import { busyDelay, classifyResponse, fitPayload, orderDecision, postponeDelay, shouldDisable } from './policy.js';
import { signDelivery } from './sign.js';

/** One attempt as the delivery log keeps it. */
export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  storyId: string;
  jobId: string;
  attempt: number;
  at: string;
  status: number | null;
  durationMs: number;
  ok: boolean;
  /** True when the event was above `delivery.maxPayloadBytes` and went out slim. */
  slim: boolean;
  errorCode: ErrorCode | null;
  error: string | null;
  /** The first 4 KB of the response body. */
  response: string;
}

/** What a completed job keeps as its return value: small, since BullMQ stores it with the job (the log has the rest). */
export interface DeliveryResult {
  status: number;
  durationMs: number;
  attempt: number;
  slim: boolean;
}

const RESPONSE_KEEP_BYTES = 4096;
export const LOG_LENGTH = 1000;
/** How long a job waits when its endpoint is at its concurrency limit or its story's published event is pending. */
export const BUSY_WAIT_MS = 100;
const BUSY_WAIT_CAP_MS = 2_000;
export const ORDER_WAIT_MS = 200;
export const ORDER_WAIT_CAP_MS = 60_000;

/**
 * The first 4 KB of a response body, then the rest is dropped. Listeners rather than `for await`: an async
 * iterator per response showed in the fan-out profile, and most webhook answers are empty.
 */
function readHead(body: NodeJS.ReadableStream & { destroy(): void }): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      body.removeListener('data', onData);
      resolve(Buffer.concat(chunks).subarray(0, RESPONSE_KEEP_BYTES).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_KEEP_BYTES) {
        body.destroy();
        done();
      }
    };
    body.on('data', onData).once('end', done).once('error', (err) => (size >= RESPONSE_KEEP_BYTES ? undefined : reject(err)));
  });
}

/** An error that ends the job at once (a dead letter), carrying its code for the worker's failure log. */
function unrecoverable(code: ErrorCode, message: string): UnrecoverableError {
  return Object.assign(new UnrecoverableError(`${code}: ${message}`), { code });
}

/**
 * Puts the job back to wait until `until` without spending an attempt (BullMQ counts a `DelayedError` as neither
 * success nor failure), so a busy, paused or out-of-order endpoint never holds a worker slot.
 */
export async function postpone(job: Job, token: string | undefined, until: number): Promise<never> {
  await job.moveToDelayed(Math.ceil(until), token);
  throw new DelayedError();
}

async function logOnly(ctx: AppContext, attempt: DeliveryAttempt, subscriptionId: string): Promise<void> {
  const key = ctx.keys.deliveryLog(subscriptionId);
  await ctx.redis.multi().lpush(key, JSON.stringify(attempt)).ltrim(key, 0, LOG_LENGTH - 1).hincrby(ctx.keys.deliveryStats, attempt.errorCode ?? 'delivered', 1).exec();
}

/** URLs that passed {@link assertUrlAllowed}, per allow list (fixed once built): the check parses the URL, per delivery otherwise. */
const allowedUrls = new WeakMap<AppContext['guard']['allow'], Set<string>>();

/** {@link assertUrlAllowed}, remembering the URLs that pass (a refusal is checked, and thrown, every time). */
function urlAllowed(url: string, allow: AppContext['guard']['allow']): void {
  let passed = allowedUrls.get(allow);
  if (passed?.has(url)) return;
  assertUrlAllowed(url, allow);
  if (!passed) allowedUrls.set(allow, (passed = new Set()));
  if (passed.size >= 10_000) passed.clear();
  passed.add(url);
}

/**
 * POSTs the body and fills the attempt's status, response head and error; answers the `Retry-After` header.
 * `body` may be a Buffer encoded once for many sends (the fan-out), saving an encoding per request.
 * `abandon` (the fan-out budget, never longer than the delivery timeout) replaces the timeout signal: when it cuts
 * the request short, the attempt carries no status and no error, and the caller hands the delivery on uncounted.
 */
export async function send(ctx: AppContext, subscription: SubscriptionConfig, eventId: string, body: string | Buffer, attempt: DeliveryAttempt, started: number, abandon?: AbortSignal) {
  const secrets = Array.isArray(subscription.secret) ? subscription.secret : [subscription.secret];
  const timeout = ctx.config.limits.deliveryTimeout;
  const signal = abandon ?? AbortSignal.timeout(timeout);
  try {
    urlAllowed(subscription.url, ctx.guard.allow);
    const signed = signDelivery(secrets, eventId, new Date(started), body);
    const response = await request(subscription.url, {
      dispatcher: ctx.guard.dispatcher,
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'user-agent': 'syndicate-webhooks/0.1',
        'webhook-id': signed['webhook-id'], 'webhook-timestamp': signed['webhook-timestamp'], 'webhook-signature': signed['webhook-signature'],
      },
      body,
      signal,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    attempt.status = response.statusCode;
    // An empty answer (204, or Content-Length: 0, the usual webhook reply) needs no reader.
    if (response.statusCode === 204 || response.headers['content-length'] === '0') await response.body.dump();
    else attempt.response = await readHead(response.body);
    return response.headers['retry-after'];
  } catch (err) {
    const cause = err instanceof SyndicateError ? err : (err as { cause?: unknown }).cause;
    if (abandon?.aborted) {
      attempt.status = null;
    } else if (cause instanceof SyndicateError && cause.code === 'SYN_ERR_FETCH_BLOCKED_ADDRESS') {
      attempt.errorCode = cause.code;
      attempt.error = cause.message;
    } else if (/abort|timeout/i.test(`${(err as Error).name} ${(err as Error).message}`)) {
      attempt.errorCode = 'SYN_ERR_DELIVERY_TIMEOUT';
      attempt.error = `no answer within ${timeout} ms`;
    } else {
      attempt.errorCode = 'SYN_ERR_DELIVERY_FAILED';
      attempt.error = (err as Error).message;
    }
    return undefined;
  }
}

/** What an attempt that reached (or tried to reach) the endpoint leads to. */
export type AttemptVerdict =
  | { kind: 'delivered' }
  /** A dead letter now: 410 Gone, or the failure that disabled the subscription. */
  | { kind: 'dead'; code: 'SYN_ERR_DELIVERY_GONE' | 'SYN_ERR_SUBSCRIPTION_DISABLED'; message: string }
  /** The endpoint asked us to wait (Retry-After) until `until`; no attempt spent. */
  | { kind: 'paused'; until: number }
  /** An ordinary failure: retried on the schedule. */
  | { kind: 'retry' };

/**
 * Concludes an attempt, shared by the per-subscription job and the fan-out: classifies the answer, finishes it in
 * Redis (log, lease, stats, failure streak; `doneKey` also records the success for a fan-out retry), disables the
 * subscription on 410 or after `delivery.disableAfter` of failure, pauses the endpoint on Retry-After.
 */
export async function concludeAttempt(
  ctx: AppContext, endpoint: EndpointState, subscription: SubscriptionConfig, leaseId: string, attempt: DeliveryAttempt,
  retryAfter: string | string[] | undefined, started: number, doneKey?: string,
): Promise<AttemptVerdict> {
  const subscriptionId = subscription.id;
  const finished = ctx.clock.now();
  attempt.durationMs = finished - started;
  const outcome = attempt.status === null ? { kind: 'failed' as const } : classifyResponse(attempt.status, retryAfter, finished, ctx.config.delivery.maxRetryAfter);
  attempt.ok = outcome.kind === 'delivered';
  if (attempt.status !== null && !attempt.ok) {
    attempt.errorCode = outcome.kind === 'gone' ? 'SYN_ERR_DELIVERY_GONE' : outcome.kind === 'throttled' ? 'SYN_ERR_DELIVERY_THROTTLED' : 'SYN_ERR_DELIVERY_FAILED';
    attempt.error = `endpoint answered ${attempt.status}`;
  }
  const failingSince = await endpoint.finish(subscriptionId, leaseId, JSON.stringify(attempt), attempt.ok, attempt.errorCode ?? 'delivered', finished, LOG_LENGTH, doneKey);
  if (attempt.ok) {
    ctx.logger.info({ subscriptionId, eventId: attempt.eventId, eventType: attempt.eventType, status: attempt.status, durationMs: attempt.durationMs, slim: attempt.slim }, 'delivered');
    return { kind: 'delivered' };
  }
  ctx.logger.warn({ subscriptionId, eventId: attempt.eventId, attempt: attempt.attempt, status: attempt.status, code: attempt.errorCode }, `delivery failed: ${attempt.error}`);
  if (outcome.kind === 'gone') {
    await endpoint.disable(subscriptionId, `410 Gone from ${subscription.url}`, finished);
    return { kind: 'dead', code: 'SYN_ERR_DELIVERY_GONE', message: `${subscriptionId} answered 410 Gone; subscription disabled` };
  }
  if (shouldDisable(failingSince, finished, ctx.config.delivery.disableAfter)) {
    await endpoint.disable(subscriptionId, `failing without success since ${new Date(failingSince!).toISOString()}`, finished);
    return { kind: 'dead', code: 'SYN_ERR_SUBSCRIPTION_DISABLED', message: `${subscriptionId} failed continuously; subscription disabled` };
  }
  if (outcome.kind === 'throttled') {
    // Retry-After speaks for the whole endpoint: every delivery to it waits, and this one keeps its attempt count.
    await endpoint.pause(subscriptionId, finished + outcome.delayMs, finished);
    return { kind: 'paused', until: finished + outcome.delayMs };
  }
  return { kind: 'retry' };
}

/**
 * Delivers one signed event to one subscription. Before sending: the ordering rule (later events wait for their
 * story's `item.published`), then admission (disabled, paused by `Retry-After`, per-endpoint concurrency and rate
 * limit, all in Redis for every worker); refused jobs are postponed without spending an attempt. Only 2xx is
 * success, redirects are not followed; 410 disables the subscription; 429/503 with `Retry-After` pause the
 * endpoint; other failures throw so BullMQ retries on the schedule with the same `webhook-id`. An endpoint failing
 * without success for `delivery.disableAfter` is disabled. Every attempt goes to the delivery log.
 */
export async function processDeliverJob(ctx: AppContext, job: Job<DeliverJob>, token?: string): Promise<DeliveryResult> {
  const { subscriptionId, eventId, eventType, storyId } = job.data;
  // Times this job was taken up without being a real attempt (postponed): drives the growing postpone delay.
  const postponed = Math.max(0, (job.attemptsStarted ?? 0) - job.attemptsMade - 1);
  const endpoint = EndpointState.for(ctx);
  const now = ctx.clock.now();
  let subscription = await endpoint.subscription(subscriptionId, now);
  // A cached absence or "disabled" may be stale (just created or re-enabled): read again before refusing.
  if (!subscription?.enabled) subscription = await endpoint.subscription(subscriptionId, now, true);
  if (!subscription) throw unrecoverable('SYN_ERR_NOT_FOUND', `subscription ${subscriptionId} no longer exists`);
  // Decided (and logged) by the fan-out already: a dead letter at once, listed and replayable like the others.
  if (job.data.verdict && job.attemptsMade === 0 && postponed === 0) throw unrecoverable(job.data.verdict.code, job.data.verdict.message);
  const attempt: DeliveryAttempt = {
    eventId, eventType, storyId, jobId: job.id ?? '', attempt: job.attemptsMade + 1 + (job.data.priorAttempts ?? 0), at: new Date(now).toISOString(),
    status: null, durationMs: 0, ok: false, slim: false, errorCode: null, error: null, response: '',
  };
  const refuse = async (code: ErrorCode, message: string) => {
    Object.assign(attempt, { errorCode: code, error: message });
    await logOnly(ctx, attempt, subscriptionId);
    ctx.logger.warn({ code, subscriptionId, eventId }, message);
  };
  if (!subscription.enabled) {
    await refuse('SYN_ERR_SUBSCRIPTION_DISABLED', `subscription ${subscriptionId} is disabled`);
    throw unrecoverable('SYN_ERR_SUBSCRIPTION_DISABLED', `subscription ${subscriptionId} is disabled`);
  }

  if (eventType !== 'item.published') {
    const decision = orderDecision(await ctx.queues.deliver.getJobState(publishedJobId(subscriptionId, storyId)));
    if (decision === 'wait') return postpone(job, token, now + postponeDelay(ORDER_WAIT_MS, postponed, ORDER_WAIT_CAP_MS));
    if (decision === 'blocked') {
      await refuse('SYN_ERR_DELIVERY_ORDER_BLOCKED', `item.published of story ${storyId} to ${subscriptionId} is a dead letter; replay it first`);
      throw new SyndicateError('SYN_ERR_DELIVERY_ORDER_BLOCKED', `${subscriptionId}: story ${storyId} not yet published to it`);
    }
  }

  const leaseId = job.id ?? eventId;
  const admission = await endpoint.admit(subscription, leaseId, now);
  if (admission.kind === 'disabled') {
    await refuse('SYN_ERR_SUBSCRIPTION_DISABLED', `subscription ${subscriptionId} is disabled`);
    throw unrecoverable('SYN_ERR_SUBSCRIPTION_DISABLED', `subscription ${subscriptionId} is disabled`);
  }
  if (admission.kind === 'busy') return postpone(job, token, now + postponeDelay(BUSY_WAIT_MS, postponed, BUSY_WAIT_CAP_MS));
  if (admission.kind !== 'ok') return postpone(job, token, now + admission.waitMs + busyDelay(20));

  const payload = fitPayload(job.data.body, ctx.config.delivery.maxPayloadBytes);
  attempt.slim = payload.slim;
  const retryAfter = await send(ctx, subscription, eventId, payload.body, attempt, now);
  const verdict = await concludeAttempt(ctx, endpoint, subscription, leaseId, attempt, retryAfter, now);
  if (verdict.kind === 'delivered') return { status: attempt.status!, durationMs: attempt.durationMs, attempt: attempt.attempt, slim: attempt.slim };
  if (verdict.kind === 'dead') throw unrecoverable(verdict.code, verdict.message);
  if (verdict.kind === 'paused') return postpone(job, token, verdict.until);
  throw new SyndicateError(attempt.errorCode as ErrorCode, `${subscriptionId}: ${attempt.error}`);
}
