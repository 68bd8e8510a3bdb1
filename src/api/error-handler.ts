import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { SyndicateError } from '../core/errors.js';

/** The JSON body of every API error: `{"error": {"code": "SYN_ERR_...", "message": "..."}}`. */
export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** How long a client is told to wait before asking again while Redis is away. */
export const OUTAGE_RETRY_AFTER_S = 5;

/**
 * The 503 of a Redis outage, with `Retry-After`. Serialized here and typed as JSON, because the outage guard may
 * answer for a handler that already set another content type (`/metrics` sets text/plain).
 */
export function sendRedisUnavailable(reply: FastifyReply): FastifyReply {
  return reply
    .status(503)
    .type('application/json; charset=utf-8')
    .header('retry-after', String(OUTAGE_RETRY_AFTER_S))
    .send(JSON.stringify(errorBody('SYN_ERR_REDIS_UNAVAILABLE', `Redis is unavailable; retry in ${OUTAGE_RETRY_AFTER_S} s`)));
}

/** The catalogue code of a 4xx that fastify itself raised (bad JSON, body too large, unknown content type, …). */
function codeForStatus(status: number): 'SYN_ERR_NOT_FOUND' | 'SYN_ERR_UNAUTHORIZED' | 'SYN_ERR_UNSUPPORTED_INPUT' | 'SYN_ERR_BAD_REQUEST' {
  if (status === 404) return 'SYN_ERR_NOT_FOUND';
  if (status === 401) return 'SYN_ERR_UNAUTHORIZED';
  if (status === 415) return 'SYN_ERR_UNSUPPORTED_INPUT';
  return 'SYN_ERR_BAD_REQUEST';
}

/**
 * Fastify's `frameworkErrors` option: the errors its router raises before any route or error handler (a malformed
 * URL, 400; a path segment over `maxParamLength`, 414) in the documented shape too. The path is not repeated: it
 * can be long, and it is the client's own.
 */
export function frameworkErrors(error: FastifyError, _request: unknown, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const message = status === 414 ? 'a path segment is too long' : 'the URL is malformed';
  void reply.status(status).send(errorBody('SYN_ERR_BAD_REQUEST', message));
}

/** What Node's HTTP parser refused, by its error code: the status and the message we answer with. */
function clientErrorAnswer(code: string | undefined): { status: number; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'the request line and headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'the request was not received in time' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'chunk extensions are too large' };
    default:
      return { status: 400, message: 'the request is not valid HTTP' };
  }
}

/**
 * Fastify's `clientErrorHandler` (the server's `clientError` event): what Node's HTTP parser refuses before
 * fastify sees a request (a request line and headers over 16 KB: 431; a malformed request line: 400; a request that
 * never arrives: 408) is answered in the documented shape, then the connection is closed, as Node does. A connection
 * reset by the client gets no answer: nobody is there to read it.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, message } = clientErrorAnswer(error.code);
  const body = JSON.stringify(errorBody('SYN_ERR_BAD_REQUEST', message));
  if (socket.writable)
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  // end() flushes the answer first; a peer that never reads cannot keep the socket past this.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/** Answers every error, ours or fastify's, in the catalogue's shape with a fitting status. */
export function installErrorHandler(app: FastifyInstance, http?: { redisUp(): boolean }): void {
  app.setErrorHandler((err: FastifyError | SyndicateError, request, reply) => {
    // Whatever failed while Redis is away failed for that reason: say so, and when to come back.
    if (http && !http.redisUp() && !(err instanceof SyndicateError && err.httpStatus < 500) && !((err as FastifyError).statusCode! < 500)) {
      return sendRedisUnavailable(reply);
    }
    if (err instanceof SyndicateError) {
      if (err.httpStatus >= 500) request.log.error({ code: err.code, err: err.message }, 'request failed');
      return reply.status(err.httpStatus).send(errorBody(err.code, err.message, err.details));
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'unexpected error');
      return reply.status(status).send(errorBody('SYN_ERR_INTERNAL', 'internal error'));
    }
    return reply.status(status).send(errorBody(codeForStatus(status), err.message));
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send(errorBody('SYN_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)));
}
