import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FeedExistsError } from '../adapters/dynamodb/feed.repository';
import { DEFAULT_FEEDS } from '../domain/feeds/default-feeds';
import { type Feed, initialPollState } from '../domain/feeds/feed-state';
import { parseFeed } from '../domain/feeds/parse-feed';
import { NewsAlertError } from '../shared/errors';
import { currentTaxonomy } from '../use-cases/taxonomy.use-case';
import { startDynamoDbLocal } from './dynamodb-local';
import { startFeedServer } from './feed-server';
import { startHttpServer } from './http-server';
import { type CycleTotals, createLocalApp, type LocalApp } from './local-app';
import { startLocalSes } from './local-ses';
import { seedFeeds } from './seed';

const SAMPLE_FEEDS_DIR = resolve(import.meta.dirname, '../../test/fixtures/feeds/sample');
export const DEMO_SUBSCRIBER_EMAIL = 'demo@news-alerts.local';
const SENDER = 'News Alerts <alerts@news-alerts.local>';

const USAGE = `Usage: npm start -- [--demo] [--once] [--interval SECONDS] [--http-port N] [--dynamo-port N] [--ses-port N] [--data-dir DIR]
  --demo       serve the bundled sample feeds on 127.0.0.1 and add a demo subscriber to every topic
  --once       run one cycle, print a JSON summary as the last line, and exit
  --interval   seconds between cycles (default 300; 60 with --demo)
  --data-dir   where DynamoDB Local keeps its data (default .local, or .local/demo with --demo)
`;

async function main(argv: string[]): Promise<number> {
  // Local mode runs on the developer's Node (20 here); the SDK's notice about Node 20 support is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    args: argv,
    options: {
      demo: { type: 'boolean', default: false },
      once: { type: 'boolean', default: false },
      interval: { type: 'string' },
      'http-port': { type: 'string' },
      'dynamo-port': { type: 'string' },
      'ses-port': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const port = (value: string | undefined, fallback: number) => {
    if (value === undefined) return values.once ? 0 : fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535)
      throw new Error(`not a port number: ${value}`);
    return parsed;
  };
  const dataDir = resolve(values['data-dir'] ?? (values.demo ? '.local/demo' : '.local'));
  const intervalSeconds = Number(values.interval ?? (values.demo ? 60 : 300));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  try {
    mkdirSync(dataDir, { recursive: true });
    const dynamo = await startDynamoDbLocal({
      port: port(values['dynamo-port'], 8000) || undefined,
      dataDir: join(dataDir, 'dynamodb'),
    });
    stops.push(() => dynamo.stop());
    const ses = await startLocalSes({ port: port(values['ses-port'], 8005) || undefined });
    stops.push(() => ses.stop());
    const { freePort } = await import('./dynamodb-local');
    const httpPort = port(values['http-port'], 8787) || (await freePort());
    const publicBaseUrl = `http://127.0.0.1:${httpPort}`;

    const app = await createLocalApp({
      dynamoEndpoint: dynamo.endpoint,
      tableName: 'news-alerts',
      sesEndpoint: ses.endpoint,
      publicBaseUrl,
      tokenSecrets: tokenSecrets(dataDir),
      sender: SENDER,
      allowPrivateNetworks: values.demo,
      outboxDir: join(dataDir, 'outbox'),
      adminToken: adminToken(dataDir),
    });
    const http = await startHttpServer({ port: httpPort, host: '127.0.0.1', router: app.router });
    stops.push(() => http.close());

    if (values.demo) {
      const feedServer = await startFeedServer();
      stops.push(() => feedServer.close());
      await seedDemo(app, feedServer);
    } else {
      await seedFeeds(app.repos.feeds, DEFAULT_FEEDS, new Date());
    }

    say(`News Alerts running locally${values.demo ? ' (demo)' : ''}`);
    say(`  DynamoDB Local:  ${dynamo.endpoint}  (data in ${join(dataDir, 'dynamodb')})`);
    say(`  SES inbox:       ${ses.inboxUrl}`);
    say(`  Raw emails:      ${join(dataDir, 'outbox')}`);
    say(`  Subscribe page:  ${http.baseUrl}/subscribe`);
    say(
      `  Admin API:       ${http.baseUrl}/admin/topics  (header Authorization: Bearer ${adminToken(dataDir)})`,
    );
    if (!values.once) {
      // The CLI looks on port 8000 by default; any other port has to be named.
      const endpoint = dynamo.port === 8000 ? '' : `DYNAMODB_ENDPOINT=${dynamo.endpoint} `;
      say(`  Editors' CLI:    ${endpoint}npx newsalert topics list   (in another terminal)`);
    }

    if (values.once) {
      const totals = await app.runCycle();
      say(progressLine(1, totals));
      await stopAll();
      say(JSON.stringify(totals));
      return 0;
    }

    say(`Polling every ${intervalSeconds} s; Ctrl-C stops.`);
    let stopping = false;
    const stop = new Promise<void>((resolveStop) => {
      const onSignal = () => {
        stopping = true;
        resolveStop();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    for (let cycle = 1; !stopping; cycle++) {
      try {
        say(progressLine(cycle, await app.runCycle()));
      } catch (error) {
        say(`cycle ${cycle} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await Promise.race([
        stop,
        new Promise((resolveWait) => setTimeout(resolveWait, intervalSeconds * 1000)),
      ]);
    }
    say('stopping…');
    await stopAll();
    say(JSON.stringify(app.totals));
    return 0;
  } catch (error) {
    await stopAll();
    process.stderr.write(
      `npm start: ${error instanceof NewsAlertError || error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

function progressLine(cycle: number, totals: CycleTotals): string {
  return (
    `cycle ${cycle}: ${totals.feedsPolled} feed(s) polled (${totals.pollFailures} failed), ` +
    `${totals.newArticles} new article(s), ${totals.relevantArticles} relevant, ` +
    `${totals.groupedCopies} grouped as copies, ${totals.emailsSent} email(s) sent` +
    (totals.deadLetters ? `, ${totals.deadLetters} message(s) dead-lettered` : '')
  );
}

/** Link-token secrets kept with the data, so links in emails already sent keep working after a restart. */
function tokenSecrets(dataDir: string): string[] {
  const file = join(dataDir, 'token-secrets.json');
  if (!existsSync(file)) {
    writeFileSync(file, JSON.stringify({ current: randomBytes(32).toString('base64url') }), {
      mode: 0o600,
    });
  }
  const { current, previous } = JSON.parse(readFileSync(file, 'utf8')) as {
    current: string;
    previous?: string;
  };
  return previous ? [current, previous] : [current];
}

/**
 * The local admin API's bearer token, generated once and kept with the data (like the link-token
 * secrets), so scripts and the editor's shell keep working across restarts.
 */
function adminToken(dataDir: string): string {
  const file = join(dataDir, 'admin-token');
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** The demo: sample feeds served on loopback, and one subscriber to every topic. */
async function seedDemo(
  app: LocalApp,
  feedServer: Awaited<ReturnType<typeof startFeedServer>>,
): Promise<void> {
  const now = new Date();
  // The ".edited" copy is a later version of a feed, for tests; the demo serves the first version.
  const files = readdirSync(SAMPLE_FEEDS_DIR).filter(
    (name) => name.endsWith('.xml') && !name.includes('.edited.'),
  );
  for (const name of files) {
    const bytes = readFileSync(join(SAMPLE_FEEDS_DIR, name));
    feedServer.put(name, { body: bytes });
    const parsed = await parseFeed(bytes, { fetchedAt: now });
    const id = `demo-${name.replace(/\.xml$/, '').replace(/\W+/g, '-')}`;
    const url = feedServer.urlOf(name);
    const existing = await app.repos.feeds.get(id);
    if (existing) {
      // The feed server gets a new port every run: point the feed at it, keep its state.
      await app.repos.feeds.save({
        ...existing,
        url,
        state: { ...existing.state, nextPollAt: now.toISOString() },
      });
      continue;
    }
    const feed: Feed = {
      id,
      url,
      outlet: parsed.feed.title || name,
      lang: parsed.feed.language,
      enabled: true,
      intervalMinutes: 1,
      state: initialPollState(now),
      createdAt: now.toISOString(),
    };
    await app.repos.feeds.add(feed).catch((error) => {
      if (!(error instanceof FeedExistsError)) throw error;
    });
  }
  if (!(await app.repos.subscribers.findByEmail(DEMO_SUBSCRIBER_EMAIL))) {
    const taxonomy = await currentTaxonomy(app.repos.topics);
    await app.repos.subscribers.create({
      id: `demo-${randomBytes(8).toString('base64url')}`,
      email: DEMO_SUBSCRIBER_EMAIL,
      status: 'active',
      topics: taxonomy.topics.map((topic) => topic.slug),
      languages: [],
      cadence: 'instant',
      digestHour: 8,
      digestWeekday: 1,
      timeZone: 'UTC',
      paused: false,
      createdAt: now.toISOString(),
      confirmedAt: now.toISOString(),
      transientBounces: 0,
      tokenVersion: 1,
    });
  }
}

process.exitCode = await main(process.argv.slice(2));
