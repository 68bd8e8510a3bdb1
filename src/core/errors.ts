/**
 * The one error catalogue. Every error the system reports carries a stable `SYN_ERR_*` code, so operators
 * and API clients can match on it; `httpStatus` is what the API answers with.
 */
export const ERROR_CATALOGUE = {
  SYN_ERR_CONFIG_INVALID: { httpStatus: 500, description: 'the configuration file does not validate' },
  SYN_ERR_CONFIG_UNREADABLE: { httpStatus: 500, description: 'the configuration file cannot be read or parsed' },
  SYN_ERR_REDIS_UNAVAILABLE: { httpStatus: 503, description: 'Redis does not answer' },
  SYN_ERR_REDIS_FULL: {
    httpStatus: 503,
    description: 'Redis refuses writes: its memory reached maxmemory (nothing acknowledged is lost; the work runs again once memory is back)',
  },
  SYN_ERR_UNAUTHORIZED: { httpStatus: 401, description: 'missing or wrong bearer token' },
  SYN_ERR_FORBIDDEN: {
    httpStatus: 403,
    description: "the token is valid but does not reach this route (a consumer token reaches only its own subscription's self-service routes)",
  },
  SYN_ERR_NOT_FOUND: { httpStatus: 404, description: 'no such resource' },
  SYN_ERR_BAD_REQUEST: { httpStatus: 400, description: 'the request is malformed' },
  SYN_ERR_CONFLICT: { httpStatus: 409, description: 'the resource exists already' },
  SYN_ERR_NOT_READY: { httpStatus: 503, description: 'the service is starting or draining' },
  SYN_ERR_INTERNAL: { httpStatus: 500, description: 'an unexpected error' },
  SYN_ERR_FETCH_FAILED: { httpStatus: 502, description: 'the source could not be fetched' },
  SYN_ERR_FETCH_TIMEOUT: { httpStatus: 504, description: 'the source did not answer in time' },
  SYN_ERR_FETCH_TOO_LARGE: { httpStatus: 502, description: 'the response exceeded the byte cap' },
  SYN_ERR_FETCH_HTTP_STATUS: { httpStatus: 502, description: 'the source answered with an error status' },
  // The one private-address guard (net/address-guard.ts) refuses every outgoing request with this code: feeds, article
  // pages, webhook deliveries, and the source and subscription URLs when stored. The name predates webhooks; codes are
  // part of the contract (API answers, the delivery log, `normalize --jsonl` lines), so it stays shared rather than
  // split into a per-concern code that existing clients would not know.
  SYN_ERR_FETCH_BLOCKED_ADDRESS: { httpStatus: 403, description: 'the address is private and not allowed' },
  SYN_ERR_FETCH_GONE: { httpStatus: 410, description: 'the source answered 410 Gone' },
  SYN_ERR_FETCH_RATE_LIMITED: { httpStatus: 429, description: 'the host asked us to wait' },
  SYN_ERR_WEBSUB_SUBSCRIBE_FAILED: { httpStatus: 502, description: 'the WebSub hub refused or did not answer a subscription request' },
  SYN_ERR_WEBSUB_BAD_SIGNATURE: { httpStatus: 403, description: 'pushed content carried a missing or wrong X-Hub-Signature' },
  SYN_ERR_WEBSUB_LIMIT: {
    httpStatus: 403,
    description: "our hub's cap on subscriptions per topic or per callback host (websub.hub) is reached; unsubscribe others first",
  },
  SYN_ERR_RATE_LIMITED: { httpStatus: 429, description: 'too many requests from this client, or too many waiting to be served; retry after Retry-After' },
  SYN_ERR_PARSE_FAILED: { httpStatus: 422, description: 'the document is not a feed or article we can read' },
  SYN_ERR_PARSE_TOO_COMPLEX: {
    httpStatus: 422,
    description: 'reading the document overran its sandbox (deadline, memory or nesting depth): given up, and not read again until its bytes change',
  },
  SYN_ERR_PARSE_ENTITY_EXPANSION: { httpStatus: 422, description: "the document's entity references expand past the feed byte cap: refused" },
  SYN_ERR_SANDBOX_BUSY: {
    httpStatus: 503,
    description: "every sandbox thread stayed busy past limits.sandboxQueueWait: the document was not read, and is on the job's retry",
  },
  SYN_ERR_NORMALIZE_TIMEOUT: {
    httpStatus: 422,
    description: 'normalizing the entry overran its sandbox (deadline, memory or nesting depth): given up, not retried',
  },
  SYN_ERR_NO_ARTICLE: { httpStatus: 422, description: 'the page holds no article text we can find' },
  SYN_ERR_NO_FEED_FOUND: { httpStatus: 422, description: "the source's URL is an HTML page that names no feed, and no usual feed path holds one" },
  SYN_ERR_UNSUPPORTED_INPUT: { httpStatus: 415, description: 'the input is of a kind we do not read' },
  SYN_ERR_DELIVERY_FAILED: { httpStatus: 502, description: 'the webhook endpoint did not accept the event' },
  SYN_ERR_DELIVERY_TIMEOUT: { httpStatus: 504, description: 'the webhook endpoint did not answer in time' },
  SYN_ERR_DELIVERY_GONE: { httpStatus: 410, description: 'the webhook endpoint answered 410 Gone; its subscription is disabled' },
  SYN_ERR_DELIVERY_THROTTLED: { httpStatus: 429, description: 'the webhook endpoint asked us to wait (429/503 with Retry-After)' },
  SYN_ERR_DELIVERY_ORDER_BLOCKED: { httpStatus: 409, description: "the story's item.published delivery to this subscription failed, so later events wait" },
  SYN_ERR_SUBSCRIPTION_DISABLED: { httpStatus: 409, description: 'the subscription is disabled' },
  SYN_ERR_STORY_NOT_STORED: {
    httpStatus: 409,
    description: "a later event's story is not stored: its item.published was not processed (see the publish queue's failed jobs)",
  },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An error with a stable code from the catalogue; `details` carries structured context (e.g. config paths). */
export class SyndicateError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SyndicateError';
    this.code = code;
    this.details = options.details;
  }

  /** The HTTP status the API answers with for this error. */
  get httpStatus(): number {
    return ERROR_CATALOGUE[this.code].httpStatus;
  }
}

/** Wraps anything thrown into a `SyndicateError`, keeping one that already is. */
export function toSyndicateError(err: unknown, fallback: ErrorCode = 'SYN_ERR_INTERNAL'): SyndicateError {
  if (err instanceof SyndicateError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SyndicateError(fallback, message, { cause: err });
}
