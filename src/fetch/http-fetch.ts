import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable, Transform } from 'node:stream';
import { request } from 'undici';
import { SyndicateError } from '../core/errors.js';
import type { SyndicationConfig } from '../config/schema.js';
import { assertUrlAllowed } from '../net/address-guard.js';
import type { NetworkGuard } from '../net/network-guard.js';
import { headersFor, type RequestCredentials } from './request-profile.js';

/** Limits for one fetch. */
export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
  /** The private-address guard: checked on every hop; the dispatcher re-checks resolved addresses. */
  guard?: NetworkGuard;
  /**
   * Called before every request of the chain, the first and each redirect hop, with the URL about to be requested:
   * where the fetch takes its per-host politeness slot (see `RequestSlots`). May wait; a throw ends the fetch.
   */
  beforeRequest?: (url: string) => Promise<void>;
  /** A source's request profile: its headers go only to the hosts it names (checked again on every hop). */
  credentials?: RequestCredentials;
}

/** Validators kept from the previous fetch, for a conditional GET. */
export interface ConditionalHeaders {
  etag?: string | null;
  lastModified?: string | null;
}

export interface FetchResult {
  status: number;
  /** Final URL after redirects. */
  url: string;
  /** Redirect hops taken, with their status codes. */
  redirects: Array<{ status: number; from: string; to: string }>;
  headers: Record<string, string>;
  /** Body bytes after decompression; empty for 304. */
  body: Buffer;
  notModified: boolean;
}

/** The limits every feed or article-page request runs under: the configuration's timeout and byte cap, and the guard. */
export function fetchLimits(config: Pick<SyndicationConfig, 'limits'>, guard: NetworkGuard): FetchLimits {
  return { timeoutMs: config.limits.fetchTimeout, maxBytes: config.limits.maxFeedBytes, guard };
}

const USER_AGENT = 'syndicate/0.1 (+https://github.com/syndicate/syndicate)';

function decoderFor(encoding: string | undefined): Transform | null {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

/** Reads a stream to a buffer, failing as soon as it passes `maxBytes` (also after decompression). */
async function readCapped(stream: Readable, maxBytes: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      stream.destroy();
      throw new SyndicateError('SYN_ERR_FETCH_TOO_LARGE', `${url}: response exceeds ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

async function fetchFile(url: string, limits: FetchLimits): Promise<FetchResult> {
  const path = fileURLToPath(url);
  try {
    const info = await stat(path);
    if (info.size > limits.maxBytes) throw new SyndicateError('SYN_ERR_FETCH_TOO_LARGE', `${url}: file exceeds ${limits.maxBytes} bytes`);
    const body = await readFile(path);
    return { status: 200, url, redirects: [], headers: { 'last-modified': info.mtime.toUTCString() }, body, notModified: false };
  } catch (err) {
    if (err instanceof SyndicateError) throw err;
    throw new SyndicateError('SYN_ERR_FETCH_FAILED', `${url}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * GETs a URL (http, https or file) with a timeout, a byte cap that also holds after decompression, manual
 * redirects (at most `maxRedirects`) and optional conditional headers. Non-2xx statuses other than 304 are
 * returned, not thrown, so the caller decides what each means; network failures throw `SYN_ERR_FETCH_*`.
 */
export async function httpFetch(url: string, limits: FetchLimits, conditional: ConditionalHeaders = {}): Promise<FetchResult> {
  if (url.startsWith('file:')) return fetchFile(url, limits);
  const redirects: FetchResult['redirects'] = [];
  let current = url;
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      accept:
        'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5',
      'accept-encoding': 'gzip, deflate, br',
    };
    // Per hop: a redirect to another host leaves the profile's secrets behind.
    Object.assign(headers, headersFor(current, limits.credentials));
    if (conditional.etag) headers['if-none-match'] = conditional.etag;
    if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;
    if (limits.guard) assertUrlAllowed(current, limits.guard.allow);
    await limits.beforeRequest?.(current);
    let response;
    try {
      response = await request(current, {
        method: 'GET',
        dispatcher: limits.guard?.dispatcher,
        headers,
        signal: deadline,
        headersTimeout: limits.timeoutMs,
        bodyTimeout: limits.timeoutMs,
      });
    } catch (err) {
      if (err instanceof SyndicateError) throw err;
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof SyndicateError) throw cause;
      const timedOut = deadline.aborted || /timeout/i.test((err as Error).name + (err as Error).message);
      throw new SyndicateError(
        timedOut ? 'SYN_ERR_FETCH_TIMEOUT' : 'SYN_ERR_FETCH_FAILED',
        `${current}: ${timedOut ? `no answer within ${limits.timeoutMs} ms` : (err as Error).message}`,
        { cause: err },
      );
    }
    const responseHeaders = flattenHeaders(response.headers);
    const location = responseHeaders.location;
    if (response.statusCode >= 300 && response.statusCode < 400 && response.statusCode !== 304 && location) {
      response.body.resume();
      if (hop >= (limits.maxRedirects ?? 5)) throw new SyndicateError('SYN_ERR_FETCH_FAILED', `${url}: more than ${limits.maxRedirects ?? 5} redirects`);
      const next = new URL(location, current).href;
      redirects.push({ status: response.statusCode, from: current, to: next });
      current = next;
      continue;
    }
    if (response.statusCode === 304) {
      response.body.resume();
      return { status: 304, url: current, redirects, headers: responseHeaders, body: Buffer.alloc(0), notModified: true };
    }
    const decoder = decoderFor(responseHeaders['content-encoding']);
    try {
      const stream = decoder ? response.body.pipe(decoder) : response.body;
      const body = await readCapped(stream, limits.maxBytes, current);
      return { status: response.statusCode, url: current, redirects, headers: responseHeaders, body, notModified: false };
    } catch (err) {
      response.body.destroy();
      if (err instanceof SyndicateError) throw err;
      const timedOut = deadline.aborted;
      throw new SyndicateError(
        timedOut ? 'SYN_ERR_FETCH_TIMEOUT' : 'SYN_ERR_FETCH_FAILED',
        `${current}: ${timedOut ? `body not complete within ${limits.timeoutMs} ms` : (err as Error).message}`,
        { cause: err },
      );
    }
  }
}
