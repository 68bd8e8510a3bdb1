import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { request } from 'undici';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import { assertUrlAllowed } from '../net/address-guard.js';
import type { AppContext } from '../runtime/context.js';
import type { FeedSubscription } from './feed-subscriptions.js';

/** Lease we ask hubs for (they may grant another). */
export const REQUESTED_LEASE_SECONDS = 10 * 86_400;
/** A pending request older than this is assumed lost and sent again. */
export const PENDING_RETRY_MS = 10 * 60_000;

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
export const websubCallbackUrl = (ctx: Pick<AppContext, 'env'>, sourceId: string) => `${ctx.env.publicUrl}/websub/${encodeURIComponent(sourceId)}`;

/** What subscribing touches: the two stores it writes, the guard and limits of the request, the callback's base URL. */
export type WebSubSubscribeDeps = Pick<AppContext, 'feedSubscriptions' | 'sourceStatus' | 'guard' | 'config' | 'env' | 'clock' | 'logger'>;

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
      headersTimeout: ctx.config.limits.fetchTimeout,
      bodyTimeout: ctx.config.limits.fetchTimeout,
    });
    const text = (await response.body.text()).slice(0, 200);
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
