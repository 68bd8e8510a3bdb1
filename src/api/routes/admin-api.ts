import type { FastifyInstance } from 'fastify';
import type { SubscriptionConfig } from '../../config/schema.js';
import { SyndicateError } from '../../core/errors.js';
import { assertUrlStorable } from '../../net/address-guard.js';
import { requestBackfill } from '../../publish/backfill.js';
import { effectiveSubscription } from '../../catalog/catalog.js';
import { EndpointState } from '../../deliver/endpoint-state.js';
import { scheduleSource, unscheduleSource } from '../../scheduler/source-scheduler.js';
import type { AppContext } from '../../runtime/context.js';
import { schemaOf, type RouteRequest } from '../schemas.js';

/** Secrets never leave through the API: only their count and a short prefix. */
function redactSubscription(subscription: SubscriptionConfig) {
  const secrets = Array.isArray(subscription.secret) ? subscription.secret : [subscription.secret];
  return { ...subscription, secret: undefined, secrets: secrets.map((s) => `${s.slice(0, 10)}…`) };
}

/** `/api/v1`: sources (with fetch status), channels, subscriptions, items and deliveries. */
export function registerAdminApi(app: FastifyInstance, ctx: AppContext): void {
  const notFound = (what: string, id: string) => new SyndicateError('SYN_ERR_NOT_FOUND', `no ${what} ${id}`);
  /** The body (validated by the route's schema) with the path's id, which a body id must not contradict. */
  const withPathId = <B extends { id?: string }>(params: { id: string }, body: B): B & { id: string } => {
    if (body.id !== undefined && body.id !== params.id) throw new SyndicateError('SYN_ERR_BAD_REQUEST', `body id ${body.id} differs from path id ${params.id}`);
    return { ...body, id: params.id };
  };
  /** URLs that the workers will connect to: checked against the private-address guard now, and again at connect time. */
  const storable = (url: string) => assertUrlStorable(url, ctx.guard.allow);

  app.get('/api/v1/sources', { schema: schemaOf('GET /api/v1/sources') }, async () => {
    const sources = await ctx.catalog.list('sources');
    const statuses = await Promise.all(sources.map((s) => ctx.redis.hgetall(ctx.keys.sourceStatus(s.id))));
    return { sources: sources.map((source, i) => ({ ...source, status: statuses[i] })) };
  });
  app.get<RouteRequest<'GET /api/v1/sources/:id'>>('/api/v1/sources/:id', { schema: schemaOf('GET /api/v1/sources/:id') }, async (request) => {
    const source = await ctx.catalog.get('sources', request.params.id);
    if (!source) throw notFound('source', request.params.id);
    return { source: { ...source, status: await ctx.redis.hgetall(ctx.keys.sourceStatus(source.id)) } };
  });
  app.put<RouteRequest<'PUT /api/v1/sources/:id'>>('/api/v1/sources/:id', { schema: schemaOf('PUT /api/v1/sources/:id') }, async (request, reply) => {
    const source = withPathId(request.params, request.body);
    // file: URLs read local files: they stay a feature of the config file (relative to it), never of the API.
    if (!/^https?:\/\//i.test(source.url)) throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'body.url: sources added through the API must be http(s) URLs (file: only in the config file)');
    await storable(source.url);
    const existed = (await ctx.catalog.get('sources', source.id)) !== null;
    await ctx.catalog.put('sources', source);
    await scheduleSource({ queue: ctx.queues.fetch, redis: ctx.redis, keys: ctx.keys }, source, ctx.clock.now());
    return reply.status(existed ? 200 : 201).send({ source });
  });
  app.delete<RouteRequest<'DELETE /api/v1/sources/:id'>>('/api/v1/sources/:id', { schema: schemaOf('DELETE /api/v1/sources/:id') }, async (request, reply) => {
    if (!(await ctx.catalog.remove('sources', request.params.id))) throw notFound('source', request.params.id);
    await unscheduleSource(ctx.queues.fetch, request.params.id);
    return reply.status(204).send();
  });

  app.get('/api/v1/channels', { schema: schemaOf('GET /api/v1/channels') }, async () => ({ channels: await ctx.catalog.list('channels') }));
  app.put<RouteRequest<'PUT /api/v1/channels/:id'>>('/api/v1/channels/:id', { schema: schemaOf('PUT /api/v1/channels/:id') }, async (request, reply) => {
    const channel = withPathId(request.params, request.body);
    const existed = (await ctx.catalog.get('channels', channel.id)) !== null;
    await ctx.catalog.put('channels', channel);
    // After the put, so the backfill and any concurrent publish both see the new filter (see publish/backfill.ts).
    await requestBackfill(ctx, channel.id);
    return reply.status(existed ? 200 : 201).send({ channel });
  });
  app.delete<RouteRequest<'DELETE /api/v1/channels/:id'>>('/api/v1/channels/:id', { schema: schemaOf('DELETE /api/v1/channels/:id') }, async (request, reply) => {
    if (!(await ctx.catalog.remove('channels', request.params.id))) throw notFound('channel', request.params.id);
    // A channel created again under this id must be filed afresh, even with the same definition.
    await ctx.items.forgetDigest(request.params.id);
    return reply.status(204).send();
  });

  // Subscriptions show their effective state: a disable by the deliver stage (410, continuous failure) wins.
  const endpoints = EndpointState.for(ctx);
  app.get('/api/v1/subscriptions', { schema: schemaOf('GET /api/v1/subscriptions') }, async () => {
    const disabled = await endpoints.disabled();
    return { subscriptions: (await ctx.catalog.list('subscriptions')).map((s) => redactSubscription(effectiveSubscription(s, disabled[s.id]))) };
  });
  app.get<RouteRequest<'GET /api/v1/subscriptions/:id'>>('/api/v1/subscriptions/:id', { schema: schemaOf('GET /api/v1/subscriptions/:id') }, async (request) => {
    const subscription = await ctx.catalog.get('subscriptions', request.params.id);
    if (!subscription) throw notFound('subscription', request.params.id);
    return { subscription: redactSubscription(effectiveSubscription(subscription, await endpoints.disabledState(subscription.id))) };
  });
  app.put<RouteRequest<'PUT /api/v1/subscriptions/:id'>>('/api/v1/subscriptions/:id', { schema: schemaOf('PUT /api/v1/subscriptions/:id') }, async (request, reply) => {
    const subscription = { ...withPathId(request.params, request.body), enabled: request.body.enabled ?? true };
    if (!/^https?:\/\//i.test(subscription.url)) throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'body.url: a webhook endpoint must be an http(s) URL');
    await storable(subscription.url);
    const existed = (await ctx.catalog.get('subscriptions', subscription.id)) !== null;
    // An explicit `enabled: true` lifts a disable by the deliver stage; a PUT that leaves it out keeps it.
    const explicitEnable = request.body.enabled === true;
    const stored = await endpoints.putFromApi(subscription, explicitEnable);
    return reply.status(existed ? 200 : 201).send({ subscription: redactSubscription(stored) });
  });
  app.delete<RouteRequest<'DELETE /api/v1/subscriptions/:id'>>('/api/v1/subscriptions/:id', { schema: schemaOf('DELETE /api/v1/subscriptions/:id') }, async (request, reply) => {
    if (!(await ctx.catalog.remove('subscriptions', request.params.id))) throw notFound('subscription', request.params.id);
    return reply.status(204).send();
  });
  app.get<RouteRequest<'GET /api/v1/subscriptions/:id/deliveries'>>('/api/v1/subscriptions/:id/deliveries', { schema: schemaOf('GET /api/v1/subscriptions/:id/deliveries') }, async (request) => {
    const limit = request.query.limit ?? 50;
    const rows = await ctx.redis.lrange(ctx.keys.deliveryLog(request.params.id), 0, limit - 1);
    return { deliveries: rows.map((row) => JSON.parse(row)) };
  });

  app.get<RouteRequest<'GET /api/v1/items'>>('/api/v1/items', { schema: schemaOf('GET /api/v1/items') }, async (request) => {
    const limit = request.query.limit ?? 50;
    const offset = request.query.offset ?? 0;
    if (request.query.channel) {
      if (!(await ctx.catalog.get('channels', request.query.channel))) throw notFound('channel', request.query.channel);
      return ctx.items.channelPage(request.query.channel, limit, offset);
    }
    return { items: await ctx.items.latest(limit, offset) };
  });
  app.get<RouteRequest<'GET /api/v1/items/:id'>>('/api/v1/items/:id', { schema: schemaOf('GET /api/v1/items/:id') }, async (request) => {
    const item = await ctx.items.get(request.params.id);
    if (!item) throw notFound('item', request.params.id);
    return { item };
  });
}
