/**
 * Fetch-stage throughput: GET a ~1 MB RSS document from a loopback server, decode it and parse it
 * (`httpFetch` + `decodeText` + `parseFeed`), against rss-parser's `parseString` alone on the same bytes, in the
 * same run. The ratio is fetch+parse MB/s over parse-only MB/s (goal ≥ 0.8).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Parser from 'rss-parser';
import { decodeText } from '../src/content/decode-text.js';
import { httpFetch } from '../src/fetch/http-fetch.js';
import { parseFeed } from '../src/content/parse-feed.js';
import type { KeyFigure } from './_summary.js';

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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timeOnce(body: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await body();
  return performance.now() - started;
}

export default async function benchFetch(): Promise<Record<string, number>> {
  const xml = buildFeed(1024 * 1024);
  const bytes = Buffer.from(xml, 'utf8');
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(bytes));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
  const parser = new Parser();
  const runs = 40;
  const baselineRun = () => parser.parseString(bytes.toString('utf8'));
  const oursRun = async () => {
    const response = await httpFetch(url, { timeoutMs: 10_000, maxBytes: 10 * 1024 * 1024 });
    return parseFeed(decodeText(response.body, response.headers['content-type']), 100_000);
  };
  try {
    await baselineRun();
    await oursRun();
    // Alternate run by run and take medians, so both sides see the same machine load and outliers do not count.
    const baselineMs: number[] = [];
    const oursMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      baselineMs.push(await timeOnce(baselineRun));
      oursMs.push(await timeOnce(oursRun));
    }
    const ours = median(oursMs);
    const baseline = median(baselineMs);
    const mb = bytes.length / (1024 * 1024);
    const oursMBs = mb / (ours / 1000);
    const baselineMBs = mb / (baseline / 1000);
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

/** This benchmark's rows in the report `npm run bench` ends with (bench/_summary.ts). */
export const keyFigures: KeyFigure[] = [
  {
    label: 'fetch + decode + parse a 1 MB feed: MB/s',
    figure: 'fetch+decode+parseFeed (MB/s)',
    baseline: 'rss-parser parseString alone (MB/s)',
    ratio: 'ratio (goal >= 0.8)',
    goal: '≥ 0.8',
  },
];
