import { randomUUID } from 'node:crypto';
import { SyndicateError, toSyndicateError } from '../../core/errors.js';
import { RequestSlots, hostOf, type HostPoliteness } from '../../net/host-politeness.js';
import { parseRetryAfter } from '../../net/retry-after.js';
import type { FeedEntry } from '../../content/feed-entry.js';
import { fetchLimits, httpFetch } from '../http-fetch.js';
import type { RequestCredentials } from '../request-profile.js';
import { rewriteArticleUrl } from '../../content/extraction-rules.js';
import { documentCaps } from '../../content/caps.js';
import type { CleanupRules } from '../../config/schema.js';
import type { FullTextDecision, FullTextReason } from './needs-full-text.js';
import type { StageServices } from '../../queues/stage-services.js';

/** What became of one entry's full text. */
export interface FullTextOutcome {
  /** The entry to normalize: enriched from its page, or as the feed gave it. */
  entry: FeedEntry;
  reason: FullTextReason;
  /** True when the page was fetched and its content merged. */
  fetched: boolean;
  /** Why the page could not be used; the entry then keeps its summary. */
  error?: SyndicateError;
}

/** Content types an article page may come as; absent is accepted, since many servers omit it. */
const HTML_TYPES = /^\s*(?:text\/html|application\/xhtml\+xml)\b/i;

/**
 * Fetches an entry's article page when the source's `fullText` setting and the entry call for it (`decision`, from
 * `needsFullText`, which the sandbox ran while it read the feed), and merges the page's main content and metadata
 * into the entry, in the sandbox (decoding, extraction and merging under its deadline and the caps). The page goes
 * through the same address guard, byte cap, timeout and per-host politeness as feeds (`gate`; null for a preview
 * without Redis, `syndicate normalize`). A failure never loses the entry: it comes back as the feed gave it, with the
 * error for the caller to record. The source's extraction `rules` say where the page is read from (`articleUrl`)
 * and what of it is the article (keep and removal selectors).
 */
export async function fetchFullText(
  ctx: Pick<StageServices, 'config' | 'clock' | 'guard' | 'sandbox'>,
  gate: HostPoliteness | null,
  entry: FeedEntry,
  { fetch, reason }: FullTextDecision,
  credentials?: RequestCredentials,
  rules: CleanupRules = {},
): Promise<FullTextOutcome> {
  if (!fetch) return { entry, reason, fetched: false };
  // The page may be read from another view of the article (print, AMP): the entry keeps its own address.
  const url = rewriteArticleUrl(entry.link!, rules);
  const rewritten = url !== entry.link;
  const limits = ctx.config.limits;
  // The page and each of its redirect hops take a politeness slot of their own, waiting at most the fetch timeout.
  const slots = gate ? new RequestSlots(gate, ctx.clock, `full-text:${randomUUID()}`, limits.fetchTimeout) : null;
  try {
    let response;
    try {
      response = await httpFetch(url, {
        ...fetchLimits(ctx.config, ctx.guard),
        ...(slots ? { beforeRequest: (hop: string) => slots.before(hop) } : {}),
        credentials,
      });
    } finally {
      await slots?.release();
    }
    const host = hostOf(response.url);
    if (gate && (response.status === 429 || response.status === 503)) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], ctx.clock.now());
      if (retryAfterMs !== null && host) await gate.pause(host, ctx.clock.now() + retryAfterMs);
    }
    if (response.status >= 300)
      throw new SyndicateError('SYN_ERR_FETCH_HTTP_STATUS', `article page ${url} answered ${response.status}`, { details: { status: response.status } });
    const contentType = response.headers['content-type'];
    if (contentType && !HTML_TYPES.test(contentType)) throw new SyndicateError('SYN_ERR_PARSE_FAILED', `article page ${url} is ${contentType}, not HTML`);
    const merged = await ctx.sandbox.run('readArticlePage', {
      body: response.body,
      contentType,
      location: response.url,
      caps: documentCaps(limits),
      entry,
      rules,
      keepEntryLink: rewritten,
    });
    return { entry: merged, reason, fetched: true };
  } catch (err) {
    return { entry, reason, fetched: false, error: toSyndicateError(err, 'SYN_ERR_FETCH_FAILED') };
  }
}
