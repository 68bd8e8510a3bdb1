import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';
import { SyndicateError } from '../core/errors.js';

/** Only these ranges are reachable: everything private, local, reserved or cloud-metadata is refused. */
const PUBLIC_RANGES = new Set(['unicast']);

/** Hosts and CIDRs the operator exempts (`network.allowHosts`), e.g. `127.0.0.1`, `localhost`, `10.0.0.0/8`. */
export class AllowList {
  private readonly hosts = new Set<string>();
  private readonly cidrs: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];

  constructor(entries: string[]) {
    for (const entry of entries) {
      if (entry.includes('/')) this.cidrs.push(ipaddr.parseCIDR(entry));
      else this.hosts.add(entry.toLowerCase().replace(/^\[|\]$/g, ''));
    }
  }

  /** Whether this host name (or bracketed IPv6 literal) is listed in `network.allowHosts`. */
  allowsHost(host: string): boolean {
    return this.hosts.has(host.toLowerCase().replace(/^\[|\]$/g, ''));
  }

  /** Whether this resolved IP address is listed or falls in a listed CIDR range. */
  allowsAddress(address: string): boolean {
    if (this.hosts.has(address)) return true;
    const parsed = normalizeAddress(address);
    return this.cidrs.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
  }
}

function normalizeAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

/** Answers whether an IP address is private, loopback, link-local, CGNAT, ULA, reserved or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  return !PUBLIC_RANGES.has(normalizeAddress(address).range());
}

/**
 * Checks a URL before any connection: an IP literal must be public (or allowed); a host name is checked after
 * DNS resolution by the guarded agent's lookup. Throws `SYN_ERR_FETCH_BLOCKED_ADDRESS`.
 */
export function assertUrlAllowed(url: string, allow: AllowList): void {
  const { hostname, protocol } = new URL(url);
  if (protocol !== 'http:' && protocol !== 'https:') throw new SyndicateError('SYN_ERR_FETCH_BLOCKED_ADDRESS', `${url}: only http and https are fetched`);
  const host = hostname.replace(/^\[|\]$/g, '');
  if (allow.allowsHost(host)) return;
  if (net.isIP(host) && isPrivateAddress(host) && !allow.allowsAddress(host)) {
    throw new SyndicateError('SYN_ERR_FETCH_BLOCKED_ADDRESS', `${url}: ${host} is a private address (add it to network.allowHosts to allow it)`);
  }
}

/**
 * An undici dispatcher whose DNS lookup refuses private addresses, so a public name that resolves to
 * 127.0.0.1 or 169.254.169.254 is refused at connect time (and DNS rebinding cannot slip in between a check and
 * the connection). Combine with `assertUrlAllowed` for IP literals, which skip the lookup.
 */
export function createGuardedAgent(allow: AllowList, options: Agent.Options = {}): Agent {
  const lookup: typeof dns.lookup = ((
    hostname: string,
    opts: dns.LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
  ) => {
    dns.lookup(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      const blocked = !allow.allowsHost(hostname) && list.find((a) => isPrivateAddress(a.address) && !allow.allowsAddress(a.address));
      if (blocked) {
        const error = new SyndicateError(
          'SYN_ERR_FETCH_BLOCKED_ADDRESS',
          `${hostname} resolves to private address ${blocked.address}`,
        ) as unknown as NodeJS.ErrnoException;
        return callback(error, '', 0);
      }
      if (opts.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  }) as typeof dns.lookup;
  return new Agent({ ...options, connect: { ...(options.connect as object), lookup } });
}

/** How long a store-time check waits for DNS before leaving the decision to the connect-time guard. */
const STORE_LOOKUP_TIMEOUT_MS = 2_000;

/**
 * Checks a URL before it is stored (a source or subscription added through the API), so a private target is refused
 * with a 4xx at once instead of failing later in a worker: an IP literal as {@link assertUrlAllowed} does, a host
 * name by resolving it now. A name that does not resolve (yet) is accepted: the guarded agent checks again at every
 * connect, which also covers a name that changes its address later (DNS rebinding).
 * Throws `SYN_ERR_FETCH_BLOCKED_ADDRESS`.
 */
export async function assertUrlStorable(url: string, allow: AllowList): Promise<void> {
  assertUrlAllowed(url, allow);
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) || allow.allowsHost(host)) return;
  let timer: NodeJS.Timeout | undefined;
  const addresses = await Promise.race([
    dns.promises.lookup(host, { all: true }).catch(() => [] as dns.LookupAddress[]),
    new Promise<dns.LookupAddress[]>((resolve) => (timer = setTimeout(() => resolve([]), STORE_LOOKUP_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
  const blocked = addresses.find((a) => isPrivateAddress(a.address) && !allow.allowsAddress(a.address));
  if (blocked)
    throw new SyndicateError(
      'SYN_ERR_FETCH_BLOCKED_ADDRESS',
      `${url}: ${host} resolves to private address ${blocked.address} (add it to network.allowHosts to allow it)`,
    );
}
