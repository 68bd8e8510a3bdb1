import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { describeDeadLetter, listDeadLetters, parseTime, replayDeadLetter, replayDeadLetters } from '../../deliver/dead-letters.js';
import type { CatalogOperations } from '../../runtime/catalog-operations.js';
import type { PipelineQueues } from '../../queues/queues.js';
import type { HttpContext } from '../http-context.js';
import { withinOrNull } from '../metrics.js';
import { schemaOf, type RouteRequest } from '../schemas.js';

/** What the deliveries API touches: the deliver queue (dead letters), the endpoint state (disabled ones), the log. */
export type DeliveriesRouteDeps = Pick<HttpContext, 'endpoints' | 'logger'> & { queues: Pick<PipelineQueues, 'deliver'> };

/** What the delivery gauges read at scrape time: the endpoint state's counters. */
export type DeliveryMetricsDeps = Pick<HttpContext, 'endpoints'>;

/**
 * `/api/v1/deliveries` (dead letters: list, replay one, replay a range) and re-enabling a disabled subscription
 * (through `ops`, as the CLI does). Registered inside the admin scope, so the bearer token guards it.
 */
export function registerDeliveriesApi(app: FastifyInstance, ctx: DeliveriesRouteDeps, ops: CatalogOperations): void {
  const endpoints = ctx.endpoints;

  app.get<RouteRequest<'GET /api/v1/deliveries/failed'>>(
    '/api/v1/deliveries/failed',
    { schema: schemaOf('GET /api/v1/deliveries/failed') },
    async (request) => {
      const { subscription, from, to, limit = 100 } = request.query;
      const jobs = await listDeadLetters(ctx.queues, { subscription, from: parseTime(from, 'from'), to: parseTime(to, 'to') }, limit);
      return { deliveries: jobs.map(describeDeadLetter) };
    },
  );

  app.post<RouteRequest<'POST /api/v1/deliveries/:jobId/replay'>>(
    '/api/v1/deliveries/:jobId/replay',
    { schema: schemaOf('POST /api/v1/deliveries/:jobId/replay') },
    async (request, reply) => {
      const replayed = await replayDeadLetter(ctx.queues, request.params.jobId);
      ctx.logger.info({ jobId: replayed.jobId, subscriptionId: replayed.subscriptionId }, 'dead letter replayed');
      return reply.status(202).send({ replayed: [replayed] });
    },
  );

  // A range is required (by the schema) so that "replay everything ever" is a deliberate act, not a missing field.
  app.post<RouteRequest<'POST /api/v1/deliveries/replay'>>(
    '/api/v1/deliveries/replay',
    { schema: schemaOf('POST /api/v1/deliveries/replay') },
    async (request, reply) => {
      const body = request.body;
      const from = parseTime(body.from, 'from');
      const to = parseTime(body.to, 'to');
      const replayed = await replayDeadLetters(ctx.queues, { subscription: body.subscription, from, to });
      ctx.logger.info({ count: replayed.length, subscription: body.subscription, from: body.from, to: body.to }, 'dead letters replayed');
      return reply.status(202).send({ replayed });
    },
  );

  app.get('/api/v1/deliveries/disabled', { schema: schemaOf('GET /api/v1/deliveries/disabled') }, async () => ({ disabled: await endpoints.disabled() }));

  app.put<RouteRequest<'PUT /api/v1/subscriptions/:id/enable'>>(
    '/api/v1/subscriptions/:id/enable',
    { schema: schemaOf('PUT /api/v1/subscriptions/:id/enable') },
    async (request) => {
      const subscription = await ops.enableSubscription(request.params.id);
      return { subscription: { id: subscription.id, url: subscription.url, enabled: subscription.enabled } };
    },
  );
}

/** Delivery gauges read from Redis at scrape time, so they count every worker process: attempts by outcome, disabled subscriptions. */
export function registerDeliveryMetrics(registry: Registry, ctx: DeliveryMetricsDeps): void {
  new Gauge({
    name: 'syndicate_delivery_attempts',
    help: 'Webhook delivery attempts since the data began, by outcome (delivered or SYN_ERR_* code)',
    labelNames: ['outcome'],
    registers: [registry],
    async collect() {
      const stats = (await withinOrNull(ctx.endpoints.outcomeCounts())) ?? {};
      for (const [outcome, count] of Object.entries(stats)) this.set({ outcome }, count);
    },
  });
  new Gauge({
    name: 'syndicate_subscriptions_disabled',
    help: 'Subscriptions disabled by the deliver stage (410 Gone or continuous failure)',
    registers: [registry],
    async collect() {
      const disabled = await withinOrNull(ctx.endpoints.disabledCount());
      if (disabled !== null) this.set(disabled);
    },
  });
}
