import Parser from 'rss-parser';
import { FeedParseError } from './feed-parse-error';
import type { FeedFormat } from './model';
import type { FeedRoot } from './sniff';
import { prepareXml } from './xml-repair';
import { readXmlTree } from './xml-tree';

/**
 * The XML stage: feed text → `RawFeed`, still un-normalised (HTML kept, dates as written).
 *
 * rss-parser (3.13.0) does the XML work — its xml2js/sax set-up, the choice between RSS 0.9x,
 * 1.0, 2.0 and Atom, and the RSS channel fields — but we replace the parts of it measured to
 * fail on real feeds:
 * - its item builders (`parseItemRss`, `parseItemAtom`, `buildAtomFeed`): they build a
 *   `contentSnippet` with a lazy `<(.|\n)*?>` regex, quadratic on text with many `<` and no `>`
 *   (≈14 s for 400 KB, synchronous, so no timer can stop it), and one bad field (an Atom date
 *   "yesterday", a `<link>` without `href`) throws and loses the whole feed. Ours read each
 *   field on its own, never build a snippet, and isolate each item;
 * - its speed: plain well-formed XML is read by `readXmlTree` into the very tree xml2js would
 *   build (proven against xml2js in tests), and everything else still goes to xml2js/sax;
 * - its strictness: XML that sax would reject (a bare `&`, an unknown entity, a cut body) is
 *   repaired first, in one linear pass that also bounds depth and size (see `prepareXml`);
 *   `<rss>` without a version is RSS 2.0.
 * DTD entities stay unexpanded: sax never reads the internal subset, so billion-laughs and
 * external entities (XXE) are plain unknown references — keep it that way.
 */

/** Text as a feed gave it, and whether it is HTML (to strip) or plain text. */
export interface RawText {
  value: string;
  kind: 'html' | 'text';
}

/** One item as read from the XML, before normalisation. */
export interface RawEntry {
  /** 1-based position in the feed, for warnings. */
  position: number;
  title?: RawText;
  /** Candidate article links, best first (origLink, link, alternate link, rdf:about). */
  links: string[];
  guid?: string;
  summary?: RawText;
  content?: RawText;
  /** Candidate dates as written, best first. */
  dates: string[];
  language?: string;
  author?: string;
  categories: string[];
  /** `xml:base` in scope for the item's links. */
  base?: string;
  /** Fields that were present but unusable. */
  problems: string[];
  /** Set when the item could not be read at all (already named in the feed's warnings). */
  unreadable?: true;
}

/** A feed as read from the XML, before normalisation. */
export interface RawFeed {
  format: FeedFormat;
  title?: RawText;
  link?: string;
  description?: RawText;
  language?: string;
  base?: string;
  entries: RawEntry[];
  /** Items that could not be read at all, repairs made to the XML. */
  warnings: string[];
}

/** xml2js (explicitArray) output: children in arrays, attributes under `$`, text under `_`. */
type XmlNode = { [name: string]: unknown };

/** Attributes, text (read first) and elements whose text no reader sees. */
const UNREAD_CHILDREN = new Set(['$', '_', 'script', 'style', 'noscript']);

/** Longest text we gather from one element: beyond the content cap, with room for markup. */
const MAX_FIELD_TEXT = 200_000;

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function children(node: unknown, name: string): unknown[] {
  if (!isNode(node)) return [];
  const value = node[name];
  return Array.isArray(value) ? value : [];
}

function attribute(node: unknown, name: string): string | undefined {
  if (!isNode(node) || !isNode(node.$)) return undefined;
  const value = node.$[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The text of an element: a string, `{ _: text }`, or an element with children (XHTML content,
 * unescaped HTML in a description), whose text is gathered depth-first — iteratively, so 200,000
 * nested tags cannot overflow the stack — and capped.
 */
export function textOf(value: unknown, max = MAX_FIELD_TEXT): string | undefined {
  if (typeof value === 'string') return value;
  if (!isNode(value)) return undefined;
  if (
    typeof value._ === 'string' &&
    Object.keys(value).every((key) => key === '_' || key === '$')
  ) {
    return value._;
  }
  const parts: string[] = [];
  let length = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && length < max) {
    const current = pending.pop();
    if (typeof current === 'string') {
      parts.push(current, ' ');
      length += current.length + 1;
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push(current[i]);
    } else if (isNode(current)) {
      const names = Object.keys(current).filter((key) => !UNREAD_CHILDREN.has(key));
      for (let i = names.length - 1; i >= 0; i--) pending.push(current[names[i] ?? '']);
      if (typeof current._ === 'string') pending.push(current._);
    }
  }
  const text = parts.join('');
  return text.length > max ? text.slice(0, max) : text;
}

function firstText(node: unknown, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const child of children(node, name)) {
      const text = textOf(child)?.trim();
      if (text) return text;
    }
  }
  return undefined;
}

function base64Text(value: string): string {
  return Buffer.from(value.slice(0, MAX_FIELD_TEXT * 2), 'base64').toString('utf8');
}

/** Atom text constructs: `type` text/html/xhtml (1.0) or a MIME type and `mode` (0.3). */
function atomText(element: unknown): RawText | undefined {
  const type = (attribute(element, 'type') ?? 'text').toLowerCase();
  const mode = attribute(element, 'mode')?.toLowerCase();
  let value = textOf(element);
  if (value === undefined) return undefined;
  // Atom 0.3 says mode="base64"; Atom 1.0 base64-encodes any type that is neither text nor XML.
  const binary = type.includes('/') && !type.startsWith('text/') && !/[+/]xml$/.test(type);
  if (mode === 'base64' || binary) value = base64Text(value.trim());
  if (value.trim() === '') return undefined;
  // XHTML (child elements) arrives as gathered text already; only escaped HTML needs stripping.
  const hasChildren =
    isNode(element) && Object.keys(element).some((key) => key !== '_' && key !== '$');
  const html =
    !hasChildren &&
    (type === 'html' ||
      type === 'text/html' ||
      mode === 'escaped' ||
      binary ||
      (mode === 'base64' && type !== 'text/plain' && type !== 'text'));
  return { value, kind: html ? 'html' : 'text' };
}

function htmlText(node: unknown, ...names: string[]): RawText | undefined {
  const value = firstText(node, ...names);
  return value === undefined ? undefined : { value, kind: 'html' };
}

function isAlternate(link: unknown): boolean {
  const rel = attribute(link, 'rel');
  return rel === undefined || rel === 'alternate';
}

const DATE_FIELDS_RSS = [
  'pubDate',
  'dc:date',
  'atom:published',
  'a10:published',
  'dcterms:issued',
  'dcterms:created',
  'atom:updated',
  'a10:updated',
  'dcterms:modified',
];
const DATE_FIELDS_ATOM = ['published', 'issued', 'created', 'dc:date', 'updated', 'modified'];

function dates(node: unknown, names: readonly string[]): string[] {
  return names.flatMap((name) => {
    const text = firstText(node, name);
    return text === undefined ? [] : [text];
  });
}

function categories(node: unknown): string[] {
  const found: string[] = [];
  for (const name of ['category', 'dc:subject']) {
    for (const element of children(node, name)) {
      const text = attribute(element, 'term') ?? attribute(element, 'label') ?? textOf(element);
      if (text?.trim()) found.push(text.trim());
      if (found.length >= 50) return found;
    }
  }
  return found;
}

/** Reads one RSS 0.9x/1.0/2.0 `<item>`, field by field. */
function readRssItem(item: unknown, position: number): RawEntry {
  const problems: string[] = [];
  const links: string[] = [];
  const origLink = firstText(item, 'feedburner:origLink');
  if (origLink) links.push(origLink);
  for (const link of children(item, 'link')) {
    const text = textOf(link)?.trim() || (isAlternate(link) ? attribute(link, 'href') : undefined);
    if (text) links.push(text);
  }
  for (const link of [...children(item, 'atom:link'), ...children(item, 'a10:link')]) {
    const href = attribute(link, 'href');
    if (href && isAlternate(link)) links.push(href);
  }
  const about = attribute(item, 'rdf:about');
  if (about) links.push(about);
  const title = htmlText(item, 'title', 'dc:title');
  const summary = htmlText(item, 'description', 'dc:description', 'summary', 'itunes:summary');
  const content = htmlText(item, 'content:encoded', 'atom:content');
  const language = firstText(item, 'dc:language') ?? attribute(item, 'xml:lang');
  const author = firstText(item, 'dc:creator', 'author', 'itunes:author');
  const guid = firstText(item, 'guid');
  const base = attribute(item, 'xml:base');
  return {
    position,
    links,
    dates: dates(item, DATE_FIELDS_RSS),
    categories: categories(item),
    problems,
    ...(title && { title }),
    ...(summary && { summary }),
    ...(content && { content }),
    ...(guid && { guid }),
    ...(language && { language }),
    ...(author && { author }),
    ...(base && { base }),
  };
}

function atomLinks(node: unknown, problems: string[]): string[] {
  const links: string[] = [];
  const origLink = firstText(node, 'feedburner:origLink');
  if (origLink) links.push(origLink);
  const alternates: string[] = [];
  const others: string[] = [];
  for (const link of children(node, 'link')) {
    const href = attribute(link, 'href') ?? textOf(link)?.trim();
    if (!href) {
      problems.push('ignored a <link> without href');
      continue;
    }
    const type = attribute(link, 'type');
    if (isAlternate(link)) {
      if (type === undefined || type.includes('html')) alternates.unshift(href);
      else alternates.push(href);
    } else if (attribute(link, 'rel') === 'related' || attribute(link, 'rel') === 'via') {
      others.push(href);
    }
  }
  return [...links, ...alternates, ...others];
}

/** Reads one Atom 0.3/1.0 `<entry>`, field by field. */
function readAtomEntry(entry: unknown, position: number): RawEntry {
  const problems: string[] = [];
  const links = atomLinks(entry, problems);
  const title = children(entry, 'title').map(atomText).find(Boolean);
  const summary = children(entry, 'summary').map(atomText).find(Boolean);
  const content = children(entry, 'content').map(atomText).find(Boolean);
  const language =
    attribute(entry, 'xml:lang') ??
    firstText(entry, 'dc:language') ??
    attribute(children(entry, 'title')[0], 'xml:lang');
  const author = firstText(children(entry, 'author')[0], 'name') ?? firstText(entry, 'dc:creator');
  const guid = firstText(entry, 'id');
  const base = attribute(entry, 'xml:base');
  return {
    position,
    links,
    dates: dates(entry, DATE_FIELDS_ATOM),
    categories: categories(entry),
    problems,
    ...(title && { title }),
    ...(summary && { summary }),
    ...(content && { content }),
    ...(guid && { guid }),
    ...(language && { language }),
    ...(author && { author }),
    ...(base && { base }),
  };
}

/** What rss-parser's Parser has, including the internals we override (see lib/parser.js). */
interface RssParserInternals {
  parseString(xml: string): Promise<unknown>;
  /** The xml2js parser rss-parser hands the text to (only `parseString` with a callback). */
  xmlParser: XmlParser;
  buildRSS0_9(xmlObj: XmlNode): unknown;
  buildRSS1(xmlObj: XmlNode): unknown;
  buildRSS2(xmlObj: XmlNode): unknown;
}
type RssParserClass = new (options: object) => RssParserInternals;
type XmlParser = {
  parseString(xml: string, callback: (error: unknown, result?: unknown) => void): unknown;
};

/**
 * Puts `readXmlTree` in front of xml2js: plain well-formed XML (nearly every feed) gets the same
 * tree without sax's per-character cost; whatever the fast reader is not sure of goes to xml2js
 * as before, so rss-parser sees the very tree it would have built either way.
 */
function withFastPath(
  xmlParser: XmlParser,
  renamer: ((name: string) => string) | undefined,
): XmlParser {
  return {
    parseString(xml, callback) {
      const tree = readXmlTree(xml, renamer);
      if (tree === undefined) return xmlParser.parseString(xml, callback);
      callback(null, tree);
      return undefined;
    },
  };
}

// Namespaces whose elements we read, and the prefix the readers above expect for them.
const CANONICAL_PREFIX: Record<string, string> = {
  'http://purl.org/rss/1.0/': '',
  'http://my.netscape.com/rdf/simple/0.9/': '',
  'http://backend.userland.com/rss2': '',
  'http://backend.userland.com/rss': '',
  'http://blogs.law.harvard.edu/tech/rss': '',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://rssnamespace.org/feedburner/ext/1.0': 'feedburner',
};
const ATOM_NAMESPACES = new Set(['http://www.w3.org/2005/Atom', 'http://purl.org/atom/ns#']);

/**
 * Element and attribute names are matched by prefix, so a feed that binds a namespace to an
 * unusual prefix (`<a:feed xmlns:a="…Atom">`, `<r:item>`) is renamed to the usual one.
 */
function prefixRenamer(text: string, root: FeedRoot): ((name: string) => string) | undefined {
  const renames = new Map<string, string>();
  const declaration = /xmlns:([A-Za-z_][-A-Za-z0-9_.]*)\s*=\s*["']([^"']*)["']/g;
  for (const [, prefix = '', uri = ''] of text.matchAll(declaration)) {
    if (renames.has(prefix)) continue;
    const canonical = ATOM_NAMESPACES.has(uri)
      ? root.format === 'atom'
        ? ''
        : 'atom'
      : CANONICAL_PREFIX[uri];
    if (canonical !== undefined && canonical !== prefix) renames.set(prefix, canonical);
    else renames.set(prefix, prefix);
  }
  if ([...renames].every(([prefix, canonical]) => prefix === canonical)) return undefined;
  return (name: string) => {
    const colon = name.indexOf(':');
    if (colon === -1) return name;
    const canonical = renames.get(name.slice(0, colon));
    if (canonical === undefined) return name;
    return canonical === '' ? name.slice(colon + 1) : `${canonical}:${name.slice(colon + 1)}`;
  };
}

/** Items read from one feed; news feeds carry 10–200, so more is a runaway or hostile feed. */
export const MAX_ITEMS_PER_FEED = 2000;

interface ReadState {
  position: number;
  ignored: number;
  warnings: string[];
  rootAttributes?: XmlNode;
}

function guard(state: ReadState, read: (position: number) => RawEntry): RawEntry {
  state.position++;
  const position = state.position;
  if (position > MAX_ITEMS_PER_FEED) {
    state.ignored++;
    return { position, links: [], dates: [], categories: [], problems: [], unreadable: true };
  }
  try {
    return read(position);
  } catch (error) {
    // Never expected; but one item that breaks a reader must not cost the feed.
    state.warnings.push(`item ${position}: skipped (${(error as Error).message})`);
    return { position, links: [], dates: [], categories: [], problems: [], unreadable: true };
  }
}

function createParser(state: ReadState, renamer: ((name: string) => string) | undefined) {
  const RssParser = Parser as unknown as RssParserClass;
  const xml2js = renamer ? { tagNameProcessors: [renamer], attrNameProcessors: [renamer] } : {};

  class TolerantRssParser extends RssParser {
    parseItemRss(item: unknown): RawEntry {
      return guard(state, (position) => readRssItem(item, position));
    }

    parseItemAtom(entry: unknown): RawEntry {
      return guard(state, (position) => readAtomEntry(entry, position));
    }

    buildAtomFeed(xmlObj: XmlNode): unknown {
      const feed = xmlObj.feed;
      state.rootAttributes = isNode(feed) && isNode(feed.$) ? feed.$ : {};
      const problems: string[] = [];
      const link = atomLinks(feed, problems)[0];
      return {
        items: children(feed, 'entry').map((entry) => this.parseItemAtom(entry)),
        title: children(feed, 'title').map(atomText).find(Boolean),
        description: [...children(feed, 'subtitle'), ...children(feed, 'tagline')]
          .map(atomText)
          .find(Boolean),
        ...(link && { link }),
      };
    }

    override buildRSS2(xmlObj: XmlNode): unknown {
      return this.withChannel(xmlObj.rss, () => super.buildRSS2(xmlObj));
    }

    override buildRSS0_9(xmlObj: XmlNode): unknown {
      return this.withChannel(xmlObj.rss, () => super.buildRSS0_9(xmlObj));
    }

    override buildRSS1(xmlObj: XmlNode): unknown {
      return this.withChannel(xmlObj['rdf:RDF'], () => super.buildRSS1(xmlObj));
    }

    /** `<rss>` with no `<channel>` is an empty feed, not a TypeError. */
    withChannel(root: unknown, build: () => unknown): unknown {
      state.rootAttributes = isNode(root) && isNode(root.$) ? root.$ : {};
      if (children(root, 'channel').length > 0) return build();
      state.warnings.push('feed has no <channel>');
      // RSS 1.0 items are siblings of the channel: they can be read without it.
      if (!isNode(root) || children(root, 'item').length === 0) return { items: [] };
      root.channel = [{}];
      return build();
    }

    /** Podcast fields: unused, and rss-parser's version assumes its own item shape. */
    decorateItunes(): void {}
  }

  // Channel fields rss-parser does not copy on its own (RSS 1.0 declares its language in DC).
  const customFields = { feed: ['dc:language'] };
  const parser = new TolerantRssParser({ defaultRSS: 2, xml2js, customFields });
  parser.xmlParser = withFastPath(parser.xmlParser, renamer);
  return parser;
}

interface RssParserOutput {
  items?: unknown[];
  title?: unknown;
  link?: unknown;
  description?: unknown;
  language?: unknown;
  'dc:language'?: unknown;
}

async function parseOnce(text: string, root: FeedRoot): Promise<RawFeed> {
  const state: ReadState = { position: 0, ignored: 0, warnings: [] };
  const parser = createParser(state, prefixRenamer(text, root));
  const output = (await parser.parseString(text)) as RssParserOutput;
  const entries = (output.items ?? []).filter(
    (item): item is RawEntry => isNode(item) && typeof item.position === 'number',
  );
  const title = asRawText(output.title);
  const description = asRawText(output.description);
  const link =
    typeof output.link === 'string'
      ? output.link.trim()
      : (attribute(output.link, 'href') ?? textOf(output.link)?.trim());
  const language =
    textOf(output.language)?.trim() ||
    textOf(output['dc:language'])?.trim() ||
    attribute({ $: state.rootAttributes }, 'xml:lang');
  const base = attribute({ $: state.rootAttributes }, 'xml:base');
  if (state.ignored > 0) {
    state.warnings.push(`${state.ignored} items after the first ${MAX_ITEMS_PER_FEED} ignored`);
  }
  return {
    format: root.format,
    entries,
    warnings: state.warnings,
    ...(title && { title }),
    ...(description && { description }),
    ...(link && { link }),
    ...(language && { language }),
    ...(base && { base }),
  };
}

/** Feed-level text: our Atom builder gives `RawText`; rss-parser's RSS builder, xml2js values. */
function asRawText(value: unknown): RawText | undefined {
  if (
    isNode(value) &&
    typeof value.value === 'string' &&
    (value.kind === 'html' || value.kind === 'text')
  ) {
    return { value: value.value, kind: value.kind };
  }
  const text = textOf(value)?.trim();
  return text ? { value: text, kind: 'html' } : undefined;
}

function oneLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .join(', ')
    .slice(0, 200);
}

/**
 * Below this many `<` and `=` (elements and attributes, at most), a document is parsed as it is
 * first: sax and xml2js stay small on it whatever its shape, and well-formed feeds skip the
 * repair pass. Above it, or when the strict parse fails, `prepareXml` runs first.
 */
const DIRECT_PARSE_BUDGET = 100_000;

function withinDirectParseBudget(text: string): boolean {
  let count = 0;
  for (const marker of ['<', '=']) {
    for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + 1)) {
      if (++count > DIRECT_PARSE_BUDGET) return false;
    }
  }
  return true;
}

/**
 * Reads feed text into a `RawFeed`. A small document is parsed strictly as it is; a large one, or
 * one sax rejects, goes through `prepareXml` (well-formed and bounded; its repairs named in
 * `warnings`) and one strict parse. Throws `FeedParseError` `MALFORMED` when that still fails.
 *
 * @example (await readXmlFeed('<rss><channel><item><link>https://a.am/1</link></item></channel></rss>', { format: 'rss', name: 'rss' })).entries[0]?.links
 * // ['https://a.am/1']
 */
export async function readXmlFeed(text: string, root: FeedRoot): Promise<RawFeed> {
  if (withinDirectParseBudget(text)) {
    try {
      return await parseOnce(text, root);
    } catch {
      // Not well-formed: repaired below.
    }
  }
  const prepared = prepareXml(text);
  try {
    const feed = await parseOnce(prepared.text, root);
    if (prepared.repairs.length > 0) {
      feed.warnings.unshift(`XML was not well-formed; repaired: ${prepared.repairs.join('; ')}`);
    }
    return feed;
  } catch (error) {
    throw new FeedParseError('MALFORMED', `malformed XML (${oneLine(error)})`, { cause: error });
  }
}
