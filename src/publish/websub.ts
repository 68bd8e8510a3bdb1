import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { request } from 'undici';
import { SyndicateError } from '../core/errors.js';
import { assertUrlAllowed } from '../net/address-guard.js';
import type { RedisKeys } from '../redis/keys.js';
import type { AppContext } from '../runtime/context.js';
import { hubUrl, renderChannelDocument, topicUrl } from './channel-feed.js';
import { FEED_CONTENT_TYPES, FEED_FORMATS, type FeedFormat } from './render-feed.js';

/** Lease bounds (seconds): subscribers that ask for none get ten days; nobody gets more than thirty. */
export const LEASE = { default: 10 * 86_400, min: 60, max: 30 * 86_400 } as const;

/** Delays before each retry of a content distribution or hub ping; the first attempt is immediate. */
export const PUSH_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000];

/** One verified subscription of a callback to a topic (a channel's current feed in one format). */
export interface WebSubSubscription {
  topic: string;
  callback: string;
  /** HMAC key for `X-Hub-Signature`; null when the subscriber gave none. */
  secret: string | null;
  leaseSeconds: number;
  expiresAt: number;
}

/** A subscribe or unsubscribe request, validated. */
export interface HubRequest {
  mode: 'subscribe' | 'unsubscribe';
  topic: string;
  channelId: string;
  format: FeedFormat;
  callback: string;
  leaseSeconds: number;
  secret: string | null;
}

/** Verified subscriptions in Redis: one hash per topic, callback → subscription; expired leases are pruned on read. */
export class WebSubStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async save(sub: WebSubSubscription): Promise<void> {
    await this.redis.hset(this.keys.websubSubscriptions(sub.topic), sub.callback, JSON.stringify(sub));
  }

  async remove(topic: string, callback: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.websubSubscriptions(topic), callback)) === 1;
  }

  /** The subscriptions of a topic whose lease runs at `now`; expired ones are deleted on the way. */
  async active(topic: string, now: number): Promise<WebSubSubscription[]> {
    const all = Object.values(await this.redis.hgetall(this.keys.websubSubscriptions(topic))).map((row) => JSON.parse(row) as WebSubSubscription);
    const expired = all.filter((sub) => sub.expiresAt <= now);
    if (expired.length) await this.redis.hdel(this.keys.websubSubscriptions(topic), ...expired.map((sub) => sub.callback));
    return all.filter((sub) => sub.expiresAt > now);
  }
}

/** `X-Hub-Signature` of a distributed body (WebSub §8: `method=hex HMAC`, here SHA-256). */
export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const bad = (message: string) => new SyndicateError('SYN_ERR_BAD_REQUEST', message);

/**
 * Validates a form-encoded hub request. The topic must be the URL of one of our channels' current feeds; the
 * callback must pass the private-address guard, since the hub will call it.
 */
export function parseHubRequest(form: Record<string, unknown>, ctx: Pick<AppContext, 'env' | 'guard'>): HubRequest {
  const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
  const mode = field('hub.mode');
  if (mode !== 'subscribe' && mode !== 'unsubscribe') throw bad('hub.mode must be subscribe or unsubscribe');
  const topic = field('hub.topic') ?? '';
  const prefix = `${ctx.env.publicUrl}/feeds/`;
  const match = topic.startsWith(prefix) ? /^([a-z0-9-]+)\.(rss|atom|json)$/.exec(topic.slice(prefix.length)) : null;
  if (!match) throw bad(`hub.topic must be a feed of this hub: ${prefix}{channel}.rss|.atom|.json`);
  const callback = field('hub.callback') ?? '';
  try {
    if (!/^https?:$/.test(new URL(callback).protocol)) throw new Error('not http(s)');
  } catch {
    throw bad('hub.callback must be an absolute http(s) URL');
  }
  try {
    assertUrlAllowed(callback, ctx.guard.allow);
  } catch (err) {
    throw bad(`hub.callback refused: ${(err as Error).message}`);
  }
  const secret = field('hub.secret') ?? null;
  // WebSub §5.1: secrets are under 200 bytes.
  if (secret !== null && (secret.length === 0 || Buffer.byteLength(secret) >= 200)) throw bad('hub.secret must be 1 to 199 bytes');
  const asked = Number(field('hub.lease_seconds') ?? LEASE.default);
  const leaseSeconds = Number.isFinite(asked) ? Math.min(LEASE.max, Math.max(LEASE.min, Math.floor(asked))) : LEASE.default;
  return { mode, topic, channelId: match[1]!, format: match[2] as FeedFormat, callback, leaseSeconds, secret };
}

/** Reads at most `max` bytes of a body, so a hostile callback cannot make us buffer megabytes. */
async function readCapped(body: AsyncIterable<Buffer>, max = 4096): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > max) break;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, max);
}

/**
 * Verifies the subscriber's intent (WebSub §5.3): a GET to the callback with a fresh challenge, which must come
 * back verbatim in a 2xx body. Then stores or removes the subscription. Returns whether it was verified.
 */
export async function verifyAndApply(ctx: AppContext, req: HubRequest, store = new WebSubStore(ctx.redis, ctx.keys)): Promise<boolean> {
  const challenge = randomBytes(16).toString('hex');
  const url = new URL(req.callback);
  url.searchParams.set('hub.mode', req.mode);
  url.searchParams.set('hub.topic', req.topic);
  url.searchParams.set('hub.challenge', challenge);
  if (req.mode === 'subscribe') url.searchParams.set('hub.lease_seconds', String(req.leaseSeconds));
  let verified = false;
  try {
    const response = await request(url, {
      dispatcher: ctx.guard.dispatcher,
      method: 'GET',
      headers: { 'user-agent': 'syndicate-websub/0.1' },
      signal: AbortSignal.timeout(ctx.config.limits.deliveryTimeout),
    });
    const text = await readCapped(response.body);
    verified = response.statusCode >= 200 && response.statusCode < 300 && text.trim() === challenge;
  } catch (err) {
    ctx.logger.warn({ callback: req.callback, err: (err as Error).message }, 'websub intent verification failed');
  }
  if (!verified) return false;
  if (req.mode === 'unsubscribe') await store.remove(req.topic, req.callback);
  else
    await store.save({
      topic: req.topic,
      callback: req.callback,
      secret: req.secret,
      leaseSeconds: req.leaseSeconds,
      expiresAt: ctx.clock.now() + req.leaseSeconds * 1000,
    });
  ctx.logger.info({ mode: req.mode, topic: req.topic, callback: req.callback }, 'websub subscription verified');
  return true;
}

/**
 * POSTs with retries on PUSH_RETRY_DELAYS_MS, in this process (timers do not keep it alive). Only 2xx counts.
 * A retry lost to a restart is bounded harm: the subscriber's next poll (cheap, 304-aware) catches up.
 */
async function postWithRetry(ctx: AppContext, url: string, headers: Record<string, string>, body: string, attempt = 0): Promise<boolean> {
  let status: number | null = null;
  try {
    assertUrlAllowed(url, ctx.guard.allow);
    const response = await request(url, { dispatcher: ctx.guard.dispatcher, method: 'POST', headers, body, signal: AbortSignal.timeout(ctx.config.limits.deliveryTimeout) });
    status = response.statusCode;
    await response.body.dump();
    if (status >= 200 && status < 300) return true;
  } catch (err) {
    ctx.logger.warn({ url, attempt, err: (err as Error).message }, 'websub push failed');
  }
  const delay = PUSH_RETRY_DELAYS_MS[attempt];
  if (delay === undefined || ctx.state.draining) return false;
  ctx.logger.info({ url, status, attempt, retryInMs: delay }, 'websub push will be retried');
  await new Promise((resolve) => setTimeout(resolve, delay).unref());
  return postWithRetry(ctx, url, headers, body, attempt + 1);
}

/**
 * Pushes the new current document of each changed channel to every subscriber of each of its formats (signed
 * when the subscriber gave a secret) and pings the external hubs named in the config. Returns once the first
 * attempt of every push has been started; retries run on in the background.
 */
export async function distributeChannelUpdates(ctx: AppContext, channelIds: string[]): Promise<Promise<boolean>[]> {
  const store = new WebSubStore(ctx.redis, ctx.keys);
  const now = ctx.clock.now();
  const hub = hubUrl(ctx.env.publicUrl);
  const pushes: Promise<boolean>[] = [];
  for (const channelId of channelIds) {
    const channel = await ctx.catalog.get('channels', channelId);
    if (!channel) continue;
    for (const format of FEED_FORMATS) {
      const topic = topicUrl(ctx.env.publicUrl, channelId, format);
      for (const external of ctx.config.websub?.externalHubs ?? [])
        pushes.push(postWithRetry(ctx, external, { 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString()));
      const subscribers = await store.active(topic, now);
      if (subscribers.length === 0) continue;
      const doc = await renderChannelDocument(ctx, channel, format, null, new Date(now));
      if (!doc) continue;
      for (const sub of subscribers) {
        const headers: Record<string, string> = {
          'content-type': FEED_CONTENT_TYPES[format],
          link: `<${hub}>; rel="hub", <${topic}>; rel="self"`,
          'user-agent': 'syndicate-websub/0.1',
        };
        if (sub.secret) headers['x-hub-signature'] = signPayload(sub.secret, doc.body);
        pushes.push(postWithRetry(ctx, sub.callback, headers, doc.body));
      }
    }
  }
  return pushes;
}
