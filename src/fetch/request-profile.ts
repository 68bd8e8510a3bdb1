import type { RequestProfile, SourceConfig } from '../config/schema.js';
import { REDACTED } from '../core/logger.js';

/**
 * A source's request profile as the fetcher applies it: the headers it adds (user agent, basic auth, cookies,
 * extra headers) and the hosts they may go to: the feed's own, and those the profile names. Pure.
 */
export interface RequestCredentials {
  headers: Record<string, string>;
  /** Lower-case host names (with `:port` when the feed's URL names one) the headers are sent to. */
  hosts: string[];
}

/** The headers a profile adds to a request, by lower-case name. */
export function profileHeaders(profile: RequestProfile): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(profile.headers ?? {})) headers[name.toLowerCase()] = value;
  if (profile.userAgent) headers['user-agent'] = profile.userAgent;
  if (profile.auth) headers.authorization = `Basic ${Buffer.from(`${profile.auth.username}:${profile.auth.password}`).toString('base64')}`;
  const cookies = Object.entries(profile.cookies ?? {});
  if (cookies.length) headers.cookie = cookies.map(([name, value]) => `${name}=${value}`).join('; ');
  return headers;
}

/** A source's credentials for its feed and article pages; undefined when it has no profile. */
export function credentialsOf(source: Pick<SourceConfig, 'url' | 'request'> | null | undefined): RequestCredentials | undefined {
  if (!source?.request) return undefined;
  const hosts = (source.request.hosts ?? []).map((h) => h.toLowerCase());
  try {
    const own = new URL(source.url);
    if (/^https?:$/.test(own.protocol)) hosts.push(own.host.toLowerCase());
  } catch {
    // A URL that does not parse is refused by the fetcher anyway.
  }
  return { headers: profileHeaders(source.request), hosts };
}

/**
 * The profile's headers for one request, or none when the URL's host is not one of the credentials' (a redirect
 * to another host, an article page elsewhere): a secret never leaves the hosts it was given for.
 */
export function headersFor(url: string, credentials: RequestCredentials | undefined): Record<string, string> {
  if (!credentials) return {};
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  const host = parsed.host.toLowerCase();
  const hostname = parsed.hostname.toLowerCase();
  return credentials.hosts.some((h) => h === host || h === hostname) ? credentials.headers : {};
}

/** A profile as shown outside (API, CLI, status page): header, cookie and password values replaced by `[REDACTED]`. */
export function redactProfile(profile: RequestProfile): RequestProfile {
  const hide = (record: Record<string, string> | undefined) => (record ? Object.fromEntries(Object.keys(record).map((k) => [k, REDACTED])) : undefined);
  return {
    ...profile,
    ...(profile.headers ? { headers: hide(profile.headers) } : {}),
    ...(profile.cookies ? { cookies: hide(profile.cookies) } : {}),
    ...(profile.auth ? { auth: { username: profile.auth.username, password: REDACTED } } : {}),
  };
}

/** A source as shown outside: its profile redacted. */
export function redactSource<S extends Pick<SourceConfig, 'request'>>(source: S): S {
  return source.request ? { ...source, request: redactProfile(source.request) } : source;
}

/**
 * The profile a `PUT` stores: none given keeps the stored one (a client that never saw the secrets does not erase
 * them), `null` removes it, and a value still `[REDACTED]` (a profile read back from the API) keeps the stored value.
 */
export function mergeProfile(given: RequestProfile | null | undefined, stored: RequestProfile | undefined): RequestProfile | undefined {
  if (given === undefined) return stored;
  if (given === null) return undefined;
  const keep = (record: Record<string, string> | undefined, old: Record<string, string> | undefined) =>
    record ? Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v === REDACTED ? (old?.[k] ?? v) : v])) : undefined;
  const merged: RequestProfile = { ...given };
  if (given.headers) merged.headers = keep(given.headers, stored?.headers);
  if (given.cookies) merged.cookies = keep(given.cookies, stored?.cookies);
  if (given.auth?.password === REDACTED && stored?.auth) merged.auth = { username: given.auth.username, password: stored.auth.password };
  return merged;
}
