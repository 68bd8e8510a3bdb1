import { effectiveSubscription, type DisabledState } from '../catalog/catalog.js';
import type { SubscriptionConfig } from '../config/schema.js';
import { luaScript, runScript } from '../redis/scripts.js';
import { scanKeys } from '../redis/server-memory.js';
import { escapeRegExp } from '../core/regexp.js';
import { Batcher } from './batcher.js';
import { rateInterval } from './policy.js';
import type { StageServices } from '../queues/stage-services.js';
import type { Catalog } from '../catalog/catalog.js';

/** Every finish and admission of one event-loop turn in one command: redis/lua/endpoint-batch.lua. */
const ENDPOINT_BATCH = luaScript('endpoint-batch');

/** What a fan-out's earlier runs left behind, per subscription, in one command: redis/lua/fanout-prior-state.lua. */
const FANOUT_PRIOR_STATE = luaScript('fanout-prior-state');

/** One call of the batched script: a finish or an admission, its fields packed (newline-separated; no field may hold a newline). */
interface EndpointCall {
  finish: boolean;
  packed: string;
}

/**
 * {@link ENDPOINT_BATCH} fed by a {@link Batcher}: the finishes and admissions of one event-loop turn go in one command, all their
 * fields in one argument. Answers the finish's value, or the admission's [kind, wait].
 */
function endpointBatch(redis: StageServices['redis'], keys: StageServices['keys']): Batcher<EndpointCall, unknown> {
  const batchKeys = [keys.deliveryDisabled, keys.deliveryStats];
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
    const flat = (await runScript(redis, ENDPOINT_BATCH, batchKeys, [keys.deliveryKeyPrefix, finishes, n - finishes, finishPacked + admitPacked])) as unknown[];
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

/** What finishing an attempt found: the failure streak's start (null: none), and the exhaustion a success ended (null: none). */
export interface FinishOutcome {
  failingSince: number | null;
  recoveredFrom: number | null;
}

/** The usual success: no streak, nothing recovered (one object for all of them). */
const NO_STREAK: FinishOutcome = Object.freeze({ failingSince: null, recoveredFrom: null });

/** Why a delivery may not start now, and for how long (ms) when known. */
export type Admission = { kind: 'ok' } | { kind: 'disabled' } | { kind: 'paused' | 'busy' | 'rate'; waitMs: number };

/** How long an event's fan-out done set is kept: as long as finished deliver jobs, well past any fan-out retry. */
const FANOUT_DONE_TTL_MS = 7 * 86_400_000;

/** How long a process reuses a subscription read from the catalog (URL, secrets, limits) before reading it again. */
const SUBSCRIPTION_CACHE_MS = 1_000;

/** What the endpoint state uses: its connection and keys, the catalog (subscriptions), the limits, the logger. */
export type EndpointStateDeps = Pick<StageServices, 'redis' | 'keys' | 'logger' | 'config'> & { catalog: Catalog };

/** What earlier runs of a fan-out (and the ordering rule) left behind for one subscription. */
export interface FanoutPriorState {
  /** An earlier run of this fan-out job delivered to it (the event's done set). */
  done: boolean;
  /** It has a per-subscription deliver job of its own for this event. */
  ownJob: boolean;
  /** Its story's `item.published` to it has a per-subscription job (may be pending or a dead letter). */
  publishedJob: boolean;
}

/** Per-endpoint state shared by every deliver worker through Redis. */
export class EndpointState {
  private readonly cache = new Map<string, { subscription: SubscriptionConfig | null; until: number }>();
  private readonly batch: Batcher<EndpointCall, unknown>;

  /** One per connection, built with the other stores (its subscription cache is shared by all of the process's jobs). */
  constructor(private readonly ctx: EndpointStateDeps) {
    this.batch = endpointBatch(ctx.redis, ctx.keys);
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
   * either clears the failure streak (success) or starts it if not started. Answers when the streak began, and for
   * the first success after an exhausted delivery ({@link markExhausted}) when that was (`recoveredFrom`).
   * `doneKey`: the event's fan-out done set, which a success joins.
   */
  async finish(
    subscriptionId: string,
    leaseId: string,
    entry: string,
    ok: boolean,
    outcome: string,
    now: number,
    logLength: number,
    doneKey?: string,
  ): Promise<FinishOutcome> {
    const since = await this.batch.call({
      finish: true,
      packed: `${subscriptionId}\n${logLength - 1}\n${leaseId}\n${outcome}\n${ok ? 1 : 0}\n${now}\n${doneKey ?? ''}\n${FANOUT_DONE_TTL_MS}\n${entry}`,
    });
    if (typeof since === 'string' && since.startsWith('recovered ')) return { failingSince: null, recoveredFrom: Number(since.slice('recovered '.length)) };
    return since === null || since === undefined || Number(since) < 0 ? NO_STREAK : { failingSince: Number(since), recoveredFrom: null };
  }

  /** Marks an endpoint as having had a delivery exhausted at `at`: its next success answers `recoveredFrom` (see {@link finish}). */
  async markExhausted(subscriptionId: string, at: number): Promise<void> {
    await this.ctx.redis.set(this.ctx.keys.deliveryExhaustedAt(subscriptionId), String(at), 'PX', this.ctx.config.limits.retention);
  }

  /** The event's fan-out done set, as {@link finish} takes it: a success of the fan-out joins it. */
  fanoutDoneKey(eventId: string): string {
    return this.ctx.keys.deliveryFanoutDone(eventId);
  }

  /**
   * What is done already for each subscription of a fan-out, one command whatever their number (in the order of
   * `subscriptionIds`): in the event's done set, its own deliver job exists, its story's published job exists (only
   * asked when `publishedJobKeys` are given). The job keys are the deliver queue's (`queue.toKey(id)`).
   */
  async fanoutPriorState(doneKey: string, subscriptionIds: string[], ownJobKeys: string[], publishedJobKeys: string[]): Promise<FanoutPriorState[]> {
    const flags = await runScript(this.ctx.redis, FANOUT_PRIOR_STATE, [doneKey, ...ownJobKeys, ...publishedJobKeys], subscriptionIds);
    // The script answers one bitmask per subscription: 1 done, 2 own job, 4 published job.
    return (Array.isArray(flags) ? flags.map(Number) : []).map((bits) => ({
      done: (bits & 1) !== 0,
      ownJob: (bits & 2) !== 0,
      publishedJob: (bits & 4) !== 0,
    }));
  }

  /**
   * Logs an attempt that held no lease (a job refused before sending: disabled, gone, no subscription): appended to
   * the delivery log and counted, as {@link finish} does for the others. The log has no other writer.
   */
  async logOnly(subscriptionId: string, entry: string, outcome: string, logLength: number): Promise<void> {
    const { redis, keys } = this.ctx;
    const log = keys.deliveryLog(subscriptionId);
    await redis
      .multi()
      .lpush(log, entry)
      .ltrim(log, 0, logLength - 1)
      .hincrby(keys.deliveryStats, outcome, 1)
      .exec();
  }

  /** The latest `limit` attempts of a subscription's delivery log, newest first (the JSON entries as written). */
  async log(subscriptionId: string, limit: number): Promise<unknown[]> {
    const rows = await this.ctx.redis.lrange(this.ctx.keys.deliveryLog(subscriptionId), 0, limit - 1);
    return rows.map((row) => JSON.parse(row) as unknown);
  }

  /** Delivery attempts since the data began, by outcome (`delivered` or a SYN_ERR_* code). */
  async outcomeCounts(): Promise<Record<string, number>> {
    const stats = await this.ctx.redis.hgetall(this.ctx.keys.deliveryStats);
    return Object.fromEntries(Object.entries(stats).map(([outcome, count]) => [outcome, Number(count)]));
  }

  /** How many subscriptions the deliver stage has disabled. */
  async disabledCount(): Promise<number> {
    return this.ctx.redis.hlen(this.ctx.keys.deliveryDisabled);
  }

  /** Ids of every subscription with endpoint state in Redis (the start-up pass forgets removed ones'). */
  async idsWithState(): Promise<string[]> {
    const { redis, keys } = this.ctx;
    const shape = new RegExp(`^${escapeRegExp(keys.deliveryKeyPrefix)}(.+):(?:log|paused-until|leases|next-start|failing-since)$`);
    const found = await scanKeys(redis, `${keys.deliveryKeyPrefix}*`);
    return [...new Set(found.map((key) => shape.exec(key)?.[1]).filter((id): id is string => id !== undefined))];
  }

  /** Forgets a removed subscription's endpoint state: its delivery log, leases, pauses, failure streak and disable. */
  async forget(subscriptionId: string): Promise<void> {
    const { redis, keys } = this.ctx;
    await redis
      .multi()
      .del(
        keys.deliveryLog(subscriptionId),
        keys.deliveryPausedUntil(subscriptionId),
        keys.deliveryLeases(subscriptionId),
        keys.deliveryNextStart(subscriptionId),
        keys.deliveryFailingSince(subscriptionId),
      )
      .hdel(keys.deliveryDisabled, subscriptionId)
      .exec();
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
    if (subscription)
      await this.ctx.catalog.put('subscriptions', { ...subscription, enabled: false, disabledAt: state.at, disabledReason: reason } as SubscriptionConfig);
    this.ctx.logger.error(
      { code: reason.startsWith('410') ? 'SYN_ERR_DELIVERY_GONE' : 'SYN_ERR_SUBSCRIPTION_DISABLED', subscriptionId, reason },
      'subscription disabled',
    );
  }

  /** Re-enables a subscription: clears the disabled record, the failure streak and any pause. */
  async enable(subscriptionId: string): Promise<SubscriptionConfig | null> {
    const { keys } = this.ctx;
    const subscription = await this.ctx.catalog.get('subscriptions', subscriptionId);
    if (!subscription) return null;
    const { disabledAt: _at, disabledReason: _reason, ...rest } = subscription as SubscriptionConfig & { disabledAt?: string; disabledReason?: string };
    const enabled = { ...rest, enabled: true };
    await this.ctx.catalog.put('subscriptions', enabled);
    await this.ctx.redis
      .multi()
      .hdel(keys.deliveryDisabled, subscriptionId)
      .del(keys.deliveryFailingSince(subscriptionId), keys.deliveryPausedUntil(subscriptionId))
      .exec();
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
