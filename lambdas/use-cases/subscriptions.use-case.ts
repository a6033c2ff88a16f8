/**
 * Subscribe (double opt-in), confirm, change preferences, unsubscribe: everything a subscriber
 * does on the public pages, behind the HTTP routes. Each function takes its ports as `deps`.
 *
 * Promises kept here:
 * - nothing but the confirmation email is sent before an address is confirmed, and that at most
 *   once per `resendAfterSeconds`;
 * - the subscribe answer is the same for new, pending, active, unsubscribed and suppressed
 *   addresses (the work differs only in what, if anything, is emailed);
 * - a suppressed address is never re-activated, and never mailed;
 * - links only work for their purpose, for their subscriber, for the current token version
 *   (unsubscribe links keep working for older versions: stopping mail must always be possible);
 * - unsubscribing is immediate and sends nothing, not even a goodbye.
 */
import { randomBytes } from 'node:crypto';
import { digestCadence, nextDigestAt } from '../domain/alerts/digest-schedule';
import {
  renderAlreadySubscribedEmail,
  renderConfirmationEmail,
} from '../domain/subscribers/confirmation-email';
import type { SubscriberLinkFactory } from '../domain/subscribers/links';
import type { Subscriber } from '../domain/subscribers/subscriber';
import type { TokenPurpose, TokenRejection } from '../domain/subscribers/tokens';
import {
  checkPreferencesUpdate,
  checkSubscribeRequest,
  type FieldProblem,
  type PreferencesUpdate,
  type RawInput,
  type TopicChoice,
} from '../domain/subscribers/validation';
import type { Clock, Mailer, RateLimitRepository, SubscriberRepository } from './ports';

export interface SubscribeLimits {
  /** Subscribe requests one client (IP address, IPv6 /64) may make per window. */
  perClient: { max: number; windowSeconds: number };
  /** Subscribe requests for one address per window, whoever makes them. */
  perAddress: { max: number; windowSeconds: number };
  /** A confirmation (or "already subscribed" note) goes to one address at most this often. */
  resendAfterSeconds: number;
}

export const DEFAULT_SUBSCRIBE_LIMITS: SubscribeLimits = {
  perClient: { max: 20, windowSeconds: 3600 },
  perAddress: { max: 5, windowSeconds: 3600 },
  resendAfterSeconds: 5 * 60,
};

/** A structured logger; Powertools' `Logger` fits. Never given a full email address. */
export interface SubscriptionLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface SubscriptionDeps {
  subscribers: SubscriberRepository;
  rateLimits: RateLimitRepository;
  mailer: Mailer;
  links: SubscriberLinkFactory;
  /** The topics a subscriber can choose (the current taxonomy). */
  topics: () => Promise<TopicChoice[]>;
  /** The From of confirmation emails, e.g. `News Alerts <alerts@example.org>`. */
  from: string;
  clock: Clock;
  limits?: Partial<SubscribeLimits>;
  /** A new subscriber id: 128 random bits, base64url, unless a test injects its own. */
  newId?: () => string;
  logger?: SubscriptionLogger;
}

/** Why a link was refused, beyond the token's own check. */
export type LinkProblem =
  | TokenRejection
  /** Signed by us, but for an older generation of links (the subscriber's links were reset). */
  | 'revoked'
  /** The subscriber is gone (erased) or can no longer use this link (unsubscribed, suppressed). */
  | 'gone'
  /** The subscription is not confirmed yet. */
  | 'not-confirmed';

export type Refused = { kind: 'refused'; problem: LinkProblem };

export type SubscribeOutcome =
  | { kind: 'accepted' }
  | { kind: 'invalid'; problems: FieldProblem[] }
  | { kind: 'rate-limited'; retryAfterSeconds: number };

/**
 * Handles a subscribe request: rate limits, validation, then the double opt-in.
 *
 * @example
 * const outcome = await subscribe(deps, { email: 'ani@mail.example', topics: ['peace-process'] }, { sourceIp: '203.0.113.9' });
 * if (outcome.kind === 'accepted') showCheckYourInbox();
 */
export async function subscribe(
  deps: SubscriptionDeps,
  input: RawInput,
  client: { sourceIp?: string },
): Promise<SubscribeOutcome> {
  const limits = { ...DEFAULT_SUBSCRIBE_LIMITS, ...deps.limits };
  const now = deps.clock();
  const clientKey = `sub-ip:${deps.links.tokens.pseudonym('client', clientNetwork(client.sourceIp))}`;
  // The client is counted before validation, so guessing at the form is limited as well.
  const clientHits = await deps.rateLimits.hit(clientKey, limits.perClient.windowSeconds, now);
  if (clientHits > limits.perClient.max) {
    deps.logger?.warn('subscribe rate-limited', { limit: 'client' });
    return {
      kind: 'rate-limited',
      retryAfterSeconds: secondsLeft(now, limits.perClient.windowSeconds),
    };
  }
  const checked = checkSubscribeRequest(input, await deps.topics());
  if (!checked.ok) return { kind: 'invalid', problems: checked.problems };
  const request = checked.value;
  const addressKey = `sub-addr:${deps.links.tokens.pseudonym('address', request.email.toLowerCase())}`;
  const addressHits = await deps.rateLimits.hit(addressKey, limits.perAddress.windowSeconds, now);
  if (addressHits > limits.perAddress.max) {
    deps.logger?.warn('subscribe rate-limited', { limit: 'address' });
    return {
      kind: 'rate-limited',
      retryAfterSeconds: secondsLeft(now, limits.perAddress.windowSeconds),
    };
  }

  const { email, ...preferences } = request;
  // Checked first and for every address, so a suppressed one costs the same reads as any other.
  const suppressed = await deps.subscribers.isSuppressed(email);
  let existing = await deps.subscribers.findByEmail(email);
  if (suppressed || existing?.status === 'suppressed') {
    deps.logger?.info('subscribe ignored: address suppressed', { subscriberId: existing?.id });
    return { kind: 'accepted' };
  }

  if (!existing) {
    const subscriber: Subscriber = {
      id: (deps.newId ?? newSubscriberId)(),
      email,
      status: 'pending',
      ...preferences,
      paused: false,
      createdAt: now.toISOString(),
      transientBounces: 0,
      tokenVersion: 1,
    };
    if (await deps.subscribers.create(subscriber)) {
      await sendConfirmation(deps, subscriber, now);
      deps.logger?.info('subscriber created, confirmation sent', { subscriberId: subscriber.id });
      return { kind: 'accepted' };
    }
    // Another request created it a moment ago: carry on as for a known address.
    existing = await deps.subscribers.findByEmail(email);
    if (!existing) return { kind: 'accepted' };
  }

  const due = resendDue(existing, now, limits.resendAfterSeconds);
  switch (existing.status) {
    case 'active': {
      // Preferences are not touched: only the owner of the mailbox may change them.
      if (due) await sendAlreadySubscribed(deps, existing, now);
      break;
    }
    case 'pending': {
      const updated: Subscriber = { ...existing, ...preferences, dailyCap: preferences.dailyCap };
      if (due) await sendConfirmation(deps, updated, now);
      else await deps.subscribers.save(updated);
      break;
    }
    case 'unsubscribed': {
      // Back to pending with a fresh generation of links; active only after a new confirmation.
      const renewed: Subscriber = {
        ...existing,
        ...preferences,
        dailyCap: preferences.dailyCap,
        status: 'pending',
        paused: false,
        tokenVersion: existing.tokenVersion + 1,
        unsubscribedAt: undefined,
        confirmedAt: undefined,
        nextDigestAt: undefined,
      };
      if (due) await sendConfirmation(deps, renewed, now);
      else await deps.subscribers.save(renewed);
      break;
    }
    default:
      break;
  }
  deps.logger?.info('subscribe for a known address', {
    subscriberId: existing.id,
    status: existing.status,
    emailed: due,
  });
  return { kind: 'accepted' };
}

export type ConfirmationView =
  | { kind: 'ready'; subscriber: Subscriber }
  | { kind: 'already-confirmed'; subscriber: Subscriber }
  | Refused;

/**
 * What the confirm page shows (GET): nothing changes, because mail scanners follow GET links.
 *
 * @example const view = await readConfirmation(deps, url.searchParams.get('token'));
 */
export async function readConfirmation(
  deps: SubscriptionDeps,
  token: string | undefined,
): Promise<ConfirmationView> {
  const found = await subscriberFor(deps, token, 'confirm');
  if (found.kind === 'refused') return found;
  const { subscriber } = found;
  if (subscriber.status === 'active') return { kind: 'already-confirmed', subscriber };
  if (subscriber.status !== 'pending') return { kind: 'refused', problem: 'gone' };
  return { kind: 'ready', subscriber };
}

export type ConfirmOutcome =
  | { kind: 'confirmed'; subscriber: Subscriber }
  | { kind: 'already-confirmed'; subscriber: Subscriber }
  | Refused;

/**
 * Confirms a subscription (POST): active from now on, in the fan-out index for its topics, and
 * with its first digest time set when it is on a digest.
 *
 * @example await confirmSubscription(deps, token) // { kind: 'confirmed', subscriber }
 */
export async function confirmSubscription(
  deps: SubscriptionDeps,
  token: string | undefined,
): Promise<ConfirmOutcome> {
  const view = await readConfirmation(deps, token);
  if (view.kind !== 'ready') return view;
  const now = deps.clock();
  if (await deps.subscribers.isSuppressed(view.subscriber.email)) {
    return { kind: 'refused', problem: 'gone' };
  }
  const confirmed: Subscriber = {
    ...view.subscriber,
    status: 'active',
    confirmedAt: now.toISOString(),
    paused: false,
    nextDigestAt: nextDigestAt(view.subscriber, now)?.toISOString(),
  };
  await deps.subscribers.save(confirmed);
  deps.logger?.info('subscription confirmed', { subscriberId: confirmed.id });
  return { kind: 'confirmed', subscriber: confirmed };
}

export type PreferencesView = { kind: 'ready'; subscriber: Subscriber } | Refused;

/**
 * The subscriber behind a preferences link, for the preferences page.
 *
 * @example const view = await readPreferences(deps, token);
 */
export async function readPreferences(
  deps: SubscriptionDeps,
  token: string | undefined,
): Promise<PreferencesView> {
  const found = await subscriberFor(deps, token, 'preferences');
  if (found.kind === 'refused') return found;
  if (found.subscriber.status === 'pending') return { kind: 'refused', problem: 'not-confirmed' };
  if (found.subscriber.status !== 'active') return { kind: 'refused', problem: 'gone' };
  return { kind: 'ready', subscriber: found.subscriber };
}

export type PreferencesOutcome =
  | { kind: 'saved'; subscriber: Subscriber }
  | { kind: 'invalid'; subscriber: Subscriber; problems: FieldProblem[] }
  | Refused;

/**
 * Changes topics, languages, cadence, digest time, daily cap and pause. A form sends every field
 * (`partial: false`); a JSON client may send only what changes (`partial: true`).
 *
 * @example await updatePreferences(deps, token, { cadence: 'weekly', digestWeekday: 5 }, { partial: true })
 */
export async function updatePreferences(
  deps: SubscriptionDeps,
  token: string | undefined,
  input: RawInput,
  options: { partial: boolean },
): Promise<PreferencesOutcome> {
  const view = await readPreferences(deps, token);
  if (view.kind !== 'ready') return view;
  const current = view.subscriber;
  const checked = checkPreferencesUpdate(
    input,
    currentPreferences(current),
    await deps.topics(),
    options,
  );
  if (!checked.ok) return { kind: 'invalid', subscriber: current, problems: checked.problems };
  const now = deps.clock();
  const next = { ...current, ...checked.value, dailyCap: checked.value.dailyCap };
  const scheduleChanged =
    next.cadence !== current.cadence ||
    next.digestHour !== current.digestHour ||
    next.digestWeekday !== current.digestWeekday ||
    next.timeZone !== current.timeZone ||
    next.dailyCap !== current.dailyCap;
  const resumed = current.paused && !next.paused;
  const updated: Subscriber = {
    ...next,
    // Recomputed when the schedule changes or mail resumes, so no stale digest fires at once.
    nextDigestAt:
      digestCadence(next) === undefined
        ? undefined
        : scheduleChanged || resumed || !current.nextDigestAt
          ? nextDigestAt(next, now)?.toISOString()
          : current.nextDigestAt,
  };
  await deps.subscribers.save(updated);
  deps.logger?.info('preferences saved', { subscriberId: updated.id, paused: updated.paused });
  return { kind: 'saved', subscriber: updated };
}

export type UnsubscribeLinkView = { kind: 'ready' } | Refused;

/**
 * Checks an unsubscribe link for the page with the button (GET); nothing changes.
 *
 * @example if ((await readUnsubscribe(deps, token)).kind === 'ready') showButton();
 */
export async function readUnsubscribe(
  deps: SubscriptionDeps,
  token: string | undefined,
): Promise<UnsubscribeLinkView> {
  const check = deps.links.tokens.verify(token, 'unsubscribe', deps.clock());
  return check.ok ? { kind: 'ready' } : { kind: 'refused', problem: check.reason };
}

export type UnsubscribeOutcome = { kind: 'unsubscribed' } | Refused;

/**
 * Unsubscribes at once (RFC 8058 one-click POST, or the button): out of every fan-out, no more
 * digests, nothing sent. Repeating it, or using it for an erased subscriber, is a success too.
 *
 * @example await unsubscribe(deps, token) // { kind: 'unsubscribed' }
 */
export async function unsubscribe(
  deps: SubscriptionDeps,
  token: string | undefined,
): Promise<UnsubscribeOutcome> {
  const now = deps.clock();
  const check = deps.links.tokens.verify(token, 'unsubscribe', now);
  if (!check.ok) return { kind: 'refused', problem: check.reason };
  const subscriber = await deps.subscribers.get(check.subscriberId);
  // A token from a later generation than the subscriber's cannot have been issued by us.
  if (subscriber && check.version > subscriber.tokenVersion) {
    return { kind: 'refused', problem: 'revoked' };
  }
  if (subscriber && (subscriber.status === 'active' || subscriber.status === 'pending')) {
    await deps.subscribers.save({
      ...subscriber,
      status: 'unsubscribed',
      unsubscribedAt: now.toISOString(),
      nextDigestAt: undefined,
    });
    deps.logger?.info('unsubscribed', { subscriberId: subscriber.id });
  }
  return { kind: 'unsubscribed' };
}

/** The preferences as the preferences form shows them. */
export function currentPreferences(subscriber: Subscriber): PreferencesUpdate {
  return {
    topics: subscriber.topics,
    languages: subscriber.languages,
    cadence: subscriber.cadence,
    digestHour: subscriber.digestHour,
    digestWeekday: subscriber.digestWeekday,
    timeZone: subscriber.timeZone,
    paused: subscriber.paused,
    ...(subscriber.dailyCap === undefined ? {} : { dailyCap: subscriber.dailyCap }),
  };
}

/**
 * 128 random bits, base64url: unguessable and says nothing about when or in what order
 * subscribers joined.
 *
 * @example newSubscriberId() // 'q3Vx0cJ2Z0mF8n4r9kLw1A'
 */
export function newSubscriberId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The network a rate limit counts: the IPv4 address, or the /64 of an IPv6 address (one
 * household or host usually holds a whole /64 and can rotate within it).
 *
 * @example clientNetwork('2001:db8:1:2:3:4:5:6') // '2001:db8:1:2::/64'
 * @example clientNetwork('::ffff:203.0.113.9') // '203.0.113.9'
 */
export function clientNetwork(sourceIp: string | undefined): string {
  const ip = (sourceIp ?? '').trim().toLowerCase();
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]?.split('::') ?? [];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = Math.max(0, 8 - headParts.length - tailParts.length);
  const full = ip.includes('::')
    ? [...headParts, ...Array<string>(missing).fill('0'), ...tailParts]
    : headParts;
  return `${full
    .slice(0, 4)
    .map((part) => part.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

async function subscriberFor(
  deps: SubscriptionDeps,
  token: string | undefined,
  purpose: TokenPurpose,
): Promise<{ kind: 'found'; subscriber: Subscriber } | Refused> {
  const check = deps.links.tokens.verify(token, purpose, deps.clock());
  if (!check.ok) return { kind: 'refused', problem: check.reason };
  const subscriber = await deps.subscribers.get(check.subscriberId);
  if (!subscriber) return { kind: 'refused', problem: 'gone' };
  if (check.version !== subscriber.tokenVersion) return { kind: 'refused', problem: 'revoked' };
  return { kind: 'found', subscriber };
}

async function sendConfirmation(deps: SubscriptionDeps, subscriber: Subscriber, now: Date) {
  const { url, expiresAt } = deps.links.confirmUrl(subscriber, now);
  await deps.mailer.send(
    renderConfirmationEmail({ from: deps.from, to: subscriber.email, confirmUrl: url, expiresAt }),
  );
  // Recorded after the send, so a failed send can be retried at once.
  await deps.subscribers.save({ ...subscriber, lastConfirmationSentAt: now.toISOString() });
}

async function sendAlreadySubscribed(deps: SubscriptionDeps, subscriber: Subscriber, now: Date) {
  const { preferencesUrl } = deps.links.forSubscriber(subscriber);
  await deps.mailer.send(
    renderAlreadySubscribedEmail({ from: deps.from, to: subscriber.email, preferencesUrl }),
  );
  await deps.subscribers.save({ ...subscriber, lastConfirmationSentAt: now.toISOString() });
}

function resendDue(subscriber: Subscriber, now: Date, resendAfterSeconds: number): boolean {
  if (!subscriber.lastConfirmationSentAt) return true;
  const last = Date.parse(subscriber.lastConfirmationSentAt);
  return Number.isNaN(last) || now.getTime() - last >= resendAfterSeconds * 1000;
}

function secondsLeft(now: Date, windowSeconds: number): number {
  const elapsed = Math.floor(now.getTime() / 1000) % windowSeconds;
  return Math.max(1, windowSeconds - elapsed);
}
