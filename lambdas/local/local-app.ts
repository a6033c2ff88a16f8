import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { createArticleRepository } from '../adapters/dynamodb/article.repository';
import {
  createDeliveryRepository,
  createDigestRepository,
} from '../adapters/dynamodb/delivery.repository';
import { createFeedRepository } from '../adapters/dynamodb/feed.repository';
import { createRateLimitRepository } from '../adapters/dynamodb/rate-limit.repository';
import { createSubscriberRepository } from '../adapters/dynamodb/subscriber.repository';
import { documentClient, ensureTable } from '../adapters/dynamodb/table';
import { createTopicRepository } from '../adapters/dynamodb/topic.repository';
import { createGuardedFetcher } from '../adapters/http/guarded-fetcher';
import { InProcessQueue } from '../adapters/queue/in-process-queue';
import { createSesMailer } from '../adapters/ses/ses-mailer';
import {
  createEmailConsumer,
  createMatchConsumer,
  createPollFeedConsumer,
  type PipelineObserver,
} from '../app/pipeline';
import { buildRawMessage } from '../domain/alerts/mime';
import { feedIdFor } from '../domain/feeds/feed-state';
import { parseFeed } from '../domain/feeds/parse-feed';
import { createSubscriberLinks } from '../domain/subscribers/links';
import { tokenize } from '../domain/tagging';
import { bearerTokenAuthorizer, registerAdminRoutes } from '../http/admin-routes';
import { createRouter, type Router } from '../http/router';
import { registerSubscriptionRoutes } from '../http/subscription-routes';
import type { Clock, EmailJob, Mailer, MatchJob, PollJob } from '../use-cases/ports';
import { schedulePolls, sendDueDigests } from '../use-cases/schedule.use-case';
import {
  createTaggerProvider,
  createTopicCatalogue,
  seedDefaultTaxonomy,
} from '../use-cases/taxonomy.use-case';

export interface LocalAppOptions {
  dynamoEndpoint: string;
  tableName: string;
  sesEndpoint: string;
  /** Where the local HTTP API answers: links in emails point here. */
  publicBaseUrl: string;
  tokenSecrets: string[];
  sender: string;
  /** The demo serves its feeds on loopback, which production refuses. */
  allowPrivateNetworks: boolean;
  clock?: Clock;
  /** Tests hand in an SES client with injected faults. */
  sesClient?: SESClient;
  /** Tests wrap the mailer to crash around the send. */
  wrapMailer?: (mailer: Mailer) => Mailer;
  sendRatePerSecond?: number;
  leaseMs?: number;
  maxReceiveCount?: number;
  /** How long a failed message stays invisible before it is redelivered (SQS's visibility timeout). */
  visibilityTimeoutMs?: number;
  /** Each sent message's raw MIME is also written here (the local SES inbox drops custom headers). */
  outboxDir?: string;
  /** The bearer token of the admin routes (`/admin/…`); without it every admin request is refused. */
  adminToken?: string;
}

/** What one cycle (or the whole run) did: the demo's closing JSON line is made of these. */
export interface CycleTotals {
  feedsPolled: number;
  pollFailures: number;
  newArticles: number;
  articlesStored: number;
  relevantArticles: number;
  groupedCopies: number;
  emailsSent: number;
  deadLetters: number;
}

export interface LocalApp {
  repos: {
    feeds: ReturnType<typeof createFeedRepository>;
    articles: ReturnType<typeof createArticleRepository>;
    subscribers: ReturnType<typeof createSubscriberRepository>;
    topics: ReturnType<typeof createTopicRepository>;
    deliveries: ReturnType<typeof createDeliveryRepository>;
    digests: ReturnType<typeof createDigestRepository>;
  };
  queues: {
    poll: InProcessQueue<PollJob>;
    match: InProcessQueue<MatchJob>;
    email: InProcessQueue<EmailJob>;
  };
  links: ReturnType<typeof createSubscriberLinks>;
  router: Router;
  mailer: Mailer;
  totals: CycleTotals;
  /** One pass of the pipeline in order: due feeds → poll → match → due digests → send. */
  runCycle(): Promise<CycleTotals>;
}

const emptyTotals = (): CycleTotals => ({
  feedsPolled: 0,
  pollFailures: 0,
  newArticles: 0,
  articlesStored: 0,
  relevantArticles: 0,
  groupedCopies: 0,
  emailsSent: 0,
  deadLetters: 0,
});

function add(into: CycleTotals, from: CycleTotals): void {
  for (const key of Object.keys(into) as Array<keyof CycleTotals>) into[key] += from[key];
}

/**
 * The local composition root: the same use cases and queue consumers as the Lambdas, over
 * DynamoDB Local, the local SES endpoint and in-process queues. `npm start` and the end-to-end
 * tests both build the product through this.
 *
 * @example const app = await createLocalApp(options); const cycle = await app.runCycle();
 */
export async function createLocalApp(options: LocalAppOptions): Promise<LocalApp> {
  const clock = options.clock ?? (() => new Date());
  const client = new DynamoDBClient({
    endpoint: options.dynamoEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(client, options.tableName);
  const db = documentClient(client);
  const feeds = createFeedRepository(db, options.tableName);
  const articles = createArticleRepository(db, options.tableName);
  const subscribers = createSubscriberRepository(db, options.tableName);
  const topics = createTopicRepository(db, options.tableName);
  const deliveries = createDeliveryRepository(db, options.tableName);
  const digests = createDigestRepository(db, options.tableName);
  await seedDefaultTaxonomy(topics, clock);

  const ses =
    options.sesClient ??
    new SESClient({
      endpoint: options.sesEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  const sesMailer = createSesMailer({
    client: ses,
    sendRatePerSecond: options.sendRatePerSecond ?? 50,
    burst: 10,
  });
  const outboxMailer: Mailer = options.outboxDir
    ? {
        async send(email) {
          const receipt = await sesMailer.send(email);
          mkdirSync(options.outboxDir as string, { recursive: true });
          writeFileSync(
            join(options.outboxDir as string, `${receipt.messageId.replace(/[^\w.-]/g, '_')}.eml`),
            buildRawMessage(email),
          );
          return receipt;
        },
      }
    : sesMailer;
  const mailer = options.wrapMailer ? options.wrapMailer(outboxMailer) : outboxMailer;
  const links = createSubscriberLinks({
    baseUrl: options.publicBaseUrl,
    secrets: options.tokenSecrets,
  });
  const catalogue = createTopicCatalogue(topics, { ttlMs: 0, clock });

  const queueOptions = {
    maxReceiveCount: options.maxReceiveCount ?? 5,
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? 1000,
  };
  const queues = {
    poll: new InProcessQueue<PollJob>('poll-queue', queueOptions),
    match: new InProcessQueue<MatchJob>('match-queue', queueOptions),
    email: new InProcessQueue<EmailJob>('email-queue', queueOptions),
  };

  let cycle = emptyTotals();
  const observer: PipelineObserver = {
    feedPolled(summary, ingested) {
      cycle.feedsPolled += 1;
      if (summary.outcome === 'error') cycle.pollFailures += 1;
      cycle.newArticles += summary.newItems;
      cycle.articlesStored += ingested.stored;
      cycle.relevantArticles += ingested.relevant;
      cycle.groupedCopies += ingested.grouped;
    },
    matched(_articleKey, _recipients, joinedStory) {
      if (joinedStory) cycle.groupedCopies += 1;
    },
    emailHandled(outcome) {
      if (outcome === 'sent') cycle.emailsSent += 1;
    },
  };
  queues.poll.consumer = createPollFeedConsumer({
    feeds,
    articles,
    fetcher: createGuardedFetcher({ allowPrivateNetworks: options.allowPrivateNetworks }),
    parse: parseFeed,
    // ttl 0: an editor's save shows in the very next local cycle.
    tagger: createTaggerProvider(topics, { ttlMs: 0, clock }),
    tokenize,
    matchQueue: queues.match,
    clock,
    observer,
  });
  queues.match.consumer = createMatchConsumer({
    articles,
    subscribers,
    digests,
    emailQueue: queues.email,
    tokenize,
    clock,
    observer,
  });
  queues.email.consumer = createEmailConsumer({
    subscribers,
    articles,
    deliveries,
    digests,
    mailer,
    links,
    topicNames: catalogue.names,
    from: options.sender,
    clock,
    leaseMs: options.leaseMs,
    observer,
  });

  const router = createRouter(
    options.adminToken ? { authorizeAdmin: bearerTokenAuthorizer(options.adminToken) } : {},
  );
  registerSubscriptionRoutes(router, {
    subscribers,
    rateLimits: createRateLimitRepository(db, options.tableName),
    mailer,
    links,
    topics: catalogue.choices,
    from: options.sender,
    clock,
  });
  registerAdminRoutes(router, {
    topics,
    articles,
    feeds,
    fetcher: createGuardedFetcher({ allowPrivateNetworks: options.allowPrivateNetworks }),
    parse: parseFeed,
    clock,
    feedId: feedIdFor,
  });

  const totals = emptyTotals();
  return {
    repos: { feeds, articles, subscribers, topics, deliveries, digests },
    queues,
    links,
    router,
    mailer,
    totals,
    async runCycle() {
      cycle = emptyTotals();
      const deadBefore =
        queues.poll.deadLetters.length +
        queues.match.deadLetters.length +
        queues.email.deadLetters.length;
      await schedulePolls({ feeds, pollQueue: queues.poll, clock });
      await queues.poll.drain();
      await queues.match.drain();
      await sendDueDigests({ subscribers, emailQueue: queues.email, clock });
      await queues.email.drain();
      cycle.deadLetters =
        queues.poll.deadLetters.length +
        queues.match.deadLetters.length +
        queues.email.deadLetters.length -
        deadBefore;
      add(totals, cycle);
      return cycle;
    },
  };
}
