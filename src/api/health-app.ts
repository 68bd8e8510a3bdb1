import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../runtime/context.js';
import { installErrorHandler } from './error-handler.js';
import { createMetrics } from './metrics.js';
import { registerHealthRoutes } from './routes/health.js';

/**
 * The HTTP side of a process that runs worker roles only: `/healthz`, `/readyz` and `/metrics`, so a container
 * health check and a Prometheus scrape work for every role, not just the API.
 */
export function buildHealthApp(ctx: AppContext): FastifyInstance {
  const app = Fastify() as unknown as FastifyInstance;
  installErrorHandler(app);
  registerHealthRoutes(app, ctx, createMetrics(ctx.queues));
  return app;
}
