import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'undici';
import { FeedCache } from './feed-cache.js';
import { SyndicateError } from '../core/errors.js';
import { assertUrlAllowed } from '../net/address-guard.js';
import { readHead } from '../net/read-head.js';
import type { WebSubJob } from '../queues/pipeline.js';
import type { PipelineQueues } from '../queues/queues.js';
import type { StageJob } from '../queues/stage-job.js';
import { hubUrl, renderChannelDocument, topicUrl } from './channel-feed.js';
import { FEED_CONTENT_TYPES, FEED_FORMATS, type FeedFormat } from './render-feed.js';
import type { StageServices } from '../queues/stage-services.js';
import type { Catalog } from '../catalog/catalog.js';
import type { WebSubStore } from './websub-store.js';
import type { ItemStore } from './item-store.js';

/** Lease bounds (seconds): subscribers that ask for none get ten days; nobody gets more than thirty. */
export const LEASE = { default: 10 * 86_400, min: 60, max: 30 * 86_400 } as const;

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

/** `X-Hub-Signature` of a distributed body (WebSub §8: `method=hex HMAC`, here SHA-256). */
export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const bad = (message: string) => new SyndicateError('SYN_ERR_BAD_REQUEST', message);

/**
 * Validates a form-encoded hub request. The topic must be the URL of one of our channels' current feeds; the
 * callback must pass the private-address guard, since the hub will call it.
 */
export function parseHubRequest(form: Record<string, unknown>, ctx: Pick<StageServices, 'env' | 'guard'>): HubRequest {
  const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
  const mode = field('hub.mode');
  if (mode !== 'subscribe' && mode !== 'unsubscribe') throw bad('hub.mode must be subscribe or unsubscribe');
  const topic = field('hub.topic') ?? '';
  const prefix = `${ctx.env.publicUrl}/feeds/`;
  const match = topic.startsWith(prefix) ? /^([a-z0-9-]+)\.(rss|atom|json)$/.exec(topic.slice(prefix.length)) : null;
  if (!match) throw bad(`hub.topic must be a feed of this hub: ${prefix}{channel}.rss|.atom|.json`);
  let callback: string;
  try {
    const parsed = new URL(field('hub.callback') ?? '');
    if (!/^https?:$/.test(parsed.protocol)) throw new Error('not http(s)');
    // One spelling per callback, so the same subscriber is one subscription (and one entry under its host's cap).
    callback = parsed.href;
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

/**
 * Verifies the subscriber's intent (WebSub §5.3): a GET to the callback with a fresh challenge, which must come
 * back verbatim in a 2xx body. Then stores or removes the subscription. Returns whether it was verified.
 */
export async function verifyAndApply(
  ctx: Pick<StageServices, 'guard' | 'config' | 'clock' | 'logger'> & { hubSubscriptions: WebSubStore },
  req: HubRequest,
  store = ctx.hubSubscriptions,
): Promise<boolean> {
  const hub = ctx.config.websub.hub;
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
      // The whole verification, a slowly trickling or endless answer included; 4 KB of it at most are read.
      signal: AbortSignal.timeout(hub.verificationTimeout),
    });
    const text = await readHead(response.body);
    verified = response.statusCode >= 200 && response.statusCode < 300 && text.trim() === challenge;
  } catch (err) {
    ctx.logger.warn({ callback: req.callback, err: (err as Error).message }, 'websub intent verification failed');
  }
  if (!verified) return false;
  if (req.mode === 'unsubscribe') await store.remove(req.topic, req.callback);
  else {
    const subscription = {
      topic: req.topic,
      callback: req.callback,
      secret: req.secret,
      leaseSeconds: req.leaseSeconds,
      expiresAt: ctx.clock.now() + req.leaseSeconds * 1000,
    };
    const verdict = await store.save(subscription, hub);
    if (verdict !== 'ok') {
      ctx.logger.warn(
        { topic: req.topic, callback: req.callback, cap: verdict },
        'websub subscription verified but refused: its topic or callback host is full',
      );
      return false;
    }
  }
  ctx.logger.info({ mode: req.mode, topic: req.topic, callback: req.callback }, 'websub subscription verified');
  return true;
}

/** POSTs once; throws unless the answer is 2xx (BullMQ then retries with backoff). Returns the status. */
async function postOnce(ctx: Pick<StageServices, 'guard' | 'config'>, url: string, headers: Record<string, string>, body: string): Promise<number> {
  assertUrlAllowed(url, ctx.guard.allow);
  const response = await request(url, {
    dispatcher: ctx.guard.dispatcher,
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(ctx.config.limits.deliveryTimeout),
  });
  await response.body.dump();
  if (response.statusCode < 200 || response.statusCode >= 300) throw new SyndicateError('SYN_ERR_DELIVERY_FAILED', `${url} answered ${response.statusCode}`);
  return response.statusCode;
}

/** What queueing a channel's WebSub distribution touches: our hub's subscriptions, the configured hubs, the websub queue. */
export type ChannelUpdateDeps = Pick<StageServices, 'clock' | 'env' | 'config'> & { hubSubscriptions: WebSubStore } & {
  queues: Pick<PipelineQueues, 'enqueueWebSub'>;
};

/** What a push or ping job touches: our hub's subscriptions, the channel and its stories (to render), the guard. */
export type WebSubJobDeps = Pick<StageServices, 'clock' | 'env' | 'guard' | 'config'> & { hubSubscriptions: WebSubStore; catalog: Catalog; items: ItemStore };

/**
 * Queues the distribution of each changed channel: one push job per verified subscriber of each of its formats,
 * and one ping per external hub named in the config, coalesced per subscriber and topic (see
 * `PipelineQueues.enqueueWebSub`).
 */
export async function enqueueChannelUpdates(ctx: ChannelUpdateDeps, channelIds: string[]): Promise<number> {
  const store = ctx.hubSubscriptions;
  const now = ctx.clock.now();
  const jobs: WebSubJob[] = [];
  for (const channelId of channelIds) {
    for (const format of FEED_FORMATS) {
      const topic = topicUrl(ctx.env.publicUrl, channelId, format);
      for (const hub of ctx.config.websub?.externalHubs ?? []) jobs.push({ kind: 'ping', hub, topic });
      for (const sub of await store.active(topic, now)) jobs.push({ kind: 'push', channelId, format, topic, callback: sub.callback });
    }
  }
  await ctx.queues.enqueueWebSub(jobs);
  return jobs.length;
}

/**
 * Delivers one WebSub job. A push sends the topic's current document (the newest state, also on a retry), signed
 * with `X-Hub-Signature` when the subscriber gave a secret; a subscription that was removed or expired since the
 * job was queued is skipped, and so is a document the subscriber already accepted (an earlier push carried the
 * changes this job was queued for). A ping tells an external hub that the topic changed. `documents`: the rendered
 * current documents, shared by every subscriber of a topic (rendered once per channel version); the websub role
 * keeps one.
 */
export async function processWebSubJob(
  ctx: WebSubJobDeps,
  job: Pick<StageJob<WebSubJob>, 'data'>,
  documents: FeedCache,
): Promise<'pushed' | 'pinged' | 'skipped' | 'unchanged'> {
  const data = job.data;
  if (data.kind === 'ping') {
    await postOnce(
      ctx,
      data.hub,
      { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'syndicate-websub/0.1' },
      new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': data.topic }).toString(),
    );
    return 'pinged';
  }
  const store = ctx.hubSubscriptions;
  // Sent together: ioredis writes all three before reading, so this costs one round trip.
  const [sub, channel, { version }] = await Promise.all([
    store.get(data.topic, data.callback, ctx.clock.now()),
    ctx.catalog.get('channels', data.channelId),
    ctx.items.channelState(data.channelId),
  ]);
  if (!sub || !channel) return 'skipped';
  const doc = await documents.get(FeedCache.keyOf(channel, data.format, version), () =>
    renderChannelDocument(ctx, channel, data.format, null, new Date(ctx.clock.now())),
  );
  if (!doc) return 'skipped';
  // The ETag is the document's digest: the same document twice is one push.
  if ((await store.lastPushed(data.topic, sub.callback)) === doc.etag) return 'unchanged';
  const body = doc.body.toString('utf8');
  const headers: Record<string, string> = {
    'content-type': FEED_CONTENT_TYPES[data.format],
    link: `<${hubUrl(ctx.env.publicUrl)}>; rel="hub", <${data.topic}>; rel="self"`,
    'user-agent': 'syndicate-websub/0.1',
  };
  if (sub.secret) headers['x-hub-signature'] = signPayload(sub.secret, body);
  await postOnce(ctx, sub.callback, headers, body);
  await store.recordPushed(data.topic, sub.callback, doc.etag);
  return 'pushed';
}

/**
 * Starts the periodic pass that removes our hub's subscriptions whose lease ran out (every `websub.hub.sweepInterval`,
 * and once at once), so reads never have to: a push reads one subscriber, a channel update the topic's live ones.
 * Every websub process runs it; the passes are idempotent. A pass still running (Redis slow or away) is not
 * doubled. Answers the function that stops it.
 */
export function startExpirySweep(ctx: Pick<StageServices, 'config' | 'clock' | 'logger'> & { hubSubscriptions: WebSubStore }): () => void {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const removed = await ctx.hubSubscriptions.sweepExpired(ctx.clock.now());
      if (removed) ctx.logger.info({ removed }, 'websub: expired hub subscriptions removed');
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message }, 'websub: the sweep of expired hub subscriptions failed; retried next pass');
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(() => void pass(), ctx.config.websub.hub.sweepInterval);
  timer.unref();
  return () => clearInterval(timer);
}
