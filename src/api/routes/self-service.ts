import type { FastifyInstance } from 'fastify';
import type { CatalogOperations } from '../../runtime/catalog-operations.js';
import { parseDuration } from '../../config/duration.js';
import { SyndicateError } from '../../core/errors.js';
import { describeDeadLetter, listDeadLetters, parseTime, replayDeadLetter, replayDeadLetters } from '../../deliver/dead-letters.js';
import { sendTestEvent, type TestSendDeps } from '../../deliver/test-send.js';
import type { PipelineQueues } from '../../queues/queues.js';
import type { HttpContext } from '../http-context.js';
import { schemaOf, type RouteRequest } from '../schemas.js';

/** What the self-service routes touch: one attempt's needs and the log (test send), the deliver queue (dead letters), the catalog. */
export type SelfServiceRouteDeps = TestSendDeps & Pick<HttpContext, 'catalog'> & { queues: Pick<PipelineQueues, 'deliver'> };

/** How long a rotated-out secret keeps signing when the request does not say. */
const DEFAULT_OVERLAP_MS = 24 * 3_600_000;
/** How long a consumer token lives when the request does not say. */
const DEFAULT_TOKEN_LIFETIME_MS = 90 * 86_400_000;

/** Marks a route as one a token scoped to the subscription in its `:id` may call (see api/auth.ts). */
const scoped = { subscriptionScoped: true };

/**
 * A subscription's self-service: its dead letters (list, replay), a test send, secret rotation (reachable with a
 * consumer token scoped to it, as is its delivery log in admin-api.ts), and the operator's issue, list and revoke
 * of those tokens (admin token only).
 */
// eslint-disable-next-line max-lines-per-function -- route table: one registration per consumer route
export function registerSelfService(app: FastifyInstance, ctx: SelfServiceRouteDeps, ops: CatalogOperations): void {
  const subscriptionOf = async (id: string) => {
    const subscription = await ctx.catalog.get('subscriptions', id);
    if (!subscription) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no subscription ${id}`);
    return subscription;
  };

  app.get<RouteRequest<'GET /api/v1/subscriptions/:id/dead-letters'>>(
    '/api/v1/subscriptions/:id/dead-letters',
    { schema: schemaOf('GET /api/v1/subscriptions/:id/dead-letters'), config: scoped },
    async (request) => {
      const { from, to, limit = 100 } = request.query;
      await subscriptionOf(request.params.id);
      const jobs = await listDeadLetters(ctx.queues, { subscription: request.params.id, from: parseTime(from, 'from'), to: parseTime(to, 'to') }, limit);
      return { deliveries: jobs.map(describeDeadLetter) };
    },
  );

  app.post<RouteRequest<'POST /api/v1/subscriptions/:id/dead-letters/replay'>>(
    '/api/v1/subscriptions/:id/dead-letters/replay',
    { schema: schemaOf('POST /api/v1/subscriptions/:id/dead-letters/replay'), config: scoped },
    async (request, reply) => {
      const id = request.params.id;
      await subscriptionOf(id);
      const { jobId, from, to } = request.body;
      if (jobId !== undefined) {
        // Only a dead letter of this subscription: another's is "not found" here, whoever asks.
        const [letter] = await listDeadLetters(ctx.queues, { subscription: id }, Number.MAX_SAFE_INTEGER).then((jobs) =>
          jobs.filter((job) => job.id === jobId),
        );
        if (!letter) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no dead letter ${jobId} of subscription ${id}`);
        return reply.status(202).send({ replayed: [await replayDeadLetter(ctx.queues, jobId)] });
      }
      const replayed = await replayDeadLetters(ctx.queues, { subscription: id, from: parseTime(from, 'from'), to: parseTime(to, 'to') });
      ctx.logger.info({ subscriptionId: id, count: replayed.length }, 'dead letters replayed (self-service)');
      return reply.status(202).send({ replayed });
    },
  );

  app.post<RouteRequest<'POST /api/v1/subscriptions/:id/test'>>(
    '/api/v1/subscriptions/:id/test',
    { schema: schemaOf('POST /api/v1/subscriptions/:id/test'), config: scoped },
    async (request) => sendTestEvent(ctx, await subscriptionOf(request.params.id), request.body?.type ?? 'item.published'),
  );

  app.post<RouteRequest<'POST /api/v1/subscriptions/:id/secret/rotate'>>(
    '/api/v1/subscriptions/:id/secret/rotate',
    { schema: schemaOf('POST /api/v1/subscriptions/:id/secret/rotate'), config: scoped },
    async (request) => {
      const overlap = request.body?.overlap;
      const rotated = await ops.rotateSecret(request.params.id, overlap === undefined ? DEFAULT_OVERLAP_MS : parseDuration(overlap)!);
      ctx.logger.info({ subscriptionId: request.params.id, oldSecretUntil: rotated.oldSecretUntil }, 'subscription secret rotated');
      return { secret: rotated.secret, oldSecretUntil: rotated.oldSecretUntil };
    },
  );

  app.post<RouteRequest<'POST /api/v1/subscriptions/:id/tokens'>>(
    '/api/v1/subscriptions/:id/tokens',
    { schema: schemaOf('POST /api/v1/subscriptions/:id/tokens') },
    async (request, reply) => {
      const expiresIn = request.body?.expiresIn;
      const issued = await ops.issueToken(
        request.params.id,
        request.body?.label ?? null,
        expiresIn === undefined ? DEFAULT_TOKEN_LIFETIME_MS : parseDuration(expiresIn)!,
      );
      ctx.logger.info({ subscriptionId: request.params.id, tokenId: issued.listing.id }, 'consumer token issued');
      return reply.status(201).send(issued);
    },
  );

  app.get<RouteRequest<'GET /api/v1/subscriptions/:id/tokens'>>(
    '/api/v1/subscriptions/:id/tokens',
    { schema: schemaOf('GET /api/v1/subscriptions/:id/tokens') },
    async (request) => ({ tokens: await ops.listTokens(request.params.id) }),
  );

  app.delete<RouteRequest<'DELETE /api/v1/subscriptions/:id/tokens/:tokenId'>>(
    '/api/v1/subscriptions/:id/tokens/:tokenId',
    { schema: schemaOf('DELETE /api/v1/subscriptions/:id/tokens/:tokenId') },
    async (request, reply) => {
      await ops.revokeToken(request.params.id, request.params.tokenId);
      ctx.logger.info({ subscriptionId: request.params.id, tokenId: request.params.tokenId }, 'consumer token revoked');
      return reply.status(204).send();
    },
  );
}
