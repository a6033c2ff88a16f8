import { Buffer } from 'node:buffer';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createGuardedFetcher,
  type GuardedFetcherOptions,
} from '../../../lambdas/adapters/http/guarded-fetcher';
import type { FetchOutcome } from '../../../lambdas/use-cases/ports';
import {
  closeAllServers,
  connectionClosed,
  deferred,
  fetchFailure,
  installLoopbackOnlyNet,
  loopbackLookup,
  startServer,
} from './servers';

/**
 * The fetcher against real HTTP servers on 127.0.0.1. `allowPrivateNetworks` is on so loopback
 * can be reached; every host name resolves to 127.0.0.1 through an injected lookup, and the
 * safety net makes any other connection throw.
 */

const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title></channel></rss>';

let removeSafetyNet: () => void;
beforeAll(() => {
  removeSafetyNet = installLoopbackOnlyNet();
});
afterAll(() => removeSafetyNet());
afterEach(() => closeAllServers());

function fetcher(options: GuardedFetcherOptions = {}) {
  return createGuardedFetcher({ allowPrivateNetworks: true, lookup: loopbackLookup(), ...options });
}

function ok(outcome: FetchOutcome) {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${outcome.kind}`);
  return outcome;
}

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

describe('createGuardedFetcher', () => {
  describe('requests', () => {
    it('asks for feeds in a way outlets accept', async () => {
      // Prepare
      const server = await startServer((_req, res) => res.end(RSS));

      // Act
      await fetcher().fetch({ url: `${server.origin}/rss` });

      // Assess
      const headers = server.requests[0]?.headers;
      expect(headers?.['user-agent']).toBe(
        'Mozilla/5.0 (compatible; NewsAlerts/0.1; +https://github.com/news-alerts)',
      );
      expect(headers?.accept).toBe(
        'application/rss+xml, application/atom+xml, application/xml, text/xml, */*;q=0.1',
      );
      expect(headers?.['accept-encoding']).toBe('gzip, deflate, br');
      expect(headers?.authorization).toBeUndefined();
      expect(headers?.cookie).toBeUndefined();
    });

    it('sends the configured User-Agent', async () => {
      const server = await startServer((_req, res) => res.end(RSS));

      await fetcher({ userAgent: 'TestAgent/1.0' }).fetch({ url: `${server.origin}/rss` });

      expect(server.requests[0]?.headers['user-agent']).toBe('TestAgent/1.0');
    });

    it('returns the body as raw bytes, with its content type and validators', async () => {
      // Prepare: windows-1251 "Армения", which must reach the parser undecoded.
      const cp1251 = Buffer.from([0xc0, 0xf0, 0xec, 0xe5, 0xed, 0xe8, 0xff]);
      const server = await startServer((_req, res) => {
        res.writeHead(200, {
          'Content-Type': 'application/rss+xml; charset=windows-1251',
          ETag: '"v1"',
          'Last-Modified': 'Sat, 01 Mar 2025 10:00:00 GMT',
        });
        res.end(cp1251);
      });

      // Act
      const outcome = ok(await fetcher().fetch({ url: `${server.origin}/rss?lang=ru` }));

      // Assess
      expect(outcome).toEqual({
        kind: 'ok',
        status: 200,
        finalUrl: `${server.origin}/rss?lang=ru`,
        body: new Uint8Array(cp1251),
        contentType: 'application/rss+xml; charset=windows-1251',
        etag: '"v1"',
        lastModified: 'Sat, 01 Mar 2025 10:00:00 GMT',
      });
      expect(outcome.permanentUrl).toBeUndefined();
    });

    it('makes a conditional GET with the stored validators and reports 304 as not-modified', async () => {
      // Prepare
      const server = await startServer((req, res) => {
        const fresh =
          req.headers['if-none-match'] === '"v1"' &&
          req.headers['if-modified-since'] === 'Sat, 01 Mar 2025 10:00:00 GMT';
        if (fresh) {
          res.writeHead(304, { ETag: '"v1"' });
          res.end();
          return;
        }
        res.writeHead(200, { ETag: '"v1"', 'Last-Modified': 'Sat, 01 Mar 2025 10:00:00 GMT' });
        res.end(RSS);
      });
      const feeds = fetcher();
      const url = `${server.origin}/rss`;

      // Act
      const first = ok(await feeds.fetch({ url }));
      const second = await feeds.fetch({
        url,
        ...(first.etag ? { etag: first.etag } : {}),
        ...(first.lastModified ? { lastModified: first.lastModified } : {}),
      });

      // Assess
      expect(server.requests[0]?.headers['if-none-match']).toBeUndefined();
      expect(server.requests[1]?.headers['if-none-match']).toBe('"v1"');
      expect(server.requests[1]?.headers['if-modified-since']).toBe(
        'Sat, 01 Mar 2025 10:00:00 GMT',
      );
      expect(second).toEqual({ kind: 'not-modified', finalUrl: url });
    });

    it('leaves out a stored validator that is not a valid header value', async () => {
      const server = await startServer((_req, res) => res.end(RSS));

      await fetcher().fetch({ url: `${server.origin}/`, etag: '"v1"\r\nX-Injected: 1' });

      expect(server.requests[0]?.headers['if-none-match']).toBeUndefined();
      expect(server.requests[0]?.headers['x-injected']).toBeUndefined();
    });
  });

  describe('status codes', () => {
    it('reports 410 as gone', async () => {
      const server = await startServer((_req, res) => {
        res.statusCode = 410;
        res.end('gone');
      });

      const outcome = await fetcher().fetch({ url: `${server.origin}/rss` });

      expect(outcome).toEqual({ kind: 'gone', status: 410, finalUrl: `${server.origin}/rss` });
    });

    it('reports 429 with Retry-After in seconds as retry-later', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(429, { 'Retry-After': '120' });
        res.end();
      });

      const outcome = await fetcher().fetch({ url: `${server.origin}/rss` });

      expect(outcome).toEqual({
        kind: 'retry-later',
        status: 429,
        retryAfterMs: 120_000,
        finalUrl: `${server.origin}/rss`,
      });
    });

    it('reports 429 with Retry-After as an HTTP date as retry-later', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(429, { 'Retry-After': new Date(Date.now() + 600_000).toUTCString() });
        res.end();
      });

      const outcome = await fetcher().fetch({ url: `${server.origin}/rss` });

      expect(outcome.kind).toBe('retry-later');
      const retryAfterMs = outcome.kind === 'retry-later' ? outcome.retryAfterMs : undefined;
      // HTTP dates have whole seconds, and the request took a moment.
      expect(retryAfterMs).toBeGreaterThan(595_000);
      expect(retryAfterMs).toBeLessThanOrEqual(600_000);
    });

    it('reports 503 as retry-later, with or without Retry-After', async () => {
      const server = await startServer((req, res) => {
        res.writeHead(503, req.url === '/with' ? { 'Retry-After': '30' } : {});
        res.end();
      });

      const withHeader = await fetcher().fetch({ url: `${server.origin}/with` });
      const without = await fetcher().fetch({ url: `${server.origin}/without` });

      expect(withHeader).toMatchObject({ kind: 'retry-later', status: 503, retryAfterMs: 30_000 });
      expect(without).toEqual({
        kind: 'retry-later',
        status: 503,
        finalUrl: `${server.origin}/without`,
      });
    });

    it.each([400, 401, 403, 404, 500, 502])('reports %d as http-error', async (status) => {
      const server = await startServer((_req, res) => {
        res.statusCode = status;
        res.end('no');
      });

      const outcome = await fetcher().fetch({ url: `${server.origin}/rss` });

      expect(outcome).toEqual({ kind: 'http-error', status, finalUrl: `${server.origin}/rss` });
    });

    it('reports a redirect status without Location as http-error', async () => {
      const server = await startServer((_req, res) => {
        res.statusCode = 302;
        res.end();
      });

      const outcome = await fetcher().fetch({ url: `${server.origin}/rss` });

      expect(outcome).toMatchObject({ kind: 'http-error', status: 302 });
    });
  });

  describe('redirects', () => {
    /** A server whose /hop/N answers `statuses[N]` pointing to /hop/N+1, then the feed. */
    async function chain(statuses: number[]) {
      return startServer((req, res) => {
        const n = Number(req.url?.split('/')[2] ?? 0);
        const status = statuses[n];
        if (status === undefined) {
          res.end(RSS);
          return;
        }
        res.writeHead(status, { Location: `/hop/${n + 1}` });
        res.end();
      });
    }

    it('follows a chain of permanent redirects and reports the new URL as permanent', async () => {
      const server = await chain([301, 308, 301]);

      const outcome = ok(await fetcher().fetch({ url: `${server.origin}/hop/0` }));

      expect(outcome.finalUrl).toBe(`${server.origin}/hop/3`);
      expect(outcome.permanentUrl).toBe(`${server.origin}/hop/3`);
      expect(text(outcome.body)).toBe(RSS);
      expect(server.requests.map((r) => r.url)).toEqual(['/hop/0', '/hop/1', '/hop/2', '/hop/3']);
    });

    it.each([[[302]], [[307]], [[303]], [[301, 302]], [[302, 301]]])(
      'does not call %j a permanent move',
      async (statuses) => {
        const server = await chain(statuses);

        const outcome = ok(await fetcher().fetch({ url: `${server.origin}/hop/0` }));

        expect(outcome.finalUrl).toBe(`${server.origin}/hop/${statuses.length}`);
        expect(outcome.permanentUrl).toBeUndefined();
      },
    );

    it('reports a permanent move even when the new URL is gone', async () => {
      const server = await startServer((req, res) => {
        res.writeHead(req.url === '/old' ? 301 : 410, { Location: '/new' });
        res.end();
      });

      const outcome = await fetcher().fetch({ url: `${server.origin}/old` });

      expect(outcome).toEqual({
        kind: 'gone',
        status: 410,
        finalUrl: `${server.origin}/new`,
        permanentUrl: `${server.origin}/new`,
      });
    });

    it('resolves a relative Location against the current URL', async () => {
      const server = await startServer((req, res) => {
        if (req.url === '/news/en/feed') {
          res.writeHead(302, { Location: '../rss.xml?v=2' });
          res.end();
          return;
        }
        res.end(RSS);
      });

      const outcome = ok(await fetcher().fetch({ url: `${server.origin}/news/en/feed` }));

      expect(outcome.finalUrl).toBe(`${server.origin}/news/rss.xml?v=2`);
    });

    it('follows five redirects and refuses the sixth', async () => {
      const five = await chain([302, 302, 302, 302, 302]);
      const six = await chain([302, 302, 302, 302, 302, 302]);

      const followed = await fetcher().fetch({ url: `${five.origin}/hop/0` });
      const error = await fetchFailure(fetcher().fetch({ url: `${six.origin}/hop/0` }));

      expect(followed.kind).toBe('ok');
      expect(error.code).toBe('TOO_MANY_REDIRECTS');
      expect(error.message).toContain('more than 5 times');
      expect(six.requests).toHaveLength(6); // the sixth Location is never requested
    });

    it('refuses a redirect loop', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(301, { Location: '/loop' });
        res.end();
      });

      const error = await fetchFailure(fetcher().fetch({ url: `${server.origin}/loop` }));

      expect(error.code).toBe('TOO_MANY_REDIRECTS');
    });

    it('honours maxRedirects', async () => {
      const server = await chain([302]);

      const error = await fetchFailure(
        fetcher({ maxRedirects: 0 }).fetch({ url: `${server.origin}/hop/0` }),
      );

      expect(error.code).toBe('TOO_MANY_REDIRECTS');
    });

    it('refuses a redirect to a scheme other than http(s)', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(302, { Location: 'file:///etc/passwd' });
        res.end();
      });

      const error = await fetchFailure(fetcher().fetch({ url: `${server.origin}/rss` }));

      expect(error.code).toBe('UNSUPPORTED_SCHEME');
    });
  });

  describe('credentials', () => {
    const BASIC = `Basic ${Buffer.from('bot:s@cret').toString('base64')}`;

    it('sends URL user info as Basic auth and keeps it on a same-origin redirect', async () => {
      const server = await startServer((req, res) => {
        if (req.url === '/rss') {
          res.writeHead(301, { Location: '/feed.xml' });
          res.end();
          return;
        }
        res.end(RSS);
      });
      const url = `http://bot:s%40cret@127.0.0.1:${server.port}/rss`;

      const outcome = ok(await fetcher().fetch({ url }));

      expect(server.requests.map((r) => r.headers.authorization)).toEqual([BASIC, BASIC]);
      // The stored URL keeps working after the move.
      expect(outcome.permanentUrl).toBe(`http://bot:s%40cret@127.0.0.1:${server.port}/feed.xml`);
    });

    it('drops them on a redirect to another port of the same host', async () => {
      // Prepare: two servers on different ports are different origins.
      const other = await startServer((_req, res) => res.end(RSS));
      const first = await startServer((_req, res) => {
        res.writeHead(302, { Location: `${other.origin}/rss`, 'Set-Cookie': 'session=abc' });
        res.end();
      });

      // Act
      const outcome = ok(
        await fetcher().fetch({ url: `http://bot:s%40cret@127.0.0.1:${first.port}/rss` }),
      );

      // Assess
      expect(first.requests[0]?.headers.authorization).toBe(BASIC);
      expect(other.requests[0]?.headers.authorization).toBeUndefined();
      expect(other.requests[0]?.headers.cookie).toBeUndefined();
      expect(outcome.finalUrl).toBe(`${other.origin}/rss`);
    });

    it('drops them on a redirect to another host name, even one for the same server', async () => {
      const server = await startServer((req, res) => {
        if (req.url === '/rss') {
          res.writeHead(302, { Location: `http://localhost:${server.port}/feed` });
          res.end();
          return;
        }
        res.end(RSS);
      });

      await fetcher().fetch({ url: `http://bot:s%40cret@127.0.0.1:${server.port}/rss` });

      expect(server.requests[0]?.headers.authorization).toBe(BASIC);
      expect(server.requests[1]?.headers.host).toBe(`localhost:${server.port}`);
      expect(server.requests[1]?.headers.authorization).toBeUndefined();
    });

    it('does not bring them back when the redirects return to the first host', async () => {
      const first = await startServer((req, res) => {
        if (req.url === '/rss') {
          res.writeHead(302, { Location: `http://localhost:${first.port}/back` });
          res.end();
          return;
        }
        if (req.url === '/back') {
          res.writeHead(302, { Location: `http://127.0.0.1:${first.port}/final` });
          res.end();
          return;
        }
        res.end(RSS);
      });

      await fetcher().fetch({ url: `http://bot:s%40cret@127.0.0.1:${first.port}/rss` });

      expect(first.requests.map((r) => r.headers.authorization)).toEqual([
        BASIC,
        undefined,
        undefined,
      ]);
    });

    it('never sends a cookie, not even one set by the redirecting server for itself', async () => {
      const server = await startServer((req, res) => {
        if (req.url === '/rss') {
          res.writeHead(302, { Location: '/feed', 'Set-Cookie': 'consent=yes; Path=/' });
          res.end();
          return;
        }
        res.end(RSS);
      });

      await fetcher().fetch({ url: `${server.origin}/rss` });

      expect(server.requests[1]?.headers.cookie).toBeUndefined();
    });
  });

  describe('content encodings', () => {
    const body = Buffer.from(RSS.repeat(50));

    it.each([
      ['gzip', zlib.gzipSync(body)],
      ['x-gzip', zlib.gzipSync(body)],
      ['deflate', zlib.deflateSync(body)],
      ['deflate', zlib.deflateRawSync(body)], // raw DEFLATE, as some servers send it
      ['br', zlib.brotliCompressSync(body)],
      ['identity', body],
      ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(body))],
    ])('decodes %s', async (encoding, encoded) => {
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'Content-Encoding': encoding, 'Content-Length': encoded.length });
        res.end(encoded);
      });

      const outcome = ok(await fetcher().fetch({ url: `${server.origin}/rss` }));

      expect(Buffer.from(outcome.body).equals(body)).toBe(true);
    });

    it('accepts an empty body that claims to be compressed', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'Content-Encoding': 'gzip' });
        res.end();
      });

      const outcome = ok(await fetcher().fetch({ url: `${server.origin}/rss` }));

      expect(outcome.body).toHaveLength(0);
    });

    it('refuses a corrupt compressed body', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'Content-Encoding': 'gzip' });
        res.end('this is not gzip at all, not even close');
      });

      const error = await fetchFailure(fetcher().fetch({ url: `${server.origin}/rss` }));

      expect(error.code).toBe('DECOMPRESSION');
      expect(error.message).toContain('gzip');
    });

    it('refuses an encoding it did not ask for', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'Content-Encoding': 'zstd' });
        res.end('whatever');
      });

      const error = await fetchFailure(fetcher().fetch({ url: `${server.origin}/rss` }));

      expect(error.code).toBe('DECOMPRESSION');
      expect(error.message).toContain('zstd');
    });
  });

  describe('body limits', () => {
    it('refuses a Content-Length over the cap before the body is sent', async () => {
      // Prepare: the server announces 2 MiB, then waits; it never sends the body.
      const closed = deferred();
      const server = await startServer((req, res) => {
        void connectionClosed(req).then(closed.resolve);
        res.writeHead(200, { 'Content-Length': 2 * 1024 * 1024 });
        res.write('<rss>');
      });

      // Act
      const error = await fetchFailure(
        fetcher({ maxBodyBytes: 1024 * 1024 }).fetch({ url: `${server.origin}/rss` }),
      );

      // Assess
      expect(error.code).toBe('BODY_TOO_LARGE');
      expect(error.message).toBe(
        'fetch: Content-Length 2097152 exceeds 1048576 bytes; refused before reading',
      );
      await closed.promise;
    });

    it('aborts a chunked body as soon as it passes the cap', async () => {
      // Prepare: 64 KiB chunks without end, for as long as the connection lasts.
      const closed = deferred();
      let sent = 0;
      const server = await startServer((req, res) => {
        void connectionClosed(req).then(closed.resolve);
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (!res.destroyed && sent < 1024) {
            sent += 1;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
        };
        pump();
      });

      // Act
      const error = await fetchFailure(
        fetcher({ maxBodyBytes: 256 * 1024 }).fetch({ url: `${server.origin}/rss` }),
      );

      // Assess
      expect(error.code).toBe('BODY_TOO_LARGE');
      await closed.promise;
      expect(sent).toBeLessThan(1024); // 64 MiB were on offer
    });

    it('caps the body after decompression too', async () => {
      // Prepare: 2 MiB of feed compresses far below the 1 MiB cap.
      const encoded = zlib.gzipSync(
        Buffer.from(RSS.repeat(Math.ceil((2 * 1024 * 1024) / RSS.length))),
      );
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': encoded.length });
        res.end(encoded);
      });

      const error = await fetchFailure(
        fetcher({ maxBodyBytes: 1024 * 1024 }).fetch({ url: `${server.origin}/rss` }),
      );

      expect(encoded.length).toBeLessThan(1024 * 1024);
      expect(error.code).toBe('BODY_TOO_LARGE');
      expect(error.message).toContain('after gzip decompression');
    });

    it('stops a gzip bomb at the cap instead of inflating it', async () => {
      // Prepare: 64 GiB of zeros as 65536 gzip members of 1 MiB each (about 1 KiB compressed),
      // written only as fast as the client reads. Socket buffers take a few MiB of it.
      const member = zlib.gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
      const total = 64 * 1024;
      const closed = deferred();
      let written = 0;
      const server = await startServer((req, res) => {
        void connectionClosed(req).then(closed.resolve);
        res.writeHead(200, { 'Content-Encoding': 'gzip' });
        const pump = () => {
          while (!res.destroyed && written < total) {
            written += 1;
            if (!res.write(member)) {
              res.once('drain', pump);
              return;
            }
          }
          if (written === total) res.end();
        };
        pump();
      });
      const started = Date.now();

      // Act
      const error = await fetchFailure(
        fetcher({ maxBodyBytes: 1024 * 1024 }).fetch({ url: `${server.origin}/rss` }),
      );

      // Assess
      expect(error.code).toBe('BODY_TOO_LARGE');
      await closed.promise;
      expect(written).toBeLessThan(total);
      // Inflating 64 GiB takes minutes; stopping at the cap takes milliseconds.
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe('timeouts', () => {
    it('aborts a server that trickles its body, and closes the connection', async () => {
      // Prepare
      const closed = deferred();
      const server = await startServer((req, res) => {
        void connectionClosed(req).then(closed.resolve);
        res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
        res.write('<rss>');
        const timer = setInterval(() => res.write(' '), 50);
        req.socket.once('close', () => clearInterval(timer));
      });
      const started = Date.now();

      // Act
      const error = await fetchFailure(
        fetcher({ totalTimeoutMs: 300 }).fetch({ url: `${server.origin}/rss` }),
      );

      // Assess
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toContain('took longer than 300 ms');
      expect(Date.now() - started).toBeLessThan(2_000);
      await closed.promise;
    });

    it('aborts a server that never answers, and closes the connection', async () => {
      const closed = deferred();
      const server = await startServer((req) => {
        void connectionClosed(req).then(closed.resolve);
      });

      const error = await fetchFailure(
        fetcher({ totalTimeoutMs: 300 }).fetch({ url: `${server.origin}/rss` }),
      );

      expect(error.code).toBe('TIMEOUT');
      await closed.promise;
    });

    it('counts redirects against the same total time', async () => {
      const server = await startServer((req, res) => {
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(302, { Location: `/next${req.url}` });
          res.end();
        }, 120);
      });

      const error = await fetchFailure(
        fetcher({ totalTimeoutMs: 300 }).fetch({ url: `${server.origin}/a` }),
      );

      expect(error.code).toBe('TIMEOUT');
      expect(server.requests.length).toBeGreaterThanOrEqual(2);
      expect(server.requests.length).toBeLessThanOrEqual(3);
    });

    it('gives up connecting after the connect timeout (name resolution included)', async () => {
      const neverResolves = () => new Promise<Array<{ address: string; family: 4 | 6 }>>(() => {});

      const error = await fetchFailure(
        fetcher({ lookup: neverResolves, connectTimeoutMs: 100 }).fetch({
          url: 'http://feeds.example/rss',
        }),
      );

      expect(error.code).toBe('CONNECT_TIMEOUT');
      expect(error.message).toBe('fetch: no connection to feeds.example within 100 ms');
    });
  });

  describe('network failures', () => {
    it('reports a refused connection as NETWORK', async () => {
      const server = await startServer(() => {});
      const { port } = server;
      await server.close();

      const error = await fetchFailure(fetcher().fetch({ url: `http://127.0.0.1:${port}/rss` }));

      expect(error.code).toBe('NETWORK');
      expect(error.message).toContain('ECONNREFUSED');
    });

    it('reports a name that does not resolve as NETWORK', async () => {
      const notFound = async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), {
          code: 'ENOTFOUND',
        });
      };

      const error = await fetchFailure(
        fetcher({ lookup: notFound }).fetch({ url: 'http://nowhere.example/' }),
      );

      expect(error.code).toBe('NETWORK');
      expect(error.message).toContain('ENOTFOUND');
    });

    it('reports a connection cut mid-body as NETWORK', async () => {
      const server = await startServer((req, res) => {
        res.writeHead(200, { 'Content-Length': 1000 });
        res.write('<rss>');
        setTimeout(() => req.socket.destroy(), 20);
      });

      const error = await fetchFailure(fetcher().fetch({ url: `${server.origin}/rss` }));

      expect(error.code).toBe('NETWORK');
    });

    it('refuses a bad URL and an unsupported scheme before any request', async () => {
      expect((await fetchFailure(fetcher().fetch({ url: 'not a url' }))).code).toBe('BAD_URL');
      expect((await fetchFailure(fetcher().fetch({ url: 'ftp://127.0.0.1/feed' }))).code).toBe(
        'UNSUPPORTED_SCHEME',
      );
    });
  });

  describe('options', () => {
    it.each([
      { maxRedirects: -1 },
      { maxBodyBytes: Number.NaN },
      { totalTimeoutMs: 0 },
      { connectTimeoutMs: 1.5 },
    ])('refuses %j', (options) => {
      expect(() => createGuardedFetcher(options)).toThrow(RangeError);
    });
  });
});
