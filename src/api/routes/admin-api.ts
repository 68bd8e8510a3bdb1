import type { FastifyInstance } from 'fastify';
import { CatalogOperations } from '../../catalog/operations.js';
import { SyndicateError } from '../../core/errors.js';
import type { AppContext } from '../../runtime/context.js';

const intQuery = (value: unknown, fallback: number, max: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
};

/**
 * `/api/v1`: sources (with fetch status), channels, subscriptions, items and deliveries. Changes go through
 * `CatalogOperations`, the same code the CLI uses when it talks to Redis directly.
 */
export function registerAdminApi(app: FastifyInstance, ctx: AppContext): void {
  const notFound = (what: string, id: string) => new SyndicateError('SYN_ERR_NOT_FOUND', `no ${what} ${id}`);
  const idMatches = (params: { id: string }, body: unknown) => {
    if (body && typeof body === 'object' && 'id' in body && (body as { id: unknown }).id !== params.id)
      throw new SyndicateError('SYN_ERR_BAD_REQUEST', `body id ${(body as { id: unknown }).id} differs from path id ${params.id}`);
    return { ...(body as object), id: params.id };
  };
  const ops = new CatalogOperations(ctx);

  app.get('/api/v1/sources', async () => ({ sources: await ops.listSources() }));
  app.get<{ Params: { id: string } }>('/api/v1/sources/:id', async (request) => ({ source: await ops.getSource(request.params.id) }));
  app.put<{ Params: { id: string } }>('/api/v1/sources/:id', async (request, reply) => {
    const { source, created } = await ops.putSource(idMatches(request.params, request.body));
    return reply.status(created ? 201 : 200).send({ source });
  });
  app.delete<{ Params: { id: string } }>('/api/v1/sources/:id', async (request, reply) => {
    await ops.removeSource(request.params.id);
    return reply.status(204).send();
  });
  app.post<{ Params: { id: string } }>('/api/v1/sources/:id/fetch', async (request, reply) => reply.status(202).send({ queued: await ops.fetchNow(request.params.id) }));

  app.get('/api/v1/channels', async () => ({ channels: await ops.listChannels() }));
  app.put<{ Params: { id: string } }>('/api/v1/channels/:id', async (request, reply) => {
    const { channel, created } = await ops.putChannel(idMatches(request.params, request.body));
    return reply.status(created ? 201 : 200).send({ channel });
  });
  app.delete<{ Params: { id: string } }>('/api/v1/channels/:id', async (request, reply) => {
    await ops.removeChannel(request.params.id);
    return reply.status(204).send();
  });

  app.get('/api/v1/subscriptions', async () => ({ subscriptions: await ops.listSubscriptions() }));
  app.get<{ Params: { id: string } }>('/api/v1/subscriptions/:id', async (request) => ({ subscription: await ops.getSubscription(request.params.id) }));
  app.put<{ Params: { id: string } }>('/api/v1/subscriptions/:id', async (request, reply) => {
    const { subscription, created } = await ops.putSubscription(idMatches(request.params, request.body));
    return reply.status(created ? 201 : 200).send({ subscription });
  });
  app.delete<{ Params: { id: string } }>('/api/v1/subscriptions/:id', async (request, reply) => {
    await ops.removeSubscription(request.params.id);
    return reply.status(204).send();
  });
  app.get<{ Params: { id: string }; Querystring: { limit?: string } }>('/api/v1/subscriptions/:id/deliveries', async (request) => {
    const limit = intQuery(request.query.limit, 50, 1000);
    return { deliveries: await ctx.endpoints.log(request.params.id, limit) };
  });

  app.get<{ Querystring: { limit?: string; offset?: string; channel?: string } }>('/api/v1/items', async (request) => {
    const limit = intQuery(request.query.limit, 50, 500);
    const offset = intQuery(request.query.offset, 0, Number.MAX_SAFE_INTEGER);
    if (request.query.channel) {
      if (!(await ctx.catalog.get('channels', request.query.channel))) throw notFound('channel', request.query.channel);
      return ctx.items.channelPage(request.query.channel, limit, offset);
    }
    return { items: await ctx.items.latest(limit, offset) };
  });
  app.get<{ Params: { id: string } }>('/api/v1/items/:id', async (request) => {
    const item = await ctx.items.get(request.params.id);
    if (!item) throw notFound('item', request.params.id);
    return { item };
  });
}
