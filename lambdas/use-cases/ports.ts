import type { StoredArticle, StoryMember } from '../domain/alerts/article';
import type { Feed } from '../domain/feeds/feed-state';

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
  /** The keys among `articleKeys` that are not stored yet: what a poll treats as new. */
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
}
