import { createRateLimitRepository } from '../../lambdas/adapters/dynamodb/rate-limit.repository';
import { createSubscriberRepository } from '../../lambdas/adapters/dynamodb/subscriber.repository';
import { createSubscriberLinks } from '../../lambdas/domain/subscribers/links';
import type { TopicChoice } from '../../lambdas/domain/subscribers/validation';
import { createRouter, type Router } from '../../lambdas/http/router';
import { registerSubscriptionRoutes } from '../../lambdas/http/subscription-routes';
import { freePort } from '../../lambdas/local/dynamodb-local';
import { type LocalHttpServer, startHttpServer } from '../../lambdas/local/http-server';
import type {
  FanOutEntry,
  Mailer,
  OutgoingEmail,
  SubscriberRepository,
} from '../../lambdas/use-cases/ports';
import type { SubscriptionDeps } from '../../lambdas/use-cases/subscriptions.use-case';
import { freshTable } from './table';

export const TEST_TOKEN_SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';

/** A few topics as the taxonomy would offer them. */
export const TEST_TOPICS: TopicChoice[] = [
  {
    slug: 'peace-process',
    name: 'Peace process',
    description: 'Negotiations, treaties, summits and mediators.',
  },
  {
    slug: 'border-security',
    name: 'Border security',
    description: 'Delimitation, incidents and troops on the border.',
  },
  {
    slug: 'detainees-pows',
    name: 'Detainees and prisoners of war',
    description: 'Prisoners, exchanges and the missing.',
  },
];

/** A mailer that keeps what it was asked to send. */
export function recordingMailer(): Mailer & { sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  return {
    sent,
    async send(email) {
      sent.push(email);
      return { messageId: `m-${sent.length}` };
    },
  };
}

/** The first http(s) URL in a text that starts with `prefix`. */
export function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://\\S+/${path}\\?token=[\\w.%-]+`).exec(text);
  if (!match) throw new Error(`no /${path} link in: ${text.slice(0, 300)}`);
  return match[0];
}

/** The token of a link. */
export function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token') ?? '';
}

/** Every subscriber id in a topic's fan-out. */
export async function fanOutIds(
  subscribers: SubscriberRepository,
  topic: string,
): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of subscribers.fanOut(topic)) {
    ids.push(...page.map((entry: FanOutEntry) => entry.subscriberId));
  }
  return ids;
}

/**
 * The subscription use cases over a fresh table on the run's DynamoDB Local, a recording mailer
 * and a clock the test moves.
 */
export async function subscriptionTestDeps(
  options: { baseUrl?: string; mailer?: Mailer; limits?: SubscriptionDeps['limits'] } = {},
) {
  const { db, tableName } = await freshTable();
  const subscribers = createSubscriberRepository(db, tableName);
  const mailer = recordingMailer();
  const clock = { now: new Date('2026-11-26T10:00:00Z') };
  const links = createSubscriberLinks({
    baseUrl: options.baseUrl ?? 'https://alerts.example.org',
    secrets: [TEST_TOKEN_SECRET],
  });
  const deps: SubscriptionDeps = {
    subscribers,
    rateLimits: createRateLimitRepository(db, tableName),
    mailer: options.mailer ?? mailer,
    links,
    topics: async () => TEST_TOPICS,
    from: 'News Alerts <alerts@news-alerts.example>',
    clock: () => clock.now,
    ...(options.limits ? { limits: options.limits } : {}),
  };
  return { deps, db, tableName, subscribers, mailer, clock, links };
}

/**
 * The public pages as `npm start` serves them: the router over the use cases, a fresh table on
 * DynamoDB Local, on a loopback port, with links pointing at that port.
 */
export async function startSubscriptionApp(
  options: { mailer?: Mailer; limits?: SubscriptionDeps['limits'] } = {},
): Promise<Setup & { server: LocalHttpServer; router: Router; baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const setup = await subscriptionTestDeps({ ...options, baseUrl });
  const router = registerSubscriptionRoutes(createRouter(), setup.deps);
  const server = await startHttpServer({ port, host: '127.0.0.1', router });
  return { ...setup, server, router, baseUrl };
}

type Setup = Awaited<ReturnType<typeof subscriptionTestDeps>>;
