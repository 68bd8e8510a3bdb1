import { Webhook } from 'standardwebhooks';

/** The Standard Webhooks headers of one delivery. */
export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs a body with every active secret (Standard Webhooks, via the `standardwebhooks` package). Several secrets
 * during a rotation give several space-separated signatures, any of which verifies.
 */
export function signDelivery(secrets: string[], id: string, at: Date, body: string): SignedHeaders {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(id, at, body));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
