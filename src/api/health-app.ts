import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../runtime/context.js';
import { installErrorHandler } from './error-handler.js';
import { createHttpContext, installOutageGuard } from './http-context.js';
import { createMetrics } from './metrics.js';
import { registerHealthRoutes } from './routes/health.js';

/**
 * The HTTP side of a process that runs worker roles only: `/healthz`, `/readyz` and `/metrics`, so a container
 * health check and a Prometheus scrape work for every role, not just the API.
 */
export async function buildHealthApp(processCtx: AppContext): Promise<FastifyInstance> {
  const app = Fastify() as unknown as FastifyInstance;
  const ctx = await createHttpContext(processCtx);
  installErrorHandler(app, ctx);
  installOutageGuard(app, ctx);
  registerHealthRoutes(app, ctx, createMetrics(ctx));
  return app;
}
