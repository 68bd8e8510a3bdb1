/**
 * Fetch-stage throughput: GET a ~1 MB RSS document from a loopback server, decode it and parse it
 * (`httpFetch` + `decodeText` + `parseFeed`), against rss-parser's `parseString` alone on the same bytes, in the
 * same run. The ratio is fetch+parse MB/s over parse-only MB/s (goal ≥ 0.8).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Parser from 'rss-parser';
import { decodeText } from '../src/fetch/decode-text.js';
import { httpFetch } from '../src/fetch/http-fetch.js';
import { parseFeed } from '../src/fetch/parse-feed.js';

function buildFeed(targetBytes: number): string {
  const items: string[] = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const item = `<item><title>Story ${i}: an interview about the regional order</title><link>https://example.com/news/${i}</link><guid>https://example.com/news/${i}</guid><pubDate>Tue, 10 Jun 2025 09:00:00 GMT</pubDate><dc:creator>Desk</dc:creator><description>${'A few sentences of summary text. '.repeat(8)}</description><content:encoded><![CDATA[<p>${'Paragraph of body text with some words. '.repeat(20)}</p>]]></content:encoded></item>`;
    items.push(item);
    size += item.length;
  }
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench</title><link>https://example.com/</link>${items.join('')}</channel></rss>`;
}

async function timeRuns(runs: number, body: () => Promise<unknown>): Promise<number> {
  await body(); // warm-up
  const started = performance.now();
  for (let i = 0; i < runs; i++) await body();
  return (performance.now() - started) / runs;
}

export default async function benchFetch(): Promise<Record<string, number>> {
  const xml = buildFeed(1024 * 1024);
  const bytes = Buffer.from(xml, 'utf8');
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(bytes));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
  const parser = new Parser();
  const runs = 15;
  try {
    // Interleave so both sides see the same machine load.
    let ours = 0;
    let baseline = 0;
    for (let round = 0; round < 3; round++) {
      baseline += await timeRuns(runs, () => parser.parseString(bytes.toString('utf8')));
      ours += await timeRuns(runs, async () => {
        const response = await httpFetch(url, { timeoutMs: 10_000, maxBytes: 10 * 1024 * 1024 });
        return parseFeed(decodeText(response.body, response.headers['content-type']), 100_000);
      });
    }
    const mb = bytes.length / (1024 * 1024);
    const oursMBs = mb / (ours / 3 / 1000);
    const baselineMBs = mb / (baseline / 3 / 1000);
    return {
      'feed size (MB)': mb,
      'fetch+decode+parseFeed (MB/s)': oursMBs,
      'rss-parser parseString alone (MB/s)': baselineMBs,
      'ratio (goal >= 0.8)': oursMBs / baselineMBs,
    };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
