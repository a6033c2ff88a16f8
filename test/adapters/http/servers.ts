import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { FetchError } from '../../../lambdas/adapters/http/fetch-error';

/**
 * Real HTTP servers on loopback for the fetcher tests, and a safety net that makes it impossible
 * for a test to open a connection to anything but loopback, whatever the code under test does.
 */

/** One request as the server saw it. */
export interface SeenRequest {
  url: string;
  headers: IncomingHttpHeaders;
}

export interface TestServer {
  /** `http://127.0.0.1:PORT` (or the host it was started on). */
  origin: string;
  port: number;
  requests: SeenRequest[];
  /** TCP connections accepted, whether or not a request came. */
  connections: number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const openServers = new Set<http.Server | net.Server>();

/** Starts `node:http` on `host`, port 0. */
export async function startServer(handler: Handler, host = '127.0.0.1'): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  const state = { connections: 0 };
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  openServers.add(server);
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    port,
    requests,
    get connections() {
      return state.connections;
    },
    close: () => closeServer(server),
  };
}

/** A bare TCP server that counts connections and bytes and never answers. */
export async function startRawServer(host = '127.0.0.1'): Promise<{
  port: number;
  connections: () => number;
  bytes: () => number;
  close(): Promise<void>;
}> {
  let connections = 0;
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', (chunk) => {
      bytes += chunk.length;
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  openServers.add(server);
  const { port } = server.address() as AddressInfo;
  return {
    port,
    connections: () => connections,
    bytes: () => bytes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}

async function closeServer(server: http.Server | net.Server): Promise<void> {
  openServers.delete(server);
  if (server instanceof http.Server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function closeAllServers(): Promise<void> {
  await Promise.all([...openServers].map((server) => closeServer(server)));
}

/** Resolves when the connection behind `req` is closed (by either side). */
export function connectionClosed(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.socket.destroyed) resolve();
    else req.socket.once('close', () => resolve());
  });
}

/** A promise with its resolve function, for handlers that report back to the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** An injectable resolver that answers every name with 127.0.0.1 and records what it was asked. */
export function loopbackLookup(): ((
  hostname: string,
) => Promise<Array<{ address: string; family: 4 | 6 }>>) & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    return [{ address: '127.0.0.1', family: 4 as const }];
  };
  return Object.assign(lookup, { calls });
}

function isLoopback(address: string): boolean {
  const bare = address.replace(/^::ffff:/i, '');
  return (net.isIPv4(bare) && bare.startsWith('127.')) || address === '::1';
}

/**
 * Makes every outgoing TCP connection from this process fail unless it goes to loopback:
 * IP-literal hosts are checked when the connection starts, names on what their lookup answers.
 * A fetcher bug in a test that feeds private or public addresses therefore fails the test
 * instead of sending a packet off the machine. Returns the function that removes it.
 */
export function installLoopbackOnlyNet(): () => void {
  const original = net.Socket.prototype.connect;
  type ConnectOptions = net.TcpSocketConnectOpts & { path?: string | null };
  // biome-ignore lint/suspicious/noExplicitAny: wraps Node's overloaded connect as it is called.
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: any[]) {
    const first = args[0];
    const options: ConnectOptions | undefined = Array.isArray(first)
      ? first[0]
      : typeof first === 'object'
        ? first
        : undefined;
    // Only a Unix socket has a path; http passes `path: null` for TCP.
    if (options && !options.path) {
      const host = options.host ?? 'localhost';
      if (net.isIP(host)) {
        if (!isLoopback(host)) throw new Error(`test safety net: refused to connect to ${host}`);
      } else {
        const lookup = options.lookup;
        if (!lookup) throw new Error(`test safety net: ${host} would use the system resolver`);
        options.lookup = ((hostname, lookupOptions, callback) =>
          lookup(hostname, lookupOptions, (error, address, family) => {
            const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
            const offMachine = addresses.find((a) => !isLoopback(a));
            if (!error && offMachine) {
              callback(new Error(`test safety net: refused to connect to ${offMachine}`), '');
            } else {
              callback(error, address, family);
            }
          })) as net.LookupFunction;
      }
    }
    return original.apply(this, args as Parameters<typeof original>);
  } as typeof original;
  return () => {
    net.Socket.prototype.connect = original;
  };
}

/**
 * The FetchError a promise rejects with; fails the test when it resolves or rejects otherwise.
 *
 * @example expect((await fetchFailure(fetcher.fetch({ url }))).code).toBe('TIMEOUT')
 */
export async function fetchFailure(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FetchError) return error;
    throw error;
  }
  throw new Error('expected a FetchError, nothing was thrown');
}

/**
 * The FetchError a synchronous check throws; fails the test when it throws nothing or something else.
 *
 * @example expect(refusal(() => assertFetchableUrl('http://127.1/')).code).toBe('BLOCKED_ADDRESS')
 */
export function refusal(action: () => unknown): FetchError {
  try {
    action();
  } catch (error) {
    if (error instanceof FetchError) return error;
    throw error;
  }
  throw new Error('expected a FetchError, nothing was thrown');
}
