import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { CatalogOperations } from '../runtime/catalog-operations.js';
import type { Logger } from '../core/logger.js';
import type { AppContext } from '../runtime/context.js';
import { requireAdminToken, requireApiAccess } from './auth.js';
import { clientErrorHandler, errorBody, frameworkErrors, installErrorHandler } from './error-handler.js';
import { createHttpContext, installOutageGuard, requireRedis } from './http-context.js';
import { createMetrics, registerVerificationMetrics } from './metrics.js';
import { registerAdminApi } from './routes/admin-api.js';
import { registerDeliveriesApi, registerDeliveryMetrics } from './routes/deliveries-api.js';
import { registerFeedRoutes } from './routes/feeds.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerStatusPage } from './routes/status-page.js';
import { registerJobsApi } from './routes/jobs-api.js';
import { registerSelfService } from './routes/self-service.js';
import { registerPeopleApi, registerPeopleFeeds } from './routes/people.js';
import { ROUTE_SCHEMAS, zodValidatorCompiler } from './schemas.js';
import { registerWebSubCallback } from './routes/websub-callback.js';
import { registerWebSubHub } from './routes/websub-hub.js';

export interface BuildAppOptions {
  ctx: AppContext;
  /** The admin token guarding `/api` and `/admin`. */
  adminToken: string;
  /** Request logging (the process logger); off in tests. */
  logger?: Logger | false;
}

/**
 * The HTTP side: feeds, health, metrics, the admin API and the queue dashboard. Routes only translate HTTP to
 * the stores and queues of the context; each registration declares the slice it uses (`FeedRouteDeps`,
 * `AdminRouteDeps`…) and is handed the whole HTTP context. Tests drive it with `app.inject()`.
 */
export async function buildApp({ ctx: processCtx, adminToken, logger = false }: BuildAppOptions): Promise<FastifyInstance> {
  const { trustedProxies } = processCtx.config.network;
  const app = Fastify({
    loggerInstance: logger || undefined,
    bodyLimit: 1024 * 1024,
    frameworkErrors,
    clientErrorHandler,
    // Only a listed proxy's X-Forwarded-For names the client (per-client limits key on it); anyone else's is ignored.
    trustProxy: trustedProxies.length ? trustedProxies : false,
  }) as unknown as FastifyInstance;
  // Everything below reads and writes through the fail-fast HTTP context, so an outage answers instead of hanging.
  const ctx = await createHttpContext(processCtx);
  installErrorHandler(app, ctx);
  installOutageGuard(app, ctx);
  // One set of operator operations for the app: the admin API, the deliveries API and the status page share it.
  const ops = new CatalogOperations(ctx);
  const metrics = createMetrics(ctx);
  registerDeliveryMetrics(metrics.registry, ctx);
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  // Our routes validate params, query and body with the zod schemas of schemas.ts; the dashboard, registered
  // beside them, keeps fastify's JSON-schema validator for its own routes.
  await app.register(async (routes) => {
    routes.setValidatorCompiler(zodValidatorCompiler);
    // A route without its entry in ROUTE_SCHEMAS would be neither validated nor described (openapi.ts): refuse to start.
    routes.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD' && !(`${method} ${route.url}` in ROUTE_SCHEMAS))
          throw new Error(`route ${method} ${route.url} has no entry in ROUTE_SCHEMAS (src/api/schemas.ts)`);
      }
    });
    registerHealthRoutes(routes, ctx, metrics);
    registerFeedRoutes(routes, ctx, new Date(ctx.clock.now()), processCtx.items, metrics.registry);
    registerPeopleFeeds(routes, ctx);
    await registerWebSubCallback(routes, ctx);
    registerVerificationMetrics(metrics.registry, await registerWebSubHub(routes, ctx));
    await routes.register(async (api) => {
      // The admin token is checked without Redis; a consumer token (`syt_…`) is looked up there.
      api.addHook('onRequest', requireApiAccess(adminToken, ctx.tokens));
      api.addHook('onRequest', requireRedis(ctx));
      registerAdminApi(api, ctx, ops);
      registerDeliveriesApi(api, ctx, ops);
      registerJobsApi(api, ctx);
      registerSelfService(api, ctx, ops);
      registerPeopleApi(api, ctx);
    });
  });

  const board = new FastifyAdapter();
  const readOnlyMode = !ctx.config.admin.queueDashboardWritable;
  createBullBoard({ queues: ctx.queues.all().map(([, queue]) => new BullMQAdapter(queue, { readOnlyMode })), serverAdapter: board });
  board.setBasePath('/admin/queues');
  await app.register(async (admin) => {
    // Never inside a frame (clickjacking an operator's signed-in session): on every answer, the 401 included.
    admin.addHook('onRequest', async (_request, reply) => {
      reply.header('content-security-policy', "frame-ancestors 'none'").header('x-frame-options', 'DENY');
    });
    admin.addHook('onRequest', requireAdminToken(adminToken, 'syndicate admin'));
    admin.addHook('onRequest', requireRedis(ctx));
    // Bull Board refuses changes to a read-only queue itself; this also refuses its board-wide actions, in our shape.
    if (readOnlyMode)
      admin.addHook('onRequest', async (request, reply) => {
        if (request.method !== 'GET' && request.method !== 'HEAD' && request.url.startsWith('/admin/queues'))
          return reply
            .status(405)
            .send(errorBody('SYN_ERR_BAD_REQUEST', 'the queue dashboard is read-only (set admin.queueDashboardWritable: true to allow changes)'));
      });
    await admin.register(async (page) => {
      page.setValidatorCompiler(zodValidatorCompiler);
      registerStatusPage(page, ctx, ops);
    });
    await admin.register(board.registerPlugin(), { prefix: '/admin/queues' });
  });
  return app;
}
