import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** The Standard Webhooks headers of one delivery. */
export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

const keys = new Map<string, KeyObject>();

/** The HMAC key of a `whsec_` secret (base64 after the prefix), decoded and imported once per secret. */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64'));
    if (keys.size > 10_000) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/**
 * Signs a body with every active secret, as Standard Webhooks specifies: `v1,` + base64 HMAC-SHA256 of
 * `{id}.{timestamp}.{body}`. Node's native HMAC rather than the `standardwebhooks` package's pure-JS SHA-256,
 * which cost more CPU than the POST itself at fan-out rates; the tests verify every signature with that package.
 * Several secrets during a rotation give several space-separated signatures, any of which verifies.
 */
export function signDelivery(secrets: string[], id: string, at: Date, body: string | Buffer): SignedHeaders {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const prefix = `${id}.${timestamp}.`;
  // A loop rather than map + join: one secret (the usual case) builds one string and no array.
  let signature = '';
  for (let i = 0; i < secrets.length; i++) {
    signature += `${i ? ' ' : ''}v1,${createHmac('sha256', keyOf(secrets[i]!)).update(prefix).update(body).digest('base64')}`;
  }
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}
