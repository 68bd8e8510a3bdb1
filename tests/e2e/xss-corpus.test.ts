import { readFileSync } from 'node:fs';
import { load } from 'cheerio';
import type { Element } from 'domhandler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { NormalizedItem, WebhookEvent } from '../../src/core/item.js';
import { type LoopbackServer, startAcceptingReceiver, startServer, waitFor } from '../support/http.js';
import { startTestSystem } from '../support/system.js';
import { queuedEntries } from '../support/queued.js';

/**
 * The markup-attack corpus (tests/fixtures/xss/attacks.json) through the running system: a loopback server serves
 * it as an RSS, an Atom and a JSON Feed source (each with a hostile home-page link and two good entries), the
 * real workers fetch, normalize, dedup, publish and deliver it, and every output is read the way its consumer
 * reads it: RSS and Atom parsed as XML, then their HTML parsed as a browser does (parse5, through cheerio);
 * JSON Feed, the API and webhook payloads parsed as JSON, their HTML the same way. Nothing executable may be left.
 */

interface Attack {
  id: string;
  class: string;
  kind: 'markup' | 'url';
  payload: string;
}

const { attacks } = JSON.parse(readFileSync(new URL('../fixtures/xss/attacks.json', import.meta.url), 'utf8')) as { attacks: Attack[] };
const FORMATS = ['rss', 'atom', 'json'] as const;
type Format = (typeof FORMATS)[number];
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** What each hostile feed gives as its own home page. */
const HOSTILE_HOMEPAGE: Record<Format, string> = { rss: '&#106;avascript:alert(document.domain)', atom: 'javascript:alert(1)', json: ' JaVaScRiPt:alert(1)' };

interface Entry {
  guid: string;
  marker: string;
  title: string;
  link: string;
  summary: string;
  content: string;
  image: string;
}

/**
 * The entries of one format: one per attack (markup in title, summary and body; addresses in link, image, enclosure) and two good ones.
 * Bodies are a handful of words, below what the near-duplicate check compares, so that the same attack in two
 * formats (or two attacks with one template) stays apart: the test is about what leaves, not about dedup.
 */
function entriesOf(format: Format): Entry[] {
  const entries = attacks.map((attack): Entry => {
    const marker = `[${format}:${attack.id}]`;
    const good = `https://news.example/${format}/${attack.id}`;
    const markup = attack.kind === 'markup';
    return {
      guid: `${format}-${attack.id}`,
      marker,
      title: markup ? `${marker} ${attack.payload}` : marker,
      link: markup ? good : attack.payload,
      summary: markup ? attack.payload : `Summary of ${marker}.`,
      content: `<p>${marker}</p>${markup ? attack.payload : `<p><a href="${attack.payload.replace(/"/g, '&quot;')}">link</a></p>`}`,
      image: markup ? `https://news.example/${format}/${attack.id}.jpg` : attack.payload,
    };
  });
  if (format === 'json') {
    // Control characters cannot appear in XML 1.0, but JSON carries them.
    const marker = '[json:url-control-char]';
    entries.push({
      guid: 'json-control',
      marker,
      title: marker,
      link: '\u0001javascript:alert(1)',
      summary: 'control',
      content: '<p>control <a href="\u0000javascript:alert(1)">x</a></p>',
      image: '\u0008javascript:alert(1)',
    });
  }
  for (const n of [1, 2]) {
    const marker = `[${format}:good-${n}]`;
    entries.push({
      guid: `${format}-good-${n}`,
      marker,
      title: `${marker} A good story`,
      link: `https://news.example/${format}/good-${n}`,
      summary: 'A good summary.',
      content: `<p>A good story ${format} ${n}, told in full.</p>`,
      image: `https://news.example/${format}/good-${n}.jpg`,
    });
  }
  return entries;
}

const x = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function rssFeed(entries: Entry[]): string {
  const items = entries.map(
    (e) =>
      `<item><title>${x(e.title)}</title><link>${x(e.link)}</link><guid isPermaLink="false">${x(e.guid)}</guid><pubDate>Tue, 10 Jun 2025 09:00:00 GMT</pubDate>` +
      `<description>${x(e.summary)}</description><content:encoded><![CDATA[${e.content.replace(/]]>/g, ']]]]><![CDATA[>')}]]></content:encoded>` +
      `<enclosure url="${x(e.image)}" type="image/jpeg" length="1"/><media:content url="${x(e.image)}" medium="image"/><category>${x(e.title)}</category></item>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Hostile RSS</title><link>${x(HOSTILE_HOMEPAGE.rss)}</link><description>d</description>${items.join('')}</channel></rss>`;
}

function atomFeed(entries: Entry[]): string {
  const items = entries.map(
    (e) =>
      `<entry><id>urn:test:${x(e.guid)}</id><title type="html">${x(e.title)}</title><link rel="alternate" href="${x(e.link)}"/><link rel="enclosure" type="image/jpeg" href="${x(e.image)}"/>` +
      `<updated>2025-06-10T09:00:00Z</updated><author><name>${x(e.title)}</name><uri>${x(e.link)}</uri></author><summary type="html">${x(e.summary)}</summary><content type="html">${x(e.content)}</content></entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Hostile Atom</title><id>urn:test:atom</id><updated>2025-06-10T09:00:00Z</updated><link rel="alternate" href="${x(HOSTILE_HOMEPAGE.atom)}"/>${items.join('')}</feed>`;
}

function jsonFeed(entries: Entry[]): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'Hostile JSON',
    home_page_url: HOSTILE_HOMEPAGE.json,
    items: entries.map((e) => ({
      id: e.guid,
      url: e.link,
      title: e.title,
      summary: e.summary,
      content_html: e.content,
      image: e.image,
      date_published: '2025-06-10T09:00:00Z',
      authors: [{ name: e.title, url: e.link }],
      tags: [e.title],
      attachments: [{ url: e.image, mime_type: 'image/jpeg' }],
    })),
  });
}

const FEEDS: Record<Format, { type: string; body: string; entries: Entry[] }> = {
  rss: { type: 'application/rss+xml', body: rssFeed(entriesOf('rss')), entries: entriesOf('rss') },
  atom: { type: 'application/atom+xml', body: atomFeed(entriesOf('atom')), entries: entriesOf('atom') },
  json: { type: 'application/feed+json', body: jsonFeed(entriesOf('json')), entries: entriesOf('json') },
};
const ALL_ENTRIES = FORMATS.flatMap((f) => FEEDS[f].entries);

// ------------------------------------------------------------------ what "executable" means to a consumer

const BAD_TAGS = new Set([
  'script',
  'iframe',
  'object',
  'embed',
  'meta',
  'link',
  'form',
  'base',
  'style',
  'svg',
  'math',
  'frame',
  'frameset',
  'applet',
  'button',
  'input',
  'template',
  'xmp',
  'noscript',
  'video',
  'audio',
  'source',
  'area',
  'map',
]);
const URL_ATTRS = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'srcset',
  'background',
  'poster',
  'data',
  'dynsrc',
  'lowsrc',
  'cite',
  'longdesc',
  'codebase',
  'usemap',
  'ping',
  'manifest',
  'srcdoc',
]);
// eslint-disable-next-line no-control-regex
const IGNORED = /[\u0000-\u0020\u007f-\u00a0\u00ad\u200b-\u200f\u2028\u2029\ufeff]+/g;

/** A URL value is executable when, entity-decoded and stripped as browsers do, it starts with a script or document scheme. */
function badUrl(value: string): boolean {
  const flat = load(
    `<a title="${value.replace(/"/g, '&quot;')}">`,
    null,
    false,
  )('a')
    .attr('title')!
    .replace(IGNORED, '')
    .toLowerCase();
  return /^(javascript|vbscript|data|file):/.test(flat) || /^&#|&colon;/.test(flat);
}

/** Every problem an HTML fragment has once a browser (parse5) has read it. */
function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const $ = load(html, null, false);
  $('*').each((_, node) => {
    const element = node as Element;
    const name = element.tagName.toLowerCase();
    if (BAD_TAGS.has(name)) problems.push(`<${name}>`);
    for (const [attr, value] of Object.entries(element.attribs)) {
      const key = attr.toLowerCase();
      if (key.startsWith('on')) problems.push(`${name}[${key}]`);
      if (key === 'style') problems.push(`${name}[style]`);
      if (key === 'srcset' ? value.split(',').some((part) => badUrl(part.trim())) : URL_ATTRS.has(key) || key.endsWith(':href') ? badUrl(value) : false)
        problems.push(`${name}[${key}=${value}]`);
    }
  });
  return problems;
}

/** A plain-text field must hold nothing a reader would take for markup. */
const markupIn = (text: string | null | undefined) => /<[A-Za-z!/?]/.test(text ?? '');

/** An address field: empty (dropped) or http(s). */
const badAddress = (url: string | null | undefined) => !!url && !/^https?:\/\/[^\s]+$/i.test(url);

/** The problems of one normalized item as the API and webhooks carry it. */
function itemProblems(item: NormalizedItem): string[] {
  const problems = htmlProblems(item.contentHtml).map((p) => `contentHtml ${p}`);
  for (const field of ['title', 'summary', 'contentText', 'author'] as const) if (markupIn(item[field])) problems.push(`${field} holds markup: ${item[field]}`);
  for (const tag of item.tags ?? []) if (markupIn(tag)) problems.push(`tag holds markup: ${tag}`);
  const addresses: Array<[string, string | undefined]> = [
    ['url', item.url],
    ['source.url', item.source.url],
    ['source.itemUrl', item.source.itemUrl],
  ];
  for (const s of item.sources) addresses.push(['sources[].url', s.url], ['sources[].itemUrl', s.itemUrl]);
  for (const image of item.images) addresses.push(['images[].url', image.url]);
  for (const [name, url] of addresses) if (badAddress(url)) problems.push(`${name} ${url}`);
  return problems;
}

const markerOf = (title: string) => /\[(?:rss|atom|json):[a-z0-9-]+\]/.exec(title)?.[0];

describe('markup attacks through the running pipeline: nothing executable in RSS, Atom, JSON Feed, the API or webhooks', () => {
  let feedServer: LoopbackServer;
  let receiver: LoopbackServer;
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    feedServer = await startServer((request, res) => {
      const format = request.url.slice(1) as Format;
      const feed = FEEDS[format];
      if (!feed) {
        res.statusCode = 404;
        return void res.end();
      }
      res.setHeader('content-type', `${feed.type}; charset=utf-8`);
      res.end(feed.body);
    });
    receiver = await startAcceptingReceiver();
    system = await startTestSystem('xss', {
      sources: FORMATS.map((format) => ({
        id: `hostile-${format}`,
        name: `Hostile ${format}`,
        url: `${feedServer.url}/${format}`,
        interval: '1h',
        fullText: 'never',
      })),
      channels: [{ id: 'all', title: 'Everything', pageSize: 1000 }],
      subscriptions: [{ id: 'receiver', url: `${receiver.url}/hooks`, secret: SECRET }],
      // Every completed dedup job is kept: counting their entries tells when every entry was processed.
      limits: { completedJobCap: 10_000 },
    });
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
    // Every entry is a story of its own (no two share a guid, a link or a text), so all of them must arrive.
    // A shortfall is reported by the tests below, entry by entry.
    await waitFor('every entry processed', async () => (await queuedEntries(system.ctx.queues.dedup, ['completed'])).length >= ALL_ENTRIES.length, 120_000);
    await waitFor(
      'the publish and deliver queues drained',
      async () => {
        const stored = (await system.ctx.items.latest(2000)).length;
        const publishing = await system.ctx.queues.publish.getJobCounts('waiting', 'active', 'delayed');
        return Object.values(publishing).every((n) => n === 0) && receiver.requests.length >= stored;
      },
      60_000,
    );
  }, 200_000);

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
    await feedServer?.close();
    await receiver?.close();
  });

  it('the corpus holds at least 40 attacks of the OWASP classes, javascript: variants, mutation XSS, SVG and MathML', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(40);
    const classes = new Set(attacks.map((a) => a.class));
    for (const c of [
      'javascript-url',
      'entity-encoding',
      'whitespace',
      'case',
      'data-url',
      'vbscript',
      'mutation',
      'svg',
      'mathml',
      'event-handler',
      'style',
      'srcset',
      'form',
    ])
      expect(classes, c).toContain(c);
  });

  it('every entry whose link was dropped is its own story; every other entry reached a story', async () => {
    const items = await system.ctx.items.latest(2000);
    const statuses = await system.ctx.sourceStatus.list(FORMATS.map((f) => `hostile-${f}`));
    expect(statuses.map((s) => s.errorCode)).toEqual([null, null, null]);
    const markers = new Set(items.map((item) => markerOf(item.title)));
    // The url attacks (and the JSON control-character one) lose their link: none may be merged for lack of it.
    const linkless = ALL_ENTRIES.filter((e) => /:url-/.test(e.marker));
    expect(linkless.map((e) => e.marker).filter((m) => !markers.has(m))).toEqual([]);
    expect(items.filter((item) => item.url === '').length).toBe(linkless.length);
    // Markup entries are their own stories too, unless the near-duplicate check finds two bodies the same once
    // their markup is gone (short, alike texts): then one story stands for both.
    expect(items.length).toBeGreaterThanOrEqual(ALL_ENTRIES.length - 12);
    for (const e of ALL_ENTRIES.filter((entry) => entry.marker.includes(':good-'))) expect(markers).toContain(e.marker);
  });

  it('RSS: the document renders (200) beside good entries; titles and descriptions are plain text; HTML and links are inert', async () => {
    const res = await app.inject({ method: 'GET', url: '/feeds/all.rss' });
    expect(res.statusCode).toBe(200);
    const $ = load(res.body, { xml: true });
    expect($('item').length).toBe((await system.ctx.items.latest(2000)).length);
    const problems: string[] = [];
    $('item').each((_, node) => {
      const item = $(node);
      const title = item.children('title').text();
      const where = markerOf(title) ?? title;
      if (markupIn(title)) problems.push(`${where} title: ${title}`);
      // A reader renders <description> as HTML: it must come out as text only.
      const description = load(item.children('description').text(), null, false);
      if (description('*').length) problems.push(`${where} description holds elements`);
      if (markupIn(description.root().text())) problems.push(`${where} description text holds markup`);
      for (const p of htmlProblems(item.children('content\\:encoded').text())) problems.push(`${where} content ${p}`);
      const link = item.children('link').text();
      if (badAddress(link)) problems.push(`${where} link ${link}`);
      item.find('category').each((_, c) => void (markupIn($(c).text()) && problems.push(`${where} category ${$(c).text()}`)));
      item.find('[url], [href]').each((_, el) => {
        for (const attr of ['url', 'href']) {
          const value = $(el).attr(attr);
          if (value !== undefined && badAddress(value)) problems.push(`${where} ${el.tagName}[${attr}] ${value}`);
        }
      });
    });
    expect(problems).toEqual([]);
    for (const n of [1, 2]) for (const format of FORMATS) expect(res.body).toContain(`[${format}:good-${n}] A good story`);
  });

  it('Atom: the document renders (200); text constructs are plain; content HTML and every href are inert', async () => {
    const res = await app.inject({ method: 'GET', url: '/feeds/all.atom' });
    expect(res.statusCode).toBe(200);
    const $ = load(res.body, { xml: true });
    expect($('entry').length).toBe((await system.ctx.items.latest(2000)).length);
    const problems: string[] = [];
    $('entry').each((_, node) => {
      const entry = $(node);
      const title = entry.children('title').text();
      const where = markerOf(title) ?? title;
      for (const field of ['title', 'summary']) if (markupIn(entry.children(field).text())) problems.push(`${where} ${field}`);
      for (const p of htmlProblems(entry.children('content').text())) problems.push(`${where} content ${p}`);
      entry.find('link').each((_, link) => void (badAddress($(link).attr('href')) && problems.push(`${where} link ${$(link).attr('href')}`)));
      entry.find('uri').each((_, uri) => void (badAddress($(uri).text()) && problems.push(`${where} uri ${$(uri).text()}`)));
      entry.find('name, category').each((_, el) => void (markupIn($(el).text() + ($(el).attr('term') ?? '')) && problems.push(`${where} ${el.tagName}`)));
    });
    expect(problems).toEqual([]);
  });

  it('JSON Feed: the document renders (200); summaries and titles are plain text; content_html and every url are inert', async () => {
    const res = await app.inject({ method: 'GET', url: '/feeds/all.json' });
    expect(res.statusCode).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is read field by field, as a consumer would
    const doc = JSON.parse(res.body) as { items: Array<Record<string, any>> };
    expect(doc.items).toHaveLength((await system.ctx.items.latest(2000)).length);
    const problems: string[] = [];
    for (const item of doc.items) {
      const where = markerOf(item.title ?? '') ?? item.id;
      for (const field of ['title', 'summary', 'content_text']) if (markupIn(item[field])) problems.push(`${where} ${field}: ${item[field]}`);
      for (const tag of item.tags ?? []) if (markupIn(tag)) problems.push(`${where} tag ${tag}`);
      for (const p of htmlProblems(item.content_html ?? '')) problems.push(`${where} content_html ${p}`);
      const urls = [item.url, item.external_url, item.image, item.banner_image, ...(item.authors ?? []).map((a: { url?: string }) => a.url)];
      for (const s of item._syndicate?.sources ?? []) urls.push(s.url, s.itemUrl);
      for (const image of item._syndicate?.images ?? []) urls.push(image.url);
      for (const url of urls) if (badAddress(url)) problems.push(`${where} url ${url}`);
    }
    expect(problems).toEqual([]);
  });

  it('the API (/api/v1/items) and every webhook payload carry no executable content', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/items?limit=500', headers: { authorization: 'Bearer test-admin-token' } });
    expect(res.statusCode).toBe(200);
    const { items } = JSON.parse(res.body) as { items: NormalizedItem[] };
    expect(items).toHaveLength((await system.ctx.items.latest(2000)).length);
    const problems = items.flatMap((item) => itemProblems(item).map((p) => `api ${markerOf(item.title)} ${p}`));
    const events = receiver.requests.map((request) => JSON.parse(request.body) as WebhookEvent);
    expect(events.filter((e) => e.type === 'item.published')).toHaveLength(items.length);
    for (const event of events) problems.push(...itemProblems(event.data).map((p) => `webhook ${markerOf(event.data.title)} ${p}`));
    expect(problems).toEqual([]);
  });

  it('good entries keep their links, pictures and text beside the hostile ones', async () => {
    const items = await system.ctx.items.latest(2000);
    for (const format of FORMATS) {
      const good = items.find((item) => item.title.startsWith(`[${format}:good-1]`))!;
      expect(good.url).toBe(`https://news.example/${format}/good-1`);
      expect(good.contentText).toContain(`A good story ${format} 1, told in full.`);
      if (format === 'json') expect(good.images.map((image) => image.url)).toContain(`https://news.example/${format}/good-1.jpg`);
      // The feed's hostile home page was dropped, never passed on: the document's origin stands in.
      expect(good.source.url).toBe(`${feedServer.url}/`);
    }
  });
});
