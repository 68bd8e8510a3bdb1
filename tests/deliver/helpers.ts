import type { EventType, NormalizedItem } from '../../src/core/item.js';
import { FANOUT_JOB_NAME, buildEvent, deliverJobId, eventId, fanoutJobId } from '../../src/deliver/build-event.js';
import type { DeliveryAttempt } from '../../src/deliver/deliver-processor.js';
import type { AppContext } from '../../src/runtime/context.js';

/**
 * afterAll budget: stopping deletes the test's keys by SCAN over the whole keyspace, which takes longer than the
 * default hook timeout when another run has filled the shared Redis with millions of keys.
 */
export const CLEANUP_TIMEOUT_MS = 90_000;

/** A whole secret, valid for the standardwebhooks library. */
export const secretFor = (label: string) => `whsec_${Buffer.from(label.padEnd(32, '.')).toString('base64')}`;

/** A subscription's delivery log, oldest attempt first. */
export async function deliveryLogOf(ctx: AppContext, subscriptionId: string): Promise<DeliveryAttempt[]> {
  return (await ctx.redis.lrange(ctx.keys.deliveryLog(subscriptionId), 0, -1)).map((j) => JSON.parse(j) as DeliveryAttempt).reverse();
}

/** A normalized story with just enough content to be an event. */
export function sampleItem(id: string, extra: Partial<NormalizedItem> = {}): NormalizedItem {
  const source = { id: 'src', name: 'Source', url: 'https://example.org/', itemUrl: `https://example.org/${id}` };
  return {
    id, url: `https://example.org/${id}`, title: `Story ${id}`, kind: 'article', language: 'en',
    publishedAt: '2025-06-10T09:00:00.000Z', updatedAt: '2025-06-10T09:00:00.000Z', summary: 's', contentHtml: '<p>x</p>', contentText: 'x',
    source, sources: [source], images: [], interview: null, ...extra,
  };
}

/** Enqueues one event to one subscription exactly as the publish stage's fan-out does; answers the job id. */
export async function enqueueEvent(ctx: AppContext, subscriptionId: string, type: EventType, item: NormalizedItem, discriminator = ''): Promise<string> {
  const id = eventId(type, item, discriminator);
  const jobId = deliverJobId(subscriptionId, id);
  const body = JSON.stringify(buildEvent(type, item, new Date().toISOString()));
  await ctx.queues.deliver.add(type, { subscriptionId, eventId: id, eventType: type, body, storyId: item.id }, { jobId });
  return jobId;
}

/** Waits until `list()` holds at least `min` entries and answers them (polling every 50 ms). */
export async function waitForList<T>(what: string, list: () => T[] | Promise<T[]>, min = 1, timeoutMs = 10_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = await list();
    if (entries.length >= min) return entries;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${entries.length} of ${min})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Enqueues one event's fan-out job exactly as the publish stage does; answers the event id. */
export async function enqueueFanout(ctx: AppContext, subscriptionIds: string[], type: EventType, item: NormalizedItem, discriminator = ''): Promise<string> {
  const id = eventId(type, item, discriminator);
  const body = JSON.stringify(buildEvent(type, item, new Date().toISOString()));
  await ctx.queues.deliver.add(FANOUT_JOB_NAME, { eventId: id, eventType: type, body, storyId: item.id, subscriptionIds }, { jobId: fanoutJobId(id), attempts: 5 });
  return id;
}
