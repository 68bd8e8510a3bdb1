import type { FastifyInstance } from 'fastify';
import { parseHubRequest, verifyAndApply } from '../../publish/websub.js';
import type { HttpContext } from '../http-context.js';
import { SyndicateError } from '../../core/errors.js';
import { schemaOf } from '../schemas.js';

/**
 * What the hub touches: the catalog (does the topic name a channel), its subscriber store, and what verifying a
 * callback needs (public URL, the private-address guard, the delivery timeout, clock, log).
 */
export type WebSubHubRouteDeps = Pick<HttpContext, 'catalog' | 'hubSubscriptions' | 'env' | 'guard' | 'config' | 'clock' | 'logger'>;

/**
 * The built-in WebSub hub (W3C WebSub §5): `POST /websub` with a form-encoded `hub.mode` (subscribe or
 * unsubscribe), `hub.topic` (one of our feeds), `hub.callback`, and optionally `hub.lease_seconds` and
 * `hub.secret`. Answers 202 at once; the intent is verified asynchronously by a GET to the callback.
 */
export async function registerWebSubHub(app: FastifyInstance, ctx: WebSubHubRouteDeps): Promise<void> {
  // Encapsulated, so the form parser applies to the hub only.
  await app.register(async (hub) => {
    hub.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    hub.post('/websub', { schema: schemaOf('POST /websub') }, async (request, reply) => {
      if (!request.body || typeof request.body !== 'object')
        throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'send the hub request as application/x-www-form-urlencoded');
      const hubRequest = parseHubRequest(request.body as Record<string, unknown>, ctx);
      const channel = await ctx.catalog.get('channels', hubRequest.channelId);
      if (!channel && hubRequest.mode === 'subscribe') throw new SyndicateError('SYN_ERR_BAD_REQUEST', `hub.topic names no channel: ${hubRequest.channelId}`);
      // Verification must not hold the subscriber's request open (its callback may be the same server).
      setImmediate(() => {
        verifyAndApply(ctx, hubRequest).catch((err: Error) =>
          ctx.logger.warn({ err: err.message, callback: hubRequest.callback }, 'websub verification error'),
        );
      });
      return reply.status(202).send();
    });
  });
}
