import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../runtime/context.js';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './error-handler.js';
import { createHttpContext, installOutageGuard } from './http-context.js';
import { createMetrics } from './metrics.js';
import { registerHealthRoutes } from './routes/health.js';
import { zodValidatorCompiler } from './schemas.js';

/**
 * The HTTP side of a process that runs worker roles only: `/healthz`, `/readyz` and `/metrics`, so a container
 * health check and a Prometheus scrape work for every role, not just the API.
 */
export async function buildHealthApp(processCtx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({ frameworkErrors, clientErrorHandler }) as unknown as FastifyInstance;
  const ctx = await createHttpContext(processCtx);
  installErrorHandler(app, ctx);
  installOutageGuard(app, ctx);
  await app.register(async (routes) => {
    routes.setValidatorCompiler(zodValidatorCompiler);
    registerHealthRoutes(routes, ctx, createMetrics(ctx));
  });
  return app;
}
