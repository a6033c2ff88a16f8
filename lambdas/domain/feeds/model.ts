/** The languages the product covers; anything else is kept as its BCP 47 primary subtag. */
export type Language = 'en' | 'ru' | 'hy' | 'az';

/** One feed entry after normalisation: what every later stage (tagging, storing, email) reads. */
export interface FeedItem {
  /** Article key: hash of the canonical URL (never the guid alone). */
  key: string;
  /** Canonical URL: lower-case host, no tracking parameters, fragment, default port or `www.`. */
  url: string;
  /** The link as the feed gave it, resolved against the feed URL: what emails link to. */
  link: string;
  guid?: string;
  /** Plain text, HTML stripped, entities decoded, whitespace collapsed, length capped. */
  title: string;
  summary: string;
  /** Plain-text body when the feed carries one (content:encoded, atom:content), capped. */
  content?: string;
  /** ISO 8601; the fetch time when the feed gave no parsable date (then `publishedAtEstimated`). */
  publishedAt: string;
  publishedAtEstimated: boolean;
  /** From the item, the feed, or the script of the text; absent when it cannot be told. */
  lang?: string;
  author?: string;
  categories: string[];
}

export type FeedFormat = 'rss' | 'atom' | 'rdf';

export interface FeedMeta {
  format: FeedFormat;
  title: string;
  link?: string;
  description?: string;
  language?: string;
}

/** A parsed, normalised feed. `warnings` names every item or field that was skipped, and why. */
export interface ParsedFeed {
  feed: FeedMeta;
  items: FeedItem[];
  warnings: string[];
}
