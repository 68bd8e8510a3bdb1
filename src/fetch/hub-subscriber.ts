import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { request } from 'undici';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import { assertUrlAllowed } from '../net/address-guard.js';
import { readHead } from '../net/read-head.js';
import type { FeedSubscription } from './feed-subscriptions.js';
import type { StageServices } from '../queues/stage-services.js';
import type { FeedSubscriptionStore } from './feed-subscriptions.js';
import type { SourceStatusStore } from './source-status.js';

/** Lease we ask hubs for (they may grant another). */
export const REQUESTED_LEASE_SECONDS = 10 * 86_400;
/** A pending request older than this is assumed lost and sent again. */
export const PENDING_RETRY_MS = 10 * 60_000;
/**
 * How long after we sent a subscribe request (a first one or a renewal) the hub may verify or deny it. Outside it, a
 * verification GET is no answer to anything we asked and is refused: anyone can send one to the callback.
 */
export const VERIFICATION_WINDOW_MS = 5 * 60_000;
/** The shortest lease we take from a verification; the longest is the one we asked for. */
export const MIN_LEASE_SECONDS = 60;
/** The lease assumed when a hub's verification names none (WebSub requires one; some hubs forget it). */
const DEFAULT_GRANTED_LEASE_SECONDS = 86_400;

/** What the callback does with a verification GET (WebSub §5.3) or a denial (§5.2) sent to it. */
export type VerificationDecision =
  { accept: true; mode: 'subscribe'; leaseSeconds: number } | { accept: true; mode: 'denied'; reason: string } | { accept: false; why: string };

/**
 * Decides on a verification or denial for a source's subscription. Accepted only as an answer to a request we sent:
 * the topic we asked for, within {@link VERIFICATION_WINDOW_MS} of our last subscribe request (so renewals of an
 * active subscription verify like first requests, and a forged GET later changes nothing), and with the granted
 * lease kept between {@link MIN_LEASE_SECONDS} and the lease we asked for. Pure: the route reads and writes.
 */
export function decideVerification(subscription: FeedSubscription | null, query: Record<string, string | undefined>, now: number): VerificationDecision {
  if (!subscription || query['hub.topic'] !== subscription.topic) return { accept: false, why: 'unknown subscription' };
  if (now - subscription.requestedAt > VERIFICATION_WINDOW_MS || now < subscription.requestedAt)
    return { accept: false, why: 'no subscription request of ours is waiting for an answer' };
  const mode = query['hub.mode'];
  if (mode === 'denied') return { accept: true, mode, reason: query['hub.reason'] ?? 'no reason given' };
  if (mode !== 'subscribe' || !query['hub.challenge']) return { accept: false, why: 'unexpected verification' };
  const granted = Math.floor(Number(query['hub.lease_seconds']));
  const leaseSeconds = Number.isFinite(granted) && granted > 0 ? granted : DEFAULT_GRANTED_LEASE_SECONDS;
  return { accept: true, mode, leaseSeconds: Math.min(REQUESTED_LEASE_SECONDS, Math.max(MIN_LEASE_SECONDS, leaseSeconds)) };
}

/**
 * Whether to (re)subscribe now: nothing yet, another hub or topic, a pending request that got no verification in
 * time, a failed or denied one (hubs change their mind; retried at the pending pace), or a lease in its last 10 %.
 */
export function websubSubscriptionDue(subscription: FeedSubscription | null, hub: string, topic: string, now: number): boolean {
  if (!subscription || subscription.hub !== hub || subscription.topic !== topic) return true;
  if (subscription.state !== 'active') return now - subscription.requestedAt > PENDING_RETRY_MS;
  const leaseMs = (subscription.leaseSeconds ?? REQUESTED_LEASE_SECONDS) * 1000;
  return (subscription.leaseUntil ?? 0) - now < leaseMs * 0.1;
}

/** Whether a subscription currently delivers pushes, so polling may slow down to a safety net. */
export function websubActive(subscription: FeedSubscription | null, now: number): boolean {
  return subscription?.state === 'active' && (subscription.leaseUntil ?? 0) > now;
}

/**
 * Checks `X-Hub-Signature` (`sha1=`, `sha256=`, `sha384=` or `sha512=` hex HMAC of the raw body with the
 * subscription secret), in constant time.
 */
export function websubSignatureValid(secret: string, body: Buffer, header: string | undefined): boolean {
  const match = header?.trim().match(/^(sha1|sha256|sha384|sha512)=([0-9a-f]+)$/i);
  if (!match) return false;
  const expected = createHmac(match[1]!.toLowerCase(), secret).update(body).digest();
  const given = Buffer.from(match[2]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The callback URL a hub calls for one source. */
export const websubCallbackUrl = (ctx: Pick<StageServices, 'env'>, sourceId: string) => `${ctx.env.publicUrl}/websub/${encodeURIComponent(sourceId)}`;

/** What subscribing touches: the two stores it writes, the guard and limits of the request, the callback's base URL. */
export type WebSubSubscribeDeps = Pick<StageServices, 'guard' | 'config' | 'env' | 'clock' | 'logger'> & {
  feedSubscriptions: FeedSubscriptionStore;
  sourceStatus: SourceStatusStore;
};

/**
 * Subscribes a source to its hub when due (see `websubSubscriptionDue`), with a fresh secret per hub and topic.
 * The hub answers asynchronously through the callback route, which turns the state `active`. Failures are
 * recorded in the subscription and the source's status, never thrown: polling goes on regardless.
 */
export async function ensureWebSubSubscription(ctx: WebSubSubscribeDeps, sourceId: string, hub: string, topic: string): Promise<FeedSubscription | null> {
  const current = await ctx.feedSubscriptions.get(sourceId);
  const now = ctx.clock.now();
  if (!websubSubscriptionDue(current, hub, topic, now)) return current;
  const sameTopic = current && current.hub === hub && current.topic === topic;
  const secret = sameTopic && current.secret ? current.secret : randomBytes(24).toString('hex');
  const next: FeedSubscription = {
    hub,
    topic,
    secret,
    state: current?.state === 'active' ? 'active' : 'pending',
    requestedAt: now,
    leaseUntil: current?.leaseUntil ?? null,
    leaseSeconds: current?.leaseSeconds ?? null,
  };
  await ctx.feedSubscriptions.save(sourceId, next);
  try {
    assertUrlAllowed(hub, ctx.guard.allow);
    const form = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.callback': websubCallbackUrl(ctx, sourceId),
      'hub.secret': secret,
      'hub.lease_seconds': String(REQUESTED_LEASE_SECONDS),
    });
    const response = await request(hub, {
      method: 'POST',
      dispatcher: ctx.guard.dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      // The whole exchange, a slowly trickling answer included (undici's own timeouts bound each wait only).
      signal: AbortSignal.timeout(ctx.config.limits.fetchTimeout),
    });
    const text = (await readHead(response.body)).slice(0, 200);
    if (response.statusCode < 200 || response.statusCode >= 300)
      throw new SyndicateError('SYN_ERR_WEBSUB_SUBSCRIBE_FAILED', `hub ${hub} answered ${response.statusCode}: ${text}`);
    await ctx.sourceStatus.recordWebSub(sourceId, { hub, state: next.state, error: '' });
    ctx.logger.info({ sourceId, hub, topic }, 'WebSub subscription requested');
    return next;
  } catch (err) {
    const error = toSyndicateError(err, 'SYN_ERR_WEBSUB_SUBSCRIBE_FAILED');
    await ctx.feedSubscriptions.setState(sourceId, 'failed');
    await ctx.sourceStatus.recordWebSub(sourceId, { hub, state: 'failed', error: `${error.code}: ${error.message}` });
    ctx.logger.warn({ sourceId, hub, code: error.code, err: error.message }, 'WebSub subscription failed');
    return { ...next, state: 'failed' };
  }
}
