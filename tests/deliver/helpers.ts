import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { EventType, NormalizedItem } from '../../src/core/item.js';
import { buildEvent, eventId } from '../../src/deliver/build-event.js';
import { FANOUT_JOB_NAME, deliverJobId, fanoutJobId } from '../../src/queues/queues.js';
import type { DeliveryAttempt } from '../../src/deliver/attempt.js';
import type { AppContext } from '../../src/runtime/context.js';
import { startServer, type LoopbackServer, type ReceivedRequest } from '../support/http.js';
import { startTestSystem } from '../support/system.js';

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
    id,
    url: `https://example.org/${id}`,
    title: `Story ${id}`,
    kind: 'article',
    language: 'en',
    publishedAt: '2025-06-10T09:00:00.000Z',
    updatedAt: '2025-06-10T09:00:00.000Z',
    summary: 's',
    contentHtml: '<p>x</p>',
    contentText: 'x',
    source,
    sources: [source],
    images: [],
    interview: null,
    ...extra,
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
  await ctx.queues.deliver.add(
    FANOUT_JOB_NAME,
    { eventId: id, eventType: type, body, storyId: item.id, subscriptionIds },
    { jobId: fanoutJobId(id), attempts: 5 },
  );
  return id;
}

/** The admin token of the API a rig builds, and the request headers that carry it. */
export const ADMIN_TOKEN = 'test-admin-token';
export const ADMIN_AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Subscriptions signed with `secret`, each at the receiver path named after its id. */
export const subscriptionsAt = (receiverUrl: string, secret: string, ids: string[]) => ids.map((id) => ({ id, url: `${receiverUrl}/${id}`, secret }));

/** A system started by `startTestSystem`. */
export type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;

/** What `startDeliverRig` starts. */
export interface DeliverRigOptions {
  /** The raw config, given the receiver's base URL (no trailing slash) for the subscriptions to point at. */
  config: (receiverUrl: string) => Record<string, unknown>;
  /** Also build the admin API on the system (as `app`, token `ADMIN_TOKEN`). */
  withApi?: boolean;
  /** Answers each request the receiver gets; `n` counts the requests to that URL so far, this one included. */
  answer: (request: ReceivedRequest, response: ServerResponse, n: number) => void | Promise<void>;
}

/** A loopback receiver and the deliver stage pointed at it. */
export interface DeliverRig {
  receiver: LoopbackServer;
  system: TestSystem;
  /** The raw config the system started with. */
  config: Record<string, unknown>;
  /** The requests the receiver got at `path`, in arrival order. */
  at(path: string): ReceivedRequest[];
  /** A subscription's delivery log, oldest attempt first. */
  log(subscriptionId: string): Promise<DeliveryAttempt[]>;
  /** Closes the API (if any), stops the system and deletes its keys, then closes the receiver. */
  close(): Promise<void>;
}

/** A `DeliverRig` with the admin API. */
export interface DeliverRigWithApi extends DeliverRig {
  app: FastifyInstance;
}

/**
 * Starts a loopback receiver answering with `answer`, then the system with only the deliver role on `config`, and
 * with `withApi` the admin API. Close it in `afterAll` with `CLEANUP_TIMEOUT_MS`.
 */
export async function startDeliverRig(label: string, options: DeliverRigOptions & { withApi: true }): Promise<DeliverRigWithApi>;
export async function startDeliverRig(label: string, options: DeliverRigOptions): Promise<DeliverRig>;
export async function startDeliverRig(label: string, { config, withApi = false, answer }: DeliverRigOptions): Promise<DeliverRig | DeliverRigWithApi> {
  const seen = new Map<string, number>();
  const receiver = await startServer((request, response) => {
    const n = (seen.get(request.url) ?? 0) + 1;
    seen.set(request.url, n);
    return answer(request, response, n);
  });
  let system: TestSystem | undefined;
  try {
    const raw = config(receiver.url);
    system = await startTestSystem(label, raw, ['deliver']);
    const started = system;
    const app = withApi ? await buildApp({ ctx: system.ctx, adminToken: ADMIN_TOKEN }) : undefined;
    return {
      receiver,
      system,
      config: raw,
      ...(app && { app }),
      at: (path) => receiver.requests.filter((r) => r.url === path),
      log: (subscriptionId) => deliveryLogOf(started.ctx, subscriptionId),
      async close() {
        await app?.close();
        await started.cleanup();
        await receiver.close();
      },
    };
  } catch (err) {
    // The caller gets no rig to close: stop what did start, so a failed start leaves no keys or open port behind.
    await system?.cleanup();
    await receiver.close();
    throw err;
  }
}

/**
 * Expects a subscription's one event to have met a 429 with Retry-After, then to have been delivered under the same
 * webhook-id at least `minPauseMs` later, with one attempt spent (the throttled request does not count).
 */
export async function expectDeliveredAfterThrottle(rig: DeliverRig, subscriptionId: string, minPauseMs: number): Promise<void> {
  const requests = await waitForList('the attempt after the pause', () => rig.at(`/${subscriptionId}`), 2, 5000);
  expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(minPauseMs);
  expect(requests[1]!.headers['webhook-id']).toBe(requests[0]!.headers['webhook-id']);
  const attempts = await waitForList('log', () => rig.log(subscriptionId), 2);
  expect(attempts.map((a) => [a.status, a.attempt, a.errorCode])).toEqual([
    [429, 1, 'SYN_ERR_DELIVERY_THROTTLED'],
    [204, 1, null],
  ]);
}
