import type { Redis } from 'ioredis';
import type { ChannelConfig, SourceConfig, SubscriptionConfig, SyndicationConfig } from '../config/schema.js';
import { secretDigest, type RotatableSecret } from '../core/secret-rotation.js';
import type { RedisKeys } from '../redis/keys.js';

type Kind = 'sources' | 'channels' | 'subscriptions';
interface Entities {
  sources: SourceConfig;
  channels: ChannelConfig;
  subscriptions: SubscriptionConfig;
}

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
export function effectiveSubscription<S extends SubscriptionConfig>(
  subscription: S,
  state: DisabledState | null | undefined,
): S & { disabledAt?: string; disabledReason?: string } {
  const { disabledAt: _at, disabledReason: _reason, ...rest } = subscription as S & { disabledAt?: string; disabledReason?: string };
  if (!state) return rest as S;
  return { ...rest, enabled: false, disabledAt: state.at, disabledReason: state.reason } as S & { disabledAt: string; disabledReason: string };
}

/**
 * A subscription from the config file, with the rotated secrets of its stored entry when the rotation started from
 * the secret the file still gives (pure): a restart keeps a consumer's rotation; a new secret in the file wins.
 */
export function keepRotation(fromFile: SubscriptionConfig, storedJson: string | undefined): SubscriptionConfig {
  if (!storedJson) return fromFile;
  const stored = JSON.parse(storedJson) as SubscriptionConfig & RotatableSecret;
  if (!stored.secretRotation || stored.secretRotation.from !== secretDigest(fromFile.secret)) return fromFile;
  return { ...fromFile, secret: stored.secret, secretRotation: stored.secretRotation } as SubscriptionConfig;
}

/**
 * Sources, channels and subscriptions, shared by every process through Redis. The config file seeds it at start;
 * the API adds, changes and removes entries at run time, and every worker sees the change on its next job.
 */
export class Catalog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * An entry's stored JSON exactly as written (null when absent): what the channel scripts compare by SHA-1 to tell
   * whether a definition changed since it was read (publish/backfill.ts `definitionDigest`).
   */
  async storedJson(kind: Kind, id: string): Promise<string | null> {
    return this.redis.hget(this.keys[kind], id);
  }

  /**
   * Writes every entry of the config file (the file wins over earlier API edits of the same id), except that a
   * subscription the deliver stage disabled stays disabled (`enabled: false` with when and why): the file's
   * default `enabled: true` must not mask it, and a subscription whose secret was rotated (by its consumer) from the
   * very secret the file gives keeps its rotated secrets. Answers the ids of those subscriptions (the deliver role warns of them).
   */
  async seedFromConfig(config: SyndicationConfig): Promise<string[]> {
    const disabled = await this.redis.hgetall(this.keys.deliveryDisabled);
    const storedSubscriptions = await this.redis.hgetall(this.keys.subscriptions);
    const pipeline = this.redis.multi();
    for (const kind of ['sources', 'channels', 'subscriptions'] as const) {
      for (const entry of config[kind]) {
        const state = kind === 'subscriptions' ? disabled[entry.id] : undefined;
        let stored = state ? effectiveSubscription(entry as SubscriptionConfig, JSON.parse(state) as DisabledState) : entry;
        if (kind === 'subscriptions') stored = keepRotation(stored as SubscriptionConfig, storedSubscriptions[entry.id]);
        pipeline.hset(this.keys[kind], entry.id, JSON.stringify(stored));
      }
    }
    await pipeline.exec();
    return config.subscriptions.map((s) => s.id).filter((id) => disabled[id]);
  }

  /** Every entry of one kind, sorted by id. */
  async list<K extends Kind>(kind: K): Promise<Entities[K][]> {
    return (await this.listStored(kind)).map((stored) => stored.entry);
  }

  /**
   * Every entry with the JSON it is stored as, by id. The JSON is what a script in Redis can compare against (see
   * publish/backfill.ts `definitionDigest`) to notice an entry changed after it was read.
   */
  async listStored<K extends Kind>(kind: K): Promise<Array<{ entry: Entities[K]; json: string }>> {
    const all = await this.redis.hvals(this.keys[kind]);
    return all.map((json) => ({ entry: JSON.parse(json) as Entities[K], json })).sort((a, b) => a.entry.id.localeCompare(b.entry.id));
  }

  /** One entry by id, or null when there is none. */
  async get<K extends Kind>(kind: K, id: string): Promise<Entities[K] | null> {
    const json = await this.redis.hget(this.keys[kind], id);
    return json ? (JSON.parse(json) as Entities[K]) : null;
  }

  /** Creates or replaces an entry (whole, as given: callers validate it first). */
  async put<K extends Kind>(kind: K, entry: Entities[K]): Promise<void> {
    await this.redis.hset(this.keys[kind], entry.id, JSON.stringify(entry));
  }

  /** Removes an entry; answers whether it existed. */
  async remove(kind: Kind, id: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys[kind], id)) === 1;
  }
}
