import { FeedParseError } from './feed-parse-error';
import type { FeedFormat } from './model';

/** What the first element of a body says it is. */
export interface FeedRoot {
  format: FeedFormat;
  /** The root element's name as written, prefix included (`rss`, `feed`, `rdf:RDF`, `atom:feed`). */
  name: string;
}

const HTML_ROOTS = new Set(['html', 'head', 'body', 'frameset']);

function excerpt(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Skips the prolog (declaration, comments, processing instructions, doctype); -1 if none ends. */
function rootStart(text: string): { index: number; doctype?: string } {
  let cursor = 0;
  let doctype: string | undefined;
  for (;;) {
    const lt = text.indexOf('<', cursor);
    if (lt === -1) return { index: -1 };
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) return { index: -1 };
      cursor = end + 2;
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) return { index: -1 };
      cursor = end + 3;
    } else if (text.startsWith('<!', lt)) {
      const end = text.indexOf('>', lt + 2);
      if (end === -1) return { index: -1 };
      doctype = text.slice(lt + 2, Math.min(end, lt + 200));
      const subset = doctype.indexOf('[');
      if (subset !== -1) {
        const subsetEnd = text.indexOf(']', lt + 2 + subset);
        cursor = subsetEnd === -1 ? text.length : subsetEnd + 1;
      } else {
        cursor = end + 1;
      }
    } else {
      return { index: lt, ...(doctype !== undefined && { doctype }) };
    }
  }
}

function htmlTitle(text: string): string {
  const head = text.slice(0, 65_536);
  const title = /<title[^>]*>([^<]*)<\/title/i.exec(head)?.[1];
  const heading = /<h1[^>]*>([^<]*)</i.exec(head)?.[1];
  const label = excerpt(title || heading || '');
  return label === '' ? 'HTML page' : `HTML page: "${label}"`;
}

/**
 * Says whether a decoded body is a feed, before any XML parsing: the root element must be `rss`,
 * `feed` (Atom) or `RDF` (RSS 0.9/1.0), with any namespace prefix. Anything else throws a
 * one-line `FeedParseError`: `EMPTY_BODY` for nothing but whitespace, `NOT_A_FEED` for an HTML
 * page (its title quoted, so a Cloudflare challenge reads as one), JSON, plain text or another
 * XML document.
 *
 * @example sniffFeed('<?xml version="1.0"?><rss version="2.0">…') // { format: 'rss', name: 'rss' }
 * @example sniffFeed('<!DOCTYPE html><html><head><title>Just a moment...</title>')
 * // throws FeedParseError 'parser: not a feed (HTML page: "Just a moment...")'
 */
export function sniffFeed(text: string): FeedRoot {
  if (!/\S/.test(text)) throw new FeedParseError('EMPTY_BODY', 'empty body');
  const leading = text.trimStart();
  if (leading.startsWith('{') || leading.startsWith('[')) {
    throw new FeedParseError('NOT_A_FEED', `not a feed (JSON: ${excerpt(leading)})`);
  }
  const { index, doctype } = rootStart(text);
  const htmlDoctype = doctype !== undefined && /^doctype\s+html\b/i.test(doctype);
  if (index === -1) {
    if (htmlDoctype) throw new FeedParseError('NOT_A_FEED', `not a feed (${htmlTitle(text)})`);
    const what = leading.startsWith('<')
      ? 'XML without a root element'
      : `text: "${excerpt(leading)}"`;
    throw new FeedParseError('NOT_A_FEED', `not a feed (${what})`);
  }
  const name = /^<([A-Za-z_][-A-Za-z0-9_.:]*)/.exec(text.slice(index, index + 200))?.[1];
  if (name === undefined) {
    throw new FeedParseError('NOT_A_FEED', `not a feed (text: "${excerpt(leading)}")`);
  }
  const local = name.slice(name.indexOf(':') + 1);
  if (local === 'rss') return { format: 'rss', name };
  if (local === 'feed') return { format: 'atom', name };
  if (local === 'RDF' || local === 'rdf') return { format: 'rdf', name };
  // Prose that merely contains a tag further down (a README, an error message) is text.
  if (!leading.startsWith('<')) {
    throw new FeedParseError('NOT_A_FEED', `not a feed (text: "${excerpt(leading)}")`);
  }
  // The root decides, not the doctype: feeds are served with an XHTML doctype by mistake.
  if (htmlDoctype || HTML_ROOTS.has(local.toLowerCase())) {
    throw new FeedParseError('NOT_A_FEED', `not a feed (${htmlTitle(text)})`);
  }
  throw new FeedParseError(
    'NOT_A_FEED',
    `not a feed (XML document with root <${excerpt(name, 40)}>)`,
  );
}
