import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';

export interface ServedFile {
  body: Uint8Array | string;
  contentType?: string;
}

/** A custom answer for one path: tests use it for redirects, 410, 429 and the like. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

export interface FeedServer {
  baseUrl: string;
  urlOf(path: string): string;
  /** Serves `file` at `path` (with ETag and Last-Modified), replacing what was there. */
  put(path: string, file: ServedFile): void;
  route(path: string, handler: RouteHandler): void;
  /** Every request received, in order: tests check conditional headers with it. */
  readonly requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.xml': 'application/xml',
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
};

/**
 * A real HTTP server on 127.0.0.1 serving feeds: the bundled sample feeds for `npm start -- --demo`,
 * and any feed a test puts there. It answers conditional GETs with 304 as outlets' servers do.
 * Files are served as bytes, so a windows-1251 feed stays windows-1251 on the wire.
 *
 * @example const server = await startFeedServer({ dir: 'test/fixtures/feeds/sample' }); server.urlOf('x.rss.xml')
 */
export async function startFeedServer(
  options: { dir?: string; port?: number } = {},
): Promise<FeedServer> {
  const files = new Map<
    string,
    { body: Buffer; contentType: string; etag: string; lastModified: string }
  >();
  const routes = new Map<string, RouteHandler>();
  const requests: FeedServer['requests'] = [];

  const put = (path: string, file: ServedFile) => {
    const body = Buffer.from(file.body);
    files.set(path.startsWith('/') ? path : `/${path}`, {
      body,
      contentType: file.contentType ?? CONTENT_TYPES[extname(path)] ?? 'application/xml',
      etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`,
      lastModified: new Date().toUTCString(),
    });
  };
  if (options.dir) {
    for (const name of readdirSync(options.dir)) {
      if (name.endsWith('.xml')) put(name, { body: readFileSync(join(options.dir, name)) });
    }
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push({ path, headers: request.headers });
    const route = routes.get(path);
    if (route) return route(request, response);
    const file = files.get(path);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (request.headers['if-none-match'] === file.etag) {
      response.writeHead(304, { etag: file.etag }).end();
      return;
    }
    response
      .writeHead(200, {
        'content-type': file.contentType,
        'content-length': file.body.length,
        etag: file.etag,
        'last-modified': file.lastModified,
      })
      .end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    urlOf: (path) => `${baseUrl}/${path.replace(/^\//, '')}`,
    put,
    route: (path, handler) => routes.set(path.startsWith('/') ? path : `/${path}`, handler),
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
