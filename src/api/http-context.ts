import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { PipelineQueues } from '../queues/queues.js';
import { createClientConnection, waitReady } from '../redis/connection.js';
import type { AppContext } from '../runtime/context.js';
import { createStores } from '../runtime/stores.js';
import { sendRedisUnavailable } from './error-handler.js';

/** How often a request in progress checks that Redis is still there (so an outage answers within this). */
export const OUTAGE_CHECK_MS = 300;

/**
 * The context the HTTP side works with: the process's, but with its stores and producers on a connection of their
 * own that fails fast (no offline queue, one retry). Workers' connections wait through a Redis outage, as BullMQ
 * needs; an HTTP request must not, or every answer would hang until Redis is back.
 */
export interface HttpContext extends AppContext {
  /** Answers whether Redis is connected right now (no round trip). */
  redisUp(): boolean;
}

/**
 * Builds the HTTP context of `ctx` and waits briefly for its connection (a process that waited for Redis at start
 * finds it ready at once). Close it with the app: `onClose` disconnects it.
 */
export async function createHttpContext(ctx: AppContext): Promise<HttpContext> {
  const redis: Redis = createClientConnection({ url: ctx.env.redisUrl, cluster: ctx.env.redisCluster }, { connectionName: 'syndicate-http' });
  redis.on('error', () => {}); // the process's own connections log Redis errors once; this one would only repeat them
  await waitReady(redis, 2_000).catch(() => undefined);
  return {
    ...ctx,
    redis,
    ...createStores(redis, ctx.keys, ctx.config, ctx.logger, ctx.clock),
    queues: new PipelineQueues(redis, ctx.env.redisPrefix, ctx.config.delivery.retrySchedule.length + 1, ctx.config.limits),
    redisUp: () => redis.status === 'ready',
  };
}

/** Releases what {@link createHttpContext} opened. */
export async function closeHttpContext(http: HttpContext): Promise<void> {
  await Promise.race([http.queues.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  http.redis.disconnect();
}

/** A hook answering 503 at once while Redis is away (for routes that cannot answer without it, e.g. `/api`). */
export function requireRedis(http: Pick<HttpContext, 'redisUp'>) {
  return async (_request: FastifyRequest, reply: FastifyReply) => {
    if (!http.redisUp()) return sendRedisUnavailable(reply);
  };
}

/**
 * Degrade, don't hang: a request in progress when Redis goes away is answered 503 within {@link OUTAGE_CHECK_MS} is answered
 * 503 (a command caught by the outage mid-request would otherwise wait for a reconnect). With Redis up, slow
 * requests are left alone. Also closes the HTTP context with the app.
 */
export function installOutageGuard(app: FastifyInstance, http: HttpContext): void {
  // Each request's check timer, per app (weak: a request aborted before its response leaves nothing behind).
  const outageTimers = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  app.addHook('onRequest', async (request, reply) => {
    const timer = setInterval(() => {
      if (reply.sent) return clearInterval(timer);
      if (http.redisUp()) return;
      clearInterval(timer);
      try {
        sendRedisUnavailable(reply);
      } catch (err) {
        // A timer must never throw: the process would die of an answer it could not send.
        request.log.warn({ err: (err as Error).message }, 'could not answer 503 during a Redis outage');
      }
    }, OUTAGE_CHECK_MS);
    timer.unref();
    outageTimers.set(request, timer);
  });
  app.addHook('onResponse', async (request) => clearInterval(outageTimers.get(request)));
  app.addHook('onClose', async () => closeHttpContext(http));
}
