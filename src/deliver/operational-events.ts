/**
 * Operational events (`subscription.disabled`, `delivery.*`, `source.*`): built and handed to the deliver stage's
 * fan-out like story events, signed and retried the same way, but sent only to subscriptions that list the type in
 * `events`, and never to the subscription the event is about. The fetch stage and the deliver stage raise them.
 */
import type { SubscriptionConfig } from '../config/schema.js';
import type { OperationalEventType } from '../core/item.js';
import type { PipelineQueues } from '../queues/queues.js';
import { eventId } from './build-event.js';
import type { StageServices } from '../queues/stage-services.js';
import type { Catalog } from '../catalog/catalog.js';

/** What raising an operational event touches: the catalog (who listens), the deliver queue, the clock, the logger. */
export type OperationalEventDeps = Pick<StageServices, 'clock' | 'logger'> & { catalog: Catalog } & { queues: Pick<PipelineQueues, 'enqueueFanout'> };

/** One operational event to raise. */
export interface OperationalEvent {
  type: OperationalEventType;
  /** The subscription or source it is about (its id names the event, and a subscription never hears of itself). */
  subject: { subscriptionId?: string; sourceId?: string };
  /** What makes this occurrence another event than an earlier one about the same subject (a time, a job id). */
  occurrence: string;
  data: Record<string, unknown>;
}

/** The subscriptions an operational event goes to (pure): enabled, listing the type, not the subject. */
export function operationalRecipients(subscriptions: SubscriptionConfig[], event: Pick<OperationalEvent, 'type' | 'subject'>): string[] {
  return subscriptions.filter((s) => s.enabled && s.events?.includes(event.type) && s.id !== event.subject.subscriptionId).map((s) => s.id);
}

/**
 * Raises an operational event: one fan-out job to every subscription that wants it, with an id derived from its
 * subject and occurrence (a retried caller adds nothing new). Never throws: a failure to announce is logged, and
 * the work that raised it goes on. Answers the number of recipients.
 */
export async function raiseOperationalEvent(ctx: OperationalEventDeps, event: OperationalEvent): Promise<number> {
  try {
    const recipients = operationalRecipients(await ctx.catalog.list('subscriptions'), event);
    if (recipients.length === 0) return 0;
    const subjectId = event.subject.subscriptionId ?? event.subject.sourceId ?? '';
    const id = eventId(event.type, { id: subjectId }, event.occurrence);
    const body = JSON.stringify({ type: event.type, timestamp: new Date(ctx.clock.now()).toISOString(), data: event.data });
    await ctx.queues.enqueueFanout({ eventId: id, eventType: event.type, body, storyId: subjectId, subscriptionIds: recipients });
    ctx.logger.info({ event: event.type, ...event.subject, recipients: recipients.length }, 'operational event raised');
    return recipients.length;
  } catch (err) {
    ctx.logger.warn({ event: event.type, ...event.subject, err: (err as Error).message }, 'operational event not raised');
    return 0;
  }
}
