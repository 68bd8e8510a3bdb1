import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenStore } from '../catalog/token-store.js';
import { ERROR_CATALOGUE } from '../core/errors.js';
import { errorBody } from './error-handler.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request presents: `Authorization: Bearer …`, or Basic auth's password (so a browser can open the dashboard). */
export function presentedToken(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return null;
}

/**
 * A fastify hook that lets a request through only with the admin token. It answers the 401 itself rather than
 * throwing, because plugins such as the dashboard install error handlers of their own.
 */
export function requireAdminToken(adminToken: string, realm?: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = presentedToken(request.headers.authorization);
    if (token && sameSecret(token, adminToken)) return;
    if (realm) reply.header('www-authenticate', `Basic realm="${realm}"`);
    return reply
      .status(ERROR_CATALOGUE.SYN_ERR_UNAUTHORIZED.httpStatus)
      .send(errorBody('SYN_ERR_UNAUTHORIZED', 'a valid admin token is required (Authorization: Bearer $ADMIN_TOKEN)'));
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route is a subscription's self-service route (`:id` is the subscription): a token scoped to it may call it. */
    subscriptionScoped?: boolean;
  }
}

/**
 * The `/api` guard: the admin token reaches every route; a consumer token (issued for one subscription, see
 * catalog/token-store.ts) reaches only the routes marked `subscriptionScoped` and only for its own subscription:
 * 403 `SYN_ERR_FORBIDDEN` anywhere else. Anything else is a 401.
 */
export function requireApiAccess(adminToken: string, tokens: Pick<TokenStore, 'verify'>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = presentedToken(request.headers.authorization);
    if (token && sameSecret(token, adminToken)) return;
    const grant = token ? await tokens.verify(token) : null;
    if (!grant) {
      return reply
        .status(ERROR_CATALOGUE.SYN_ERR_UNAUTHORIZED.httpStatus)
        .send(errorBody('SYN_ERR_UNAUTHORIZED', 'a valid token is required (Authorization: Bearer $ADMIN_TOKEN, or a subscription token)'));
    }
    const params = request.params as { id?: unknown } | undefined;
    if (request.routeOptions.config.subscriptionScoped && params?.id === grant.subscriptionId) return;
    return reply
      .status(ERROR_CATALOGUE.SYN_ERR_FORBIDDEN.httpStatus)
      .send(errorBody('SYN_ERR_FORBIDDEN', `this token reaches only the self-service routes of subscription ${grant.subscriptionId}`));
  };
}
