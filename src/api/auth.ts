import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SyndicateError } from '../core/errors.js';

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

/** A fastify hook that lets a request through only with the admin token. */
export function requireAdminToken(adminToken: string, realm?: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = presentedToken(request.headers.authorization);
    if (token && sameSecret(token, adminToken)) return;
    if (realm) reply.header('www-authenticate', `Basic realm="${realm}"`);
    throw new SyndicateError('SYN_ERR_UNAUTHORIZED', 'a valid admin token is required (Authorization: Bearer $ADMIN_TOKEN)');
  };
}
