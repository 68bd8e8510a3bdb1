import type { Dispatcher } from 'undici';
import type { SyndicationConfig } from '../config/schema.js';
import { AllowList, createGuardedAgent } from './address-guard.js';

/** The private-address guard as the fetcher and the deliverer use it. */
export interface NetworkGuard {
  allow: AllowList;
  dispatcher: Dispatcher;
}

/** The longest wait for a TCP/TLS connection to a feed, page or webhook endpoint. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The private-address guard the configuration asks for (`network.allowHosts`). Built once per process: the worker
 * context and `syndicate normalize` both use it, so a preview refuses exactly what the fetch worker refuses.
 */
export function createNetworkGuard(config: Pick<SyndicationConfig, 'network' | 'limits'>): NetworkGuard {
  const allow = new AllowList(config.network.allowHosts);
  // A host that does not even accept the connection is given up on sooner than the whole request's budget.
  return { allow, dispatcher: createGuardedAgent(allow, { connect: { timeout: Math.min(config.limits.fetchTimeout, CONNECT_TIMEOUT_MS) } }) };
}
