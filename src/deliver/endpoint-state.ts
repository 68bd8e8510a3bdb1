import type { SubscriptionConfig } from '../config/schema.js';
import type { AppContext } from '../runtime/context.js';
import { Batcher } from './batcher.js';
import { rateWindow } from './policy.js';

/**
 * Splits one packed argument into `n` fields (newline-separated; the last field is the rest, so it may hold
 * anything). One argument per call instead of seven or eight: ioredis' per-argument cost showed in the profile.
 */
const FIELDS_LUA = `
local function fields(s, n)
  local out, i = {}, 1
  for k = 1, n - 1 do
    local j = string.find(s, '\\n', i, true)
    out[k] = string.sub(s, i, j - 1)
    i = j + 1
  end
  out[n] = string.sub(s, i)
  return out
end`;

/**
 * Admission in one round trip, atomically for all workers: refuses when the subscription is disabled, the endpoint
 * asked us to wait, it already has `maxConcurrency` deliveries in flight, or its rate window is full; otherwise it
 * takes a lease (expiring, so a killed worker's lease frees itself). Batched: ARGV[1] admissions follow, each with
 * KEYS: disabled hash, paused-until, leases, rate window; one packed ARGV: subscription id, now, lease id, lease
 * expiry, max concurrency, max per window (0 = no limit), window end. Answers kind and wait per admission, flattened.
 */
const ADMIT_SCRIPT = `${FIELDS_LUA}
local function admit(k, f)
  if redis.call('HEXISTS', KEYS[k + 1], f[1]) == 1 then return 'disabled', 0 end
  local now = tonumber(f[2])
  local untilMs = tonumber(redis.call('GET', KEYS[k + 2]) or '0')
  if untilMs > now then return 'paused', untilMs - now end
  redis.call('ZREMRANGEBYSCORE', KEYS[k + 3], '-inf', now)
  if not redis.call('ZSCORE', KEYS[k + 3], f[3]) and redis.call('ZCARD', KEYS[k + 3]) >= tonumber(f[5]) then return 'busy', 0 end
  local maxPer = tonumber(f[6])
  if maxPer > 0 then
    local n = redis.call('INCR', KEYS[k + 4])
    if n == 1 then redis.call('PEXPIRE', KEYS[k + 4], tonumber(f[7]) - now + 1000) end
    if n > maxPer then return 'rate', tonumber(f[7]) - now end
  end
  redis.call('ZADD', KEYS[k + 3], f[4], f[3])
  return 'ok', 0
end
local out = {}
for i = 0, tonumber(ARGV[1]) - 1 do
  local kind, wait = admit(i * 4, fields(ARGV[2 + i], 7))
  out[#out + 1] = kind
  out[#out + 1] = wait
end
return out
`;

/**
 * The end of an attempt in one command (cheaper for client and server than a MULTI of six): log, trim, free the
 * lease, count the outcome, then clear the failure streak on success or start it (NX) and answer its start (-1:
 * none). A fan-out attempt also records its success in the event's done set, in the same command, so a retried
 * fan-out job never misses it. Batched: ARGV[1] finishes follow, each with KEYS: log, leases, stats, failing-since,
 * done set; one packed ARGV: last log index, lease id, outcome, ok (1/0), now, subscription id for the done set
 * ('' = none), done set TTL ms, and last the log entry.
 */
const FINISH_SCRIPT = `${FIELDS_LUA}
local function finish(k, f)
  redis.call('LPUSH', KEYS[k + 1], f[8])
  redis.call('LTRIM', KEYS[k + 1], 0, tonumber(f[1]))
  redis.call('ZREM', KEYS[k + 2], f[2])
  redis.call('HINCRBY', KEYS[k + 3], f[3], 1)
  if f[4] == '1' then
    if f[6] ~= '' then
      redis.call('SADD', KEYS[k + 5], f[6])
      redis.call('PEXPIRE', KEYS[k + 5], tonumber(f[7]))
    end
    redis.call('DEL', KEYS[k + 4])
    return -1
  end
  redis.call('SET', KEYS[k + 4], f[5], 'NX')
  return tonumber(redis.call('GET', KEYS[k + 4]))
end
local out = {}
for i = 0, tonumber(ARGV[1]) - 1 do out[#out + 1] = finish(i * 5, fields(ARGV[2 + i], 8)) end
return out
`;

/** One call of a batched script: its keys and its arguments (packed into one, newline-separated; none but the last may hold a newline). */
interface ScriptCall {
  keys: string[];
  args: Array<string | number>;
}

type RawScript = (...args: Array<string | number>) => Promise<unknown[]>;

/**
 * A batched script as an ioredis command (EVALSHA after the first call: the script is not resent each time),
 * fed by a {@link Batcher}: all calls of one event-loop turn go in one command. Answers `width` values per call.
 */
function batchedScript(redis: AppContext['redis'], name: string, lua: string, width: number): Batcher<ScriptCall, unknown[]> {
  const holder = redis as unknown as Record<string, RawScript | undefined>;
  if (!holder[name]) redis.defineCommand(name, { lua });
  return new Batcher(async (calls) => {
    const keys = calls.flatMap((c) => c.keys);
    const flat = (await holder[name]!.apply(redis, [keys.length, ...keys, calls.length, ...calls.map((c) => c.args.join('\n'))])) as unknown[];
    return calls.map((_, i) => flat.slice(i * width, (i + 1) * width));
  });
}

/** Why a delivery may not start now, and for how long (ms) when known. */
export type Admission = { kind: 'ok' } | { kind: 'disabled' } | { kind: 'paused' | 'busy' | 'rate'; waitMs: number };

/** What the deliver stage records about a disabled subscription. */
export interface DisabledState {
  at: string;
  reason: string;
}

/**
 * A subscription as it really stands (pure): the deliver stage's disable record, when there is one, wins over the
 * catalog entry's `enabled`, and its when and why are shown with it. Without a record, the entry is as stored
 * (minus stale disable fields).
 */
export function effectiveSubscription<S extends SubscriptionConfig>(subscription: S, state: DisabledState | null | undefined): S & { disabledAt?: string; disabledReason?: string } {
  const { disabledAt: _at, disabledReason: _reason, ...rest } = subscription as S & { disabledAt?: string; disabledReason?: string };
  if (!state) return rest as S;
  return { ...rest, enabled: false, disabledAt: state.at, disabledReason: state.reason } as S & { disabledAt: string; disabledReason: string };
}

/** How long an event's fan-out done set is kept: as long as finished deliver jobs, well past any fan-out retry. */
const FANOUT_DONE_TTL_MS = 7 * 86_400_000;

/** How long a process reuses a subscription read from the catalog (URL, secrets, limits) before reading it again. */
const SUBSCRIPTION_CACHE_MS = 1_000;
const instances = new WeakMap<AppContext, EndpointState>();

/** Per-endpoint state shared by every deliver worker through Redis. */
export class EndpointState {
  private readonly cache = new Map<string, { subscription: SubscriptionConfig | null; until: number }>();
  private readonly admits: Batcher<ScriptCall, unknown[]>;
  private readonly finishes: Batcher<ScriptCall, unknown[]>;

  constructor(private readonly ctx: AppContext) {
    this.admits = batchedScript(ctx.redis, 'syndicateAdmitMany', ADMIT_SCRIPT, 2);
    this.finishes = batchedScript(ctx.redis, 'syndicateFinishMany', FINISH_SCRIPT, 1);
  }

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

  /** The cached subscription when still fresh (null: known absent), else undefined: saves an await per delivery. */
  cachedSubscription(id: string, now: number): SubscriptionConfig | null | undefined {
    const hit = this.cache.get(id);
    return hit && hit.until > now ? hit.subscription : undefined;
  }

  /** Tries to start a delivery of `leaseId` to `subscription` (see the admission script). */
  async admit(subscription: SubscriptionConfig, leaseId: string, now: number): Promise<Admission> {
    const { keys, config } = this.ctx;
    const limit = subscription.rateLimit ? rateWindow(subscription.rateLimit) : null;
    const window = limit ? Math.floor(now / limit.windowMs) : 0;
    const windowEnd = limit ? (window + 1) * limit.windowMs : 0;
    const leaseExpiry = now + config.limits.deliveryTimeout + 5_000;
    const [kind, waitMs] = (await this.admits.call({
      keys: [keys.deliveryDisabled, keys.deliveryPausedUntil(subscription.id), keys.deliveryLeases(subscription.id), keys.deliveryRateWindow(subscription.id, window)],
      args: [subscription.id, now, leaseId, leaseExpiry, subscription.maxConcurrency ?? config.delivery.endpointConcurrency, limit?.max ?? 0, windowEnd],
    })) as [string, number];
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
    const [since] = await this.finishes.call({
      keys: [keys.deliveryLog(subscriptionId), keys.deliveryLeases(subscriptionId), keys.deliveryStats, failingKey, doneKey ?? failingKey],
      args: [logLength - 1, leaseId, outcome, ok ? 1 : 0, now, doneKey ? subscriptionId : '', FANOUT_DONE_TTL_MS, entry],
    });
    return since === null || since === undefined || Number(since) < 0 ? null : Number(since);
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

  /** The deliver stage's disable record of one subscription, if any. */
  async disabledState(subscriptionId: string): Promise<DisabledState | null> {
    const json = await this.ctx.redis.hget(this.ctx.keys.deliveryDisabled, subscriptionId);
    return json ? (JSON.parse(json) as DisabledState) : null;
  }

  /**
   * Stores a subscription written through the API. `enabled: true` given explicitly in the request lifts a disable
   * by the deliver stage (as `PUT …/enable` does): that is what a user means by it. Without it (an edit of the URL,
   * say, where the schema defaults `enabled` to true), a disable stays, and the stored entry says so, so the API
   * never shows `enabled: true` for a subscription whose deliveries are refused. Answers the stored entry.
   */
  async putFromApi(subscription: SubscriptionConfig, explicitEnable: boolean): Promise<SubscriptionConfig> {
    const state = await this.disabledState(subscription.id);
    if (state && explicitEnable) {
      await this.ctx.catalog.put('subscriptions', subscription);
      await this.enable(subscription.id);
      return subscription;
    }
    const stored = effectiveSubscription(subscription, state);
    await this.ctx.catalog.put('subscriptions', stored);
    return stored;
  }

  /** Every subscription the deliver stage disabled, with when and why. */
  async disabled(): Promise<Record<string, DisabledState>> {
    const all = await this.ctx.redis.hgetall(this.ctx.keys.deliveryDisabled);
    return Object.fromEntries(Object.entries(all).map(([id, json]) => [id, JSON.parse(json) as DisabledState]));
  }
}
