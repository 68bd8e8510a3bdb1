import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { HttpContext } from '../http-context.js';
import { errorBody } from '../error-handler.js';
import { schemaOf } from '../schemas.js';
import type { Metrics } from '../metrics.js';

/**
 * What health touches: the process state (starting, draining, workers), the HTTP connection (up, and a `PING` for
 * readiness), and the stage metrics. The ping goes to the connection itself, not through a store: readiness asks
 * whether this process's connection answers, which is no store's data.
 */
export type HealthRouteDeps = Pick<HttpContext, 'state' | 'redisUp' | 'metrics'> & { redis: Pick<Redis, 'ping'> };

/** Liveness, readiness and Prometheus metrics (queue counts from BullMQ included). */
export function registerHealthRoutes(app: FastifyInstance, ctx: HealthRouteDeps, metrics: Metrics): void {
  app.get('/healthz', { schema: schemaOf('GET /healthz') }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: schemaOf('GET /readyz') }, async (_request, reply) => {
    if (ctx.state.draining) return reply.status(503).send(errorBody('SYN_ERR_NOT_READY', 'draining: shutting down'));
    if (ctx.state.starting) return reply.status(503).send(errorBody('SYN_ERR_NOT_READY', 'starting: not every role runs yet'));
    if (!ctx.redisUp()) return reply.status(503).send(errorBody('SYN_ERR_REDIS_UNAVAILABLE', 'Redis is unavailable: reconnecting'));
    try {
      await Promise.race([ctx.redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000))]);
    } catch (err) {
      return reply.status(503).send(errorBody('SYN_ERR_REDIS_UNAVAILABLE', `Redis does not answer: ${(err as Error).message}`));
    }
    return { status: 'ready', workers: ctx.state.workersRunning };
  });

  app.get('/metrics', { schema: schemaOf('GET /metrics') }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    // The stage metrics live on the context (the workers count into them); the HTTP side adds its own.
    return `${await metrics.registry.metrics()}\n${await ctx.metrics.registry.metrics()}`;
  });
}
