import type { StoredArticle, StoryMember } from '../domain/alerts/article';
import type { Feed } from '../domain/feeds/feed-state';
import type { Cadence, Subscriber } from '../domain/subscribers/subscriber';
import type { RelevanceGate, TopicDefinition } from '../domain/tagging';

/**
 * Ports the use cases depend on. Adapters in `lambdas/adapters/` implement them; tests may hand
 * in their own implementations.
 */

/** What a conditional GET of a feed needs to send. */
export interface FetchRequest {
  url: string;
  etag?: string;
  lastModified?: string;
}

/** Fields every fetch outcome carries. */
interface FetchOutcomeBase {
  /** The URL after redirects. */
  finalUrl: string;
  /**
   * Set when every redirect on the way was permanent (301/308): the feed has moved and its
   * stored URL should change to this.
   */
  permanentUrl?: string;
}

/** The outcome of one guarded fetch. Network and policy failures throw a `FetchError` instead. */
export type FetchOutcome =
  | (FetchOutcomeBase & {
      kind: 'ok';
      status: number;
      /** The body, decompressed, at most the configured cap. */
      body: Uint8Array;
      contentType?: string;
      etag?: string;
      lastModified?: string;
    })
  | (FetchOutcomeBase & { kind: 'not-modified' })
  /** 410 Gone: the feed should be disabled. */
  | (FetchOutcomeBase & { kind: 'gone'; status: 410 })
  /** 429 or 503: come back later; `retryAfterMs` from Retry-After when given. */
  | (FetchOutcomeBase & { kind: 'retry-later'; status: number; retryAfterMs?: number })
  /** Any other non-2xx answer. */
  | (FetchOutcomeBase & { kind: 'http-error'; status: number });

export interface FeedFetcher {
  fetch(request: FetchRequest): Promise<FetchOutcome>;
}

/** The current time, injectable so tests control it. */
export type Clock = () => Date;

/** A rendered email, ready to send as raw MIME. */
export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers we own, e.g. List-Unsubscribe and List-Unsubscribe-Post. */
  headers: Record<string, string>;
}

export interface SendReceipt {
  messageId: string;
}

/**
 * Sends email. Implementations pace themselves to the configured send rate. A throttled or
 * transient failure throws `RetryableSendError` so the queue retries the message later; any other
 * error is permanent for that message.
 */
export interface Mailer {
  send(email: OutgoingEmail): Promise<SendReceipt>;
}

/** Feeds and their polling state. See `table.ts` for the key design. */
export interface FeedRepository {
  add(feed: Feed): Promise<void>;
  get(id: string): Promise<Feed | undefined>;
  /** Enabled feeds whose next poll time has come, most overdue first. */
  due(now: Date, limit?: number): Promise<Feed[]>;
  list(): Promise<Feed[]>;
  save(feed: Feed): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface RecentQuery {
  /** Oldest publication time to include. */
  since: Date;
  until?: Date;
  /** Only articles tagged with this topic (served by the per-topic copies, not by filtering). */
  topic?: string;
  limit?: number;
  /** Include articles the relevance gate rejected (editor previews of the gate). */
  includeIrrelevant?: boolean;
}

/** Articles, their per-topic index copies and story membership. See `table.ts` for the keys. */
export interface ArticleRepository {
  /**
   * The keys among `articleKeys` that are not stored yet, or stored as a story lead whose match
   * job was never queued (`pendingMatch`): what a poll treats as new.
   */
  unseen(articleKeys: string[]): Promise<Set<string>>;
  /**
   * Stores the article once (conditional put on its key) with its per-topic copies and its story
   * membership, in one transaction. Returns false when it was already stored.
   */
  putIfNew(article: StoredArticle): Promise<boolean>;
  get(articleKey: string): Promise<StoredArticle | undefined>;
  /** Newest first. */
  recent(query: RecentQuery): Promise<StoredArticle[]>;
  storyMembers(storyId: string): Promise<StoryMember[]>;
  /** Clears `pendingMatch` once the article's fan-out is done. */
  markMatched(articleKey: string): Promise<void>;
  /** Moves a stored article into another story (a copy found after it was stored). */
  joinStory(article: StoredArticle, storyId: string): Promise<void>;
}

/** One subscriber of a topic, as the fan-out index holds it. */
export interface FanOutEntry {
  subscriberId: string;
  cadence: Cadence;
  /** Empty: every language. */
  languages: string[];
}

export interface SubscriberRepository {
  /** Creates the subscriber and claims its address; false when the address is already known. */
  create(subscriber: Subscriber): Promise<boolean>;
  get(subscriberId: string): Promise<Subscriber | undefined>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** Saves the profile and brings its fan-out entries in line with its topics and status. */
  save(subscriber: Subscriber): Promise<void>;
  /** Every deliverable subscriber of a topic, one page (≤ 1 MB read) at a time. */
  fanOut(topic: string): AsyncIterable<FanOutEntry[]>;
  /** Subscribers on a digest whose digest time has come. */
  digestsDue(now: Date, limit?: number): Promise<Subscriber[]>;
  list(options?: { limit?: number }): AsyncIterable<Subscriber[]>;
  /** Erases personal data; keeps only the address hash when `keepSuppression`. */
  erase(subscriberId: string, options: { keepSuppression: boolean }): Promise<void>;
  /** True when this address was suppressed, even after erasure. */
  isSuppressed(email: string): Promise<boolean>;
}

export type ClaimResult = 'claimed' | 'already-sent' | 'in-progress';

/**
 * The idempotency record of one delivery (subscriber + article, or subscriber + digest period):
 * claimed with a conditional write before sending, marked sent after.
 */
export interface DeliveryRepository {
  /** `claimId` identifies this attempt, so only it can give the claim back. */
  claim(
    subscriberId: string,
    itemId: string,
    now: Date,
    leaseMs: number,
    claimId?: string,
  ): Promise<ClaimResult>;
  markSent(subscriberId: string, itemId: string, messageId: string, now: Date): Promise<void>;
  /** Gives a claim back after a failed send so a retry need not wait for the lease. */
  release(subscriberId: string, itemId: string, claimId?: string): Promise<void>;
  /**
   * Takes one of the subscriber's `cap` instant alerts for their local `day` (an atomic counter);
   * false when the day's allowance is used up.
   */
  takeDailyAllowance(subscriberId: string, day: string, cap: number, now: Date): Promise<boolean>;
}

export interface DigestEntry {
  articleKey: string;
  addedAt: string;
  topics: string[];
}

export interface DigestRepository {
  /** Adds entries; adding the same (subscriber, article) again changes nothing that matters. */
  addMany(entries: Array<{ subscriberId: string; entry: DigestEntry }>, now: Date): Promise<void>;
  /** Entries not yet sent in a digest, added before `until` (all when absent), oldest first. */
  pending(subscriberId: string, until?: Date): Promise<DigestEntry[]>;
  /** Drops entries a digest has just carried, so no later digest repeats them. */
  remove(subscriberId: string, articleKeys: readonly string[]): Promise<void>;
}

/** A queue of jobs (SQS in AWS, in-process locally). */
export interface JobQueue<T> {
  send(jobs: T[], options?: { delaySeconds?: number }): Promise<void>;
}

export interface PollJob {
  feedId: string;
}
export interface MatchJob {
  articleKey: string;
}
export type EmailJob =
  | { kind: 'alert'; subscriberId: string; articleKey: string }
  | {
      kind: 'digest';
      subscriberId: string;
      periodId: string;
      since: string;
      /** When the digest was queued: entries added after it wait for the next digest. */
      until?: string;
    }
  | { kind: 'confirmation'; subscriberId: string };

/** Links every email carries; the subscriptions module owns the tokens behind them. */
export interface SubscriberLinks {
  forSubscriber(subscriber: Subscriber): { unsubscribeUrl: string; preferencesUrl: string };
}

/** What the tagger tells about one article (the domain tagger satisfies this). */
export interface ArticleTagger {
  tag(article: {
    title: string;
    summary?: string;
    content?: string;
    lang?: string;
    url?: string;
    outlet?: string;
  }): {
    relevant: boolean;
    topics: string[];
    evidence: Array<{ topic: string; rule?: string; term: string; matched: string; field: string }>;
  };
}

/** Fixed-window counters with TTL, for rate limits. See `rate-limit.repository.ts`. */
export interface RateLimitRepository {
  /**
   * Counts one more hit on `key` in the current window of `windowSeconds` and returns the count
   * so far in that window, this hit included. `key` is already a pseudonym, never a raw address.
   */
  hit(key: string, windowSeconds: number, now: Date): Promise<number>;
}

/** A topic (or, under slug `relevance`, the relevance gate) as editors saved it. */
export interface StoredTopic {
  slug: string;
  definition: TopicDefinition | RelevanceGate;
  enabled: boolean;
  version: number;
  savedAt: string;
  savedBy: string;
  reason?: string;
}

export type TopicVersion = StoredTopic;

export interface TopicRepository {
  list(): Promise<StoredTopic[]>;
  get(slug: string): Promise<StoredTopic | undefined>;
  /** Saves a new version; fails with a conflict when someone saved meanwhile. */
  save(
    topic: { slug: string; definition: TopicDefinition | RelevanceGate; enabled: boolean },
    meta: { by: string; reason?: string },
    now?: Date,
  ): Promise<StoredTopic>;
  /** Every saved version, oldest first. */
  history(slug: string): Promise<TopicVersion[]>;
}
