import { createHash } from 'node:crypto';
import type { SubscriptionConfig } from '../config/schema.js';
import { isOperationalEvent, type EventType, type NormalizedItem, type WebhookEvent } from '../core/item.js';
import type { PatchOperation } from '../core/item-changes.js';
import { safeItem } from '../core/safe-item.js';
import { rulesKeep } from '../core/story-rules.js';

/**
 * The id of an event, used as `webhook-id` on every attempt. Derived from what the event says, so that a retried
 * publish job produces the same id and consumers (and our own job ids) drop the repeat.
 */
export function eventId(type: EventType, item: Pick<NormalizedItem, 'id'>, discriminator = ''): string {
  const digest = createHash('sha256').update([type, item.id, discriminator].join('\u0000')).digest('base64url');
  return `msg_${digest.slice(0, 27)}`;
}

/** The event id of a story's `item.published`: later events of the story wait for its delivery (the ordering rule). */
export function publishedEventId(storyId: string): string {
  return eventId('item.published', { id: storyId });
}

/**
 * Builds the event body the contract describes, the story through the outputs' policy (`safeItem`): consumers
 * store and render what we send; `item.updated` carries `changes`, the JSON Patch from the previous version.
 * Pure: `timestamp` comes from the caller.
 */
export function buildEvent(type: EventType, item: NormalizedItem, timestamp: string, changes?: PatchOperation[]): WebhookEvent {
  return { type, timestamp, data: safeItem(item), ...(changes ? { changes } : {}) };
}

/**
 * Answers whether a subscription wants this event for a story in these channels (and, given the story, whether its
 * rules keep it). Operational events go only to subscriptions that list them in `events` (operational-events.ts).
 */
export function subscriptionWants(subscription: SubscriptionConfig, type: EventType, storyChannels: string[], item?: NormalizedItem): boolean {
  if (!subscription.enabled) return false;
  if (subscription.events ? !subscription.events.includes(type) : isOperationalEvent(type)) return false;
  if (subscription.channels && !subscription.channels.some((c) => storyChannels.includes(c))) return false;
  if (item && !rulesKeep(item, subscription.rules)) return false;
  return true;
}
