/**
 * Webhook secret rotation, pure. A rotation puts a new secret first and keeps the one in use beside it for an
 * overlap, during which every event is signed with both (Standard Webhooks joins the signatures with a space, and a
 * consumer's verifier accepts either); after it, only the new one signs. The subscription remembers which
 * operator-given secret it rotated away from (`from`, a digest), so that a restart re-seeding the same secret from the
 * config file keeps the rotation, while an operator who sets another secret overrides it.
 */
import { createHash, randomBytes } from 'node:crypto';

/** What a rotated subscription carries besides its `secret` list (newest first). */
export interface SecretRotation {
  /** When the older secrets stop signing (ISO 8601). */
  until: string;
  /** Digest of the operator-given secret the rotations started from ({@link secretDigest}). */
  from: string;
  /** When the last rotation happened (ISO 8601). */
  at: string;
}

/** A subscription's secret fields as stored. */
export interface RotatableSecret {
  secret: string | string[];
  secretRotation?: SecretRotation;
}

/** A digest of a secret value (one secret or a list), to recognise it without keeping a second copy. */
export function secretDigest(secret: string | string[]): string {
  return createHash('sha256').update(JSON.stringify(secret)).digest('base64url');
}

/** A new random secret in the `whsec_` form (24 random bytes, base64). */
export function generateSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** The secrets that sign an event at `now`: all of them, or only the newest once a rotation's overlap is over. */
export function activeSecrets(subscription: RotatableSecret, now: number): string[] {
  const all = Array.isArray(subscription.secret) ? subscription.secret : [subscription.secret];
  if (subscription.secretRotation && now >= Date.parse(subscription.secretRotation.until)) return all.slice(0, 1);
  return all;
}

/**
 * A subscription's secret fields after rotating to `fresh`: the fresh one first, then the one signing now (older
 * ones, whose overlap is over or which a second rotation supersedes, are dropped), old and new both signing until
 * `now + overlapMs`.
 */
export function rotateSecret(subscription: RotatableSecret, fresh: string, overlapMs: number, now: number): Required<RotatableSecret> {
  const current = activeSecrets(subscription, now)[0]!;
  return {
    secret: overlapMs > 0 ? [fresh, current] : [fresh],
    secretRotation: {
      until: new Date(now + overlapMs).toISOString(),
      from: subscription.secretRotation?.from ?? secretDigest(subscription.secret),
      at: new Date(now).toISOString(),
    },
  };
}
