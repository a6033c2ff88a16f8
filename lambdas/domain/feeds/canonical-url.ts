import * as crypto from 'node:crypto';
import { NewsAlertError } from '../../shared/errors';

// Query parameters that identify a campaign or a click, never an article. Compared lower-case.
const TRACKING_PARAMETERS = new Set([
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'yclid',
  'ysclid',
  'msclkid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'igshid',
  'igsh',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  '_hsenc',
  '_hsmi',
  '__hstc',
  '__hssc',
  '__hsfp',
  'hsctatracking',
  'mkt_tok',
  'oly_anon_id',
  'oly_enc_id',
  'vero_id',
  'vero_conv',
  'wt.mc_id',
  'wt.mc_ev',
  'cmpid',
  'ito',
  's_cid',
  'ref_src',
  'ref_url',
  'from_rss',
  'spm',
]);
// Whole families: utm_source, utm_medium, …; pk_campaign (Matomo); at_* (AT Internet).
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'at_', 'hmb_'];
// `from=rss`/`ref=rss` mark the channel a reader came by; the value decides, not the name.
const CHANNEL_VALUES = new Set(['rss', 'feed', 'rss2', 'atom', 'yxnews', 'yandex']);

function isTracking(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (TRACKING_PARAMETERS.has(lower)) return true;
  if (TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix))) return true;
  return (
    (lower === 'from' || lower === 'ref' || lower === 'source') &&
    CHANNEL_VALUES.has(value.toLowerCase())
  );
}

/** A link that names no web page (not a URL, not http(s), no host). */
export class InvalidLinkError extends NewsAlertError {
  override readonly name = 'InvalidLinkError';
  constructor(message: string) {
    super('normalise', 'INVALID_LINK', message);
  }
}

/**
 * The canonical form of an article link, the identity the article is stored under: resolved
 * against `base`, `http(s)` only, host lower-case without `www.`, no default port, no fragment
 * (a `#!` route is kept: it names the page), no tracking parameters, remaining parameters sorted,
 * no trailing slash except the root's. Throws `InvalidLinkError` when no web URL comes out.
 *
 * @example canonicalUrl('HTTPS://www.Example.com:443/news/1/?utm_source=rss&b=2&a=1#top')
 * // 'https://example.com/news/1?a=1&b=2'
 * @example canonicalUrl('../news/2', 'https://example.com/feeds/rss.xml') // 'https://example.com/news/2'
 */
export function canonicalUrl(link: string, base?: string): string {
  return resolveLink(link, base).canonical;
}

/** A link resolved against its base, as given (`href`) and in canonical form. */
export interface ResolvedLink {
  href: string;
  canonical: string;
}

/**
 * `canonicalUrl`, with the resolved link as given (`new URL(link, base).href`, whitespace
 * removed) from the same parse. Throws `InvalidLinkError` as `canonicalUrl` does.
 *
 * @example resolveLink('/news/1?utm_source=rss', 'https://www.example.com/feed')
 * // { href: 'https://www.example.com/news/1?utm_source=rss', canonical: 'https://example.com/news/1' }
 */
export function resolveLink(link: string, base?: string): ResolvedLink {
  // Feeds wrap long links over lines; whitespace is never part of a URL.
  const compact = link.replace(/\s+/g, '');
  let url: URL;
  try {
    url = base === undefined ? new URL(compact) : new URL(compact, base);
  } catch {
    throw new InvalidLinkError(`not a URL: "${compact.slice(0, 200)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidLinkError(`not a web link: "${compact.slice(0, 200)}"`);
  }
  if (url.hostname === '') throw new InvalidLinkError(`no host: "${compact.slice(0, 200)}"`);
  const href = url.href;
  // Each URL setter re-serialises the whole URL: only the ones that change anything run.
  if (url.username !== '') url.username = '';
  if (url.password !== '') url.password = '';
  const hostname = url.hostname.replace(/\.$/, '').replace(/^www\./, '');
  if (hostname !== url.hostname) url.hostname = hostname;

  let search = '';
  if (url.search !== '') {
    const kept = [...url.searchParams].filter(([name, value]) => !isTracking(name, value));
    kept.sort(([nameA, valueA], [nameB, valueB]) =>
      nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB),
    );
    search = new URLSearchParams(kept).toString();
  }

  let path = url.pathname.replace(/\/{2,}/g, '/');
  if (path.length > 1) path = path.replace(/\/+$/, '') || '/';
  const hash = url.hash.startsWith('#!') ? url.hash : '';
  const canonical = `${url.protocol}//${url.host}${path}${search ? `?${search}` : ''}${hash}`;
  return { href, canonical };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Hex characters kept of the SHA-256: 128 bits, ample against collisions at any feed volume. */
export const ARTICLE_KEY_LENGTH = 32;

/**
 * The article key: the first 32 hex characters (128 bits) of the SHA-256 of the canonical URL.
 *
 * @example articleKey('https://example.com/news/1') // 32 lower-case hex characters
 */
export function articleKey(canonical: string): string {
  // crypto.hash (Node 20.12+) is the same digest without a Hash object per call.
  const hex =
    typeof crypto.hash === 'function'
      ? crypto.hash('sha256', canonical, 'hex')
      : crypto.createHash('sha256').update(canonical, 'utf8').digest('hex');
  return hex.slice(0, ARTICLE_KEY_LENGTH);
}
