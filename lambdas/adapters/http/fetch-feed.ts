import { lookup as dnsLookup } from 'node:dns/promises';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { FetchOutcome, FetchRequest } from '../../use-cases/ports';
import {
  type AddressPolicy,
  assertUrlAllowed,
  blockedConnectionError,
  blockedResolutionError,
  hostAddress,
  redactUrl,
} from './address-guard';
import { assertDeclaredLength, readBody } from './body-reader';
import { FetchError } from './fetch-error';
import {
  firstHop,
  type Hop,
  hopHref,
  nextHop,
  PERMANENT_REDIRECT_STATUSES,
  REDIRECT_STATUSES,
} from './redirect-policy';
import { parseRetryAfter } from './retry-after';

/** Resolves a host name to every address it has, like `dns.promises.lookup(name, { all: true })`. */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;

/** Everything one fetch needs, defaults applied. Built by `createGuardedFetcher`. */
export interface FetchSettings {
  /** Which addresses may be connected to; applied to URL literals, DNS answers and sockets. */
  addressPolicy: AddressPolicy;
  resolve: Resolver;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBodyBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Extra trust anchors for https. Only tests set it, for their self-signed certificate. */
  ca?: string | Buffer;
}

/** What feed readers ask for: feed types first, anything else accepted at low priority. */
const ACCEPT = 'application/rss+xml, application/atom+xml, application/xml, text/xml, */*;q=0.1';
const ACCEPT_ENCODING = 'gzip, deflate, br';

/** Characters Node accepts in a header value; a stored validator with others is not sent. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]+$/;

/** The system resolver, as `lookup` would use it (getaddrinfo: /etc/hosts, then DNS). */
export const systemResolver: Resolver = async (hostname) => {
  const addresses = await dnsLookup(hostname, { all: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * Wraps a resolver into the `lookup` hook of `http.request`: every address the name resolves to
 * must pass the policy, or the connection is refused before it is attempted. Refusing when any
 * one is bad, rather than picking a good one, also defeats names that mix public and internal
 * answers to win a race.
 */
function guardedLookup(resolve: Resolver, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    Promise.resolve()
      .then(() => resolve(hostname))
      .then(
        (addresses) => {
          for (const { address } of addresses) {
            const reason = policy(address);
            if (reason !== null) {
              callback(blockedResolutionError(hostname, address, reason), '');
              return;
            }
          }
          const family =
            options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
          const usable =
            family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
          const first = usable[0];
          if (!first) {
            callback(new FetchError('NETWORK', `${hostname} has no address to connect to`), '');
          } else if (options.all) {
            callback(
              null,
              usable.map(({ address, family }) => ({ address, family })),
            );
          } else {
            callback(null, first.address, first.family);
          }
        },
        (error: unknown) => callback(networkError(`could not resolve ${hostname}`, error), ''),
      );
  };
}

function networkError(context: string, error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  if (!(error instanceof Error)) return new FetchError('NETWORK', `${context}: ${String(error)}`);
  const code = (error as NodeJS.ErrnoException).code;
  const detail = code && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
  return new FetchError('NETWORK', `${context}: ${detail}`, { cause: error });
}

/** The request and response in flight, so the total timeout can tear them down. */
interface InFlight {
  request?: ClientRequest;
  response?: IncomingMessage;
}

function requestHeaders(
  hop: Hop,
  request: FetchRequest,
  settings: FetchSettings,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'User-Agent': settings.userAgent,
    Accept: ACCEPT,
    'Accept-Encoding': ACCEPT_ENCODING,
  };
  if (request.etag && HEADER_VALUE.test(request.etag)) headers['If-None-Match'] = request.etag;
  if (request.lastModified && HEADER_VALUE.test(request.lastModified)) {
    headers['If-Modified-Since'] = request.lastModified;
  }
  if (hop.credentials) {
    const { username, password } = hop.credentials;
    headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return headers;
}

/**
 * Sends one GET and resolves with the response head. A fresh socket every time (`agent: false`):
 * a pooled socket would skip the lookup hook and the connect check. The socket's peer address is
 * checked on 'connect', before the request or a TLS ClientHello is written.
 */
function send(
  hop: Hop,
  request: FetchRequest,
  settings: FetchSettings,
  inFlight: InFlight,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const { url } = hop;
    const secure = url.protocol === 'https:';
    const host = hostAddress(url);
    let req: ClientRequest;
    try {
      req = (secure ? https : http).request({
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: requestHeaders(hop, request, settings),
        agent: false,
        lookup: guardedLookup(settings.resolve, settings.addressPolicy),
        ...(secure && settings.ca !== undefined ? { ca: settings.ca } : {}),
      });
    } catch (error) {
      reject(new FetchError('BAD_URL', `cannot request ${redactUrl(url)}: ${String(error)}`));
      return;
    }
    inFlight.request = req;

    const connectTimer = setTimeout(() => {
      req.destroy(
        new FetchError(
          'CONNECT_TIMEOUT',
          `no connection to ${url.host} within ${settings.connectTimeoutMs} ms`,
        ),
      );
    }, settings.connectTimeoutMs);

    req.on('socket', (socket) => {
      // Prepended so it runs before Node writes anything on the new connection.
      socket.prependOnceListener('connect', () => {
        const remote = socket.remoteAddress ?? '';
        const reason = settings.addressPolicy(remote);
        if (reason !== null) {
          req.destroy(blockedConnectionError(host, remote || 'an unknown address', reason));
        } else if (!secure) {
          clearTimeout(connectTimer);
        }
      });
      if (secure) socket.once('secureConnect', () => clearTimeout(connectTimer));
    });
    // Stays attached for the request's life: a late error must never crash the process.
    req.on('error', (error) => {
      clearTimeout(connectTimer);
      reject(networkError(`request to ${redactUrl(url)} failed`, error));
    });
    req.on('response', (response) => {
      clearTimeout(connectTimer);
      response.on('error', () => {});
      inFlight.response = response;
      resolve(response);
    });
    req.end();
  });
}

function discard(response: IncomingMessage, inFlight: InFlight): void {
  response.destroy();
  inFlight.request?.destroy();
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Fetches a feed under the guard: see `createGuardedFetcher` for the guarantees. This is the
 * engine behind it, taking a ready `FetchSettings` so tests can swap the address policy.
 */
export async function fetchFeed(
  request: FetchRequest,
  settings: FetchSettings,
): Promise<FetchOutcome> {
  let parsed: URL;
  try {
    parsed = new URL(request.url);
  } catch (cause) {
    throw new FetchError(
      'BAD_URL',
      `not a valid URL: ${JSON.stringify(request.url.slice(0, 200))}`,
      {
        cause,
      },
    );
  }
  let hop = firstHop(assertUrlAllowed(parsed, settings.addressPolicy));

  const inFlight: InFlight = {};
  let expired: FetchError | undefined;
  const deadline = setTimeout(() => {
    expired = new FetchError(
      'TIMEOUT',
      `${redactUrl(hop.url)} took longer than ${settings.totalTimeoutMs} ms; aborted`,
    );
    inFlight.response?.destroy(expired);
    inFlight.request?.destroy(expired);
  }, settings.totalTimeoutMs);

  try {
    let redirects = 0;
    let everyRedirectPermanent = true;
    for (;;) {
      if (expired) throw expired;
      assertUrlAllowed(hop.url, settings.addressPolicy);
      const response = await send(hop, request, settings, inFlight);
      const status = response.statusCode ?? 0;
      const location = header(response, 'location');

      if (REDIRECT_STATUSES.has(status) && location) {
        discard(response, inFlight);
        if (redirects >= settings.maxRedirects) {
          throw new FetchError(
            'TOO_MANY_REDIRECTS',
            `${redactUrl(parsed)} redirected more than ${settings.maxRedirects} times; gave up at ${redactUrl(hop.url)}`,
          );
        }
        hop = nextHop(hop, location);
        redirects += 1;
        if (!PERMANENT_REDIRECT_STATUSES.has(status)) everyRedirectPermanent = false;
        continue;
      }

      const finalUrl = hopHref(hop);
      const base =
        redirects > 0 && everyRedirectPermanent
          ? { finalUrl, permanentUrl: finalUrl }
          : { finalUrl };

      if (status >= 200 && status < 300) {
        try {
          assertDeclaredLength(header(response, 'content-length'), settings.maxBodyBytes);
        } catch (error) {
          discard(response, inFlight);
          throw error;
        }
        const body = await readBody(
          response,
          header(response, 'content-encoding'),
          settings.maxBodyBytes,
        );
        const contentType = header(response, 'content-type');
        const etag = header(response, 'etag');
        const lastModified = header(response, 'last-modified');
        return {
          ...base,
          kind: 'ok',
          status,
          body,
          ...(contentType !== undefined ? { contentType } : {}),
          ...(etag !== undefined ? { etag } : {}),
          ...(lastModified !== undefined ? { lastModified } : {}),
        };
      }

      discard(response, inFlight);
      if (status === 304) return { ...base, kind: 'not-modified' };
      if (status === 410) return { ...base, kind: 'gone', status: 410 };
      if (status === 429 || status === 503) {
        const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), Date.now());
        return {
          ...base,
          kind: 'retry-later',
          status,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        };
      }
      return { ...base, kind: 'http-error', status };
    }
  } catch (error) {
    // Whatever failed, the timeout's error is the one that explains it.
    throw expired ?? error;
  } finally {
    clearTimeout(deadline);
    inFlight.response?.destroy();
    inFlight.request?.destroy();
  }
}
