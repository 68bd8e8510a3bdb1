import type { FastifyInstance } from 'fastify';
import type { CatalogOperations } from '../../runtime/catalog-operations.js';
import { SyndicateError } from '../../core/errors.js';
import { safeItem } from '../../core/safe-item.js';
import { deleteStoryById, type RetractDeps } from '../../publish/retract.js';
import { readChanges } from '../../publish/item-changes.js';
import { parseTime } from '../../queues/failed-jobs.js';
import type { HttpContext } from '../http-context.js';
import { buildOpenApiDocument, packageVersion } from '../openapi.js';
import { ROUTE_SCHEMAS, schemaOf, type RouteRequest } from '../schemas.js';

/**
 * What `/api/v1` reads itself: the catalog (a channel's existence), stored stories, a subscription's delivery log,
 * and the public URL (OpenAPI `servers`). Every change goes through the app's `CatalogOperations` instead, but an
 * operator's retraction of a story, which is the publish stage's (publish/retract.ts).
 */
export type AdminRouteDeps = Pick<HttpContext, 'catalog' | 'items' | 'endpoints' | 'env'> & RetractDeps;

/**
 * `/api/v1`: sources (with fetch status), channels, subscriptions, items and deliveries. Requests are validated by
 * the route schemas (`../schemas.ts`); changes go through `ops` (`CatalogOperations`), the same code the CLI uses
 * when it talks to Redis directly.
 */
// eslint-disable-next-line max-lines-per-function -- route table: one registration per admin route, each handler a call into CatalogOperations
export function registerAdminApi(app: FastifyInstance, ctx: AdminRouteDeps, ops: CatalogOperations): void {
  const notFound = (what: string, id: string) => new SyndicateError('SYN_ERR_NOT_FOUND', `no ${what} ${id}`);
  // Built from the same schemas that validate every request, once per process.
  let openApi: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get(
    '/api/v1/openapi.json',
    { schema: schemaOf('GET /api/v1/openapi.json') },
    async () => (openApi ??= buildOpenApiDocument(ROUTE_SCHEMAS, { version: packageVersion(), serverUrl: ctx.env.publicUrl })),
  );
  /** The body (validated by the route's schema) with the path's id, which a body id must not contradict. */
  const withPathId = <B extends { id?: string }>(params: { id: string }, body: B): B & { id: string } => {
    if (body.id !== undefined && body.id !== params.id) throw new SyndicateError('SYN_ERR_BAD_REQUEST', `body id ${body.id} differs from path id ${params.id}`);
    return { ...body, id: params.id };
  };

  app.get('/api/v1/sources', { schema: schemaOf('GET /api/v1/sources') }, async () => ({ sources: await ops.listSources() }));
  app.get<RouteRequest<'GET /api/v1/sources/:id'>>('/api/v1/sources/:id', { schema: schemaOf('GET /api/v1/sources/:id') }, async (request) => ({
    source: await ops.getSource(request.params.id),
  }));
  app.put<RouteRequest<'PUT /api/v1/sources/:id'>>('/api/v1/sources/:id', { schema: schemaOf('PUT /api/v1/sources/:id') }, async (request, reply) => {
    // file: URLs read local files: they stay a feature of the config file (relative to it), never of the API.
    const { source, created } = await ops.putSource(withPathId(request.params, request.body), { allowFile: false });
    return reply.status(created ? 201 : 200).send({ source });
  });
  app.delete<RouteRequest<'DELETE /api/v1/sources/:id'>>('/api/v1/sources/:id', { schema: schemaOf('DELETE /api/v1/sources/:id') }, async (request, reply) => {
    await ops.removeSource(request.params.id);
    return reply.status(204).send();
  });
  app.post<RouteRequest<'POST /api/v1/sources/:id/fetch'>>(
    '/api/v1/sources/:id/fetch',
    { schema: schemaOf('POST /api/v1/sources/:id/fetch') },
    async (request, reply) => reply.status(202).send({ queued: await ops.fetchNow(request.params.id) }),
  );

  app.get('/api/v1/channels', { schema: schemaOf('GET /api/v1/channels') }, async () => ({ channels: await ops.listChannels() }));
  app.put<RouteRequest<'PUT /api/v1/channels/:id'>>('/api/v1/channels/:id', { schema: schemaOf('PUT /api/v1/channels/:id') }, async (request, reply) => {
    const { channel, created } = await ops.putChannel(withPathId(request.params, request.body));
    return reply.status(created ? 201 : 200).send({ channel });
  });
  app.delete<RouteRequest<'DELETE /api/v1/channels/:id'>>(
    '/api/v1/channels/:id',
    { schema: schemaOf('DELETE /api/v1/channels/:id') },
    async (request, reply) => {
      await ops.removeChannel(request.params.id);
      return reply.status(204).send();
    },
  );

  app.get('/api/v1/subscriptions', { schema: schemaOf('GET /api/v1/subscriptions') }, async () => ({ subscriptions: await ops.listSubscriptions() }));
  app.get<RouteRequest<'GET /api/v1/subscriptions/:id'>>(
    '/api/v1/subscriptions/:id',
    { schema: schemaOf('GET /api/v1/subscriptions/:id') },
    async (request) => ({
      subscription: await ops.getSubscription(request.params.id),
    }),
  );
  app.put<RouteRequest<'PUT /api/v1/subscriptions/:id'>>(
    '/api/v1/subscriptions/:id',
    { schema: schemaOf('PUT /api/v1/subscriptions/:id') },
    async (request, reply) => {
      const { subscription, created } = await ops.putSubscription(withPathId(request.params, request.body));
      return reply.status(created ? 201 : 200).send({ subscription });
    },
  );
  app.delete<RouteRequest<'DELETE /api/v1/subscriptions/:id'>>(
    '/api/v1/subscriptions/:id',
    { schema: schemaOf('DELETE /api/v1/subscriptions/:id') },
    async (request, reply) => {
      await ops.removeSubscription(request.params.id);
      return reply.status(204).send();
    },
  );
  app.get<RouteRequest<'GET /api/v1/subscriptions/:id/deliveries'>>(
    '/api/v1/subscriptions/:id/deliveries',
    // A consumer token scoped to the subscription may read its log (api/auth.ts).
    { schema: schemaOf('GET /api/v1/subscriptions/:id/deliveries'), config: { subscriptionScoped: true } },
    async (request) => {
      const limit = request.query.limit ?? 50;
      return { deliveries: await ctx.endpoints.log(request.params.id, limit) };
    },
  );

  app.get<RouteRequest<'GET /api/v1/items'>>('/api/v1/items', { schema: schemaOf('GET /api/v1/items') }, async (request) => {
    const limit = request.query.limit ?? 50;
    const { updatedSince, cursor, source, kind, channel } = request.query;
    if (updatedSince !== undefined || cursor !== undefined || source !== undefined || kind !== undefined) {
      if (request.query.offset !== undefined)
        throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'query.offset: an incremental read pages with cursor, not offset');
      if (channel && !(await ctx.catalog.get('channels', channel))) throw notFound('channel', channel);
      const since = updatedSince === undefined ? undefined : parseTime(updatedSince, 'query.updatedSince');
      const page = await readChanges(ctx.items, { limit, cursor, source, kind, channel, updatedSince: since });
      return { ...page, items: page.items.map((item) => safeItem(item)) };
    }
    const offset = request.query.offset ?? 0;
    if (request.query.channel) {
      if (!(await ctx.catalog.get('channels', request.query.channel))) throw notFound('channel', request.query.channel);
      const page = await ctx.items.channelPage(request.query.channel, limit, offset);
      return { ...page, items: page.items.map((item) => safeItem(item)) };
    }
    return { items: (await ctx.items.latest(limit, offset)).map((item) => safeItem(item)) };
  });
  app.delete<RouteRequest<'DELETE /api/v1/items/:id'>>('/api/v1/items/:id', { schema: schemaOf('DELETE /api/v1/items/:id') }, async (request) => ({
    deleted: await deleteStoryById(ctx, request.params.id),
  }));
  app.post('/api/v1/rules/test', { schema: schemaOf('POST /api/v1/rules/test') }, async (request) => ops.testRules(request.body));
  app.get<RouteRequest<'GET /api/v1/items/:id'>>('/api/v1/items/:id', { schema: schemaOf('GET /api/v1/items/:id') }, async (request) => {
    const item = await ctx.items.get(request.params.id);
    if (!item) throw notFound('item', request.params.id);
    return { item: safeItem(item) };
  });
}
