/**
 * Feed serving and rendering. Serving: cached `/feeds/{channel}.atom` requests per second through the real app
 * (buildApp on loopback, a 50-story channel in Redis under a prefix of its own), against a bare fastify route
 * answering a string of the same size in the same run: the ratio is what our routing, Redis version check and
 * cache cost on top of the framework (a bare route sending the same bytes as a Buffer is reported too, since the
 * cache holds encoded bodies). Rendering: one 500-story channel per format, median of several runs.
 */
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { pino } from 'pino';
import { Pool } from 'undici';
import { buildApp } from '../src/api/app.js';
import { loadEnv, parseConfig } from '../src/config/load-config.js';
import { renderChannel, FEED_FORMATS } from '../src/publish/render-feed.js';
import { startSystem } from '../src/runtime/start.js';
import { articleItem, channel, interviewItem } from '../tests/publish/fixtures.js';
import type { KeyFigure } from './_summary.js';
import { deploymentKeyPattern } from '../src/redis/keys.js';

const ROUND_MS = 700;
const ROUNDS = 5;
const CONCURRENCY = 32;

/** A load generator against one origin: CONCURRENCY requests in flight, counting 200s for `ms`. */
function loader(origin: string, path: string) {
  const pool = new Pool(origin, { connections: CONCURRENCY });
  return {
    async rate(ms: number): Promise<number> {
      let done = 0;
      const started = Date.now();
      const deadline = started + ms;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (Date.now() < deadline) {
            const res = await pool.request({ method: 'GET', path });
            await res.body.dump();
            if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}`);
            done++;
          }
        }),
      );
      return done / ((Date.now() - started) / 1000);
    },
    close: () => pool.close(),
  };
}

/**
 * Requests per second of each target, measured in interleaved rounds (median per target): on a shared machine
 * the load changes from second to second, and interleaving exposes every target to the same changes.
 */
async function compare(targets: Record<string, { origin: string; path: string }>): Promise<Record<string, number>> {
  const loaders = Object.entries(targets).map(([name, t]) => [name, loader(t.origin, t.path)] as const);
  const samples = new Map<string, number[]>(loaders.map(([name]) => [name, []]));
  for (const [, l] of loaders) await l.rate(200);
  for (let round = 0; round < ROUNDS; round++) for (const [name, l] of loaders) samples.get(name)!.push(await l.rate(ROUND_MS));
  await Promise.all(loaders.map(([, l]) => l.close()));
  return Object.fromEntries([...samples].map(([name, list]) => [name, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!]));
}

/** A story of `n`: interviews and articles alternate, each with non-ASCII text and several outlets. */
const story = (n: number) => (n % 2 ? interviewItem(n) : articleItem(n));

function medianMs(fn: () => void, runs = 9): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

export default async function feedsBench(): Promise<Record<string, number>> {
  const env = {
    ...loadEnv({ ...process.env, SYNDICATE_REDIS_PREFIX: `{syn-bench-${randomBytes(4).toString('hex')}}`, ADMIN_TOKEN: 'bench-admin-token' }),
    publicUrl: 'http://127.0.0.1:8080',
  };
  const config = parseConfig({ channels: [{ id: 'x', title: 'Bench', pageSize: 50 }] });
  const system = await startSystem(env, config, [], pino({ level: 'silent' }));
  const ctx = system.ctx;
  const figures: Record<string, number> = {};
  try {
    for (let n = 1; n <= 50; n++) {
      const item = story(n);
      await ctx.items.save(item, Date.now());
      await ctx.items.addToChannel('x', item, Date.now());
    }
    const app = await buildApp({ ctx, adminToken: 'bench' });
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    const feedBody = await (await fetch(`${origin}/feeds/x.atom`)).text();
    const feedBuffer = Buffer.from(feedBody, 'utf8');
    const bare = Fastify();
    bare.get('/static', async (_request, reply) => reply.type('application/atom+xml; charset=utf-8').send(feedBody));
    bare.get('/static-buffer', async (_request, reply) => reply.type('application/atom+xml; charset=utf-8').send(feedBuffer));
    const bareOrigin = await bare.listen({ port: 0, host: '127.0.0.1' });

    const rates = await compare({
      static: { origin: bareOrigin, path: '/static' },
      feed: { origin, path: '/feeds/x.atom' },
      staticBuffer: { origin: bareOrigin, path: '/static-buffer' },
    });
    figures['static fastify route req/s (baseline, string)'] = rates.static!;
    figures['cached /feeds/x.atom req/s (50 stories)'] = rates.feed!;
    figures['feed / static ratio (goal >= 0.7)'] = rates.feed! / rates.static!;
    figures['static fastify route req/s (same bytes as Buffer)'] = rates.staticBuffer!;
    figures['feed / static Buffer ratio'] = rates.feed! / rates.staticBuffer!;
    figures['feed body bytes'] = Buffer.byteLength(feedBody);
    await app.close();
    await bare.close();

    const items = Array.from({ length: 500 }, (_, i) => story(500 - i));
    const links = { publicUrl: env.publicUrl, hubUrl: `${env.publicUrl}/websub` };
    const updated = new Date();
    for (const format of FEED_FORMATS)
      figures[`render 500 stories ${format} ms (median)`] = medianMs(() => renderChannel(format, channel(), items, links, updated));
  } finally {
    const keys = await ctx.redis.keys(deploymentKeyPattern(env.redisPrefix));
    if (keys.length) await ctx.redis.unlink(...keys);
    await system.stop('bench done');
  }
  return figures;
}

/** This benchmark's rows in the report `npm run bench` ends with (bench/_summary.ts). */
export const keyFigures: KeyFigure[] = [
  {
    label: 'cached /feeds/x.atom: req/s',
    figure: 'cached /feeds/x.atom req/s (50 stories)',
    baseline: 'static fastify route req/s (baseline, string)',
    ratio: 'feed / static ratio (goal >= 0.7)',
    goal: '≥ 0.7',
  },
  {
    label: 'cached /feeds/x.atom against a static Buffer route: req/s',
    figure: 'cached /feeds/x.atom req/s (50 stories)',
    baseline: 'static fastify route req/s (same bytes as Buffer)',
    ratio: 'feed / static Buffer ratio',
    goal: '(reported)',
  },
  { label: 'render 500 stories as Atom: ms', figure: 'render 500 stories atom ms (median)', goal: '(reported)' },
];
