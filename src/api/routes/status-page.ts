import type { FastifyInstance } from 'fastify';
import { sourceHealth, type CatalogOperations } from '../../runtime/catalog-operations.js';
import type { DeliveryAttempt } from '../../deliver/attempt.js';
import { listDeadLetters } from '../../deliver/dead-letters.js';
import type { HttpContext } from '../http-context.js';
import { schemaOf } from '../schemas.js';
import { renderStatusPage, type StatusView } from '../status/render-status.js';

/** Stories the per-source counts look at, and how many of them the page lists. */
const STORY_WINDOW = 500;
const STORIES_LISTED = 25;
/** Delivery log entries a subscription's health is judged on. */
const RECENT_ATTEMPTS = 50;

/**
 * What the status page reads besides `ops`' sources and subscriptions: the latest stories, the delivery log, every
 * queue's job counts (the deliver queue's dead letters too), and the clock for its timestamp.
 */
export type StatusPageRouteDeps = Pick<HttpContext, 'items' | 'endpoints' | 'queues' | 'clock' | 'redisMemory'>;

/** Reads everything the status page shows, from Redis and the queues (the same reads the API makes). */
export async function loadStatusView(ctx: StatusPageRouteDeps, ops: CatalogOperations): Promise<StatusView> {
  const [sources, subscriptions, stories, deadLetters, redisMemory] = await Promise.all([
    ops.listSources(),
    ops.listSubscriptions(),
    ctx.items.latest(STORY_WINDOW),
    listDeadLetters(ctx.queues, {}, 10_000),
    ctx.redisMemory.usage().catch(() => null),
  ]);
  const storiesBySource = new Map<string, number>();
  for (const story of stories) for (const outlet of story.sources) storiesBySource.set(outlet.id, (storiesBySource.get(outlet.id) ?? 0) + 1);
  const lettersBySubscription = new Map<string, number>();
  for (const job of deadLetters) lettersBySubscription.set(job.data.subscriptionId, (lettersBySubscription.get(job.data.subscriptionId) ?? 0) + 1);
  const logs = await Promise.all(subscriptions.map((s) => ctx.endpoints.log(s.id, RECENT_ATTEMPTS)));
  const queues = await Promise.all(
    ctx.queues.all().map(async ([name, queue]) => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      return {
        name,
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      };
    }),
  );
  return {
    generatedAt: new Date(ctx.clock.now()).toISOString(),
    redisMemory,
    storyWindow: STORY_WINDOW,
    sources: sources.map((s) => ({
      id: s.id,
      name: s.name,
      url: s.url,
      health: sourceHealth(s),
      lastFetchAt: s.status.lastFetchAt,
      lastSuccessAt: s.status.lastSuccessAt,
      errorCode: s.status.errorCode,
      errorMessage: s.status.errorMessage,
      consecutiveErrors: s.status.consecutiveErrors,
      nextFetchAt: s.status.nextFetchAt,
      stories: storiesBySource.get(s.id) ?? 0,
      entriesSeen: s.status.entriesSeen,
    })),
    stories: stories.slice(0, STORIES_LISTED).map((story) => ({
      id: story.id,
      title: story.title,
      kind: story.kind,
      publishedAt: story.publishedAt,
      url: story.url,
      outlets: story.sources.map((o) => ({ id: o.id, name: o.name, itemUrl: o.itemUrl })),
    })),
    subscriptions: subscriptions.map((s, i) => {
      const attempts = (logs[i] ?? []) as DeliveryAttempt[];
      const last = attempts[0];
      return {
        id: s.id,
        url: s.url,
        enabled: s.enabled,
        disabledReason: s.disabledReason ?? null,
        lastAttemptAt: last?.at ?? null,
        lastStatus: last?.status ?? null,
        lastError: last && !last.ok ? `${last.errorCode ?? ''}${last.error ? `: ${last.error}` : ''}` : null,
        recentAttempts: attempts.length,
        recentFailures: attempts.filter((a) => !a.ok).length,
        deadLetters: lettersBySubscription.get(s.id) ?? 0,
      };
    }),
    queues,
  };
}

/** `GET /admin`: the status page (register it in a scope guarded by the admin token). */
export function registerStatusPage(app: FastifyInstance, ctx: StatusPageRouteDeps, ops: CatalogOperations): void {
  app.get('/admin', { schema: schemaOf('GET /admin') }, async (_request, reply) => {
    const html = renderStatusPage(await loadStatusView(ctx, ops));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
}
