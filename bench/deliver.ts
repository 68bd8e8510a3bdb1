/**
 * Webhook fan-out: N events × 100 loopback endpoints through the real deliver worker (one fan-out job per event;
 * signing, admission in Redis, delivery log), against a plain undici POST loop with the same concurrency to the same endpoints in the
 * same run. The two alternate, round by round ({@link PAIRS} pairs after a warm-up of each), and the ratio reported is
 * the median of the pairs' ratios: on a shared 2-core machine one round of either can be 20 % off, and a pair sees
 * the same machine. Own Redis prefix, deleted afterwards. Bounded: 5,000 deliveries per round, well under 60 s in all.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Queue, Worker } from 'bullmq';
import { Agent, request } from 'undici';
import { loadEnv, parseConfig } from '../src/config/load-config.js';
import { buildEvent, eventId } from '../src/deliver/build-event.js';
import { FANOUT_JOB_NAME, fanoutJobId } from '../src/queues/queues.js';
import type { AppContext } from '../src/runtime/context.js';
import { startSystem } from '../src/runtime/start.js';
import { deleteKeys } from '../tests/support/redis.js';
import { DELIVER_CONCURRENCY, deliverRole } from '../workers/deliver.js';
import type { KeyFigure } from './_summary.js';

const ENDPOINTS = 100;
const STORIES = 50;
/** Measured rounds of each, alternating. */
const PAIRS = 5;
// Each round (warm-up, then measured): STORIES events fanned out to ENDPOINTS subscriptions.
/** The deliver worker's concurrency (`SYNDICATE_CONCURRENCY_DELIVER`, else the role's default); the baseline uses the same. */
const CONCURRENCY = Number(process.env.SYNDICATE_CONCURRENCY_DELIVER) || DELIVER_CONCURRENCY;
const SECRET = `whsec_${Buffer.from('bench-secret-0123456789abcdefghij').toString('base64')}`;

function item(i: number) {
  const source = { id: 'bench', name: 'Bench', url: 'https://example.org/', itemUrl: `https://example.org/${i}` };
  return {
    id: `story-${i}`,
    url: `https://example.org/${i}`,
    title: `Story ${i}`,
    kind: 'article' as const,
    language: 'en',
    publishedAt: '2025-06-10T09:00:00.000Z',
    updatedAt: '2025-06-10T09:00:00.000Z',
    summary: 'summary '.repeat(20),
    contentHtml: `<p>${'body text '.repeat(150)}</p>`,
    contentText: 'body text '.repeat(150),
    source,
    sources: [source],
    images: [],
    interview: null,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('bench/deliver: deliveries did not all arrive in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The floor of any one-job-per-delivery design: BullMQ no-op jobs/s with the same data size and concurrency, here.
 * Shows how much of the gap to the plain POST loop is the queue itself rather than delivery work.
 */
async function bullmqNoopPerSecond(ctx: AppContext, prefix: string, body: string, total: number): Promise<number> {
  const queue = new Queue('noop-floor', { connection: ctx.workerRedis, prefix });
  const jobs = Array.from({ length: total }, (_, i) => ({
    name: 'noop',
    data: { body },
    opts: { jobId: `n${i}`, removeOnComplete: { age: 3600, count: total } },
  }));
  for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
  let done = 0;
  const started = performance.now();
  const worker = new Worker('noop-floor', async () => void done++, { connection: ctx.workerRedis, prefix, concurrency: CONCURRENCY });
  await waitUntil(() => done >= total, 30_000);
  const perS = total / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.close();
  return perS;
}

export default async function benchDeliver(): Promise<Record<string, number>> {
  let received = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const total = STORIES * ENDPOINTS;
  const bodies = Array.from({ length: STORIES }, (_, i) => JSON.stringify(buildEvent('item.published', item(i), new Date().toISOString())));

  // Baseline: a plain POST loop, same concurrency, same endpoints and bodies, no signing, no Redis.
  const agent = new Agent();
  const post = async (n: number) => {
    const response = await request(`${base}/e/${n % ENDPOINTS}`, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bodies[Math.floor(n / ENDPOINTS)],
    });
    await response.body.dump();
  };
  const loop = async () => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < total) await post(next++);
      }),
    );
    return performance.now() - started;
  };

  // The real deliver worker on its own prefix.
  const env = { ...loadEnv({ ...process.env, SYNDICATE_REDIS_PREFIX: `{syn-bench-deliver-${randomBytes(4).toString('hex')}}` }) };
  const config = parseConfig({
    network: { allowHosts: ['127.0.0.1'] },
    subscriptions: Array.from({ length: ENDPOINTS }, (_, n) => ({ id: `e-${n}`, url: `${base}/e/${n}`, secret: SECRET })),
  });
  const system = await startSystem(env, config, [], pino({ level: 'silent' }));
  const { ctx } = system;
  try {
    // As the publish stage enqueues them: one fan-out job per event, to all 100 subscriptions.
    const subscriptionIds = Array.from({ length: ENDPOINTS }, (_, n) => `e-${n}`);
    const round = async (label: string) => {
      const jobs = Array.from({ length: STORIES }, (_, s) => {
        const id = eventId('item.published', { id: `${label}-${s}` });
        return {
          name: FANOUT_JOB_NAME,
          data: { eventId: id, eventType: 'item.published' as const, body: bodies[s]!, storyId: `${label}-${s}`, subscriptionIds },
          opts: { jobId: fanoutJobId(id) },
        };
      });
      received = 0;
      const started = performance.now();
      await ctx.queues.deliver.addBulk(jobs);
      await waitUntil(() => received >= total, 50_000);
      return performance.now() - started;
    };
    const worker = await deliverRole.start(ctx);
    // A warm-up round of each: both are measured with their code paths compiled and connections open.
    await loop();
    await round('warm');
    const pairs: Array<{ baselineMs: number; workerMs: number }> = [];
    for (let p = 0; p < PAIRS; p++) pairs.push({ baselineMs: await loop(), workerMs: await round(`story-${p}`) });
    await worker.close(5_000);
    await agent.close();
    // Deliveries the fan-outs handed to jobs of their own (busy endpoint after the budget, failures): ideally none.
    const counts = await ctx.queues.deliver.getJobCounts('completed', 'delayed', 'waiting', 'failed');
    const handedOff = (counts.completed ?? 0) + (counts.delayed ?? 0) + (counts.waiting ?? 0) + (counts.failed ?? 0) - (PAIRS + 1) * STORIES;
    const ratios = pairs.map((pair) => pair.baselineMs / pair.workerMs).sort((a, b) => a - b);
    const baselinePerS = total / (median(pairs.map((pair) => pair.baselineMs)) / 1000);
    const workerPerS = total / (median(pairs.map((pair) => pair.workerMs)) / 1000);
    const noopPerS = await bullmqNoopPerSecond(ctx, env.redisPrefix, bodies[0]!, total);
    // The former design, one queue job per delivery, could not beat 1 / (1/noop + 1/baseline) even with free work.
    const ceilingPerS = 1 / (1 / noopPerS + 1 / baselinePerS);
    return {
      'deliveries (events × endpoints)': total,
      concurrency: CONCURRENCY,
      'baseline plain POST loop deliveries/s (median round)': baselinePerS,
      'deliver worker deliveries/s (median round)': workerPerS,
      'ratio worker / baseline, median of pairs (goal >= 0.5)': median(ratios),
      'ratio, lowest pair': ratios[0]!,
      'ratio, highest pair': ratios[ratios.length - 1]!,
      'deliveries handed to per-subscription jobs': handedOff,
      'bullmq no-op jobs/s (same data, concurrency)': noopPerS,
      'ceiling ratio of one job per delivery (former design)': ceilingPerS / baselinePerS,
    };
  } finally {
    await system.stop('bench done');
    await deleteKeys(env.redisPrefix);
    server.closeAllConnections();
    server.close();
  }
}

/** This benchmark's rows in the report `npm run bench` ends with (bench/_summary.ts). */
export const keyFigures: KeyFigure[] = [
  {
    label: 'webhook fan-out to 100 endpoints: deliveries/s',
    figure: 'deliver worker deliveries/s (median round)',
    baseline: 'baseline plain POST loop deliveries/s (median round)',
    ratio: 'ratio worker / baseline, median of pairs (goal >= 0.5)',
    goal: '≥ 0.5',
  },
];
