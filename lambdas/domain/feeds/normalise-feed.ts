import { articleKey, resolveLink } from './canonical-url';
import { MAX_ITEMS_PER_FEED, type RawEntry, type RawFeed, type RawText } from './feed-reader';
import { decodeHtmlEntities } from './html-entities';
import { languageFromTag, resolveLanguage } from './language';
import type { FeedItem, FeedMeta, ParsedFeed } from './model';
import { capText, cleanText, htmlToText, TEXT_LIMITS } from './plain-text';
import { resolvePublishedAt } from './published-date';

/** Warnings kept per feed; the rest are counted in a last one. */
export const MAX_WARNINGS = 200;

const LIMITS = { author: 200, category: 100, categories: 20, guid: 500, untitled: 120 } as const;

export interface NormaliseContext {
  /** The feed's URL (after redirects): relative links resolve against it. */
  feedUrl?: string;
  /** When the feed was fetched: the fallback and the upper bound of publication dates. */
  fetchedAt: Date;
}

function plain(text: RawText | undefined, max: number): string {
  if (text === undefined) return '';
  const decoded = text.kind === 'html' ? htmlToText(text.value) : decodeHtmlEntities(text.value);
  return capText(cleanText(decoded), max);
}

function plainString(text: string | undefined, max: number): string {
  return text === undefined ? '' : capText(cleanText(decodeHtmlEntities(text)), max);
}

function resolveBase(base: string | undefined, against: string | undefined): string | undefined {
  if (base === undefined) return against;
  try {
    return new URL(base.trim(), against).href;
  } catch {
    return against;
  }
}

function isWebUrl(text: string): boolean {
  return /^https?:\/\/[^\s/]+/i.test(text.trim());
}

interface ChosenLink {
  link: string;
  url: string;
}

/** A link to a site's front page names no article (podcasts and broken CMSes put it on every item). */
function isFrontPage(url: string): boolean {
  return /^https?:\/\/[^/?#]+\/?$/.test(url);
}

function chooseLink(entry: RawEntry, base: string | undefined): ChosenLink | undefined {
  const candidates = [...entry.links];
  // A guid is used only when it is itself a web URL: keyed on a bare guid, feeds that repeat one
  // guid (or number them per page) would merge distinct articles.
  if (entry.guid !== undefined && isWebUrl(entry.guid)) candidates.push(entry.guid);
  let frontPage: ChosenLink | undefined;
  for (const candidate of candidates) {
    try {
      const { canonical: url, href: link } = resolveLink(candidate, base);
      const chosen = { url, link };
      if (!isFrontPage(url)) return chosen;
      frontPage ??= chosen;
    } catch {
      // Try the next candidate; the skip warning names the problem if none works.
    }
  }
  return frontPage;
}

function describe(entry: RawEntry, title: string): string {
  const label = title ? ` ("${capText(title, 60)}")` : '';
  return `item ${entry.position}${label}`;
}

function categoriesOf(entry: RawEntry): string[] {
  const seen = new Set<string>();
  for (const category of entry.categories) {
    const clean = plainString(category, LIMITS.category);
    if (clean !== '') seen.add(clean);
    if (seen.size >= LIMITS.categories) break;
  }
  return [...seen];
}

function normaliseEntry(
  entry: RawEntry,
  feed: { base: string | undefined; language: string | undefined },
  context: NormaliseContext,
  warn: (message: string) => void,
): FeedItem | undefined {
  const rawTitle = plain(entry.title, TEXT_LIMITS.title);
  const who = describe(entry, rawTitle);
  for (const problem of entry.problems) warn(`${who}: ${problem}`);
  const chosen = chooseLink(entry, resolveBase(entry.base, feed.base));
  if (!chosen) {
    const tried = [...entry.links, ...(entry.guid ? [`guid ${entry.guid}`] : [])];
    const detail = tried.length
      ? `no usable link (${tried.map((link) => `"${capText(link, 80)}"`).join(', ')})`
      : 'no link, and no guid that is a URL';
    warn(`${who}: skipped, ${detail}`);
    return undefined;
  }
  const summary = plain(entry.summary ?? entry.content, TEXT_LIMITS.summary);
  const content = entry.content ? plain(entry.content, TEXT_LIMITS.content) : '';
  const title = rawTitle || capText(summary, LIMITS.untitled) || chosen.url;
  const date = resolvePublishedAt(entry.dates, context.fetchedAt);
  if (date.problem) warn(`${who}: ${date.problem}; used the fetch time`);
  const lang = resolveLanguage({
    itemTag: entry.language,
    feedTag: feed.language,
    text: `${title} ${summary}`,
  });
  const author = plainString(entry.author, LIMITS.author);
  const guid = entry.guid === undefined ? '' : capText(entry.guid.trim(), LIMITS.guid);
  return {
    key: articleKey(chosen.url),
    url: chosen.url,
    link: chosen.link,
    title,
    summary,
    publishedAt: date.publishedAt,
    publishedAtEstimated: date.publishedAtEstimated,
    categories: categoriesOf(entry),
    ...(guid !== '' && { guid }),
    ...(content !== '' && { content }),
    ...(lang !== undefined && { lang }),
    ...(author !== '' && { author }),
  };
}

/**
 * Turns a `RawFeed` into the model every later stage reads: one `FeedItem` per distinct
 * article (keyed on its canonical URL), plain capped text, a date (the fetch time when the feed
 * gave none usable, flagged `publishedAtEstimated`), a language. Items without a usable link are
 * skipped, a second item with the same key is dropped, and each is named in `warnings`.
 *
 * @example normaliseFeed(raw, { feedUrl: 'https://oc-media.org/feed/', fetchedAt: new Date() }).items[0]?.key
 */
export function normaliseFeed(raw: RawFeed, context: NormaliseContext): ParsedFeed {
  const warnings: string[] = [];
  let dropped = 0;
  const warn = (message: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(message);
    else dropped++;
  };
  for (const warning of raw.warnings) warn(warning);

  const base = resolveBase(
    raw.base,
    context.feedUrl ?? (raw.link && isWebUrl(raw.link) ? raw.link : undefined),
  );
  const feedLanguage = raw.language;
  const items: FeedItem[] = [];
  const seen = new Map<string, number>();
  for (const entry of raw.entries) {
    if (entry.unreadable) continue;
    if (items.length >= MAX_ITEMS_PER_FEED) {
      warn(`items after the first ${MAX_ITEMS_PER_FEED} ignored`);
      break;
    }
    const item = normaliseEntry(entry, { base, language: feedLanguage }, context, warn);
    if (!item) continue;
    const first = seen.get(item.key);
    if (first !== undefined) {
      warn(`item ${entry.position}: same article as item ${first} (${item.url}), skipped`);
      continue;
    }
    seen.set(item.key, entry.position);
    items.push(item);
  }
  let link: string | undefined;
  if (raw.link) {
    try {
      link = new URL(raw.link.replace(/\s+/g, ''), base).href;
    } catch {
      warn(`feed link "${capText(raw.link, 80)}" is not a URL`);
    }
  }
  const description = plain(raw.description, TEXT_LIMITS.summary);
  const language = languageFromTag(raw.language);
  const feed: FeedMeta = {
    format: raw.format,
    title: plain(raw.title, TEXT_LIMITS.title),
    ...(link !== undefined && { link }),
    ...(description !== '' && { description }),
    ...(language !== undefined && { language }),
  };
  if (dropped > 0) warnings.push(`… and ${dropped} more warnings`);
  return { feed, items, warnings };
}
