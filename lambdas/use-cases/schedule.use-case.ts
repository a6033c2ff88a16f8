import { digestCadence, digestPeriod, nextDigestAt } from '../domain/alerts/digest-schedule';
import { isDeliverable, type Subscriber } from '../domain/subscribers/subscriber';
import type {
  Clock,
  EmailJob,
  FeedRepository,
  JobQueue,
  PollJob,
  SubscriberRepository,
} from './ports';

/** A feed handed to the poll queue is not handed again for this long, even if its poll is slow. */
export const POLL_LEASE_MINUTES = 30;

/**
 * Queues one poll job per due feed, and pushes each one's next poll time out by a lease so the
 * next run does not queue it again while it waits; the poll itself sets the real next time.
 *
 * @example await schedulePolls({ feeds, pollQueue, clock }) // → { queued: 4 }
 */
export async function schedulePolls(deps: {
  feeds: FeedRepository;
  pollQueue: JobQueue<PollJob>;
  clock: Clock;
}): Promise<{ queued: number }> {
  const now = deps.clock();
  const due = await deps.feeds.due(now);
  if (due.length === 0) return { queued: 0 };
  await deps.pollQueue.send(due.map((feed) => ({ feedId: feed.id })));
  const leaseUntil = new Date(now.getTime() + POLL_LEASE_MINUTES * 60_000).toISOString();
  await Promise.all(
    due.map((feed) =>
      deps.feeds.save({ ...feed, state: { ...feed.state, nextPollAt: leaseUntil } }),
    ),
  );
  return { queued: due.length };
}

/**
 * Queues a digest job for every subscriber whose digest time has come (in their own time zone)
 * and moves their next digest time on. The job names its period, and the send claims
 * (subscriber, period): however often this runs, a period's digest goes out once.
 *
 * @example await sendDueDigests({ subscribers, emailQueue, clock }) // hourly
 */
export async function sendDueDigests(deps: {
  subscribers: SubscriberRepository;
  emailQueue: JobQueue<EmailJob>;
  clock: Clock;
}): Promise<{ queued: number }> {
  const now = deps.clock();
  const listed = await deps.subscribers.digestsDue(now);
  // The due index is read eventually consistently and may show a subscriber as they were a
  // moment ago: re-read each one, so a stale copy never undoes an unsubscribe, a pause or new
  // preferences when the schedule is moved on below.
  const current = await Promise.all(
    listed.map((subscriber) => deps.subscribers.get(subscriber.id)),
  );
  const due = current.filter(
    (subscriber): subscriber is Subscriber =>
      subscriber !== undefined &&
      isDeliverable(subscriber) &&
      subscriber.nextDigestAt !== undefined &&
      Date.parse(subscriber.nextDigestAt) <= now.getTime(),
  );
  const jobs: EmailJob[] = [];
  for (const subscriber of due) {
    const cadence = digestCadence(subscriber);
    if (!cadence || !subscriber.nextDigestAt) continue;
    const period = digestPeriod(cadence, new Date(subscriber.nextDigestAt), subscriber.timeZone);
    jobs.push({
      kind: 'digest',
      subscriberId: subscriber.id,
      periodId: period.id,
      since: period.since.toISOString(),
      // Everything pending when the digest is queued goes out now; later entries wait for the next.
      until: now.toISOString(),
    });
  }
  // Queue first, then move the schedule: a crash in between queues the same period again, which
  // the send's claim turns into a no-op; the other order could lose a digest.
  if (jobs.length > 0) await deps.emailQueue.send(jobs);
  await Promise.all(
    due.map((subscriber) =>
      deps.subscribers.save({
        ...subscriber,
        nextDigestAt: nextDigestAt(subscriber, now)?.toISOString(),
      }),
    ),
  );
  return { queued: jobs.length };
}
