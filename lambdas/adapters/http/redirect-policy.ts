import { redactUrl } from './address-guard';
import { FetchError } from './fetch-error';

/** HTTP Basic credentials, from the user-info part of the feed URL the editor saved. */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * One request of a fetch. `url` never carries user info: credentials travel separately so the
 * redirect policy alone decides where they go.
 */
export interface Hop {
  url: URL;
  credentials?: Credentials;
}

/** The statuses whose Location we follow. 300 and 304–306 are answered as they are. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Redirects that say the feed has moved for good, so its stored URL should change. */
export const PERMANENT_REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 308]);

function decodeUserInfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Splits a feed URL into the first hop: the URL without user info, and its credentials.
 *
 * @example
 * firstHop(new URL('https://bot:s%40cret@feeds.example/rss'));
 * // { url: URL('https://feeds.example/rss'), credentials: { username: 'bot', password: 's@cret' } }
 */
export function firstHop(url: URL): Hop {
  if (!url.username && !url.password) return { url };
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return {
    url: bare,
    credentials: { username: decodeUserInfo(url.username), password: decodeUserInfo(url.password) },
  };
}

/** The hop's URL as it would be stored: with its credentials when it carries them. */
export function hopHref(hop: Hop): string {
  if (!hop.credentials) return hop.url.href;
  const withCredentials = new URL(hop.url.href);
  withCredentials.username = encodeURIComponent(hop.credentials.username);
  withCredentials.password = encodeURIComponent(hop.credentials.password);
  return withCredentials.href;
}

/**
 * Whether credentials meant for `from` may go to `to`: the same origin (scheme, host and port),
 * or the upgrade of the same host from http on its default port to https on its default port,
 * the usual "http → https" redirect, which only makes them safer.
 */
export function mayCarryCredentials(from: URL, to: URL): boolean {
  if (from.origin === to.origin) return true;
  return (
    from.hostname === to.hostname &&
    from.protocol === 'http:' &&
    to.protocol === 'https:' &&
    from.port === '' &&
    to.port === ''
  );
}

/**
 * Decides the next hop of a redirect. Throws `FetchError` when it must not be followed:
 * - `BAD_URL` when Location is not a URL, even relative to the current one;
 * - `UNSUPPORTED_SCHEME` when it leaves http(s);
 * - `INSECURE_REDIRECT` when it downgrades https to http.
 * Credentials go along only to the same origin (or its https upgrade, see `mayCarryCredentials`);
 * once dropped they stay dropped, so a detour
 * through another host cannot bring them back. User info inside Location is ignored: a server
 * does not get to choose the credentials we send.
 * Addresses are not checked here: the fetcher guards every hop as it connects.
 *
 * @example
 * nextHop({ url: new URL('https://a.example/feed') }, '/rss'); // { url: URL('https://a.example/rss') }
 * nextHop({ url: new URL('https://a.example/feed') }, 'http://a.example/rss'); // throws INSECURE_REDIRECT
 */
export function nextHop(current: Hop, location: string): Hop {
  let target: URL;
  try {
    target = new URL(location, current.url);
  } catch (cause) {
    throw new FetchError(
      'BAD_URL',
      `${redactUrl(current.url)} redirects to an invalid URL: ${JSON.stringify(location.slice(0, 200))}`,
      { cause },
    );
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new FetchError(
      'UNSUPPORTED_SCHEME',
      `${redactUrl(current.url)} redirects to a ${target.protocol.replace(/:$/, '')} URL; only http and https are followed`,
    );
  }
  if (current.url.protocol === 'https:' && target.protocol === 'http:') {
    throw new FetchError(
      'INSECURE_REDIRECT',
      `${redactUrl(current.url)} redirects to ${redactUrl(target)}, from https to plain http; refused`,
    );
  }
  target.username = '';
  target.password = '';
  const keepCredentials =
    current.credentials !== undefined && mayCarryCredentials(current.url, target);
  return keepCredentials && current.credentials
    ? { url: target, credentials: current.credentials }
    : { url: target };
}
