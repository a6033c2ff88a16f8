import { createRateLimitRepository } from '../adapters/dynamodb/rate-limit.repository';
import { createTopicRepository } from '../adapters/dynamodb/topic.repository';
import { createGuardedFetcher } from '../adapters/http/guarded-fetcher';
import { createHttpApiHandler } from '../app/http-api';
import { feedIdFor } from '../domain/feeds/feed-state';
import { parseFeed } from '../domain/feeds/parse-feed';
import { createSubscriberLinks } from '../domain/subscribers/links';
import { adminRoleAuthorizer, registerAdminRoutes } from '../http/admin-routes';
import { createRouter } from '../http/router';
import { registerSubscriptionRoutes } from '../http/subscription-routes';
import { loadConfig } from '../shared/config';
import { createLogger, portLogger } from '../shared/logger';
import { DEFAULT_SUBSCRIBE_LIMITS } from '../use-cases/subscriptions.use-case';
import { createTopicCatalogue } from '../use-cases/taxonomy.use-case';
import { aws } from './aws-runtime';
import { loadTokenSecrets } from './token-secrets';

const config = loadConfig([
  'TABLE_NAME',
  'PUBLIC_BASE_URL',
  'SENDER',
  'SES_CONFIGURATION_SET',
  'SEND_RATE_PER_SECOND',
  'TOKEN_SECRET_ARN',
  'SUBSCRIBE_LIMIT_PER_HOUR',
  'ADMIN_ROLE_NAME',
]);
const logger = portLogger(createLogger('http-api'));
const clock = () => new Date();
const topics = createTopicRepository(aws.db(), config.TABLE_NAME);

// Admin routes answer only SigV4 requests API Gateway verified, made as the stack's admin role.
const router = createRouter({
  authorizeAdmin: adminRoleAuthorizer(config.ADMIN_ROLE_NAME),
  logger,
});
registerSubscriptionRoutes(router, {
  subscribers: aws.subscribers(config.TABLE_NAME),
  rateLimits: createRateLimitRepository(aws.db(), config.TABLE_NAME),
  mailer: aws.mailer({
    sendRatePerSecond: config.SEND_RATE_PER_SECOND,
    configurationSetName: config.SES_CONFIGURATION_SET,
  }),
  links: createSubscriberLinks({
    baseUrl: config.PUBLIC_BASE_URL,
    secrets: await loadTokenSecrets(config.TOKEN_SECRET_ARN),
  }),
  topics: createTopicCatalogue(topics).choices,
  from: config.SENDER,
  clock,
  limits: {
    perClient: { ...DEFAULT_SUBSCRIBE_LIMITS.perClient, max: config.SUBSCRIBE_LIMIT_PER_HOUR },
  },
  logger,
});
registerAdminRoutes(router, {
  topics,
  articles: aws.articles(config.TABLE_NAME),
  feeds: aws.feeds(config.TABLE_NAME),
  fetcher: createGuardedFetcher(),
  parse: parseFeed,
  clock,
  feedId: feedIdFor,
});

/** The HTTP API (API Gateway, payload 2.0): public subscriber pages and the editors' admin routes. */
export const handler = createHttpApiHandler({ router });
