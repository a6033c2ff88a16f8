import { randomUUID } from 'node:crypto';
import type { StoredArticle } from '../domain/alerts/article';
import { localDate } from '../domain/alerts/digest-schedule';
import {
  type AlertArticle,
  type AlertReason,
  type OtherReport,
  renderAlertEmail,
  renderDigestEmail,
} from '../domain/alerts/render-email';
import { isDeliverable, type Subscriber, wantsLanguage } from '../domain/subscribers/subscriber';
import { NewsAlertError } from '../shared/errors';
import type {
  ArticleRepository,
  Clock,
  DeliveryRepository,
  DigestRepository,
  EmailJob,
  Mailer,
  OutgoingEmail,
  SubscriberLinks,
  SubscriberRepository,
} from './ports';

export interface SendEmailDeps {
  subscribers: Pick<SubscriberRepository, 'get'>;
  articles: ArticleRepository;
  deliveries: DeliveryRepository;
  digests: DigestRepository;
  mailer: Mailer;
  links: SubscriberLinks;
  /** Display names of topic slugs, from the current taxonomy. */
  topicNames: () => Promise<ReadonlyMap<string, string>>;
  from: string;
  clock: Clock;
  /**
   * How long a claim protects a send in progress. A crashed attempt's claim is taken over after
   * it, so the email is sent late rather than never; keep it under the queue's visibility timeout.
   */
  leaseMs?: number;
}

export type SendOutcome =
  | 'sent'
  | 'already-sent'
  | 'not-deliverable'
  | 'nothing-to-send'
  | 'missing'
  /** Over the daily cap, or the subscriber moved to a digest: kept for their next digest. */
  | 'held-for-digest';

export class DeliveryInProgressError extends NewsAlertError {
  override readonly name = 'DeliveryInProgressError';
  constructor(itemId: string) {
    super(
      'send',
      'IN_PROGRESS',
      `another attempt holds the claim on ${itemId}; retry after its lease`,
    );
  }
}

const DEFAULT_LEASE_MS = 2 * 60_000;

/**
 * Sends one email job exactly once in all but one case: claim (subscriber, item) with a conditional
 * write, render, send, then mark it sent with the SES message id. A failed send gives the claim
 * back and throws, so the queue retries it (and dead-letters it after N tries). Only a crash
 * between SES accepting the message and the mark can repeat that one email.
 *
 * @example await sendEmail(deps, { kind: 'alert', subscriberId, articleKey })
 */
export async function sendEmail(deps: SendEmailDeps, job: EmailJob): Promise<SendOutcome> {
  if (job.kind === 'confirmation')
    throw new Error('send: confirmation emails are sent by the subscription flow');
  const subscriber = await deps.subscribers.get(job.subscriberId);
  // Unsubscribed, suppressed or paused since the job was queued: nothing goes out, not even a goodbye.
  if (!subscriber || !isDeliverable(subscriber)) return 'not-deliverable';
  const itemId = job.kind === 'alert' ? job.articleKey : `digest:${job.periodId}`;
  const now = deps.clock();
  const claimId = randomUUID();
  const claim = await deps.deliveries.claim(
    subscriber.id,
    itemId,
    now,
    deps.leaseMs ?? DEFAULT_LEASE_MS,
    claimId,
  );
  if (claim === 'already-sent') return 'already-sent';
  if (claim === 'in-progress') throw new DeliveryInProgressError(itemId);

  if (job.kind === 'alert') {
    const held = await holdAlert(deps, subscriber, job.articleKey, now);
    if (held) {
      await deps.deliveries.markSent(subscriber.id, itemId, held, deps.clock());
      return held === 'no-longer-wanted' ? 'not-deliverable' : 'held-for-digest';
    }
  }

  let email: OutgoingEmail | undefined;
  // The digest entries this email carries: dropped once it is sent, so no later digest repeats them.
  let carried: string[] = [];
  try {
    if (job.kind === 'alert') {
      email = await alertEmail(deps, subscriber, job.articleKey);
    } else {
      const entries = await deps.digests.pending(
        subscriber.id,
        job.until ? new Date(job.until) : now,
      );
      carried = entries.map((entry) => entry.articleKey);
      email = await digestEmail(deps, subscriber, job.periodId, carried);
    }
  } catch (error) {
    await deps.deliveries.release(subscriber.id, itemId, claimId);
    throw error;
  }
  if (!email) {
    // Nothing to say (an empty digest, an article gone): record the period as done, send nothing.
    await deps.deliveries.markSent(subscriber.id, itemId, 'nothing-sent', deps.clock());
    if (carried.length > 0) await deps.digests.remove(subscriber.id, carried);
    return job.kind === 'alert' ? 'missing' : 'nothing-to-send';
  }
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send(email));
  } catch (error) {
    await deps.deliveries.release(subscriber.id, itemId, claimId);
    throw error;
  }
  await deps.deliveries.markSent(subscriber.id, itemId, messageId, deps.clock());
  if (carried.length > 0) await deps.digests.remove(subscriber.id, carried);
  return 'sent';
}

/**
 * Whether a queued alert should not go out as an instant email after all. Preferences can change
 * while the job waits: a dropped topic or language means it is no longer wanted; a switch to a
 * digest, or a used-up daily cap, moves it to the subscriber's next digest instead.
 */
async function holdAlert(
  deps: SendEmailDeps,
  subscriber: Subscriber,
  articleKey: string,
  now: Date,
): Promise<'no-longer-wanted' | 'held-for-digest' | undefined> {
  const article = await deps.articles.get(articleKey);
  if (!article) return undefined;
  const chosen = new Set(subscriber.topics);
  if (
    !article.topics.some((topic) => chosen.has(topic)) ||
    !wantsLanguage(subscriber.languages, article.lang)
  ) {
    return 'no-longer-wanted';
  }
  const overCap =
    subscriber.cadence === 'instant' &&
    subscriber.dailyCap !== undefined &&
    !(await deps.deliveries.takeDailyAllowance(
      subscriber.id,
      localDate(now, subscriber.timeZone),
      subscriber.dailyCap,
      now,
    ));
  if (subscriber.cadence === 'instant' && !overCap) return undefined;
  await deps.digests.addMany(
    [
      {
        subscriberId: subscriber.id,
        entry: { articleKey, addedAt: now.toISOString(), topics: article.topics },
      },
    ],
    now,
  );
  return 'held-for-digest';
}

async function alertEmail(
  deps: SendEmailDeps,
  subscriber: Subscriber,
  articleKey: string,
): Promise<OutgoingEmail | undefined> {
  const article = await deps.articles.get(articleKey);
  if (!article) return undefined;
  return renderAlertEmail({
    from: deps.from,
    to: subscriber.email,
    article: toAlertArticle(article),
    alsoReportedBy: await otherReports(deps, article),
    reason: reasonFor(await deps.topicNames(), article, subscriber),
    links: deps.links.forSubscriber(subscriber),
  });
}

async function digestEmail(
  deps: SendEmailDeps,
  subscriber: Subscriber,
  periodId: string,
  articleKeys: readonly string[],
): Promise<OutgoingEmail | undefined> {
  const articles = (
    await Promise.all(articleKeys.map((articleKey) => deps.articles.get(articleKey)))
  ).filter((article): article is StoredArticle => article !== undefined);
  if (articles.length === 0) return undefined;
  const names = await deps.topicNames();
  const [cadence, date = ''] = periodId.split(':');
  return renderDigestEmail({
    from: deps.from,
    to: subscriber.email,
    period: cadence === 'weekly' ? 'weekly' : 'daily',
    periodLabel: cadence === 'weekly' ? `week to ${date}` : date,
    entries: await Promise.all(
      articles
        .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt))
        .map(async (article) => ({
          article: toAlertArticle(article),
          alsoReportedBy: await otherReports(deps, article),
          reason: reasonFor(names, article, subscriber),
        })),
    ),
    links: deps.links.forSubscriber(subscriber),
  });
}

function toAlertArticle(article: StoredArticle): AlertArticle {
  return {
    key: article.key,
    title: article.title,
    url: article.link,
    outlet: article.outlet,
    summary: article.summary,
    publishedAt: article.publishedAt,
    lang: article.lang,
  };
}

async function otherReports(deps: SendEmailDeps, article: StoredArticle): Promise<OtherReport[]> {
  const members = await deps.articles.storyMembers(article.storyId);
  return members
    .filter((member) => member.articleKey !== article.key)
    .map((member) => ({ outlet: member.outlet, url: member.link, title: member.title }));
}

/** The subscriber's topics this article carries, and the words that put it there. */
function reasonFor(
  names: ReadonlyMap<string, string>,
  article: StoredArticle,
  subscriber: Subscriber,
): AlertReason {
  const chosen = new Set(subscriber.topics);
  const topics = article.topics.filter((slug) => chosen.has(slug));
  const matched = [
    ...new Set(
      article.evidence
        .filter((evidence) => topics.includes(evidence.topic))
        .map((evidence) => evidence.matched),
    ),
  ];
  return { topics: topics.map((slug) => ({ slug, name: names.get(slug) ?? slug })), matched };
}
