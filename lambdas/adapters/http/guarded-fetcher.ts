import type { FeedFetcher } from '../../use-cases/ports';
import { anyAddress, publicAddressesOnly } from './address-guard';
import { type FetchSettings, fetchFeed, systemResolver } from './fetch-feed';

export { assertFetchableUrl, blockedAddressReason } from './address-guard';
export { FetchError, type FetchErrorCode } from './fetch-error';

export interface GuardedFetcherOptions {
  /** Lifts the address checks (never the scheme check). Default false; true only for the local demo and tests. */
  allowPrivateNetworks?: boolean;
  /** Resolves a host name to all its addresses. Default `dns.promises.lookup(hostname, { all: true })`. */
  lookup?: (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;
  /** Time allowed for DNS, TCP connect and (https) the TLS handshake, per hop. Default 10 s. */
  connectTimeoutMs?: number;
  /** Time allowed for the whole fetch, redirects and body included; then the socket is destroyed. Default 30 s. */
  totalTimeoutMs?: number;
  /** Largest body accepted, on the wire and after decompression. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Most redirects followed. Default 5. */
  maxRedirects?: number;
  /** User-Agent header. Some outlets (AZERTAC) answer 400 unless it looks like a browser's. */
  userAgent?: string;
}

export const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (compatible; NewsAlerts/0.1; +https://github.com/news-alerts)';

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
} as const;

function checked(name: string, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(
      `GuardedFetcherOptions.${name} must be an integer >= ${minimum}, got ${value}`,
    );
  }
  return value;
}

/**
 * Builds the feed fetcher: an HTTP(S) GET that is safe to point at any URL an editor or a remote
 * server supplies.
 * - http and https only; no address that is not public (loopback, private, link-local, CGNAT,
 *   unique-local, IPv4-mapped, multicast, reserved…) is ever connected to: IP literals are
 *   checked in the URL, every DNS answer in the socket's lookup hook, and the peer address of the
 *   socket on connect, on every redirect hop;
 * - redirects followed by hand, at most `maxRedirects`, never from https to http, credentials
 *   (URL user info, sent as Basic auth) only within the same origin, no cookies ever;
 *   `permanentUrl` when every hop was 301/308;
 * - connect timeout, total timeout that destroys the socket, body cap on the wire and after
 *   gzip/deflate/br decoding, enforced while streaming;
 * - conditional GET from the stored validators; 304, 410, 429/503 with Retry-After become
 *   outcomes; the body is returned as raw bytes (the parser decodes the charset).
 *
 * @example
 * const fetcher = createGuardedFetcher();
 * const outcome = await fetcher.fetch({ url: 'https://news.am/eng/rss/', etag: feed.etag });
 * if (outcome.kind === 'ok') parseFeed(outcome.body, outcome.contentType);
 */
export function createGuardedFetcher(options: GuardedFetcherOptions = {}): FeedFetcher {
  const settings: FetchSettings = {
    addressPolicy: options.allowPrivateNetworks ? anyAddress : publicAddressesOnly,
    resolve: options.lookup ?? systemResolver,
    connectTimeoutMs: checked(
      'connectTimeoutMs',
      options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      1,
    ),
    totalTimeoutMs: checked('totalTimeoutMs', options.totalTimeoutMs ?? DEFAULTS.totalTimeoutMs, 1),
    maxBodyBytes: checked('maxBodyBytes', options.maxBodyBytes ?? DEFAULTS.maxBodyBytes, 0),
    maxRedirects: checked('maxRedirects', options.maxRedirects ?? DEFAULTS.maxRedirects, 0),
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
  };
  return { fetch: (request) => fetchFeed(request, settings) };
}
