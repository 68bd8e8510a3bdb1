import type { SubscriptionConfig } from '../config/schema.js';
import type { AppContext } from '../runtime/context.js';
import { rateWindow } from './policy.js';

/**
 * Admission in one round trip, atomically for all workers: refuses when the subscription is disabled, the endpoint
 * asked us to wait, it already has `maxConcurrency` deliveries in flight, or its rate window is full; otherwise it
 * takes a lease (expiring, so a killed worker's lease frees itself).
 * KEYS: disabled hash, paused-until, leases, rate window. ARGV: subscription id, now, lease id, lease expiry,
 * max concurrency, max per window (0 = no limit), window end.
 */
const ADMIT_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {'disabled', 0} end
local now = tonumber(ARGV[2])
local untilMs = tonumber(redis.call('GET', KEYS[2]) or '0')
if untilMs > now then return {'paused', untilMs - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if not redis.call('ZSCORE', KEYS[3], ARGV[3]) and redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then return {'busy', 0} end
local maxPer = tonumber(ARGV[6])
if maxPer > 0 then
  local n = redis.call('INCR', KEYS[4])
  if n == 1 then redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[7]) - now + 1000) end
  if n > maxPer then return {'rate', tonumber(ARGV[7]) - now} end
end
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
return {'ok', 0}
`;

/**
 * The end of an attempt in one command (cheaper for client and server than a MULTI of six): log, trim, free the
 * lease, count the outcome, then clear the failure streak on success or start it (NX) and answer its start. A fan-out
 * attempt also records its success in the event's done set (same command, so a retried fan-out job never misses it).
 * KEYS: log, leases, stats, failing-since, done set. ARGV: entry, last log index, lease id, outcome, ok (1/0), now,
 * subscription id for the done set ('' = none), done set TTL ms.
 */
const FINISH_SCRIPT = `
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]))
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
if ARGV[5] == '1' then
  if ARGV[7] ~= '' then
    redis.call('SADD', KEYS[5], ARGV[7])
    redis.call('PEXPIRE', KEYS[5], tonumber(ARGV[8]))
  end
  redis.call('DEL', KEYS[4])
  return false
end
redis.call('SET', KEYS[4], ARGV[6], 'NX')
return redis.call('GET', KEYS[4])
`;

type FinishFn = (...args: Array<string | number>) => Promise<string | null>;

function finishCommand(redis: AppContext['redis']): FinishFn {
  const holder = redis as unknown as { syndicateFinish?: FinishFn };
  if (!holder.syndicateFinish) redis.defineCommand('syndicateFinish', { numberOfKeys: 5, lua: FINISH_SCRIPT });
  return (...args) => holder.syndicateFinish!.apply(redis, args);
}

type AdmitFn = (...args: Array<string | number>) => Promise<[string, number]>;

/** The admission script as an ioredis command (EVALSHA after the first call: the script is not resent each time). */
function admitCommand(redis: AppContext['redis']): AdmitFn {
  const holder = redis as unknown as { syndicateAdmit?: AdmitFn };
  if (!holder.syndicateAdmit) redis.defineCommand('syndicateAdmit', { numberOfKeys: 4, lua: ADMIT_SCRIPT });
  return (...args) => holder.syndicateAdmit!.apply(redis, args);
}

/** Why a delivery may not start now, and for how long (ms) when known. */
export type Admission = { kind: 'ok' } | { kind: 'disabled' } | { kind: 'paused' | 'busy' | 'rate'; waitMs: number };

/** What the deliver stage records about a disabled subscription. */
export interface DisabledState {
  at: string;
  reason: string;
}

/** How long an event's fan-out done set is kept: as long as finished deliver jobs, well past any fan-out retry. */
const FANOUT_DONE_TTL_MS = 7 * 86_400_000;

/** How long a process reuses a subscription read from the catalog (URL, secrets, limits) before reading it again. */
const SUBSCRIPTION_CACHE_MS = 1_000;
const instances = new WeakMap<AppContext, EndpointState>();

/** Per-endpoint state shared by every deliver worker through Redis. */
export class EndpointState {
  private readonly cache = new Map<string, { subscription: SubscriptionConfig | null; until: number }>();

  constructor(private readonly ctx: AppContext) {}

  /** The one instance of a process context (its subscription cache is shared by all of the process's jobs). */
  static for(ctx: AppContext): EndpointState {
    let state = instances.get(ctx);
    if (!state) instances.set(ctx, (state = new EndpointState(ctx)));
    return state;
  }

  /**
   * A subscription, cached for a second: saves a Redis round trip per delivery. Staleness is safe: disabling is
   * checked in Redis by `admit` on every delivery, and a cached "disabled" is read again before it refuses anything.
   */
  async subscription(id: string, now: number, fresh = false): Promise<SubscriptionConfig | null> {
    const hit = this.cache.get(id);
    if (!fresh && hit && hit.until > now) return hit.subscription;
    const subscription = await this.ctx.catalog.get('subscriptions', id);
    this.cache.set(id, { subscription, until: now + SUBSCRIPTION_CACHE_MS });
    return subscription;
  }

  /** Tries to start a delivery of `leaseId` to `subscription` (see the admission script). */
  async admit(subscription: SubscriptionConfig, leaseId: string, now: number): Promise<Admission> {
    const { keys, config } = this.ctx;
    const limit = subscription.rateLimit ? rateWindow(subscription.rateLimit) : null;
    const window = limit ? Math.floor(now / limit.windowMs) : 0;
    const windowEnd = limit ? (window + 1) * limit.windowMs : 0;
    const leaseExpiry = now + config.limits.deliveryTimeout + 5_000;
    const [kind, waitMs] = (await admitCommand(this.ctx.redis)(
      keys.deliveryDisabled,
      keys.deliveryPausedUntil(subscription.id),
      keys.deliveryLeases(subscription.id),
      keys.deliveryRateWindow(subscription.id, window),
      subscription.id,
      now,
      leaseId,
      leaseExpiry,
      subscription.maxConcurrency ?? config.delivery.endpointConcurrency,
      limit?.max ?? 0,
      windowEnd,
    )) as [string, number];
    if (kind === 'ok' || kind === 'disabled') return { kind };
    return { kind: kind as 'paused' | 'busy' | 'rate', waitMs: Number(waitMs) };
  }

  /** Pauses every delivery to an endpoint until `until` (epoch ms), as its `Retry-After` asked. */
  async pause(subscriptionId: string, until: number, now: number): Promise<void> {
    await this.ctx.redis.set(this.ctx.keys.deliveryPausedUntil(subscriptionId), String(until), 'PX', Math.max(1, until - now));
  }

  /**
   * Finishes an attempt in one round trip: appends it to the delivery log, frees the lease, counts the outcome and
   * either clears the failure streak (success) or starts it if not started. Answers when the streak began.
   * `doneKey`: the event's fan-out done set, which a success joins.
   */
  async finish(subscriptionId: string, leaseId: string, entry: string, ok: boolean, outcome: string, now: number, logLength: number, doneKey?: string): Promise<number | null> {
    const { keys } = this.ctx;
    const failingKey = keys.deliveryFailingSince(subscriptionId);
    const since = await finishCommand(this.ctx.redis)(
      keys.deliveryLog(subscriptionId), keys.deliveryLeases(subscriptionId), keys.deliveryStats, failingKey, doneKey ?? failingKey,
      entry, logLength - 1, leaseId, outcome, ok ? 1 : 0, now, doneKey ? subscriptionId : '', FANOUT_DONE_TTL_MS,
    );
    return since === null || since === undefined ? null : Number(since);
  }

  /** Frees a lease without logging (a delivery that never reached the endpoint). */
  async release(subscriptionId: string, leaseId: string): Promise<void> {
    await this.ctx.redis.zrem(this.ctx.keys.deliveryLeases(subscriptionId), leaseId);
  }

  /**
   * Disables a subscription visibly: recorded in the disabled hash (which survives the config re-seed at start) and
   * on the catalog entry (`enabled: false`, `disabledAt`, `disabledReason`), so fan-out stops and the API shows it.
   */
  async disable(subscriptionId: string, reason: string, now: number): Promise<void> {
    const state: DisabledState = { at: new Date(now).toISOString(), reason };
    await this.ctx.redis.hset(this.ctx.keys.deliveryDisabled, subscriptionId, JSON.stringify(state));
    const subscription = await this.ctx.catalog.get('subscriptions', subscriptionId);
    if (subscription) await this.ctx.catalog.put('subscriptions', { ...subscription, enabled: false, disabledAt: state.at, disabledReason: reason } as SubscriptionConfig);
    this.ctx.logger.error({ code: reason.startsWith('410') ? 'SYN_ERR_DELIVERY_GONE' : 'SYN_ERR_SUBSCRIPTION_DISABLED', subscriptionId, reason }, 'subscription disabled');
  }

  /** Re-enables a subscription: clears the disabled record, the failure streak and any pause. */
  async enable(subscriptionId: string): Promise<SubscriptionConfig | null> {
    const { keys } = this.ctx;
    const subscription = await this.ctx.catalog.get('subscriptions', subscriptionId);
    if (!subscription) return null;
    const { disabledAt: _at, disabledReason: _reason, ...rest } = subscription as SubscriptionConfig & { disabledAt?: string; disabledReason?: string };
    const enabled = { ...rest, enabled: true };
    await this.ctx.catalog.put('subscriptions', enabled);
    await this.ctx.redis.multi().hdel(keys.deliveryDisabled, subscriptionId).del(keys.deliveryFailingSince(subscriptionId), keys.deliveryPausedUntil(subscriptionId)).exec();
    this.ctx.logger.info({ subscriptionId }, 'subscription re-enabled');
    return enabled;
  }

  /** Every subscription the deliver stage disabled, with when and why. */
  async disabled(): Promise<Record<string, DisabledState>> {
    const all = await this.ctx.redis.hgetall(this.ctx.keys.deliveryDisabled);
    return Object.fromEntries(Object.entries(all).map(([id, json]) => [id, JSON.parse(json) as DisabledState]));
  }
}
