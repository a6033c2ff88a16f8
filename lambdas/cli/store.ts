import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { createArticleRepository } from '../adapters/dynamodb/article.repository';
import { createFeedRepository } from '../adapters/dynamodb/feed.repository';
import { documentClient } from '../adapters/dynamodb/table';
import { createTopicRepository } from '../adapters/dynamodb/topic.repository';
import type { ArticleRepository, FeedRepository, TopicRepository } from '../use-cases/ports';

/**
 * Where the `newsalert` commands read and write: one connection for every command.
 *
 * - default: the local store of `npm start`: `DYNAMODB_ENDPOINT` (default
 *   `http://127.0.0.1:8000`) and `TABLE_NAME` (default `news-alerts`). When nothing answers there
 *   and `DYNAMODB_ENDPOINT` is not set, the CLI starts DynamoDB Local itself on the data folder
 *   of a stopped `npm start` (`--data-dir`, default `.local`; the demo's is `.local/demo`) for
 *   the length of the command;
 * - `--stage <name>`: the deployed stage's table `news-alerts-<name>` in the operator's AWS
 *   account, with the default AWS credentials and region (profile, SSO, environment);
 * - `DYNAMODB_ENDPOINT=aws`: the AWS account with `TABLE_NAME`.
 */

export const STORE_USAGE =
  'Store: the local one (DYNAMODB_ENDPOINT, default http://127.0.0.1:8000; TABLE_NAME, default news-alerts;\n' +
  '  --data-dir DIR starts DynamoDB Local on a stopped `npm start` folder, default .local, demo .local/demo),\n' +
  '  or --stage NAME for the deployed table news-alerts-NAME (default AWS credentials and region).';

const DEFAULT_ENDPOINT = 'http://127.0.0.1:8000';

const envSchema = z.object({
  DYNAMODB_ENDPOINT: z.string().min(1).optional(),
  TABLE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'TABLE_NAME must be a DynamoDB table name')
    .default('news-alerts'),
  AWS_REGION: z.string().optional(),
  NEWSALERT_DATA_DIR: z.string().optional(),
});

const STAGE = /^[a-z0-9][a-z0-9-]{0,30}$/;

/** The table a command talks to, and a client for it. */
export interface DynamoTarget {
  client: DynamoDBClient;
  tableName: string;
  /** For messages: `table news-alerts at http://127.0.0.1:8000`. */
  describe: string;
  /** The endpoint of a local store; absent for AWS. */
  endpoint?: string;
}

/**
 * The table and client from the environment and `--stage`, without connecting.
 *
 * @example dynamoTarget({}, { stage: 'prod' }).tableName // 'news-alerts-prod'
 */
export function dynamoTarget(
  env: Record<string, string | undefined>,
  options: { stage?: string; endpoint?: string } = {},
): DynamoTarget {
  const config = envSchema.parse({
    DYNAMODB_ENDPOINT: env.DYNAMODB_ENDPOINT || undefined,
    TABLE_NAME: env.TABLE_NAME || undefined,
    AWS_REGION: env.AWS_REGION || undefined,
  });
  if (options.stage !== undefined) {
    if (!STAGE.test(options.stage)) {
      throw new Error(`--stage must be a stage name such as dev or prod, not "${options.stage}"`);
    }
    const tableName = `news-alerts-${options.stage}`;
    return {
      client: new DynamoDBClient({}),
      tableName,
      describe: `table ${tableName} in AWS (stage ${options.stage})`,
    };
  }
  const endpoint = options.endpoint ?? config.DYNAMODB_ENDPOINT ?? DEFAULT_ENDPOINT;
  if (endpoint === 'aws') {
    return {
      client: new DynamoDBClient({}),
      tableName: config.TABLE_NAME,
      describe: `table ${config.TABLE_NAME} in AWS`,
    };
  }
  return {
    client: new DynamoDBClient({
      endpoint,
      region: config.AWS_REGION ?? 'local',
      // DynamoDB Local accepts any credentials; real ones are not needed or wanted here.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 2,
    }),
    tableName: config.TABLE_NAME,
    describe: `table ${config.TABLE_NAME} at ${endpoint}`,
    endpoint,
  };
}

/** The repositories the editors' commands use, over one connection. */
export interface CliStore {
  describe: string;
  tableName: string;
  db: DynamoDBDocumentClient;
  topics: TopicRepository;
  feeds: FeedRepository;
  articles: ArticleRepository;
  /** Where the store is: `local` (DynamoDB Local) or `aws`. */
  where: 'local' | 'aws';
  /** Stops what the command started (a DynamoDB Local of its own). */
  close(): Promise<void>;
}

/**
 * Opens the store for one command; see the module comment for how the target is chosen.
 *
 * @example const store = await openCliStore(process.env, { stage }, io.stderr); try { … } finally { await store.close(); }
 */
export async function openCliStore(
  env: Record<string, string | undefined>,
  options: {
    stage?: string;
    dataDir?: string;
    /** Whether `npm start`'s DynamoDB Local answers; tests replace the port probe. */
    localStoreAnswers?: () => Promise<boolean>;
  } = {},
  say: (line: string) => void = () => undefined,
): Promise<CliStore> {
  let target = dynamoTarget(env, options);
  let stop: () => Promise<void> = async () => undefined;
  const answers = options.localStoreAnswers ?? localStoreAnswers;
  if (options.stage === undefined && !env.DYNAMODB_ENDPOINT && !(await answers())) {
    const dataDir = resolve(options.dataDir ?? env.NEWSALERT_DATA_DIR ?? '.local');
    const folder = join(dataDir, 'dynamodb');
    if (!existsSync(folder)) {
      throw new StoreUnavailableError(
        `nothing answers on ${DEFAULT_ENDPOINT} and there is no local data in ${folder}: ` +
          'start `npm start` (or `npm start -- --demo`) in another terminal, or pass --data-dir ' +
          '(the demo keeps its data in .local/demo), or set DYNAMODB_ENDPOINT',
      );
    }
    const { startDynamoDbLocal } = await import('../local/dynamodb-local');
    say(`starting DynamoDB Local on ${folder} (nothing answers on ${DEFAULT_ENDPOINT})…\n`);
    const local = await startDynamoDbLocal({ dataDir: folder });
    stop = () => local.stop();
    target = dynamoTarget(env, { endpoint: local.endpoint });
  }
  const db = documentClient(target.client);
  return {
    describe: target.describe,
    tableName: target.tableName,
    db,
    topics: createTopicRepository(db, target.tableName),
    feeds: createFeedRepository(db, target.tableName),
    articles: createArticleRepository(db, target.tableName),
    where: target.endpoint ? 'local' : 'aws',
    close: async () => {
      target.client.destroy();
      await stop();
    },
  };
}

/** The store cannot be reached; the message says what to start or set. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

async function localStoreAnswers(): Promise<boolean> {
  const { isPortTaken } = await import('../local/dynamodb-local');
  return await isPortTaken(Number(new URL(DEFAULT_ENDPOINT).port));
}

/**
 * Takes the store options out of a command line, leaving the rest for the command.
 *
 * @example takeStoreFlags(['list', '--stage', 'prod']) // { rest: ['list'], stage: 'prod' }
 */
export function takeStoreFlags(args: string[]): {
  rest: string[];
  stage?: string;
  dataDir?: string;
  problem?: string;
} {
  const rest: string[] = [];
  const found: { stage?: string; dataDir?: string; problem?: string } = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    const [name, inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) : [arg];
    if (name !== '--stage' && name !== '--data-dir') {
      rest.push(arg);
      continue;
    }
    const value = inline ?? args[++index];
    if (value === undefined || value.startsWith('--')) found.problem = `${name} needs a value`;
    else if (name === '--stage') found.stage = value;
    else found.dataDir = value;
  }
  return { rest, ...found };
}

/**
 * What went wrong with the store, in words that say what to do.
 *
 * @example storeProblem(error, store.describe) // 'table news-alerts at http://127.0.0.1:8000: nothing answers there (…)'
 */
export function storeProblem(error: unknown, where: string): string {
  const name = (error as { name?: string } | null)?.name ?? '';
  const code =
    (error as { code?: string } | null)?.code ??
    (error as { cause?: { code?: string } } | null)?.cause?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof StoreUnavailableError) return text;
  if (name === 'ResourceNotFoundException') {
    return `${where}: the table does not exist (start the local stack with npm start, or check --stage / TABLE_NAME)`;
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(text)) {
    return `${where}: nothing answers there (start the local stack with npm start, or set DYNAMODB_ENDPOINT)`;
  }
  if (/Region is missing/i.test(text)) {
    return `${where}: no AWS region configured (set AWS_REGION or a default region in your AWS profile)`;
  }
  if (/Could not load credentials|CredentialsProviderError/i.test(`${name} ${text}`)) {
    return `${where}: no AWS credentials found (log in with \`aws sso login\` or set AWS_PROFILE)`;
  }
  return `${where}: ${text}`;
}
