import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StoredArticle } from '../../lambdas/domain/alerts/article';
import { initialPollState } from '../../lambdas/domain/feeds/feed-state';
import type { Subscriber } from '../../lambdas/domain/subscribers/subscriber';
import { DEFAULT_TAXONOMY } from '../../lambdas/domain/tagging';
import { type FeedServer, startFeedServer } from '../../lambdas/local/feed-server';
import { createLocalApp, type LocalApp, type LocalAppOptions } from '../../lambdas/local/local-app';
import type { Mailer } from '../../lambdas/use-cases/ports';
import { uniqueTableName } from '../helpers/dynamodb';
import { buildSubscriber } from '../helpers/factories';
import {
  clearLocalInbox,
  type LocalSes,
  localSesClient,
  readLocalInbox,
  startLocalSes,
} from '../helpers/local-ses';

const SAMPLE = 'test/fixtures/feeds/sample';
const ALL_TOPICS = DEFAULT_TAXONOMY.topics.map((topic) => topic.slug);

/** Serves the given sample feeds and registers them as feeds of the app. */
async function addFeeds(app: LocalApp, server: FeedServer, files: string[]): Promise<void> {
  const now = new Date();
  for (const file of files) {
    server.put(file, { body: readFileSync(join(SAMPLE, file)) });
    await app.repos.feeds.add({
      id: file.replace(/\W+/g, '-'),
      url: server.urlOf(file),
      outlet: file.split('-').slice(0, 2).join(' '),
      enabled: true,
      intervalMinutes: 0,
      state: initialPollState(now),
      createdAt: now.toISOString(),
    });
  }
}

/** The alerts the pipeline owes: one per (subscriber, story lead) where topics and language match. */
async function owedAlerts(app: LocalApp, subscribers: Subscriber[]): Promise<Set<string>> {
  const articles = await app.repos.articles.recent({ since: new Date('2026-01-01'), limit: 1000 });
  const owed = new Set<string>();
  for (const article of articles.filter((a: StoredArticle) => a.storyId === a.key)) {
    for (const subscriber of subscribers) {
      const topicMatch = article.topics.some((topic) => subscriber.topics.includes(topic));
      const langMatch =
        subscriber.languages.length === 0 || subscriber.languages.includes(article.lang ?? '');
      if (topicMatch && langMatch) owed.add(`${subscriber.email}|${article.title}`);
    }
  }
  return owed;
}

/** What the inbox holds, as "recipient|title" keys (titles come back from the decoded subject). */
async function delivered(ses: LocalSes): Promise<string[]> {
  return (await readLocalInbox(ses.endpoint)).flatMap((email) =>
    email.to.map((to) => `${to}|${email.subject.replace(/^\[News Alerts\] /, '')}`),
  );
}

describe('the alert pipeline, end to end on DynamoDB Local, local SES and a loopback feed server', () => {
  let ses: LocalSes;
  let server: FeedServer;
  const baseOptions = (overrides: Partial<LocalAppOptions> = {}): LocalAppOptions => ({
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: uniqueTableName('e2e'),
    sesEndpoint: ses.endpoint,
    publicBaseUrl: 'http://127.0.0.1:8787',
    tokenSecrets: ['test-secret-that-is-long-enough-0123456789'],
    sender: 'News Alerts <alerts@news-alerts.test>',
    allowPrivateNetworks: true,
    visibilityTimeoutMs: 50,
    ...overrides,
  });

  beforeAll(async () => {
    ses = await startLocalSes();
    server = await startFeedServer();
  });
  afterAll(async () => {
    await server.close();
    await ses.stop();
  });
  afterEach(async () => {
    await clearLocalInbox(ses.endpoint);
  });

  it('brings every relevant story to the inbox once, names its topics, and sends nothing new on the next cycle', async () => {
    // Prepare
    const outboxDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const app = await createLocalApp(baseOptions({ outboxDir }));
    await addFeeds(app, server, [
      'caucasus-ledger-en.rss.xml',
      'yerevan-wire-hy.rss.xml',
      'kavkaz-vestnik-ru.rss.xml',
    ]);
    const reader = buildSubscriber({ email: 'reader@mail.test', topics: ALL_TOPICS });
    await app.repos.subscribers.create(reader);

    // Act
    const first = await app.runCycle();
    const second = await app.runCycle();

    // Assess
    const owed = await owedAlerts(app, [reader]);
    const inbox = await delivered(ses);
    expect(owed.size).toBeGreaterThan(5);
    expect(new Set(inbox)).toEqual(owed);
    expect(inbox).toHaveLength(owed.size);
    expect(first.emailsSent).toBe(owed.size);
    expect(second).toMatchObject({ newArticles: 0, emailsSent: 0 });
    const stored = await readLocalInbox(ses.endpoint);
    expect(stored.some((email) => /[\u0530-\u058F]/.test(email.subject))).toBe(true);
    expect(stored.some((email) => /[\u0400-\u04FF]/.test(email.subject))).toBe(true);
    expect(stored.every((email) => /because|why/i.test(email.text ?? ''))).toBe(true);
    // The local inbox drops custom headers; the raw messages written beside it keep them.
    const raw = readdirSync(outboxDir).map((name) => readFileSync(join(outboxDir, name), 'utf8'));
    expect(raw).toHaveLength(owed.size);
    for (const message of raw) {
      expect(message).toMatch(
        /^List-Unsubscribe: <http:\/\/127\.0\.0\.1:8787\/unsubscribe\?token=[^>]+>\r$/m,
      );
      expect(message).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    }
  });

  it('does not alert again for an edited item, but does for a new one', async () => {
    // Prepare
    const app = await createLocalApp(baseOptions());
    await addFeeds(app, server, ['caucasus-ledger-en.rss.xml']);
    await app.repos.subscribers.create(
      buildSubscriber({ email: 'editor-watch@mail.test', topics: ALL_TOPICS }),
    );
    await app.runCycle();
    await clearLocalInbox(ses.endpoint);
    server.put('caucasus-ledger-en.rss.xml', {
      body: readFileSync(join(SAMPLE, 'caucasus-ledger-en.edited.rss.xml')),
    });

    // Act
    const cycle = await app.runCycle();

    // Assess
    const subjects = (await readLocalInbox(ses.endpoint)).map((email) => email.subject);
    expect(cycle.newArticles).toBe(1);
    expect(subjects).toHaveLength(1);
    expect(subjects[0]).toMatch(/foreign ministers/i);
  });

  it('sends one alert for a story syndicated by a second feed, naming the other outlet', async () => {
    // Prepare
    const app = await createLocalApp(baseOptions());
    await addFeeds(app, server, ['caucasus-ledger-en.rss.xml', 'wire-syndication-en.rss.xml']);
    await app.repos.subscribers.create(
      buildSubscriber({ email: 'corridors@mail.test', topics: ['transport-corridors'] }),
    );

    // Act
    const cycle = await app.runCycle();

    // Assess
    const tripp = (await readLocalInbox(ses.endpoint)).filter((email) =>
      /TRIPP/.test(email.subject),
    );
    expect(tripp).toHaveLength(1);
    expect(tripp[0]?.text).toMatch(/also reported by/i);
    expect(cycle.groupedCopies).toBeGreaterThanOrEqual(1);
  });

  it('loses and repeats nothing when SES throttles 30% of calls, a message comes twice and a poison message arrives', async () => {
    // Prepare: every 10 SES calls, calls 2, 5 and 8 are throttled, as SES does past the send rate.
    const client = localSesClient(ses.endpoint);
    let calls = 0;
    let throttled = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        calls += 1;
        if ([2, 5, 8].includes(calls % 10)) {
          throttled += 1;
          const error = Object.assign(new Error('Maximum sending rate exceeded.'), {
            name: 'Throttling',
            $metadata: { httpStatusCode: 400 },
          });
          throw error;
        }
        return await next(args);
      },
      { step: 'initialize', name: 'injectThrottling' },
    );
    const app = await createLocalApp(baseOptions({ sesClient: client }));
    await addFeeds(app, server, [
      'caucasus-ledger-en.rss.xml',
      'baku-evening-az.rss.xml',
      'regional-digest-ru.atom.xml',
    ]);
    const readers = [
      buildSubscriber({ email: 'all@mail.test', topics: ALL_TOPICS }),
      buildSubscriber({ email: 'ru-only@mail.test', topics: ALL_TOPICS, languages: ['ru'] }),
      buildSubscriber({ email: 'peace@mail.test', topics: ['peace-process', 'border-security'] }),
    ];
    for (const reader of readers) await app.repos.subscribers.create(reader);
    // The same SQS message delivered twice, and a message no consumer can read.
    const originalSend = app.queues.email.send.bind(app.queues.email);
    app.queues.email.send = async (jobs, options) => {
      await originalSend(jobs, options);
      await originalSend(jobs.slice(0, 1), options);
    };
    app.queues.email.sendRaw('{"kind": "alert", "subscriberId": 42');

    // Act
    const cycle = await app.runCycle();

    // Assess
    const owed = await owedAlerts(app, readers);
    const inbox = await delivered(ses);
    expect(throttled).toBeGreaterThan(0);
    expect(inbox).toHaveLength(new Set(inbox).size);
    expect(new Set(inbox)).toEqual(owed);
    expect(app.queues.email.deadLetters).toHaveLength(1);
    expect(app.queues.email.deadLetters[0]?.body).toContain('"subscriberId": 42');
    expect(cycle.deadLetters).toBe(1);
  });

  it('sends an alert whose first attempt crashed before the send once its lease runs out', async () => {
    // Prepare
    // The lease (60 ms) is shorter than the redeliveries allow (5 × 50 ms), as in AWS, where the
    // lease is shorter than the queue's visibility timeout.
    const app = await createLocalApp(baseOptions({ leaseMs: 60 }));
    await addFeeds(app, server, ['yerevan-wire-hy.rss.xml']);
    const reader = buildSubscriber({ email: 'crash-before@mail.test', topics: ALL_TOPICS });
    await app.repos.subscribers.create(reader);
    // A crashed attempt leaves its claim behind: make the first claim of every delivery look like one.
    const claim = app.repos.deliveries.claim.bind(app.repos.deliveries);
    const crashed = new Set<string>();
    app.repos.deliveries.claim = async (subscriberId, itemId, now, leaseMs) => {
      if (!crashed.has(itemId)) {
        crashed.add(itemId);
        await claim(subscriberId, itemId, now, leaseMs);
        throw new Error('simulated crash after the claim, before the send');
      }
      return await claim(subscriberId, itemId, now, leaseMs);
    };

    // Act
    await app.runCycle();

    // Assess
    const owed = await owedAlerts(app, [reader]);
    const inbox = await delivered(ses);
    expect(owed.size).toBeGreaterThan(0);
    expect(inbox.sort()).toEqual([...owed].sort());
    expect(app.queues.email.deadLetters).toHaveLength(0);
  });

  it('repeats exactly the one email whose send crashed after SES accepted it, and nothing else', async () => {
    // Prepare
    let crashes = 0;
    const wrapMailer = (inner: Mailer): Mailer => ({
      async send(email) {
        const receipt = await inner.send(email);
        if (crashes === 0) {
          crashes += 1;
          throw new Error('simulated crash between SES accepting the message and the mark');
        }
        return receipt;
      },
    });
    const app = await createLocalApp(baseOptions({ wrapMailer }));
    await addFeeds(app, server, ['south-caucasus-monitor-en.atom.xml']);
    const reader = buildSubscriber({ email: 'crash-after@mail.test', topics: ALL_TOPICS });
    await app.repos.subscribers.create(reader);

    // Act
    await app.runCycle();

    // Assess
    const owed = await owedAlerts(app, [reader]);
    const inbox = await delivered(ses);
    const repeated = inbox.filter((key, index) => inbox.indexOf(key) !== index);
    expect(repeated).toHaveLength(1);
    expect(new Set(inbox)).toEqual(owed);
    expect(inbox).toHaveLength(owed.size + 1);
  });

  it('sends a digest once per period however often the digest job runs', async () => {
    // Prepare
    const app = await createLocalApp(baseOptions());
    await addFeeds(app, server, ['caucasus-ledger-en.rss.xml']);
    const due = new Date(Date.now() - 60_000).toISOString();
    const reader = buildSubscriber({
      email: 'digest@mail.test',
      topics: ALL_TOPICS,
      cadence: 'daily',
      nextDigestAt: due,
    });
    await app.repos.subscribers.create(reader);

    // Act: the first cycle stores articles and sends the digest; then the schedule is rewound to
    // the same due time (as a re-run of the hourly job would see it) and the job runs again.
    await app.runCycle();
    for (let run = 0; run < 3; run++) {
      const current = (await app.repos.subscribers.get(reader.id)) as Subscriber;
      await app.repos.subscribers.save({ ...current, nextDigestAt: due });
      await app.runCycle();
    }

    // Assess
    const inbox = await readLocalInbox(ses.endpoint);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]?.subject).toMatch(/digest/i);
    expect(inbox[0]?.to).toEqual(['digest@mail.test']);
  });

  it('sends no more instant alerts a day than the cap, and the held ones in one catch-up digest', async () => {
    // Prepare
    const app = await createLocalApp(baseOptions());
    await addFeeds(app, server, ['caucasus-ledger-en.rss.xml']);
    const now = new Date();
    const reader = buildSubscriber({
      email: 'capped@mail.test',
      topics: ALL_TOPICS,
      dailyCap: 2,
      timeZone: 'UTC',
      digestHour: (now.getUTCHours() + 1) % 24,
    });
    await app.repos.subscribers.create(reader);

    // Act: the first cycle sends up to the cap; then the catch-up digest comes due.
    await app.runCycle();
    const afterAlerts = await readLocalInbox(ses.endpoint);
    const held = await app.repos.digests.pending(reader.id);
    const current = (await app.repos.subscribers.get(reader.id)) as Subscriber;
    await app.repos.subscribers.save({
      ...current,
      nextDigestAt: new Date(Date.now() - 1000).toISOString(),
    });
    await app.runCycle();

    // Assess
    const owed = await owedAlerts(app, [reader]);
    expect(owed.size).toBeGreaterThan(2);
    expect(afterAlerts).toHaveLength(2);
    expect(held).toHaveLength(owed.size - 2);
    const inbox = await readLocalInbox(ses.endpoint);
    expect(inbox).toHaveLength(3);
    expect(inbox[2]?.subject).toMatch(/digest/i);
  });

  it('still alerts when queuing the match job failed after the article was stored', async () => {
    // Prepare: the first hand-over to the match queue fails, as a crash or an SQS outage would.
    const app = await createLocalApp(baseOptions());
    await addFeeds(app, server, ['yerevan-wire-hy.rss.xml']);
    const reader = buildSubscriber({ email: 'outbox@mail.test', topics: ALL_TOPICS });
    await app.repos.subscribers.create(reader);
    const send = app.queues.match.send.bind(app.queues.match);
    let failures = 0;
    app.queues.match.send = async (jobs, options) => {
      if (failures === 0) {
        failures += 1;
        throw new Error('simulated: the match queue is unreachable');
      }
      await send(jobs, options);
    };

    // Act
    const first = await app.runCycle();
    const second = await app.runCycle();
    const third = await app.runCycle();

    // Assess
    const owed = await owedAlerts(app, [reader]);
    expect(first).toMatchObject({ pollFailures: 1, emailsSent: 0 });
    expect(owed.size).toBeGreaterThan(0);
    expect(second.emailsSent).toBe(owed.size);
    expect(new Set(await delivered(ses))).toEqual(owed);
    expect(third).toMatchObject({ newArticles: 0, emailsSent: 0 });
  });
});
