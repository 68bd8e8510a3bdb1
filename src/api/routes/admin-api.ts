import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { channelSchema, sourceSchema, subscriptionSchema, type SubscriptionConfig } from '../../config/schema.js';
import { resolveFileUrl } from '../../config/load-config.js';
import { SyndicateError } from '../../core/errors.js';
import { safeItem } from '../../core/safe-item.js';
import { requestBackfill } from '../../publish/backfill.js';
import { effectiveSubscription } from '../../catalog/catalog.js';
import { EndpointState } from '../../deliver/endpoint-state.js';
import { scheduleSource, unscheduleSource } from '../../scheduler/source-scheduler.js';
import type { AppContext } from '../../runtime/context.js';

/** Validates a request body with a config schema, reporting every problem at once. */
function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new SyndicateError('SYN_ERR_BAD_REQUEST', `invalid body: ${problems.join('; ')}`, { details: problems });
  }
  return parsed.data;
}

/** Secrets never leave through the API: only their count and a short prefix. */
function redactSubscription(subscription: SubscriptionConfig) {
  const secrets = Array.isArray(subscription.secret) ? subscription.secret : [subscription.secret];
  return { ...subscription, secret: undefined, secrets: secrets.map((s) => `${s.slice(0, 10)}…`) };
}

const intQuery = (value: unknown, fallback: number, max: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
};

/** `/api/v1`: sources (with fetch status), channels, subscriptions, items and deliveries. */
export function registerAdminApi(app: FastifyInstance, ctx: AppContext): void {
  const notFound = (what: string, id: string) => new SyndicateError('SYN_ERR_NOT_FOUND', `no ${what} ${id}`);
  const idMatches = (params: { id: string }, body: unknown) => {
    if (body && typeof body === 'object' && 'id' in body && (body as { id: unknown }).id !== params.id)
      throw new SyndicateError('SYN_ERR_BAD_REQUEST', `body id ${(body as { id: unknown }).id} differs from path id ${params.id}`);
    return { ...(body as object), id: params.id };
  };

  app.get('/api/v1/sources', async () => {
    const sources = await ctx.catalog.list('sources');
    const statuses = await Promise.all(sources.map((s) => ctx.redis.hgetall(ctx.keys.sourceStatus(s.id))));
    return { sources: sources.map((source, i) => ({ ...source, status: statuses[i] })) };
  });
  app.get<{ Params: { id: string } }>('/api/v1/sources/:id', async (request) => {
    const source = await ctx.catalog.get('sources', request.params.id);
    if (!source) throw notFound('source', request.params.id);
    return { source: { ...source, status: await ctx.redis.hgetall(ctx.keys.sourceStatus(source.id)) } };
  });
  app.put<{ Params: { id: string } }>('/api/v1/sources/:id', async (request, reply) => {
    const source = parseBody(sourceSchema, idMatches(request.params, request.body));
    source.url = resolveFileUrl(source.url, process.cwd());
    const existed = (await ctx.catalog.get('sources', source.id)) !== null;
    await ctx.catalog.put('sources', source);
    await scheduleSource(ctx.queues.fetch, source, ctx.clock.now());
    return reply.status(existed ? 200 : 201).send({ source });
  });
  app.delete<{ Params: { id: string } }>('/api/v1/sources/:id', async (request, reply) => {
    if (!(await ctx.catalog.remove('sources', request.params.id))) throw notFound('source', request.params.id);
    await unscheduleSource(ctx.queues.fetch, request.params.id);
    return reply.status(204).send();
  });

  app.get('/api/v1/channels', async () => ({ channels: await ctx.catalog.list('channels') }));
  app.put<{ Params: { id: string } }>('/api/v1/channels/:id', async (request, reply) => {
    const channel = parseBody(channelSchema, idMatches(request.params, request.body));
    const existed = (await ctx.catalog.get('channels', channel.id)) !== null;
    await ctx.catalog.put('channels', channel);
    // After the put, so the backfill and any concurrent publish both see the new filter (see publish/backfill.ts).
    await requestBackfill(ctx, channel.id);
    return reply.status(existed ? 200 : 201).send({ channel });
  });
  app.delete<{ Params: { id: string } }>('/api/v1/channels/:id', async (request, reply) => {
    if (!(await ctx.catalog.remove('channels', request.params.id))) throw notFound('channel', request.params.id);
    // A channel created again under this id must be filed afresh, even with the same definition.
    await ctx.items.forgetDigest(request.params.id);
    return reply.status(204).send();
  });

  // Subscriptions show their effective state: a disable by the deliver stage (410, continuous failure) wins.
  const endpoints = EndpointState.for(ctx);
  app.get('/api/v1/subscriptions', async () => {
    const disabled = await endpoints.disabled();
    return { subscriptions: (await ctx.catalog.list('subscriptions')).map((s) => redactSubscription(effectiveSubscription(s, disabled[s.id]))) };
  });
  app.get<{ Params: { id: string } }>('/api/v1/subscriptions/:id', async (request) => {
    const subscription = await ctx.catalog.get('subscriptions', request.params.id);
    if (!subscription) throw notFound('subscription', request.params.id);
    return { subscription: redactSubscription(effectiveSubscription(subscription, await endpoints.disabledState(subscription.id))) };
  });
  app.put<{ Params: { id: string } }>('/api/v1/subscriptions/:id', async (request, reply) => {
    const subscription = parseBody(subscriptionSchema, idMatches(request.params, request.body));
    const existed = (await ctx.catalog.get('subscriptions', subscription.id)) !== null;
    // An explicit `enabled: true` lifts a disable by the deliver stage; a PUT that leaves it out keeps it.
    const explicitEnable = (request.body as { enabled?: unknown } | null)?.enabled === true;
    const stored = await endpoints.putFromApi(subscription, explicitEnable);
    return reply.status(existed ? 200 : 201).send({ subscription: redactSubscription(stored) });
  });
  app.delete<{ Params: { id: string } }>('/api/v1/subscriptions/:id', async (request, reply) => {
    if (!(await ctx.catalog.remove('subscriptions', request.params.id))) throw notFound('subscription', request.params.id);
    return reply.status(204).send();
  });
  app.get<{ Params: { id: string }; Querystring: { limit?: string } }>('/api/v1/subscriptions/:id/deliveries', async (request) => {
    const limit = intQuery(request.query.limit, 50, 1000);
    const rows = await ctx.redis.lrange(ctx.keys.deliveryLog(request.params.id), 0, limit - 1);
    return { deliveries: rows.map((row) => JSON.parse(row)) };
  });

  app.get<{ Querystring: { limit?: string; offset?: string; channel?: string } }>('/api/v1/items', async (request) => {
    const limit = intQuery(request.query.limit, 50, 500);
    const offset = intQuery(request.query.offset, 0, Number.MAX_SAFE_INTEGER);
    if (request.query.channel) {
      if (!(await ctx.catalog.get('channels', request.query.channel))) throw notFound('channel', request.query.channel);
      const page = await ctx.items.channelPage(request.query.channel, limit, offset);
      return { ...page, items: page.items.map((item) => safeItem(item)) };
    }
    return { items: (await ctx.items.latest(limit, offset)).map((item) => safeItem(item)) };
  });
  app.get<{ Params: { id: string } }>('/api/v1/items/:id', async (request) => {
    const item = await ctx.items.get(request.params.id);
    if (!item) throw notFound('item', request.params.id);
    return { item: safeItem(item) };
  });
}
