import { SyndicateError } from '../core/errors.js';
import { decodeText } from '../content/decode-text.js';
import { usualFeedUrls, USUAL_FEED_PATHS, type FeedCandidate } from '../content/feed-discovery.js';
import { sniffFormat } from '../content/parse-feed.js';
import type { DocumentCaps } from '../content/caps.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { FetchResult } from './http-fetch.js';

/** What discovery found on a home page: the feed chosen and every candidate (the chosen one first among them). */
export interface Discovery {
  /** The home page read. */
  page: string;
  feed: FeedCandidate;
  candidates: FeedCandidate[];
}

/** Whether an answer is an HTML page rather than a feed: its content type, else its first element. */
export function isHtmlPage(response: Pick<FetchResult, 'body' | 'headers'>): boolean {
  const type = response.headers['content-type'] ?? '';
  if (/^\s*(?:text\/html|application\/xhtml\+xml)\b/i.test(type)) return true;
  if (/xml|json/i.test(type)) return false;
  return sniffFormat(decodeText(response.body.subarray(0, 4096), type)) === 'html';
}

/**
 * Finds the feed of a home page: the feeds it names with `<link rel="alternate">` in document order (the first
 * RSS, Atom or JSON Feed is chosen), else the first of the usual paths (`/feed`, `/rss`, `/atom.xml`,
 * `/feed.json`, …) that answers with a feed. `get` fetches a probe: the caller's guard, caps and politeness apply.
 * The page and the probes are read in the sandbox (`reader`), under its deadline and `caps`.
 * `SYN_ERR_NO_FEED_FOUND` when the page names none and no usual path holds one.
 */
export async function discoverFeed(
  page: Pick<FetchResult, 'url' | 'body' | 'headers'>,
  get: (url: string) => Promise<FetchResult>,
  reader: { sandbox: Pick<Sandbox, 'run'>; caps: DocumentCaps },
): Promise<Discovery> {
  const links = await reader.sandbox.run('readFeedLinks', { body: page.body, contentType: page.headers['content-type'], location: page.url });
  if (links.length) return { page: page.url, feed: links.find((l) => l.type !== 'unknown') ?? links[0]!, candidates: links };
  for (const url of usualFeedUrls(page.url)) {
    let response: FetchResult;
    try {
      response = await get(url);
    } catch (err) {
      // A probe that times out or is refused is one path less; a host asking us to wait ends the search.
      if (err instanceof SyndicateError && err.code === 'SYN_ERR_FETCH_RATE_LIMITED') throw err;
      continue;
    }
    if (response.status !== 200) continue;
    let type: FeedCandidate['type'] | null;
    try {
      type = await reader.sandbox.run('probeFeed', {
        body: response.body,
        contentType: response.headers['content-type'],
        location: response.url,
        caps: reader.caps,
      });
    } catch {
      // A probe the sandbox gave up is no feed of ours either.
      continue;
    }
    if (!type) continue;
    const feed: FeedCandidate = { url: response.url, type, title: null };
    return { page: page.url, feed, candidates: [feed] };
  }
  throw new SyndicateError(
    'SYN_ERR_NO_FEED_FOUND',
    `${page.url} is an HTML page that names no feed (no <link rel="alternate">, nothing at ${USUAL_FEED_PATHS.join(', ')})`,
  );
}
