import { createTopicRepository } from '../adapters/dynamodb/topic.repository';
import { createEmailConsumer } from '../app/pipeline';
import { createSubscriberLinks } from '../domain/subscribers/links';
import { loadConfig } from '../shared/config';
import { createTopicCatalogue } from '../use-cases/taxonomy.use-case';
import { aws, cloudWatchObserver, flushingMetrics } from './aws-runtime';
import { loadTokenSecrets } from './token-secrets';

const config = loadConfig([
  'TABLE_NAME',
  'SENDER',
  'PUBLIC_BASE_URL',
  'SES_CONFIGURATION_SET',
  'SEND_RATE_PER_SECOND',
  'TOKEN_SECRET_ARN',
]);
const links = createSubscriberLinks({
  baseUrl: config.PUBLIC_BASE_URL,
  secrets: await loadTokenSecrets(config.TOKEN_SECRET_ARN),
});
const observer = cloudWatchObserver('send-email');
const consume = createEmailConsumer({
  subscribers: aws.subscribers(config.TABLE_NAME),
  articles: aws.articles(config.TABLE_NAME),
  deliveries: aws.deliveries(config.TABLE_NAME),
  digests: aws.digests(config.TABLE_NAME),
  mailer: aws.mailer({
    sendRatePerSecond: config.SEND_RATE_PER_SECOND,
    configurationSetName: config.SES_CONFIGURATION_SET,
  }),
  links,
  topicNames: createTopicCatalogue(createTopicRepository(aws.db(), config.TABLE_NAME)).names,
  from: config.SENDER,
  clock: () => new Date(),
  observer,
});

/** email-queue consumer: claim, render, send through SES, mark sent — once per subscriber and item. */
export const handler = flushingMetrics(consume, observer);
