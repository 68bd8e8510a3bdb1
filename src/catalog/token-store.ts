import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.js';

/** A token scoped to one subscription, as listed (the token itself is shown once, when issued, and stored only hashed). */
export interface ScopedToken {
  id: string;
  subscriptionId: string;
  label: string | null;
  createdAt: string;
  expiresAt: string;
}

/** Tokens one subscription may hold at once (issuing more is refused: revoke one first). */
export const MAX_TOKENS_PER_SUBSCRIPTION = 20;
/** The longest a scoped token lives; every token expires (its Redis key with it). */
export const MAX_TOKEN_LIFETIME_MS = 366 * 86_400_000;
/** How every scoped token starts, so that it is told from the admin token at a glance (and by secret scanners). */
export const SCOPED_TOKEN_PREFIX = 'syt_';

/** The stored form of a token: its SHA-256 (a token is 32 random bytes, so no slow hash is needed to resist guessing). */
const digestOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Consumer tokens, each scoped to one subscription (see api/auth.ts for what they reach). Stored hashed: one
 * string per token (`token:<sha256>` → JSON, expiring with the token) and one hash per subscription (token id →
 * sha256) to list and revoke them; at most {@link MAX_TOKENS_PER_SUBSCRIPTION} per subscription, expired ones pruned
 * on every issue and list, all revoked with their subscription.
 */
export class TokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Issues a token for a subscription, valid for `lifetimeMs`; answers the token (shown once) and its listing. Null when the subscription has too many. */
  async issue(subscriptionId: string, label: string | null, lifetimeMs: number, now: number): Promise<{ token: string; listing: ScopedToken } | null> {
    const live = await this.list(subscriptionId);
    if (live.length >= MAX_TOKENS_PER_SUBSCRIPTION) return null;
    const id = randomBytes(6).toString('hex');
    const token = `${SCOPED_TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
    const lifetime = Math.min(Math.max(1, lifetimeMs), MAX_TOKEN_LIFETIME_MS);
    const listing: ScopedToken = { id, subscriptionId, label, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + lifetime).toISOString() };
    const digest = digestOf(token);
    const index = this.keys.subscriptionTokens(subscriptionId);
    await this.redis
      .multi()
      .set(this.keys.scopedToken(digest), JSON.stringify(listing), 'PX', lifetime)
      .hset(index, id, digest)
      .pexpire(index, MAX_TOKEN_LIFETIME_MS)
      .exec();
    return { token, listing };
  }

  /** The listing of a presented token when it is one of ours and has not expired, else null. */
  async verify(token: string): Promise<ScopedToken | null> {
    if (!token.startsWith(SCOPED_TOKEN_PREFIX)) return null;
    const json = await this.redis.get(this.keys.scopedToken(digestOf(token)));
    return json ? (JSON.parse(json) as ScopedToken) : null;
  }

  /** A subscription's live tokens (oldest first); forgets the expired ones. */
  async list(subscriptionId: string): Promise<ScopedToken[]> {
    const index = this.keys.subscriptionTokens(subscriptionId);
    const entries = Object.entries(await this.redis.hgetall(index));
    if (entries.length === 0) return [];
    const rows = await this.redis.mget(entries.map(([, digest]) => this.keys.scopedToken(digest)));
    const expired = entries.filter((_, i) => !rows[i]).map(([id]) => id);
    if (expired.length) await this.redis.hdel(index, ...expired);
    return rows
      .filter((row): row is string => row !== null)
      .map((row) => JSON.parse(row) as ScopedToken)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Revokes one token of a subscription; answers whether it existed. */
  async revoke(subscriptionId: string, tokenId: string): Promise<boolean> {
    const index = this.keys.subscriptionTokens(subscriptionId);
    const digest = await this.redis.hget(index, tokenId);
    if (!digest) return false;
    await this.redis.multi().del(this.keys.scopedToken(digest)).hdel(index, tokenId).exec();
    return true;
  }

  /** Revokes every token of a subscription (it is being removed); answers how many there were. */
  async revokeAll(subscriptionId: string): Promise<number> {
    const index = this.keys.subscriptionTokens(subscriptionId);
    const digests = await this.redis.hvals(index);
    await this.redis
      .multi()
      .del(index, ...digests.map((digest) => this.keys.scopedToken(digest)))
      .exec();
    return digests.length;
  }
}
