import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import jsonFeedSchema from 'jsonfeed-schema/schema-v1.1.json' with { type: 'json' };
import Parser from 'rss-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { renderChannel, type FeedPage } from '../../src/publish/render-feed.js';
import { articleItem, channel, interviewItem } from './fixtures.js';

// RFC 4287's RELAX NG grammar, copied from shared/validators so a clone checks Atom on its own.
const ATOM_RNC = fileURLToPath(new URL('../fixtures/validators/atom.rnc', import.meta.url));
const links = { publicUrl: 'https://syn.example', hubUrl: 'https://syn.example/websub' };
// The last story's language is not a language tag Atom accepts: the renderer must leave hreflang out.
const items = [interviewItem(2), articleItem(1), interviewItem(1), { ...articleItem(4), language: 'pt_BR' }];
const updated = new Date('2025-06-12T10:00:00Z');
const pages: Array<[string, FeedPage]> = [
  // A retracted story leaves an RFC 6721 tombstone in the current document (checked by jing with the rest).
  ['current', { archive: null, archivePages: 2, tombstones: [{ storyId: 'retracted-1', deletedAt: Date.parse('2025-06-12T09:00:00Z') }] }],
  ['archive', { archive: 2, archivePages: 3 }],
];
const dir = mkdtempSync(join(tmpdir(), 'syn-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

describe('renderChannel: every format validates, on interviews with non-ASCII text, sanitized HTML and several sources', () => {
  it('Atom validates against RFC 4287 (jing) and carries sources, via links, categories and RFC 5005 links', () => {
    expect(existsSync(ATOM_RNC), ATOM_RNC).toBe(true);
    const files = pages.map(([name, page]) => write(`${name}.atom`, renderChannel('atom', channel(), items, links, updated, page)));
    // jing prints nothing and exits 0 on valid documents; a failure throws with its messages.
    expect(execFileSync('jing', ['-c', ATOM_RNC, ...files], { encoding: 'utf8' })).toBe('');
    const current = renderChannel('atom', channel(), items, links, updated, pages[0]![1]);
    expect(current).toContain('<link rel="hub" href="https://syn.example/websub"/>');
    expect(current).toContain('<link rel="self" href="https://syn.example/feeds/interviews.atom"');
    expect(current).toContain('<link rel="prev-archive" href="https://syn.example/feeds/interviews/archive/2.atom"');
    expect(current).not.toContain('fh:archive/>');
    expect(current).toContain('xmlns:at="http://purl.org/atompub/tombstones/1.0"');
    expect(current).toContain('<at:deleted-entry ref="urn:syndicate:story:retracted-1" when="2025-06-12T09:00:00.000Z"/>');
    expect(current).toContain('<category term="interview" scheme="urn:syndicate:kind" label="Interview"/>');
    expect(current).toContain('<source><id>https://news.az/</id><title type="text">News.Az</title>');
    for (const name of ['News.Az', 'APA — Azərbaycan', 'РИА Новости']) expect(current).toContain(`<author><name>${name}</name>`);
    expect(current).toContain('<link rel="via" type="text/html" href="https://apa.az/xeber/trofimchuk?x=1&amp;y=2" title="APA — Azərbaycan"/>');
    expect(current).toContain('Şuşa, Ağdam, Gəncə');
    // Q&A markup, escaped once inside type="html" content.
    expect(current).toContain('&lt;dt class=&quot;question&quot;&gt;Какие у вас прогнозы &amp;lt;на&amp;gt; 2025 год?&lt;/dt&gt;');
    const archive = renderChannel('atom', channel(), items, links, updated, pages[1]![1]);
    expect(archive).toContain('<fh:archive/>');
    expect(archive).toContain('rel="current" href="https://syn.example/feeds/interviews.atom"');
    expect(archive).toContain('rel="prev-archive" href="https://syn.example/feeds/interviews/archive/1.atom"');
    expect(archive).toContain('rel="next-archive" href="https://syn.example/feeds/interviews/archive/3.atom"');
  });

  it('no format carries the unsafe HTML of the source', () => {
    for (const format of ['rss', 'atom', 'json'] as const) {
      const body = renderChannel(format, channel(), items, links, updated);
      expect(body).not.toMatch(/<script|onclick|onerror|javascript:|alert/i);
      expect(body).toContain('https://news.az/i.jpg');
    }
  });

  it('RSS parses cleanly in feedparser (bozo 0) and rss-parser, with every outlet and the interview category', async () => {
    const files = pages.map(([name, page]) => write(`${name}.rss`, renderChannel('rss', channel(), items, links, updated, page)));
    const script = `import sys, json, feedparser
out = []
for f in sys.argv[1:]:
    d = feedparser.parse(f)
    out.append({"bozo": int(d.bozo), "exc": str(d.get("bozo_exception", "")), "n": len(d.entries),
      "tags": [t.term for t in d.entries[0].get("tags", [])], "title": d.entries[0].title,
      "source": d.entries[0].get("source", {}).get("href"), "links": [l.get("rel") for l in d.feed.links]})
print(json.dumps(out))`;
    const results = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8' })) as Array<Record<string, unknown>>;
    for (const r of results) {
      expect(r, String(r.exc)).toMatchObject({ bozo: 0, n: 4, source: 'https://news.az/' });
      expect(r.tags).toEqual(expect.arrayContaining(['interview', 'Qarabağ', 'Григорий Трофимчук']));
      expect(r.title).toContain('Россия & «новый порядок» — Şuşa');
    }
    expect(results[0]!.links).toEqual(expect.arrayContaining(['self', 'hub', 'prev-archive']));
    expect(results[1]!.links).toEqual(expect.arrayContaining(['current', 'prev-archive', 'next-archive']));

    const rss = renderChannel('rss', channel(), items, links, updated);
    const parsed = await new Parser({ customFields: { item: [['dc:creator', 'creators', { keepArray: true }]] } }).parseString(rss);
    expect(parsed.items).toHaveLength(4);
    const first = parsed.items[0] as unknown as { creators: string[]; categories: unknown[]; guid: string };
    expect(first.creators).toEqual(['News.Az', 'APA — Azərbaycan', 'РИА Новости']);
    expect(first.guid).toBe('urn:syndicate:story:story-2');
    expect(rss).toContain('<atom:link href="https://syn.example/websub" rel="hub"/>');
    expect(rss).toContain('<atom:link rel="via" href="https://ria.ru/20250610/trofimchuk.html" title="РИА Новости"/>');
  });

  it('JSON Feed validates against the JSON Feed 1.1 schema and carries _interview and _syndicate.sources', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(jsonFeedSchema);
    for (const [, page] of pages) {
      const doc = JSON.parse(renderChannel('json', channel(), items, links, updated, page));
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    }
    const doc = JSON.parse(renderChannel('json', channel(), items, links, updated, pages[0]![1]));
    expect(doc.version).toBe('https://jsonfeed.org/version/1.1');
    expect(doc.hubs).toEqual([{ type: 'WebSub', url: 'https://syn.example/websub' }]);
    expect(doc.next_url).toBe('https://syn.example/feeds/interviews/archive/2.json');
    const [interview, article] = doc.items;
    expect(interview._interview.qa).toHaveLength(2);
    expect(interview._interview.interviewee.name).toBe('Григорий Трофимчук');
    expect(interview._syndicate.sources.map((s: { id: string }) => s.id)).toEqual(['news-az', 'apa-az', 'ria']);
    expect(interview.authors).toHaveLength(3);
    expect(interview.tags).toContain('interview');
    expect(interview.content_html).toContain('<dl class="qa"><dt class="question">Какие у вас прогнозы &lt;на&gt; 2025 год?</dt>');
    expect(article._interview).toBeUndefined();
    expect(article.tags).toContain('article');
  });

  it('renders the same bytes for the same input (pure)', () => {
    for (const format of ['rss', 'atom', 'json'] as const)
      expect(renderChannel(format, channel(), items, links, updated)).toBe(renderChannel(format, channel(), items, links, updated));
  });
});
