import type { FeedItem } from '../feeds/model';

/** Why an article matched: enough for an email to say "sent because …". */
export interface MatchEvidence {
  /** Topic slug, or `relevance` for the relevance gate. */
  topic: string;
  rule?: string;
  term: string;
  matched: string;
  field: string;
}

/** An article as stored: the normalised feed item, where it came from, and how it was tagged. */
export interface StoredArticle extends FeedItem {
  feedId: string;
  outlet: string;
  relevant: boolean;
  topics: string[];
  evidence: MatchEvidence[];
  /** Key of the first article of the same story (itself when it leads the story). */
  storyId: string;
  storedAt: string;
  /**
   * Set on a story lead when it is stored and cleared once its fan-out is done: the outbox flag
   * that makes a poll hand the article on again if its match job was never queued.
   */
  pendingMatch?: boolean;
}

/** One outlet's copy of a story, for "also reported by …". */
export interface StoryMember {
  storyId: string;
  articleKey: string;
  outlet: string;
  title: string;
  url: string;
  link: string;
  publishedAt: string;
}
