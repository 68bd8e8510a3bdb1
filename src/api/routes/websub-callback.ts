import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toSyndicateError } from '../../core/errors.js';
import { ingestFeedDocument, type IngestDeps } from '../../fetch/fetch-processor.js';
import type { FeedSubscription } from '../../fetch/feed-subscriptions.js';
import { decideVerification, websubSignatureValid } from '../../fetch/hub-subscriber.js';
import type { HttpContext } from '../http-context.js';
import { errorBody } from '../error-handler.js';
import { schemaOf } from '../schemas.js';

interface CallbackParams {
  sourceId: string;
}

/**
 * What the callback touches: our subscriptions at the feeds' hubs (verify, activate, deny), and everything ingesting
 * a pushed document as a poll does needs (`IngestDeps`: catalog, seen entries, source status, politeness, the
 * normalize queue…).
 */
export type WebSubCallbackRouteDeps = IngestDeps & Pick<HttpContext, 'feedSubscriptions'>;

/**
 * `/websub/:sourceId`: the WebSub subscriber callback. No bearer token (hubs cannot send one): a GET is answered
 * only for the topic we asked for, and a POST is ingested only with a valid `X-Hub-Signature` made with the
 * secret we gave that hub. Pushed content goes through the same parsing, entry cap and dedup as a poll, at once.
 */
export async function registerWebSubCallback(app: FastifyInstance, ctx: WebSubCallbackRouteDeps): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  // Shutdown waits for pushes being ingested, within the grace period.
  app.addHook('onClose', async () => {
    await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, ctx.config.limits.shutdownGrace))]);
  });
  await app.register(async (scope) => {
    // The signature covers the raw bytes, so every body arrives as a Buffer, whatever its content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ctx.config.limits.maxFeedBytes }, (_request, body, done) => done(null, body));

    scope.get<{ Params: CallbackParams; Querystring: Record<string, string | undefined> }>(
      '/websub/:sourceId',
      { schema: schemaOf('GET /websub/:sourceId') },
      async (request, reply) => {
        const { sourceId } = request.params;
        const subscription = await ctx.feedSubscriptions.get(sourceId);
        const decision = decideVerification(subscription, request.query, ctx.clock.now());
        if (!decision.accept) return reply.status(404).send(errorBody('SYN_ERR_NOT_FOUND', decision.why));
        const hub = subscription!.hub;
        if (decision.mode === 'denied') {
          await ctx.feedSubscriptions.setState(sourceId, 'denied');
          await ctx.sourceStatus.recordWebSub(sourceId, { state: 'denied', error: `hub denied: ${decision.reason}` });
          ctx.logger.warn({ sourceId, hub, reason: decision.reason }, 'WebSub subscription denied');
          return reply.status(200).send();
        }
        const leaseUntil = ctx.clock.now() + decision.leaseSeconds * 1000;
        await ctx.feedSubscriptions.activate(sourceId, decision.leaseSeconds, leaseUntil);
        await ctx.sourceStatus.recordWebSub(sourceId, { state: 'active', leaseUntil, error: '' });
        ctx.logger.info({ sourceId, hub, leaseSeconds: decision.leaseSeconds }, 'WebSub subscription verified');
        return reply.status(200).type('text/plain').send(request.query['hub.challenge']);
      },
    );

    // The subscription is looked up before the body is read: a push to no subscription, or one without a signature
    // (which could never verify), is answered without reading up to `limits.maxFeedBytes` of it, and the connection
    // closed rather than drained.
    const pushedTo = new WeakMap<FastifyRequest, FeedSubscription>();
    const onRequest = async (request: FastifyRequest<{ Params: CallbackParams }>, reply: FastifyReply) => {
      const subscription = await ctx.feedSubscriptions.get(request.params.sourceId);
      // 410 tells the hub to stop pushing (WebSub): nothing here subscribes to it any more.
      if (!subscription?.secret || (subscription.state !== 'active' && subscription.state !== 'pending'))
        return reply.status(410).header('connection', 'close').send(errorBody('SYN_ERR_NOT_FOUND', 'no active subscription for this callback'));
      if (!request.headers['x-hub-signature']) return dropUnsigned(ctx, request.params.sourceId, reply.header('connection', 'close'));
      pushedTo.set(request, subscription);
    };

    scope.post<{ Params: CallbackParams }>('/websub/:sourceId', { schema: schemaOf('POST /websub/:sourceId'), onRequest }, async (request, reply) => {
      const { sourceId } = request.params;
      const subscription = pushedTo.get(request)!;
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = request.headers['x-hub-signature'];
      if (!websubSignatureValid(subscription.secret, body, Array.isArray(signature) ? signature[0] : signature)) return dropUnsigned(ctx, sourceId, reply);
      const receivedAt = new Date(ctx.clock.now()).toISOString();
      // Answered before ingesting: completing summary-only entries from their pages can take longer than a hub
      // waits. Content lost to a crash meanwhile is not marked seen, so the safety-net poll picks it up.
      const ingesting = ingestPush(ctx, sourceId, body, request.headers['content-type'], receivedAt, subscription.topic);
      inFlight.add(ingesting);
      void ingesting.finally(() => inFlight.delete(ingesting));
      return reply.status(202).send();
    });
  });
}

/** A push with a missing or wrong signature: WebSub says answer 2xx anyway (the hub must not learn which secret works) and drop the content. */
async function dropUnsigned(ctx: Pick<IngestDeps, 'sourceStatus' | 'logger'>, sourceId: string, reply: FastifyReply) {
  await ctx.sourceStatus.recordWebSub(sourceId, { error: 'SYN_ERR_WEBSUB_BAD_SIGNATURE: pushed content dropped' });
  ctx.logger.warn({ sourceId, code: 'SYN_ERR_WEBSUB_BAD_SIGNATURE' }, 'WebSub push with a bad signature dropped');
  return reply.status(202).send();
}

/** Ingests pushed content like a poll's; the outcome goes to the source status and the log, never to the hub. */
async function ingestPush(
  ctx: IngestDeps,
  sourceId: string,
  body: Buffer,
  contentType: string | undefined,
  receivedAt: string,
  documentUrl: string,
): Promise<void> {
  try {
    const { newEntries } = await ingestFeedDocument(ctx, sourceId, body, contentType, receivedAt, documentUrl);
    await ctx.sourceStatus.recordPush(sourceId, receivedAt, newEntries);
    ctx.logger.info({ sourceId, newEntries }, 'WebSub content ingested');
  } catch (err) {
    const error = toSyndicateError(err, 'SYN_ERR_PARSE_FAILED');
    await ctx.sourceStatus.recordWebSub(sourceId, { error: `${error.code}: ${error.message}` }).catch(() => undefined);
    ctx.logger.warn({ sourceId, code: error.code, err: error.message }, 'WebSub content could not be ingested');
  }
}
