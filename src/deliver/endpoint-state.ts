import { effectiveSubscription, type DisabledState } from '../catalog/catalog.js';
import type { SubscriptionConfig } from '../config/schema.js';
import type { AppContext } from '../runtime/context.js';
import { Batcher } from './batcher.js';
import { rateInterval } from './policy.js';

/**
 * Splits the one packed argument of a batch into its fields (newline-separated; no field holds a newline: ids do
 * not, and a JSON log entry never does). One argument per batch instead of several per call: ioredis'
 * per-argument cost showed in the profile.
 */
const FIELDS_LUA = `
local function fields(s)
  local out, i, n = {}, 1, 0
  while true do
    local j = string.find(s, '\\n', i, true)
    n = n + 1
    if not j then
      out[n] = string.sub(s, i)
      return out
    end
    out[n] = string.sub(s, i, j - 1)
    i = j + 1
  end
end`;

/**
 * An endpoint's keys, built inside the script from the deliver key prefix and the subscription id, exactly as
 * `RedisKeys` names them (`deliveryLeases` and the others): passing four or five key names per call, and
 * deduplicating them per batch, cost more client CPU than anything else in the batch. All keys share the prefix's
 * hash tag, so they live in one slot (on Redis Cluster too), as BullMQ's scripts rely on for theirs.
 */
const ENDPOINT_KEYS_LUA = `
local function endpointKey(prefix, id, suffix)
  return prefix .. id .. ':' .. suffix
end`;

/**
 * Admission in one round trip, atomically for all workers: refuses when the subscription is disabled, the endpoint
 * asked us to wait, it already has `maxConcurrency` deliveries in flight, or its rate limit's next start time has
 * not come; otherwise it takes a lease (expiring, so a killed worker's lease frees itself) and moves the next start
 * time one interval on. The rate limit spaces starts evenly (a GCRA without burst: the key holds the earliest next
 * start), so no 1-second window, wherever it falls, ever sees more than the limit. Fields (see
 * {@link ENDPOINT_BATCH_SCRIPT}): subscription id, now, lease id, lease expiry, max concurrency, ms between starts
 * (0 = no limit). Answers kind and wait.
 */
const ADMIT_LUA = `
local function admit(prefix, disabled, f, o)
  local id = f[o + 1]
  if redis.call('HEXISTS', disabled, id) == 1 then return 'disabled', 0 end
  local now = tonumber(f[o + 2])
  local untilMs = tonumber(redis.call('GET', endpointKey(prefix, id, 'paused-until')) or '0')
  if untilMs > now then return 'paused', untilMs - now end
  local leases = endpointKey(prefix, id, 'leases')
  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
  if not redis.call('ZSCORE', leases, f[o + 3]) and redis.call('ZCARD', leases) >= tonumber(f[o + 5]) then return 'busy', 0 end
  local interval = tonumber(f[o + 6])
  if interval > 0 then
    local nextStart = endpointKey(prefix, id, 'next-start')
    local nextMs = tonumber(redis.call('GET', nextStart) or '0')
    if nextMs > now then return 'rate', nextMs - now end
    redis.call('SET', nextStart, now + interval, 'PX', interval + 1000)
  end
  redis.call('ZADD', leases, f[o + 4], f[o + 3])
  return 'ok', 0
end
`;

/**
 * The end of an attempt (cheaper for client and server than a MULTI of six): log, trim, free the lease, count the
 * outcome, then clear the failure streak on success or start it (NX) and answer its start (-1: none). A fan-out
 * attempt also records its success in the event's done set, in the same command, so a retried fan-out job never
 * misses it. Fields (see {@link ENDPOINT_BATCH_SCRIPT}): subscription id, last log index, lease id, outcome, ok
 * (1/0), now, the event's done set ('' = none), done set TTL ms, the log entry.
 */
const FINISH_LUA = `
local function finish(prefix, stats, f, o)
  local id = f[o + 1]
  local log = endpointKey(prefix, id, 'log')
  redis.call('LPUSH', log, f[o + 9])
  redis.call('LTRIM', log, 0, tonumber(f[o + 2]))
  redis.call('ZREM', endpointKey(prefix, id, 'leases'), f[o + 3])
  redis.call('HINCRBY', stats, f[o + 4], 1)
  local failing = endpointKey(prefix, id, 'failing-since')
  if f[o + 5] == '1' then
    if f[o + 7] ~= '' then
      redis.call('SADD', f[o + 7], id)
      redis.call('PEXPIRE', f[o + 7], tonumber(f[o + 8]))
    end
    redis.call('DEL', failing)
    return -1
  end
  redis.call('SET', failing, f[o + 6], 'NX')
  return tonumber(redis.call('GET', failing))
end
`;

/** Fields per call in the packed argument. */
const FINISH_FIELDS = 9;
const ADMIT_FIELDS = 6;

/**
 * Every finish and admission of one event-loop turn in one command. KEYS: the disabled hash, the stats hash. ARGV:
 * the deliver key prefix, the number of finishes, of admissions, then their fields in one argument (finishes
 * first). Finishes run first, so a lease they free can go to an admission of the same batch. Answers, flattened:
 * one value per finish, then kind and wait per admission.
 */
const ENDPOINT_BATCH_SCRIPT = `${FIELDS_LUA}${ENDPOINT_KEYS_LUA}${FINISH_LUA}${ADMIT_LUA}
local prefix = ARGV[1]
local f = fields(ARGV[4])
local out = {}
local finishes = tonumber(ARGV[2])
for i = 0, finishes - 1 do
  out[#out + 1] = finish(prefix, KEYS[2], f, i * ${FINISH_FIELDS})
end
local base = finishes * ${FINISH_FIELDS}
for i = 0, tonumber(ARGV[3]) - 1 do
  local kind, wait = admit(prefix, KEYS[1], f, base + i * ${ADMIT_FIELDS})
  out[#out + 1] = kind
  out[#out + 1] = wait
end
return out
`;

/** One call of the batched script: a finish or an admission, its fields packed (newline-separated; no field may hold a newline). */
interface EndpointCall {
  finish: boolean;
  packed: string;
}

type RawScript = (...args: Array<string | number>) => Promise<unknown[]>;

/**
 * {@link ENDPOINT_BATCH_SCRIPT} as an ioredis command (EVALSHA after the first call: the script is not resent each
 * time), fed by a {@link Batcher}: the finishes and admissions of one event-loop turn go in one command, all their
 * fields in one argument. Answers the finish's value, or the admission's [kind, wait].
 */
function endpointBatch(redis: AppContext['redis'], keys: AppContext['keys']): Batcher<EndpointCall, unknown> {
  const name = 'syndicateEndpointBatch';
  const holder = redis as unknown as Record<string, RawScript | undefined>;
  if (!holder[name]) redis.defineCommand(name, { lua: ENDPOINT_BATCH_SCRIPT, numberOfKeys: 2 });
  return new Batcher(async (calls) => {
    const n = calls.length;
    let finishes = 0;
    let finishPacked = '';
    let admitPacked = '';
    for (let i = 0; i < n; i++) {
      const call = calls[i]!;
      if (call.finish) {
        finishes++;
        finishPacked += `${call.packed}\n`;
      } else admitPacked += `${call.packed}\n`;
    }
    // The last newline makes an empty last field: harmless, as fields are read by position.
    const flat = (await holder[name]!.call(redis, keys.deliveryDisabled, keys.deliveryStats, keys.deliveryKeyPrefix, finishes, n - finishes, finishPacked + admitPacked)) as unknown[];
    const out = new Array<unknown>(n);
    let nextFinish = 0;
    let nextAdmit = finishes;
    for (let i = 0; i < n; i++) {
      if (calls[i]!.finish) out[i] = flat[nextFinish++];
      else {
        out[i] = [flat[nextAdmit], flat[nextAdmit + 1]];
        nextAdmit += 2;
      }
    }
    return out;
  });
}

/** Why a delivery may not start now, and for how long (ms) when known. */
export type Admission = { kind: 'ok' } | { kind: 'disabled' } | { kind: 'paused' | 'busy' | 'rate'; waitMs: number };

/** How long an event's fan-out done set is kept: as long as finished deliver jobs, well past any fan-out retry. */
const FANOUT_DONE_TTL_MS = 7 * 86_400_000;

/** How long a process reuses a subscription read from the catalog (URL, secrets, limits) before reading it again. */
const SUBSCRIPTION_CACHE_MS = 1_000;
const instances = new WeakMap<AppContext, EndpointState>();

/** Per-endpoint state shared by every deliver worker through Redis. */
export class EndpointState {
  private readonly cache = new Map<string, { subscription: SubscriptionConfig | null; until: number }>();
  private readonly batch: Batcher<EndpointCall, unknown>;

  constructor(private readonly ctx: AppContext) {
    this.batch = endpointBatch(ctx.redis, ctx.keys);
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
    const { config } = this.ctx;
    const id = subscription.id;
    const interval = subscription.rateLimit ? rateInterval(subscription.rateLimit) : 0;
    const leaseExpiry = now + config.limits.deliveryTimeout + 5_000;
    const [kind, waitMs] = (await this.batch.call({
      finish: false,
      packed: `${id}\n${now}\n${leaseId}\n${leaseExpiry}\n${subscription.maxConcurrency ?? config.delivery.endpointConcurrency}\n${interval}`,
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
    const since = await this.batch.call({
      finish: true,
      packed: `${subscriptionId}\n${logLength - 1}\n${leaseId}\n${outcome}\n${ok ? 1 : 0}\n${now}\n${doneKey ?? ''}\n${FANOUT_DONE_TTL_MS}\n${entry}`,
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
