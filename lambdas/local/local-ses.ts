import type { Server } from 'node:http';
import { NewsAlertError } from '../shared/errors';
import { isPortTaken } from './dynamodb-local';

/** The local SES endpoint (npm package `aws-ses-v2-local`) could not start. */
export class LocalSesError extends NewsAlertError {
  override readonly name = 'LocalSesError';
  constructor(code: 'PORT_TAKEN' | 'START_FAILED' | 'INBOX_UNREADABLE', message: string) {
    super('local-ses', code, message);
  }
}

export interface LocalSes {
  /** Point an SES client here: `new SESClient({ endpoint, region: 'local', credentials })`. */
  readonly endpoint: string;
  /** The web inbox, for a person to read what was sent. */
  readonly inboxUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** One email as the local SES server stored it (already parsed by the server). */
export interface LocalInboxEmail {
  messageId: string;
  from: string;
  to: string[];
  /** Decoded (RFC 2047 words already joined). */
  subject: string;
  html: string | undefined;
  text: string | undefined;
  /**
   * Headers the server kept, lower-cased names. For raw sends aws-ses-v2-local 2.10 keeps none
   * (it stores only from/to/subject/bodies/attachments), so List-Unsubscribe is not here.
   */
  headers: Record<string, string>;
  /** Epoch seconds when the server received it. */
  at: number;
}

/**
 * Starts aws-ses-v2-local in this process on 127.0.0.1 (a free port unless one is given), serving
 * the SES v1 and v2 APIs and a web inbox. In-process keeps start-up fast and leaves no child to
 * clean up; the server keeps its inbox in module memory, so two instances in one process share it.
 *
 * @example
 * const ses = await startLocalSes();
 * const client = new SESClient({ endpoint: ses.endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 * … console.log(`inbox: ${ses.inboxUrl}`); await ses.stop();
 */
export async function startLocalSes(options: { port?: number } = {}): Promise<LocalSes> {
  if (options.port !== undefined && (await isPortTaken(options.port))) {
    throw new LocalSesError(
      'PORT_TAKEN',
      `port ${options.port} on 127.0.0.1 is already in use; stop what uses it or choose another port.`,
    );
  }
  const start = await loadServer();
  let server: Server;
  try {
    // Loopback only: the package's default host '::' would listen on every interface.
    server = await start({ host: '127.0.0.1', port: options.port ?? 0 });
  } catch (error) {
    throw new LocalSesError('START_FAILED', `aws-ses-v2-local did not start: ${String(error)}`);
  }
  const address = server.address();
  if (!server.listening || typeof address !== 'object' || address === null) {
    server.close();
    throw new LocalSesError('START_FAILED', 'aws-ses-v2-local is not listening');
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    inboxUrl: `${endpoint}/`,
    port: address.port,
    stop: () =>
      new Promise<void>((resolve) => {
        // The SDK keeps connections alive; close them or `close` waits for their timeout.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Reads every email the local SES server holds, oldest first.
 *
 * @example const [email] = await readLocalInbox(ses.endpoint); email?.subject
 */
export async function readLocalInbox(endpoint: string): Promise<LocalInboxEmail[]> {
  const response = await fetch(`${endpoint}/store`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) {
    throw new LocalSesError('INBOX_UNREADABLE', `GET /store answered ${response.status}`);
  }
  const body = (await response.json()) as { emails?: StoredEmail[] };
  return (body.emails ?? []).map((email) => ({
    messageId: email.messageId,
    from: email.from,
    to: email.destination?.to ?? [],
    subject: email.subject,
    html: email.body?.html,
    text: email.body?.text,
    headers: Object.fromEntries(
      (email.headers ?? []).map((header) => [header.name.toLowerCase(), header.value]),
    ),
    at: email.at,
  }));
}

/**
 * Empties the local inbox.
 *
 * @example await clearLocalInbox(ses.endpoint);
 */
export async function clearLocalInbox(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/clear-store`, {
    method: 'POST',
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) {
    throw new LocalSesError('INBOX_UNREADABLE', `POST /clear-store answered ${response.status}`);
  }
}

interface StoredEmail {
  messageId: string;
  from: string;
  destination?: { to?: string[] };
  subject: string;
  body?: { html?: string; text?: string };
  headers?: Array<{ name: string; value: string }>;
  at: number;
}

type StartServer = (config: { host: string; port: number }) => Promise<Server>;

async function loadServer(): Promise<StartServer> {
  // A dev dependency: loaded only when the local runner or a test asks for it, never in a Lambda.
  // It is CommonJS with `exports.default`, which ESM loaders expose as `default` or `default.default`.
  const loaded = (await import('aws-ses-v2-local')) as unknown as {
    default: StartServer | { default: StartServer };
  };
  const candidate = loaded.default;
  return typeof candidate === 'function' ? candidate : candidate.default;
}
