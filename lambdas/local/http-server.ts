/**
 * The HTTP API on one machine: a `node:http` server over the same router the Lambda uses, for
 * `npm start` and the end-to-end tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseQuery } from '../http/api-gateway';
import type { HttpRequest } from '../http/http-types';
import { errorResponse, type Router } from '../http/router';
import { NewsAlertError } from '../shared/errors';

/** The local HTTP server could not start. */
export class HttpServerError extends NewsAlertError {
  override readonly name = 'HttpServerError';
  constructor(code: 'PORT_TAKEN' | 'START_FAILED', message: string, options?: { cause?: unknown }) {
    super('http-server', code, message, options);
  }
}

export interface LocalHttpServer {
  /** e.g. `http://127.0.0.1:8787`, no trailing slash. */
  readonly baseUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1: the local API is for this machine only. */
  host?: string;
  router: Router;
  /**
   * Bodies larger than this are refused here, before the router, so nobody can make the process
   * buffer megabytes; the router applies its own, smaller, per-route cap. Default 64 KB.
   */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Starts the server and resolves once it listens.
 *
 * @example
 * const server = await startHttpServer({ port: 8787, host: '127.0.0.1', router });
 * console.log(`subscribe at ${server.baseUrl}/subscribe`); … await server.close();
 */
export async function startHttpServer(options: HttpServerOptions): Promise<LocalHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const server = createServer((incoming, outgoing) => {
    void serve(options.router, incoming, outgoing, maxBodyBytes);
  });
  // A slow client cannot hold a connection open for long.
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new HttpServerError(
              'PORT_TAKEN',
              `port ${options.port} on ${host} is already in use; stop what uses it or choose another port.`,
              { cause: error },
            )
          : new HttpServerError(
              'START_FAILED',
              `could not listen on ${host}:${options.port}: ${error.message}`,
              {
                cause: error,
              },
            ),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, host);
  });

  const address = server.address();
  if (typeof address !== 'object' || address === null) {
    server.close();
    throw new HttpServerError('START_FAILED', 'the server is not listening on a TCP port');
  }
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    baseUrl: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(
  router: Router,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  maxBodyBytes: number,
): Promise<void> {
  try {
    const headers = lowerCaseHeaders(incoming);
    const body = await readBody(incoming, maxBodyBytes);
    if (body === undefined) {
      const response = errorResponse(
        { headers },
        413,
        'BODY_TOO_LARGE',
        'Request too large',
        `The request body is larger than ${Math.floor(maxBodyBytes / 1024)} KB.`,
        { connection: 'close' },
      );
      outgoing.writeHead(response.status, response.headers).end(response.body);
      return;
    }
    const url = new URL(incoming.url ?? '/', 'http://localhost');
    const request: HttpRequest = {
      method: (incoming.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: parseQuery(url.search),
      headers,
      body,
      ...(incoming.socket.remoteAddress ? { sourceIp: incoming.socket.remoteAddress } : {}),
    };
    const response = await router.handle(request);
    outgoing.writeHead(response.status, response.headers).end(response.body);
  } catch {
    // The router never throws; this is a socket gone away mid-request.
    if (!outgoing.headersSent) outgoing.writeHead(500).end();
    else outgoing.destroy();
  }
}

/**
 * The body as UTF-8 text, or `undefined` once it passes `maxBytes`. The rest is read and dropped
 * (not buffered) so the 413 answer can still be written on the same connection.
 */
async function readBody(incoming: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return await new Promise((resolve, reject) => {
    const declared = Number(incoming.headers['content-length'] ?? '0');
    let over = declared > maxBytes;
    if (over) resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    incoming.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    incoming.on('error', reject);
  });
}

function lowerCaseHeaders(incoming: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
