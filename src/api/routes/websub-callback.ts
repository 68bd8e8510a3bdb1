import type { FastifyInstance } from 'fastify';
import { toSyndicateError } from '../../core/errors.js';
import { ingestFeedDocument, type IngestDeps } from '../../fetch/fetch-processor.js';
import { websubSignatureValid } from '../../fetch/websub.js';
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
        const query = request.query;
        const subscription = await ctx.feedSubscriptions.get(sourceId);
        const mode = query['hub.mode'];
        if (!subscription || query['hub.topic'] !== subscription.topic) return reply.status(404).send(errorBody('SYN_ERR_NOT_FOUND', 'unknown subscription'));
        const now = ctx.clock.now();
        if (mode === 'denied') {
          await ctx.feedSubscriptions.setState(sourceId, 'denied');
          await ctx.sourceStatus.recordWebSub(sourceId, { state: 'denied', error: `hub denied: ${query['hub.reason'] ?? 'no reason given'}` });
          ctx.logger.warn({ sourceId, hub: subscription.hub, reason: query['hub.reason'] }, 'WebSub subscription denied');
          return reply.status(200).send();
        }
        if (mode !== 'subscribe' || !query['hub.challenge']) return reply.status(404).send(errorBody('SYN_ERR_NOT_FOUND', 'unexpected verification'));
        const leaseSeconds = Number(query['hub.lease_seconds']) || subscription.leaseSeconds || 86_400;
        const leaseUntil = now + leaseSeconds * 1000;
        await ctx.feedSubscriptions.activate(sourceId, leaseSeconds, leaseUntil);
        await ctx.sourceStatus.recordWebSub(sourceId, { state: 'active', leaseUntil, error: '' });
        ctx.logger.info({ sourceId, hub: subscription.hub, leaseSeconds }, 'WebSub subscription verified');
        return reply.status(200).type('text/plain').send(query['hub.challenge']);
      },
    );

    scope.post<{ Params: CallbackParams }>('/websub/:sourceId', { schema: schemaOf('POST /websub/:sourceId') }, async (request, reply) => {
      const { sourceId } = request.params;
      const subscription = await ctx.feedSubscriptions.get(sourceId);
      // 410 tells the hub to stop pushing (WebSub): nothing here subscribes to it any more.
      if (!subscription?.secret || (subscription.state !== 'active' && subscription.state !== 'pending'))
        return reply.status(410).send(errorBody('SYN_ERR_NOT_FOUND', 'no active subscription for this callback'));
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = request.headers['x-hub-signature'];
      if (!websubSignatureValid(subscription.secret, body, Array.isArray(signature) ? signature[0] : signature)) {
        // WebSub: answer 2xx anyway (the hub must not learn which secret works) and drop the content.
        await ctx.sourceStatus.recordWebSub(sourceId, { error: 'SYN_ERR_WEBSUB_BAD_SIGNATURE: pushed content dropped' });
        ctx.logger.warn({ sourceId, code: 'SYN_ERR_WEBSUB_BAD_SIGNATURE' }, 'WebSub push with a bad signature dropped');
        return reply.status(202).send();
      }
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
