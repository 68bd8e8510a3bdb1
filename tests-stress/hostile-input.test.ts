import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, WEBHOOK_SECRET, roleEnv, sleep, startRoles, timedGet, until, useStressRig } from './support/harness.js';
import { report } from './support/report.js';

/**
 * Hostile input: algorithmic-complexity and resource attacks, each a source of its own served from loopback beside
 * one good source, against the built system in one process (`start`, every role) with the default 2 s document
 * deadline. The good source's story is published, /healthz answers within 1 s throughout, and each hostile source's
 * status says what happened: a refusal's code, or (for an attack that linear patterns and caps defuse) a read that
 * ended without error, its entries normalized without one, with what the caps did in `parseWarning`. Floods of hub
 * subscriptions, forged verifications and 8 MB pushes run against the API meanwhile.
 */
type Outcome = { code: RegExp } | 'read' | 'page-read';
interface Attack {
  id: string;
  what: string;
  /** `page-read`: the feed's entry is completed from a hostile article page (`fullText: always`), without error. */
  outcome: Outcome;
  /** The answer: a body (with headers), or a handler for streamed attacks. */
  body?: () => Buffer | string;
  headers?: Record<string, string>;
  handler?: (res: http.ServerResponse) => void;
  /** The article page the feed's one entry links to (served at /p/<id>; the source reads it: `fullText: always`). */
  page?: () => string;
}

const rss = (items: string, prolog = '') =>
  `${prolog}<rss version="2.0"><channel><title>Hostile</title><link>http://hostile.example/</link>${items}</channel></rss>`;
const item = (i: number | string, body: string, title = `Entry ${i}`) =>
  `<item><guid>h-${i}</guid><title>${title}</title><link>http://hostile.example/${i}</link><description><![CDATA[${body}]]></description></item>`;
const inBody = (html: string) => () => rss(item(1, html));
const SPACES = ' '.repeat(60_000);
const LOREM = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ';
const htmlPage = (body: string) =>
  `<!doctype html><html><head><title>Hostile page</title></head><body><article><h1>Hostile page</h1>${body}</article></body></html>`;
const json = (items: unknown[]) => JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items });

const ATTACKS: Attack[] = [
  // The prolog pattern family (exponential before): comments and processing instructions before no root.
  {
    id: 'prolog-comments',
    what: '40 000 comments before a non-root',
    outcome: { code: /SYN_ERR_PARSE_FAILED/ },
    body: () => `${'<!-- x -->'.repeat(40_000)}text`,
  },
  {
    id: 'prolog-pis',
    what: '40 000 processing instructions before a non-root',
    outcome: { code: /SYN_ERR_PARSE_FAILED/ },
    body: () => `${'<?pi x?>'.repeat(40_000)}text`,
  },
  { id: 'prolog-empty-comments', what: '<!----> × 60 000 then <', outcome: { code: /SYN_ERR_PARSE_FAILED/ }, body: () => `${'<!---->'.repeat(60_000)}<` },
  {
    id: 'prolog-atom',
    what: 'an Atom feed behind 5000 comments',
    outcome: 'read',
    body: () =>
      `${'<!-- c -->'.repeat(5_000)}<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>a1</id><title>T</title><content>Body text.</content></entry></feed>`,
  },
  {
    id: 'doctype-unclosed',
    what: 'a DOCTYPE whose subset never closes',
    outcome: { code: /SYN_ERR_PARSE_FAILED/ },
    body: () => `<!DOCTYPE rss [${'<!-- ] -->'.repeat(50_000)}`,
  },
  // Entities.
  {
    id: 'entity-expansion',
    what: 'a 20 KB entity referenced 200 × 200 times (800 MB expanded)',
    outcome: { code: /SYN_ERR_PARSE_ENTITY_EXPANSION/ },
    body: () =>
      `<!DOCTYPE rss [<!ENTITY big "${'x'.repeat(20_000)}">]>${rss(Array.from({ length: 200 }, (_, i) => `<item><guid>e${i}</guid><title>t</title><description>${'&big;'.repeat(200)}</description></item>`).join(''))}`,
  },
  {
    id: 'billion-laughs',
    what: 'nested entities',
    outcome: { code: /SYN_ERR_PARSE_FAILED/ },
    body: () => `<!DOCTYPE rss [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${rss(item(1, '&b;'))}`,
  },
  // Depth and size.
  {
    id: 'deep-xml',
    what: '200 000 nested elements in an item',
    outcome: { code: /SYN_ERR_PARSE_TOO_COMPLEX/ },
    body: () => rss(`<item><guid>d</guid><title>deep</title>${'<x>'.repeat(200_000)}${'</x>'.repeat(200_000)}</item>`),
  },
  {
    id: 'deep-atom-xhtml',
    what: '200 000 nested divs in Atom xhtml content',
    outcome: { code: /SYN_ERR_PARSE_TOO_COMPLEX/ },
    body: () =>
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>d</id><title>T</title><content type="xhtml">${'<div>'.repeat(200_000)}${'</div>'.repeat(200_000)}</content></entry></feed>`,
  },
  {
    id: 'deep-json',
    what: 'JSON nested 1 000 000 deep',
    outcome: { code: /SYN_ERR_PARSE_(TOO_COMPLEX|FAILED)/ },
    body: () => `{"version":"https://jsonfeed.org/version/1.1","items":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`,
  },
  {
    id: 'huge-paragraph',
    what: 'a 7.5 MB article in one paragraph',
    outcome: 'read',
    body: () => rss(item(1, `<p>${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(131_600)}</p>`)),
  },
  { id: 'huge-title', what: 'a 5 MB title', outcome: 'read', body: () => rss(item(1, '<p>Body.</p>', 'T'.repeat(5_000_000))) },
  { id: 'many-entries', what: '200 000 tiny entries', outcome: 'read', body: () => rss('<item><title>t</title></item>'.repeat(200_000)) },
  {
    id: 'many-categories',
    what: '200 000 categories on one entry',
    outcome: 'read',
    body: () => rss(`<item><guid>c</guid><title>c</title>${'<category>x</category>'.repeat(200_000)}</item>`),
  },
  { id: 'many-paragraphs', what: '300 000 paragraphs in one body', outcome: 'read', body: inBody('<p>a</p>'.repeat(300_000)) },
  {
    id: 'json-many-items',
    what: 'a JSON Feed of 500 000 items',
    outcome: 'read',
    body: () =>
      JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: Array.from({ length: 500_000 }, (_, i) => ({ id: `j${i}` })) }),
  },
  // Normalize's pattern families, each over a long run of the character its old pattern backtracked on.
  {
    id: 'switcher',
    what: '45 language labels and a stray word (exponential before)',
    outcome: 'read',
    body: inBody(`<p>${'EN '.repeat(45)}x</p><p>${'EN | '.repeat(5000)}x</p>`),
  },
  { id: 'read-more', what: '"read the full " × 40 000 (quadratic before)', outcome: 'read', body: inBody(`<p>${'read the full '.repeat(40_000)}</p>`) },
  { id: 'furniture-share', what: 'a share line of 60 000 spaces', outcome: 'read', body: inBody(`<p>Share on${SPACES}x</p><p>Subscribe to${SPACES}!</p>`) },
  {
    id: 'furniture-counters',
    what: 'counters of 30 000 "1 " runs',
    outcome: 'read',
    body: inBody(`<p>${'1 '.repeat(30_000)}x views</p><p>Views${SPACES}1${SPACES}x</p>`),
  },
  {
    id: 'captions',
    what: 'credit and caption lines padded with spaces',
    outcome: 'read',
    body: inBody(`<p>Photo${SPACES}by${SPACES}:${SPACES}</p><p>${'a'.repeat(20)} (Photo${SPACES}:${SPACES}x${SPACES}</p>`),
  },
  {
    id: 'qa-labels',
    what: 'Q&A labels padded with spaces',
    outcome: 'read',
    body: inBody(`<p>Question:${SPACES}</p><p>Why?${SPACES}A:${SPACES}</p><p>${'A'.repeat(100_000)}:</p>`),
  },
  {
    id: 'dates',
    what: 'date and dateline shapes over long digit runs',
    outcome: 'read',
    body: inBody(`<p>${'1'.repeat(100_000)}x</p><p>${'12.12.'.repeat(20_000)}</p><p>Updated${SPACES}:${SPACES}x</p>`),
  },
  {
    id: 'breadcrumbs',
    what: 'a breadcrumb of 20 000 crumbs',
    outcome: 'read',
    body: inBody(`<p>${'Home / '.repeat(20_000)}</p><p>Home${SPACES}/${SPACES}x</p>`),
  },
  { id: 'credits', what: 'an interviewer credit padded with spaces', outcome: 'read', body: inBody(`<p>Interview by${SPACES}:${SPACES}1</p>`) },
  {
    id: 'outlet-cue',
    what: 'an outlet cue after 100 000 capitals',
    outcome: 'read',
    body: inBody(`<p>${'A'.repeat(100_000)}-a müsahibə</p><p>${'A'.repeat(100_000)}'a x</p>`),
  },
  {
    id: 'genre-marker',
    what: 'a title of 20 000 dashes before "interview"',
    outcome: 'read',
    body: () => rss(item(1, '<p>Body.</p>', `${' – '.repeat(20_000)}x`)),
  },
  { id: 'deep-html', what: '100 000 nested divs in an entry body', outcome: 'read', body: inBody(`${'<div>'.repeat(100_000)}text${'</div>'.repeat(100_000)}`) },
  // JSON Feed shapes.
  {
    id: 'json-huge-content',
    what: 'a JSON Feed item of 9 MB content_html in one paragraph',
    outcome: 'read',
    body: () => json([{ id: 'j1', url: 'http://hostile.example/j1', title: 'Big', content_html: `<p>${LOREM.repeat(160_000)}</p>` }]),
  },
  {
    id: 'json-deep-item',
    what: 'a JSON Feed item nesting objects 100 000 deep',
    outcome: { code: /SYN_ERR_PARSE_TOO_COMPLEX/ },
    body: () => `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"a","x":${'{"y":'.repeat(100_000)}1${'}'.repeat(100_000)}}]}`,
  },
  {
    id: 'json-many-tags',
    what: 'a JSON Feed item with 500 000 tags',
    outcome: 'read',
    body: () => json([{ id: 't1', title: 'Tags', content_text: 'Tagged.', tags: Array.from({ length: 500_000 }, (_, i) => `t${i}`) }]),
  },
  // XML shapes the readers meet.
  {
    id: 'many-attributes',
    what: 'an item with 100 000 attributes',
    outcome: 'read',
    body: () => rss(`<item ${Array.from({ length: 100_000 }, (_, i) => `a${i}="x"`).join(' ')}><guid>at</guid><title>Attributes</title></item>`),
  },
  {
    id: 'huge-attribute',
    what: 'a 5 MB link attribute in an Atom entry',
    outcome: 'read',
    body: () =>
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>h</id><title>T</title><link href="http://hostile.example/${'a'.repeat(5_000_000)}"/><content>Body.</content></entry></feed>`,
  },
  // A root tag or DOCTYPE past the 64 KB the prolog scanner reads is no feed of ours.
  {
    id: 'many-namespaces',
    what: '50 000 namespace declarations on the root',
    outcome: { code: /SYN_ERR_PARSE_FAILED/ },
    body: () =>
      rss(item(1, '<p>Body.</p>')).replace(
        '<rss version="2.0">',
        `<rss version="2.0" ${Array.from({ length: 50_000 }, (_, i) => `xmlns:n${i}="urn:n${i}"`).join(' ')}>`,
      ),
  },
  {
    id: 'many-entities',
    what: '20 000 declared entities, each used once',
    outcome: { code: /SYN_ERR_PARSE_FAILED/ },
    body: () =>
      `<!DOCTYPE rss [${Array.from({ length: 20_000 }, (_, i) => `<!ENTITY e${i} "v${i}">`).join('')}]>${rss(item(1, '<p>x</p>').replace('Entry 1', Array.from({ length: 20_000 }, (_, i) => `&e${i};`).join('')))}`,
  },
  {
    id: 'big-ordinary-feed',
    what: '500 ordinary entries of 18 KB each (9 MB)',
    outcome: 'read',
    body: () => rss(Array.from({ length: 500 }, (_, i) => item(`b${i}`, `<p>${LOREM.repeat(60)}</p>`.repeat(5))).join('')),
  },
  // Article pages read for the full text (fullText: always), and a home page for discovery.
  {
    id: 'page-huge-paragraph',
    what: 'an article page of 7.5 MB in one paragraph',
    outcome: 'page-read',
    page: () => htmlPage(`<p>${LOREM.repeat(131_600)}</p>`),
  },
  {
    id: 'page-deep',
    what: 'an article page of 100 000 nested divs',
    outcome: 'page-read',
    page: () => htmlPage(`<p>${LOREM.repeat(20)}</p>${'<div>'.repeat(100_000)}${LOREM}${'</div>'.repeat(100_000)}`),
  },
  { id: 'page-many-paragraphs', what: 'an article page of 150 000 paragraphs', outcome: 'page-read', page: () => htmlPage(`<p>${LOREM}</p>`.repeat(150_000)) },
  {
    id: 'page-switcher',
    what: 'an article page of language labels and read-more runs',
    outcome: 'page-read',
    page: () => htmlPage(`<p>${'EN '.repeat(5_000)}x</p><p>${'read the full '.repeat(40_000)}</p><p>${LOREM.repeat(50)}</p>`),
  },
  {
    id: 'home-huge',
    what: 'a 6 MB home page that names no feed',
    outcome: { code: /SYN_ERR_NO_FEED_FOUND/ },
    body: () => htmlPage(`<div><a href="/x">${LOREM}</a></div>`.repeat(80_000)),
    headers: { 'content-type': 'text/html' },
  },
  // The network: every read bounded in bytes and time.
  { id: 'slow-drip', what: 'one byte every 300 ms', outcome: { code: /SYN_ERR_FETCH_TIMEOUT/ }, handler: (res) => drip(res, 300) },
  { id: 'no-headers', what: 'a connection that never answers', outcome: { code: /SYN_ERR_FETCH_TIMEOUT/ }, handler: () => {} },
  { id: 'endless', what: 'an endless answer', outcome: { code: /SYN_ERR_FETCH_(TOO_LARGE|TIMEOUT)/ }, handler: (res) => endless(res) },
  {
    id: 'gzip-bomb',
    what: '64 MB of zeros gzipped',
    outcome: { code: /SYN_ERR_FETCH_TOO_LARGE/ },
    body: () => gzipSync(Buffer.alloc(64 * 1024 * 1024)),
    headers: { 'content-encoding': 'gzip' },
  },
  {
    id: 'brotli-bomb',
    what: '64 MB of zeros in brotli',
    outcome: { code: /SYN_ERR_FETCH_TOO_LARGE/ },
    body: () => brotliCompressSync(Buffer.alloc(64 * 1024 * 1024)),
    headers: { 'content-encoding': 'br' },
  },
  {
    id: 'deflate-bomb',
    what: '64 MB of zeros deflated',
    outcome: { code: /SYN_ERR_FETCH_TOO_LARGE/ },
    body: () => deflateSync(Buffer.alloc(64 * 1024 * 1024)),
    headers: { 'content-encoding': 'deflate' },
  },
];

function drip(res: http.ServerResponse, everyMs: number): void {
  res.writeHead(200, { 'content-type': 'application/rss+xml' });
  const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('<')), everyMs);
  res.on('close', () => clearInterval(timer));
}

function endless(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/rss+xml' });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

/** Statuses of `count` requests sent `width` at a time. */
async function flood(count: number, width: number, send: (i: number) => Promise<Response>): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        const status = await send(i).then(
          async (r) => (await r.arrayBuffer(), String(r.status)),
          () => 'no answer',
        );
        tally[status] = (tally[status] ?? 0) + 1;
      }
    }),
  );
  return tally;
}

/**
 * The floods sent at the API while the hostile sources are read: hub subscriptions from one client, forged
 * verifications at our callback, and 8 MB pushes to a callback we never subscribed.
 */
async function floods(api: string, hostile: string) {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const hub = await flood(300, 20, (i) =>
    fetch(`${api}/websub`, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': `${api}/feeds/all.rss`, 'hub.callback': `${hostile}/cb/${i}` }),
      signal: AbortSignal.timeout(10_000),
    }),
  );
  const forged = await flood(300, 20, (i) =>
    fetch(`${api}/websub/good?hub.mode=subscribe&hub.topic=${encodeURIComponent(`${hostile}/t/${i}`)}&hub.challenge=c${i}&hub.lease_seconds=999999999`, {
      signal: AbortSignal.timeout(10_000),
    }),
  );
  const big = Buffer.alloc(8 * 1024 * 1024, '<');
  const pushes = await flood(10, 5, () =>
    fetch(`${api}/websub/good`, { method: 'POST', headers: { 'content-type': 'application/atom+xml' }, body: big, signal: AbortSignal.timeout(10_000) }),
  );
  return { hub, forged, pushes };
}

/** The health prober's program: GET the URL every 100 ms (5 s at most each), one JSON line per answer. */
const HEALTH_PROBE = `
const url = process.argv[1];
(async () => {
  for (;;) {
    const at = new Date().toISOString();
    const started = performance.now();
    let status = 0;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await response.text();
      status = response.status;
    } catch {}
    process.stdout.write(JSON.stringify({ at, ms: performance.now() - started, status }) + '\\n');
    await new Promise((done) => setTimeout(done, 100));
  }
})();
`;

async function startHostileServer(): Promise<{ url: string; close(): Promise<void> }> {
  const bodies = new Map(ATTACKS.filter((a) => a.body).map((a) => [a.id, Buffer.from(a.body!())]));
  const pages = new Map(ATTACKS.filter((a) => a.page).map((a) => [a.id, Buffer.from(a.page!())]));
  let base = '';
  const server = http.createServer((req, res) => {
    const [, kind, id] = /^\/([hp])\/([\w-]+)$/.exec(req.url ?? '') ?? [];
    const attack = ATTACKS.find((a) => a.id === id);
    if (!attack) return res.writeHead(404).end();
    if (kind === 'p') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages.get(attack.id));
    if (attack.page) {
      // A summary-only entry whose article page is the attack.
      return res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(
          rss(
            `<item><guid>p-${attack.id}</guid><title>Page ${attack.id}</title><link>${base}/p/${attack.id}</link><description>A teaser.</description></item>`,
          ),
        );
    }
    if (attack.handler) return attack.handler(res);
    res.writeHead(200, { 'content-type': 'application/xml', ...attack.headers });
    res.end(bodies.get(attack.id));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.2', done));
  base = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () => new Promise((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
}

describe('hostile input beside a good source', () => {
  const rig = useStressRig(1, 1);

  it(`ends each of ${ATTACKS.length} attacks and 3 floods with its outcome, publishes the good story, and /healthz answers within 1 s throughout`, async () => {
    const hostile = await startHostileServer();
    const dir = mkdtempSync(join(tmpdir(), 'syn-stress-hostile-'));
    const configPath = join(dir, 'syndication.yaml');
    writeFileSync(
      configPath,
      [
        'sources:',
        `  - { id: good, name: Good, url: '${rig.feeds.url}/feed/0.rss', interval: 1h, fullText: never }`,
        ...ATTACKS.map((a) => `  - { id: ${a.id}, name: ${a.id}, url: '${hostile.url}/h/${a.id}', interval: 1h, fullText: ${a.page ? 'always' : 'never'} }`),
        'channels:',
        '  - { id: all, title: All stories }',
        'subscriptions:',
        `  - { id: consumer, url: '${rig.receiver.url}', secret: ${WEBHOOK_SECRET} }`,
        'network:',
        '  allowHosts: [127.0.0.1, 127.0.0.2, localhost]',
        'limits:',
        '  hostSpacing: 0s',
        '  hostConcurrency: 8',
        '  fetchTimeout: 10s',
        '  shutdownGrace: 2s',
      ].join('\n'),
    );
    rig.processes = await startRoles([''], roleEnv(rig.redis.url, configPath), mkdtempSync(join(tmpdir(), 'syn-stress-hostile-logs-')));
    const system = rig.processes.get('')!;
    await system.ready();
    const api = system.url;

    // /healthz is asked from a process of its own, an outside observer: this one is busy serving the attacks.
    const health: number[] = [];
    const slow: string[] = [];
    const prober = spawn(process.execPath, ['-e', HEALTH_PROBE, `${api}/healthz`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let partial = '';
    prober.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const { at, ms, status } = JSON.parse(line) as { at: string; ms: number; status: number };
        health.push(status === 200 ? ms : Infinity);
        if (ms > 500) slow.push(`${at} ${Math.round(ms)} ms${status === 200 ? '' : ` (${status})`}`);
      }
    });
    let probing = true;
    const probe = (async () => {
      while (probing) await sleep(100);
      prober.kill();
      await new Promise((done) => (prober.exitCode === null ? prober.once('exit', done) : done(null)));
    })();

    const started = Date.now();
    const flooded = floods(api, hostile.url);
    const statusOf = async (id: string) => {
      const answer = await timedGet(`${api}/api/v1/sources/${id}`, { authorization: `Bearer ${ADMIN_TOKEN}` });
      if (answer.status !== 200) return null;
      const source = (JSON.parse(answer.body) as { source: { status?: Record<string, unknown> } & Record<string, unknown> }).source;
      return (source.status ?? source) as {
        lastFetchAt: string | null;
        errorCode: string | null;
        errorMessage: string | null;
        entriesSeen: number | null;
        parseWarning: string | null;
        fullText: { fetched: number; errors: number; lastError: { code: string; message: string } | null };
        normalize?: { errors: number; lastError: { code: string } | null };
        websub?: unknown;
      };
    };
    try {
      await until('the good story to be published', () => rig.receiver.received.length > 0, 240_000, 250);
      const results = new Map<string, NonNullable<Awaited<ReturnType<typeof statusOf>>>>();
      await until(
        'every hostile source to be read',
        async () => {
          for (const attack of ATTACKS) {
            if (results.has(attack.id)) continue;
            const status = await statusOf(attack.id);
            if (status?.lastFetchAt) results.set(attack.id, status);
          }
          return results.size === ATTACKS.length;
        },
        240_000,
        500,
      );
      // Normalize jobs of the read ones: give them time to finish or be given up.
      await sleep(5_000);
      const floodCodes = await flooded;
      const rows: string[] = [];
      const wrong: string[] = [];
      for (const attack of ATTACKS) {
        const status = (await statusOf(attack.id)) ?? results.get(attack.id)!;
        const normalizeError = status.normalize?.lastError?.code ?? null;
        const pageError = status.fullText.lastError;
        rows.push(
          `${attack.id.padEnd(22)} ${attack.what.padEnd(62)} ${status.errorCode ?? `read ${status.entriesSeen} entries`}${normalizeError ? `, normalize ${normalizeError}` : ''}${attack.page ? `, page ${pageError ? pageError.code : `read ${status.fullText.fetched}`}` : ''}${status.parseWarning ? ` (${status.parseWarning.slice(0, 120)})` : ''}`,
        );
        if (attack.outcome === 'read' || attack.outcome === 'page-read') {
          if (status.errorCode || normalizeError) wrong.push(`${attack.id}: ${status.errorCode ?? normalizeError} ${status.errorMessage ?? ''}`);
          if (attack.outcome === 'page-read' && (pageError || status.fullText.fetched < 1))
            wrong.push(`${attack.id}: article page ${pageError ? `${pageError.code} ${pageError.message}` : 'not read'}`);
        } else if (!attack.outcome.code.test(status.errorCode ?? ''))
          wrong.push(`${attack.id}: expected ${attack.outcome.code} got ${status.errorCode} ${status.errorMessage ?? ''}`);
      }
      const metrics = (await timedGet(`${api}/metrics`)).body;
      const overruns = [...metrics.matchAll(/^syndicate_sandbox_(?:overruns|threads_killed)_total\{[^}]*\} \d+/gm)].map((m) => m[0]);
      probing = false;
      await probe;
      const worstHealth = Math.max(...health);
      report('hostile input', {
        attacks: ATTACKS.length,
        seconds: Math.round((Date.now() - started) / 1000),
        healthWorstMs: Math.round(worstHealth),
        healthProbes: health.length,
        healthSlow: slow,
        outcomes: rows,
        sandbox: overruns,
        floods: floodCodes,
      });
      console.log(rows.join('\n'));
      console.log(JSON.stringify({ floods: floodCodes, healthWorstMs: Math.round(worstHealth), healthSlow: slow, sandbox: overruns }));
      expect(wrong).toEqual([]);
      // Floods: every request answered, in the documented way; the rate limit holds; nothing forged is taken.
      expect(
        Object.keys(floodCodes.hub).every((code) => ['202', '400', '403', '429'].includes(code)),
        JSON.stringify(floodCodes.hub),
      ).toBe(true);
      expect(floodCodes.hub['429']).toBeGreaterThan(0);
      expect(floodCodes.forged).toEqual({ 404: 300 });
      // A push to a callback with no subscription is refused before its body is read: 410 and the connection closed,
      // which a client still uploading its 8 MB may see as the connection dropped.
      expect(
        Object.keys(floodCodes.pushes).every((code) => ['404', '410', 'no answer'].includes(code)),
        JSON.stringify(floodCodes.pushes),
      ).toBe(true);
      expect(floodCodes.pushes['410']).toBeGreaterThan(0);
      expect((await statusOf('good'))!.websub ?? null).toBeNull();
      expect(worstHealth).toBeLessThan(1_000);
    } finally {
      probing = false;
      await probe;
      await hostile.close();
    }
  }, 600_000);
});
