import type { ServerResponse } from 'node:http';
import type { ReceivedRequest } from './http.js';

/**
 * A news site without a feed, served on loopback: a listing page (HTML), a JSON API of its latest stories, and
 * the article pages they point to. Its pages carry what extraction rules are for: a sidebar with prose of its
 * own (a keep selector picks the story), a promotion box and an "Editor's pick" line (removal selector and
 * pattern), a story whose page is a paywall and whose print view is whole (article URL rewrite), and a note
 * that the domain's shared rule set removes.
 */

/** The prose of each story, by path: what the stored item must hold. */
export const STORIES: Record<string, { title: string; paragraphs: string[] }> = {
  '/news/breakwater': {
    title: 'Breakwater finished before winter',
    paragraphs: [
      'The harbour authority confirmed on Tuesday that the new breakwater will be finished before the winter storms arrive, after two years of delays.',
      'Engineers said the concrete blocks, each weighing forty tonnes, had been placed along the whole length of the outer wall during the summer months.',
      'Fishermen who use the harbour welcomed the news, saying that the old wall had let waves into the inner basin during every strong northerly wind.',
    ],
  },
  '/news/ferry': {
    title: 'Night ferry returns to the island',
    paragraphs: [
      'The night ferry to the island will run again from March, the shipping company announced, ending a three-year pause caused by falling passenger numbers.',
      'A new vessel with sleeping cabins and room for forty cars will sail the route four times a week, leaving the mainland at eleven in the evening.',
      'Island residents had campaigned for the service, arguing that the first morning boat arrived too late for hospital appointments on the mainland.',
    ],
  },
  '/news/lighthouse': {
    title: 'Lighthouse keeper cottage to become a museum',
    paragraphs: [
      'The cottage of the last lighthouse keeper on the point will open as a small museum next summer, after the town bought it from a private owner.',
      'Volunteers have collected logbooks, lamps and photographs that show how the light was kept burning through a century of storms and two wars.',
      'The museum will be free to enter, and guided walks to the lighthouse itself will run on weekends when the weather allows it, the town said.',
    ],
  },
};

/** Prose the sidebar holds: a generic pick could take it; the keep selector must not. */
export const SIDEBAR =
  'Our readers also enjoyed the long report about the old shipyard, which told the story of the families who built boats there for three generations.';
export const PROMO = 'Subscribe to the Harbour Gazette print edition and get twelve issues for the price of ten, delivered to your door.';
export const EDITORS_PICK = "Editor's pick: the best harbour photographs of the year";
export const DOMAIN_NOTE = 'Corrections to this story can be sent to the harbour desk at any time of the day.';
export const PAYWALL = 'This story is for subscribers only. Log in or subscribe to read the rest of it today.';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function articlePage(path: string, canonicalBase: string): string {
  const story = STORIES[path]!;
  return `<!doctype html><html lang="en"><head><title>${escape(story.title)} | Harbour Gazette</title>
<link rel="canonical" href="${canonicalBase}${path}"></head><body>
<div class="layout"><div class="story-body"><h1>${escape(story.title)}</h1>
${story.paragraphs.map((p) => `<p>${escape(p)}</p>`).join('\n')}
<p>${escape(EDITORS_PICK)}</p>
<div class="promo-box"><p>${escape(PROMO)}</p></div>
<p class="rail-note">${escape(DOMAIN_NOTE)}</p></div>
<div class="more"><h2>More</h2><p>${escape(SIDEBAR)}</p><p>${escape(SIDEBAR)}</p><p>${escape(SIDEBAR)}</p><p>${escape(SIDEBAR)}</p></div>
</div></body></html>`;
}

const paywallPage = (path: string, base: string) =>
  `<!doctype html><html><head><title>${escape(STORIES[path]!.title)}</title><link rel="canonical" href="${base}${path}"></head><body><div class="story-body"><h1>${escape(STORIES[path]!.title)}</h1><p>${escape(PAYWALL)}</p></div></body></html>`;

/** The listing page: each story once, one twice (the link is the identity), dated with `<time>`. */
const listingPage = () => `<!doctype html><html><head><title>Harbour Gazette: latest</title></head><body>
<nav><a href="/about">About us</a></nav>
<ul class="latest">
  <li class="teaser"><a href="/news/breakwater">${escape(STORIES['/news/breakwater']!.title)}</a><time datetime="2026-01-05T09:30:00Z">5 January</time><p class="dek">Two years late, but before the storms.</p></li>
  <li class="teaser"><a href="/news/ferry">${escape(STORIES['/news/ferry']!.title)}</a><time datetime="2026-01-04T18:00:00Z">4 January</time><p class="dek">Cabins and forty cars.</p></li>
  <li class="teaser"><a href="/news/breakwater">${escape(STORIES['/news/breakwater']!.title)} (again)</a></li>
  <li class="teaser"><span>No link here</span></li>
</ul></body></html>`;

const latestJson = () =>
  JSON.stringify({
    title: 'Harbour Gazette API',
    data: {
      articles: [
        { headline: STORIES['/news/lighthouse']!.title, url: '/news/lighthouse', published: '2026-01-03T12:00:00Z', teaser: 'From the last keeper.' },
        { headline: 'No address: skipped' },
      ],
    },
  });

/** The site's request handler; `base` is its own address (`http://127.0.0.1:port`). */
export function outletWithoutFeed(base: () => string): (request: ReceivedRequest, response: ServerResponse) => void {
  return (request, response) => {
    const path = request.url!.split('?')[0]!;
    const html = (body: string) => void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    if (path === '/latest') return html(listingPage());
    if (path === '/api/latest.json') return void response.writeHead(200, { 'content-type': 'application/json' }).end(latestJson());
    // The ferry story's page is a paywall; its print view is whole.
    if (path === '/news/ferry') return html(paywallPage(path, base()));
    if (path === '/print/news/ferry') return html(articlePage('/news/ferry', base()));
    if (STORIES[path] && path !== '/news/ferry') return html(articlePage(path, base()));
    response.writeHead(404).end('not found');
  };
}

/** The extraction rules an operator writes for this site: per source, and shared for its domain. */
export function outletRules(): { cleanup: Record<string, unknown>; shared: Record<string, unknown> } {
  return {
    cleanup: {
      keepSelector: '.story-body',
      removeSelectors: ['.promo-box'],
      removePatterns: ["Editor's pick: .*"],
      articleUrl: { pattern: '^(https?://[^/]+)/news/ferry$', replacement: '$1/print/news/ferry' },
    },
    shared: { removeSelectors: ['.rail-note'] },
  };
}
