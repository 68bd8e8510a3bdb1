import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import pLimit from 'p-limit';
import { parseHubRequest, verifyAndApply, type HubRequest } from '../../publish/hub-publisher.js';
import type { HttpContext } from '../http-context.js';
import type { VerificationQueueStats } from '../metrics.js';
import { SyndicateError } from '../../core/errors.js';
import { schemaOf } from '../schemas.js';

/**
 * What the hub touches: the catalog (does the topic name a channel), its subscriber store, the connection its rate
 * limit counts on (shared by every API process), and what verifying a callback needs (public URL, the
 * private-address guard, the hub's limits, clock, log).
 */
export type WebSubHubRouteDeps = Pick<HttpContext, 'catalog' | 'hubSubscriptions' | 'redis' | 'keys' | 'env' | 'guard' | 'config' | 'clock' | 'logger'>;

/** How long a client refused because the verification queue is full is told to wait. */
const QUEUE_FULL_RETRY_AFTER_S = 10;

/**
 * The built-in WebSub hub (W3C WebSub §5): `POST /websub` with a form-encoded `hub.mode` (subscribe or
 * unsubscribe), `hub.topic` (one of our feeds), `hub.callback`, and optionally `hub.lease_seconds` and
 * `hub.secret`. Answers 202 at once; the intent is verified asynchronously by a GET to the callback.
 *
 * Anyone may call it, so everything it costs is bounded (config `websub.hub`): requests per client address per
 * minute (counted in Redis before the body is read; the address is `X-Forwarded-For`'s only from
 * `network.trustedProxies`), verifications in flight and waiting (a queue per process; the same request waiting
 * twice is one verification), and subscriptions per topic and per callback host (checked before verifying, and
 * again atomically when storing). Answers the verification queue's counts, for `/metrics`.
 */
export async function registerWebSubHub(app: FastifyInstance, ctx: WebSubHubRouteDeps): Promise<VerificationQueueStats> {
  const limits = ctx.config.websub.hub;
  const verifications = pLimit(limits.verificationConcurrency);
  /** Requests waiting or being verified, by mode, topic and callback. */
  const waiting = new Set<string>();
  const inFlight = new Set<Promise<boolean>>();
  // Shutdown drops what waits and lets what runs finish (each ends within verificationTimeout), within the grace period.
  app.addHook('onClose', async () => {
    verifications.clearQueue();
    await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, ctx.config.limits.shutdownGrace))]);
  });

  const enqueue = (request: HubRequest) => {
    const key = `${request.mode}\n${request.topic}\n${request.callback}`;
    if (waiting.has(key)) return;
    if (verifications.pendingCount >= limits.maxQueuedVerifications)
      throw new SyndicateError('SYN_ERR_RATE_LIMITED', `too many verifications waiting; retry in ${QUEUE_FULL_RETRY_AFTER_S} s`);
    waiting.add(key);
    // Verification must not hold the subscriber's request open (its callback may be the same server).
    void verifications(async () => {
      const verifying = verifyAndApply(ctx, request);
      inFlight.add(verifying);
      await verifying.finally(() => inFlight.delete(verifying));
    })
      .catch((err: Error) => ctx.logger.warn({ err: err.message, callback: request.callback }, 'websub verification error'))
      .finally(() => waiting.delete(key));
  };

  // Encapsulated, so the form parser and the rate limit apply to the hub only.
  await app.register(async (hub) => {
    await hub.register(rateLimit, {
      max: limits.requestsPerMinute,
      timeWindow: 60_000,
      redis: ctx.redis,
      nameSpace: ctx.keys.hubRateLimit,
      // While Redis is away the hub cannot store anything anyway; the request fails on that, not on the count.
      skipOnError: true,
      errorResponseBuilder: (_request, context) =>
        new SyndicateError('SYN_ERR_RATE_LIMITED', `more than ${context.max} hub requests a minute from this address; retry in ${context.after}`),
    });
    hub.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    hub.post('/websub', { schema: schemaOf('POST /websub') }, async (request, reply) => {
      if (!request.body || typeof request.body !== 'object')
        throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'send the hub request as application/x-www-form-urlencoded');
      const hubRequest = parseHubRequest(request.body as Record<string, unknown>, ctx);
      if (hubRequest.mode === 'subscribe') {
        if (!(await ctx.catalog.get('channels', hubRequest.channelId)))
          throw new SyndicateError('SYN_ERR_BAD_REQUEST', `hub.topic names no channel: ${hubRequest.channelId}`);
        const verdict = await ctx.hubSubscriptions.admits(hubRequest.topic, hubRequest.callback, limits);
        if (verdict !== 'ok')
          throw new SyndicateError(
            'SYN_ERR_WEBSUB_LIMIT',
            verdict === 'topic'
              ? `this topic has ${limits.maxSubscriptionsPerTopic} subscriptions already`
              : `callbacks on this host hold ${limits.maxSubscriptionsPerCallbackHost} subscriptions already`,
          );
      }
      try {
        enqueue(hubRequest);
      } catch (err) {
        reply.header('retry-after', String(QUEUE_FULL_RETRY_AFTER_S));
        throw err;
      }
      return reply.status(202).send();
    });
  });
  return { running: () => verifications.activeCount, waiting: () => verifications.pendingCount };
}
