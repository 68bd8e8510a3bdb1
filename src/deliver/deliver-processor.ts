import { UnrecoverableError, type Job } from 'bullmq';
import type { SubscriptionConfig } from '../config/schema.js';
import { SyndicateError, type ErrorCode } from '../core/errors.js';
import { assertUrlAllowed } from '../net/address-guard.js';
import type { DeliverJob } from '../queues/pipeline.js';
import type { AppContext } from '../runtime/context.js';
import { publishedJobId } from './build-event.js';
import { EndpointState } from './endpoint-state.js';
import { jittered, postpone, postponeDelay, timesPostponed } from '../queues/postpone.js';
import { classifyResponse, fitPayload, orderDecision, shouldDisable } from './policy.js';
import { signDelivery } from './sign.js';
import { AbandonGroups, PostAbortedError, WebhookPost } from './webhook-post.js';

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

export const LOG_LENGTH = 1000;
const USER_AGENT = 'syndicate-webhooks/0.1';
/** How long a job waits when its endpoint is at its concurrency limit or its story's published event is pending. */
export const BUSY_WAIT_MS = 100;
const BUSY_WAIT_CAP_MS = 2_000;
export const ORDER_WAIT_MS = 200;
export const ORDER_WAIT_CAP_MS = 60_000;

/** An error that ends the job at once (a dead letter), carrying its code for the worker's failure log. */
function unrecoverable(code: ErrorCode, message: string): UnrecoverableError {
  return Object.assign(new UnrecoverableError(`${code}: ${message}`), { code });
}

async function logOnly(ctx: AppContext, attempt: DeliveryAttempt, subscriptionId: string): Promise<void> {
  const key = ctx.keys.deliveryLog(subscriptionId);
  await ctx.redis.multi().lpush(key, JSON.stringify(attempt)).ltrim(key, 0, LOG_LENGTH - 1).hincrby(ctx.keys.deliveryStats, attempt.errorCode ?? 'delivered', 1).exec();
}

/** Where a subscription URL is POSTed (undici dispatch wants origin and path apart). */
interface Target {
  origin: string;
  path: string;
}

/** URLs that passed {@link assertUrlAllowed}, split, per allow list (fixed once built): parsing per delivery showed in the profile. */
const allowedTargets = new WeakMap<AppContext['guard']['allow'], Map<string, Target>>();

/** The target of a subscription URL once it passes {@link assertUrlAllowed} (a refusal is checked, and thrown, every time). */
function allowedTarget(url: string, allow: AppContext['guard']['allow']): Target {
  let passed = allowedTargets.get(allow);
  const known = passed?.get(url);
  if (known) return known;
  assertUrlAllowed(url, allow);
  const parsed = new URL(url);
  const target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
  if (!passed) allowedTargets.set(allow, (passed = new Map()));
  if (passed.size >= 10_000) passed.clear();
  passed.set(url, target);
  return target;
}

/**
 * POSTs the body and fills the attempt's status, response head and error; answers the `Retry-After` header.
 * `body` may be a Buffer encoded once for many sends (the fan-out), saving an encoding per request.
 * `abandon` (the fan-out budget, never longer than the delivery timeout) puts the request under the fan-out's
 * budget: when it cuts the request short, the attempt carries no status and no error, and the caller hands the
 * delivery on uncounted. Otherwise the attempt has `limits.deliveryTimeout` in all.
 */
export async function send(ctx: AppContext, subscription: SubscriptionConfig, eventId: string, body: string | Buffer, attempt: DeliveryAttempt, started: number, abandon?: AbandonGroups) {
  const secrets = Array.isArray(subscription.secret) ? subscription.secret : [subscription.secret];
  const timeout = ctx.config.limits.deliveryTimeout;
  const post = new WebhookPost(timeout);
  let timer: NodeJS.Timeout | undefined;
  try {
    const target = allowedTarget(subscription.url, ctx.guard.allow);
    const signed = signDelivery(secrets, eventId, new Date(started), body);
    const headers = [
      'content-type', 'application/json', 'user-agent', USER_AGENT,
      'webhook-id', signed['webhook-id'], 'webhook-timestamp', signed['webhook-timestamp'], 'webhook-signature', signed['webhook-signature'],
    ];
    if (abandon) abandon.watch(post, started);
    // The whole attempt, connecting included (undici's own timeouts cover only the wait for headers and body).
    else timer = setTimeout(() => post.abort(new PostAbortedError('timeout')), timeout);
    const answer = await post.start(ctx.guard.dispatcher, target.origin, target.path, headers, body, timeout).answer;
    attempt.status = answer.status;
    attempt.response = answer.head;
    return answer.retryAfter;
  } catch (err) {
    const cause = err instanceof SyndicateError ? err : (err as { cause?: unknown }).cause;
    if (err instanceof PostAbortedError && err.why === 'abandoned') {
      attempt.status = null;
    } else if (cause instanceof SyndicateError && cause.code === 'SYN_ERR_FETCH_BLOCKED_ADDRESS') {
      attempt.errorCode = cause.code;
      attempt.error = cause.message;
    } else if (err instanceof PostAbortedError || /abort|timeout/i.test(`${(err as Error).name} ${(err as Error).message}`)) {
      attempt.errorCode = 'SYN_ERR_DELIVERY_TIMEOUT';
      attempt.error = `no answer within ${timeout} ms`;
    } else {
      attempt.errorCode = 'SYN_ERR_DELIVERY_FAILED';
      attempt.error = (err as Error).message;
    }
    return undefined;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The last time {@link attemptTime} rendered: thousands of attempts a second start in the same millisecond. */
let lastAttemptMs = -1;
let lastAttemptIso = '';

/** An attempt's start as the delivery log writes it (ISO 8601). */
export function attemptTime(ms: number): string {
  if (ms !== lastAttemptMs) {
    lastAttemptMs = ms;
    lastAttemptIso = new Date(ms).toISOString();
  }
  return lastAttemptIso;
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

/** One verdict object for every success (no allocation per delivery). */
const DELIVERED: AttemptVerdict = Object.freeze({ kind: 'delivered' });

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
    // Debug, not info: at fan-out rates a line per success would flood the log; the delivery log keeps every attempt.
    if (ctx.logger.isLevelEnabled('debug')) {
      ctx.logger.debug({ subscriptionId, eventId: attempt.eventId, eventType: attempt.eventType, status: attempt.status, durationMs: attempt.durationMs, slim: attempt.slim }, 'delivered');
    }
    return DELIVERED;
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
  const postponed = timesPostponed(job);
  const endpoint = EndpointState.for(ctx);
  const now = ctx.clock.now();
  let subscription = await endpoint.subscription(subscriptionId, now);
  // A cached absence or "disabled" may be stale (just created or re-enabled): read again before refusing.
  if (!subscription?.enabled) subscription = await endpoint.subscription(subscriptionId, now, true);
  if (!subscription) throw unrecoverable('SYN_ERR_NOT_FOUND', `subscription ${subscriptionId} no longer exists`);
  // Decided (and logged) by the fan-out already: a dead letter at once, listed and replayable like the others.
  if (job.data.verdict && job.attemptsMade === 0 && postponed === 0) throw unrecoverable(job.data.verdict.code, job.data.verdict.message);
  const attempt: DeliveryAttempt = {
    eventId, eventType, storyId, jobId: job.id ?? '', attempt: job.attemptsMade + 1 + (job.data.priorAttempts ?? 0), at: attemptTime(now),
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
  if (admission.kind !== 'ok') return postpone(job, token, now + admission.waitMs + jittered(20));

  const payload = fitPayload(job.data.body, ctx.config.delivery.maxPayloadBytes);
  attempt.slim = payload.slim;
  const retryAfter = await send(ctx, subscription, eventId, payload.body, attempt, now);
  const verdict = await concludeAttempt(ctx, endpoint, subscription, leaseId, attempt, retryAfter, now);
  if (verdict.kind === 'delivered') return { status: attempt.status!, durationMs: attempt.durationMs, attempt: attempt.attempt, slim: attempt.slim };
  if (verdict.kind === 'dead') throw unrecoverable(verdict.code, verdict.message);
  if (verdict.kind === 'paused') return postpone(job, token, verdict.until);
  throw new SyndicateError(attempt.errorCode as ErrorCode, `${subscriptionId}: ${attempt.error}`);
}
