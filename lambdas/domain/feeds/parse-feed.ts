import { decodeFeedBytes } from './decode';
import { readXmlFeed } from './feed-reader';
import type { ParsedFeed } from './model';
import { normaliseFeed } from './normalise-feed';
import { sniffFeed } from './sniff';

export { articleKey, canonicalUrl } from './canonical-url';
export { decodeFeedBytes, MAX_FEED_BYTES } from './decode';
export { FeedParseError, type FeedParseErrorCode } from './feed-parse-error';

export interface ParseFeedOptions {
  /** The Content-Type header, for its charset. */
  contentType?: string;
  /** The feed's URL after redirects: relative links resolve against it. */
  feedUrl?: string;
  /** When the bytes were fetched: fallback and upper bound for publication dates. */
  fetchedAt: Date;
}

/**
 * Feed bytes → normalised feed: decode (charset, gzip, 10 MiB cap) → sniff (is it a feed at
 * all?) → read the XML (RSS 0.9x/1.0/2.0, Atom 0.3/1.0; repaired once if broken) → normalise
 * (canonical URL and key, plain capped text, dates, language). One bad item or field never costs
 * the others: each skip is named in `warnings`. Zero items is a valid result.
 *
 * Throws `FeedParseError` (stage `parser`): `EMPTY_BODY`, `NOT_A_FEED` (HTML page, JSON, other
 * XML), `MALFORMED` (unrecoverable XML, corrupt gzip) or `TOO_LARGE`.
 *
 * Linear in the size of the input throughout (no regex or parser path is quadratic), so a body
 * at the cap parses in well under a second.
 *
 * @example
 * const feed = await parseFeed(body, { contentType, feedUrl, fetchedAt: new Date() });
 * for (const item of feed.items) console.log(item.key, item.title);
 */
export async function parseFeed(bytes: Uint8Array, options: ParseFeedOptions): Promise<ParsedFeed> {
  const text = decodeFeedBytes(bytes, options.contentType);
  const root = sniffFeed(text);
  const raw = await readXmlFeed(text, root);
  return normaliseFeed(raw, {
    fetchedAt: options.fetchedAt,
    ...(options.feedUrl !== undefined && { feedUrl: options.feedUrl }),
  });
}
