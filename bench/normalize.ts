/**
 * Normalize throughput on the seed interview (as the article HTML a feed's content:encoded carries), as a ratio
 * to parsing the same HTML alone with the HTML parser the normalizer uses (cheerio/slim, i.e. htmlparser2). The two
 * alternate in short rounds and the ratio is the median of the rounds' ratios: on a shared machine the load changes
 * from second to second, and a pair of rounds sees the same machine.
 */
import { readFileSync } from 'node:fs';
import { load } from 'cheerio/slim';
import { normalizeEntry } from '../src/normalize/normalize-entry.js';
import type { FeedEntry } from '../src/content/feed-entry.js';
import { availableParallelism } from 'node:os';
import { documentCaps } from '../src/content/caps.js';
import { Sandbox } from '../src/sandbox/sandbox.js';
import type { KeyFigure } from './_summary.js';

const seed = readFileSync(new URL('../tests/fixtures/seed/news-az-trofimchuk.txt', import.meta.url), 'utf8');
const html = seed
  .split(/\n\s*\n/)
  .map((p) => p.trim())
  .filter(Boolean)
  .map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)
  .join('\n');

/** Alternating rounds of each, and how long each round lasts. */
const ROUNDS = 7;
const ROUND_SECONDS = 0.6;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function rate(run: () => void, seconds = 2): number {
  for (let i = 0; i < 20; i++) run();
  let count = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(seconds * 1e9);
  while (process.hrtime.bigint() - started < budget) {
    run();
    count++;
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

export default async function benchNormalize(): Promise<Record<string, number>> {
  const entry: FeedEntry = {
    guid: 'seed',
    link: 'https://news.az/news/seed',
    title: 'Grigory Trofimchuk: Russia has no choice but to accept the new regional order – INTERVIEW',
    publishedAt: '2025-06-10T09:00:00.000Z',
    updatedAt: null,
    author: null,
    summary: null,
    contentHtml: html,
    categories: [],
    imageUrl: null,
    language: 'en',
  };
  const source = { id: 'news-az', name: 'News.Az', homepage: 'https://news.az/' };
  if (normalizeEntry(entry, source, entry.publishedAt!).kind !== 'interview') throw new Error('the seed did not normalize to an interview');
  const parse = () => void load(html).root();
  const normalizeOnce = () => void normalizeEntry(entry, source, entry.publishedAt!);
  const pairs = Array.from({ length: ROUNDS }, () => ({ parse: rate(parse, ROUND_SECONDS), normalize: rate(normalizeOnce, ROUND_SECONDS) }));
  const parseOnly = median(pairs.map((pair) => pair.parse));
  const normalize = median(pairs.map((pair) => pair.normalize));
  const ratio = median(pairs.map((pair) => pair.normalize / pair.parse));
  // The workers' path: each entry normalized in the sandbox's pool (one thread per core), 16 in flight.
  const threads = availableParallelism();
  const sandbox = new Sandbox({ deadlineMs: 10_000, maxHeapMb: 512, threads });
  const caps = documentCaps({ maxFeedBytes: 10 * 1024 * 1024 });
  const task = () => sandbox.run('normalizeFeedEntry', { entry, source, fetchedAt: entry.publishedAt!, caps });
  let pooled: number;
  try {
    await sandbox.warm();
    await Promise.all(Array.from({ length: 40 }, task));
    let done = 0;
    const started = process.hrtime.bigint();
    const until = started + 3_000_000_000n;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (process.hrtime.bigint() < until) {
          await task();
          done++;
        }
      }),
    );
    pooled = done / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await sandbox.close();
  }
  return {
    'seed html bytes': Buffer.byteLength(html),
    'parse only (cheerio/slim load), docs/s (median round)': parseOnly,
    'normalize (full item), items/s (median round)': normalize,
    'ratio normalize / parse (median of rounds)': ratio,
    [`normalize in the sandbox pool (${threads} threads), items/s`]: pooled,
    'ratio pool / one thread in-process': pooled / normalize,
  };
}

/** This benchmark's rows in the report `npm run bench` ends with (bench/_summary.ts). */
export const keyFigures: KeyFigure[] = [
  {
    label: 'normalize the seed interview: items/s',
    figure: 'normalize (full item), items/s*',
    baseline: 'parse only (cheerio/slim load), docs/s*',
    ratio: 'ratio normalize / parse*',
    goal: '≥ 0.3',
  },
  {
    label: 'normalize in the sandbox pool: items/s',
    figure: 'normalize in the sandbox pool*',
    baseline: 'normalize (full item), items/s*',
    ratio: 'ratio pool / one thread in-process',
    goal: '(reported)',
  },
];
