import { FeedParseError } from './feed-parse-error';
import { isKnownEntityName } from './html-entities';

/**
 * Bounds on the XML handed to the parser. A real feed is far inside them (a 2 MiB feed of 200
 * items has ~20,000 elements, depth < 30); hostile input is not, and without them 10 MiB of
 * nested tags costs sax + xml2js ~50 s and 3 GB.
 */
export const XML_LIMITS = {
  /** Deeper start tags are dropped (their text stays). */
  maxDepth: 256,
  /** Elements plus attributes; past it the document is cut short, complete items kept. */
  maxNodes: 250_000,
  /** A start tag longer than this is dropped whole. */
  maxTagLength: 16_384,
  /** Fixed `&`, `<` and entities; past it the body is garbage, not a feed with a typo. */
  maxFixes: 1_000_000,
  /**
   * Comments, processing instructions and doctypes longer than this are dropped: sax fails
   * past 64 KiB in one of them, and none carries anything a feed reader needs.
   */
  maxMarkupLength: 32_768,
} as const;

export type XmlLimits = { [K in keyof typeof XML_LIMITS]: number };

/** The text to parse, and what had to change (empty when the input was well-formed). */
export interface PreparedXml {
  text: string;
  repairs: string[];
}

// Every '&' that is not one of the five XML entities: bare ones, HTML names, numeric references
// (whose code point sax checks).
const SUSPECT_REFERENCE =
  /&(?!(?:amp|lt|gt|quot|apos);)(?:(#\d{1,8}|#[xX][0-9a-fA-F]{1,7})|([A-Za-z_][A-Za-z0-9._-]{0,31}))?(;?)/g;
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ITEM_ELEMENT = /(?:^|:)(item|entry)$/i;

interface Counts {
  ampersands: number;
  unknownEntities: number;
  badNumeric: number;
  lessThans: number;
  strayCloseTags: number;
  autoClosed: number;
  attributes: number;
  oversizeTags: number;
  tooDeep: number;
  droppedMarkup: number;
}

function isXmlCodePoint(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

class TooBrokenError extends Error {}

function fixCount(counts: Counts): number {
  return counts.ampersands + counts.unknownEntities + counts.badNumeric + counts.lessThans;
}

/**
 * Collects many small strings with bounded overhead: pieces are joined in batches, so a million
 * fixes cost a few flat strings instead of millions of live slices.
 */
class TextBuilder {
  private readonly chunks: string[] = [];
  private pieces: string[] = [];

  push(...texts: string[]): void {
    this.pieces.push(...texts);
    if (this.pieces.length >= 8192) {
      this.chunks.push(this.pieces.join(''));
      this.pieces = [];
    }
  }

  toString(): string {
    return this.chunks.join('') + this.pieces.join('');
  }
}

function escapeText(text: string, counts: Counts, limits: XmlLimits): string {
  if (!text.includes('&')) return text;
  // An exec loop, not String#replace with a callback: V8 collects every match of a global
  // replace before the first callback, which on 10 MiB of '&' is gigabytes before we can stop.
  const out = new TextBuilder();
  let from = 0;
  SUSPECT_REFERENCE.lastIndex = 0;
  for (let match = SUSPECT_REFERENCE.exec(text); match; match = SUSPECT_REFERENCE.exec(text)) {
    const replacement = fixReference(match, counts);
    if (replacement === undefined) continue;
    if (fixCount(counts) > limits.maxFixes) throw new TooBrokenError();
    out.push(text.slice(from, match.index), replacement);
    from = match.index + match[0].length;
  }
  if (from === 0) return text;
  out.push(text.slice(from));
  return out.toString();
}

/** The text to put instead of a suspect reference; `undefined` to keep it. */
function fixReference(match: RegExpExecArray, counts: Counts): string | undefined {
  const [whole, numeric, name, semi] = match;
  if (semi === ';' && numeric !== undefined) {
    const code =
      numeric[1] === 'x' || numeric[1] === 'X'
        ? Number.parseInt(numeric.slice(2), 16)
        : Number.parseInt(numeric.slice(1), 10);
    if (isXmlCodePoint(code)) return undefined;
    counts.badNumeric++;
    return '&#65533;';
  }
  if (semi === ';' && name !== undefined) {
    if (isKnownEntityName(name)) return undefined;
    // Declared in a DTD or made up: kept as literal text, never expanded.
    counts.unknownEntities++;
    return `&amp;${name};`;
  }
  counts.ampersands++;
  return `&amp;${whole.slice(1)}`;
}

/**
 * The index of the `>` closing a start tag at `from`, skipping `>` inside quoted attributes;
 * -1 when a `<` comes first (XML allows none in a tag, so the tag was never finished). Stopping
 * at `<` keeps the whole pass linear even on thousands of unfinished tags.
 */
function startTagEnd(text: string, from: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 60) return -1;
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === 34 || code === 39) {
      quote = code;
    } else if (code === 62) {
      return i;
    }
  }
  return -1;
}

const WELL_FORMED_ATTRIBUTES =
  /^(?:\s+[A-Za-z_:][-A-Za-z0-9_:.]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*\/?$/;
const ATTRIBUTE_NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

/**
 * Rewrites the attributes of a start tag the HTML way (`a=b` → `a="b"`, `checked` →
 * `checked="checked"`, duplicates dropped, junk dropped); unchanged when already well-formed.
 */
function fixAttributes(body: string, counts: Counts): string {
  if (WELL_FORMED_ATTRIBUTES.test(body) && !hasDuplicate(body)) return body;
  counts.attributes++;
  const selfClosing = /\/\s*$/.test(body);
  const seen = new Set<string>();
  const out: string[] = [];
  let i = 0;
  const end = selfClosing ? body.lastIndexOf('/') : body.length;
  while (i < end) {
    ATTRIBUTE_NAME.lastIndex = i;
    const name = ATTRIBUTE_NAME.exec(body)?.[0];
    if (name === undefined) {
      i++;
      continue;
    }
    i += name.length;
    while (i < end && /\s/.test(body[i] ?? '')) i++;
    let value = name;
    if (body[i] === '=') {
      i++;
      while (i < end && /\s/.test(body[i] ?? '')) i++;
      const quote = body[i];
      if (quote === '"' || quote === "'") {
        const close = body.indexOf(quote, i + 1);
        const stop = close === -1 || close > end ? end : close;
        value = body.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const start = i;
        while (i < end && !/\s/.test(body[i] ?? '')) i++;
        value = body.slice(start, i);
      }
    }
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(` ${name}="${value.replaceAll('"', '&quot;').replaceAll('<', '&lt;')}"`);
  }
  return `${out.join('')}${selfClosing ? '/' : ''}`;
}

function hasDuplicate(body: string): boolean {
  const names = body.match(/[A-Za-z_:][-A-Za-z0-9_:.]*(?=\s*=)/g) ?? [];
  return names.length > 1 && new Set(names).size !== names.length;
}

/** The end of `<!DOCTYPE …>`, allowing a bracketed internal subset; -1 when the body ends first. */
function doctypeEnd(text: string, from: number): number {
  const close = text.indexOf('>', from);
  if (close === -1) return -1;
  // Search '[' only up to the first '>': a long scan per stray "<!DOCTYPE" would be quadratic.
  const bracket = text.slice(from, close).indexOf('[');
  if (bracket === -1) return close;
  const subsetEnd = text.indexOf(']', from + bracket);
  return subsetEnd === -1 ? -1 : text.indexOf('>', subsetEnd);
}

interface OpenElement {
  name: string;
  /** Length of the output before its start tag: where to cut if it must go. */
  outputMark: number;
}

/**
 * Makes feed text well-formed and bounded, in one linear pass, before the strict parse: drops
 * text before the first tag; escapes bare `&`, unknown entities (DTD ones included — they stay
 * literal text, never expanded) and `<` that opens no tag; quotes HTML-style attributes; drops
 * close tags that match nothing and closes elements a mismatched close tag left open; enforces
 * `XML_LIMITS` (deep tags dropped, oversize tags dropped, a document past the node budget cut).
 * A body that ends with elements open was cut short: the item it was in the middle of is dropped
 * (its link may be cut mid-URL) and the rest closed. Well-formed input comes back unchanged.
 * Throws `FeedParseError` `MALFORMED` past `maxFixes`.
 *
 * @example prepareXml('<rss><channel><title>AT&T</title></channel>').text
 * // '<rss><channel><title>AT&amp;T</title></channel></rss>'
 */
export function prepareXml(input: string, limits: XmlLimits = XML_LIMITS): PreparedXml {
  try {
    return prepare(input, limits);
  } catch (error) {
    if (!(error instanceof TooBrokenError)) throw error;
    throw new FeedParseError(
      'MALFORMED',
      `malformed XML (over ${limits.maxFixes} stray "&" or "<"; not a feed with a typo)`,
    );
  }
}

function prepare(input: string, limits: XmlLimits): PreparedXml {
  const counts: Counts = {
    ampersands: 0,
    unknownEntities: 0,
    badNumeric: 0,
    lessThans: 0,
    strayCloseTags: 0,
    autoClosed: 0,
    attributes: 0,
    oversizeTags: 0,
    tooDeep: 0,
    droppedMarkup: 0,
  };
  const repairs: string[] = [];
  const out: string[] = [];
  const stack: OpenElement[] = [];
  let nodes = 0;
  // Start tags dropped for depth and not yet closed, by name: their close tags go too.
  const droppedOpen = new Map<string, number>();
  let cutShort = false;
  let overBudget = false;

  let cursor = input.indexOf('<');
  if (cursor === -1) return { text: input, repairs };
  if (input.slice(0, cursor).trim() !== '') repairs.push('dropped text before the first tag');
  let textStart = cursor;

  // indexOf('>') memoised: the first '>' at or after a position only moves forward.
  let knownGt = -2;
  const nextGt = (from: number): number => {
    if (knownGt === -1 || knownGt >= from) return knownGt;
    knownGt = input.indexOf('>', from);
    return knownGt;
  };
  const flushText = (end: number) => {
    if (end > textStart) out.push(escapeText(input.slice(textStart, end), counts, limits));
    textStart = end;
  };
  const skipTo = (position: number) => {
    cursor = position;
    textStart = position;
  };
  const escapeLessThan = (lt: number) => {
    flushText(lt);
    // A run of '<' that open nothing (hostile input, ASCII art) is escaped in one piece.
    let end = lt + 1;
    while (input.charCodeAt(end) === 60 && !/[A-Za-z_:/!?]/.test(input[end + 1] ?? '')) end++;
    counts.lessThans += end - lt;
    if (fixCount(counts) > limits.maxFixes) throw new TooBrokenError();
    out.push('&lt;'.repeat(end - lt));
    skipTo(end);
  };
  /**
   * Copies markup from `lt` through `marker` (dropped when too long, or when `keep` is false);
   * false when the body ends first.
   */
  const copyThrough = (lt: number, marker: string, searchFrom: number, keep = true): boolean => {
    flushText(lt);
    const end = input.indexOf(marker, searchFrom);
    if (end === -1) return false;
    if (keep && end - lt <= limits.maxMarkupLength) out.push(input.slice(lt, end + marker.length));
    else counts.droppedMarkup++;
    skipTo(end + marker.length);
    return true;
  };
  let rootSeen = false;

  while (cursor < input.length && !cutShort && !overBudget) {
    const lt = input.indexOf('<', cursor);
    if (lt === -1) break;
    const next = input.charCodeAt(lt + 1);
    if (input.startsWith('<!--', lt)) {
      cutShort = !copyThrough(lt, '-->', lt + 4);
    } else if (input.startsWith('<![CDATA[', lt)) {
      // CDATA is text: any length is fine (sax emits it in pieces).
      flushText(lt);
      const end = input.indexOf(']]>', lt + 9);
      if (end === -1) cutShort = true;
      else {
        out.push(input.slice(lt, end + 3));
        skipTo(end + 3);
      }
    } else if (next === 63 /* ? */) {
      cutShort = !copyThrough(lt, '?>', lt + 2);
    } else if (next === 33 /* ! */ && /^<!DOCTYPE/i.test(input.slice(lt, lt + 9))) {
      flushText(lt);
      const end = doctypeEnd(input, lt);
      if (end === -1) cutShort = true;
      else {
        // A doctype inside the document is an error to sax; a huge one too. Neither matters.
        if (!rootSeen && end - lt <= limits.maxMarkupLength) out.push(input.slice(lt, end + 1));
        else counts.droppedMarkup++;
        skipTo(end + 1);
      }
    } else if (next === 47 /* / */) {
      NAME.lastIndex = lt + 2;
      const name = NAME.exec(input)?.[0];
      const gt = nextGt(lt + 2);
      const following = input.indexOf('<', lt + 1);
      if (gt === -1) {
        flushText(lt);
        cutShort = true;
      } else if (name === undefined || (following !== -1 && following < gt)) {
        escapeLessThan(lt);
      } else {
        flushText(lt);
        const open = stack.findLastIndex((element) => element.name === name);
        const dropped = droppedOpen.get(name) ?? 0;
        if (dropped > 0) {
          // Closes one of the start tags dropped for depth.
          droppedOpen.set(name, dropped - 1);
        } else if (open === -1) {
          counts.strayCloseTags++;
        } else {
          while (stack.length > open + 1) {
            out.push(`</${stack.pop()?.name}>`);
            counts.autoClosed++;
          }
          stack.pop();
          out.push(`</${name}>`);
        }
        skipTo(gt + 1);
      }
    } else {
      NAME.lastIndex = lt + 1;
      const name = NAME.exec(input)?.[0];
      const gt = name === undefined ? -1 : startTagEnd(input, lt + 1 + name.length);
      if (name === undefined) {
        // '<' that opens nothing ("a < b", "<3"): text, escaped.
        escapeLessThan(lt);
      } else if (gt === -1) {
        if (input.indexOf('<', lt + 1) === -1) {
          flushText(lt);
          cutShort = true;
        } else {
          escapeLessThan(lt);
        }
      } else {
        flushText(lt);
        skipTo(gt + 1);
        const body = input.slice(lt + 1 + name.length, gt);
        const selfClosing = body.endsWith('/');
        if (gt - lt > limits.maxTagLength) {
          counts.oversizeTags++;
          continue;
        }
        if (stack.length >= limits.maxDepth) {
          counts.tooDeep++;
          if (!selfClosing) droppedOpen.set(name, (droppedOpen.get(name) ?? 0) + 1);
          continue;
        }
        nodes += 1 + (body.match(/=/g)?.length ?? 0);
        if (nodes > limits.maxNodes) {
          overBudget = true;
          textStart = lt;
          break;
        }
        rootSeen = true;
        if (!selfClosing) stack.push({ name, outputMark: out.length });
        out.push(`<${name}${escapeText(fixAttributes(body, counts), counts, limits)}>`);
      }
    }
  }
  if (!cutShort && !overBudget) flushText(input.length);

  if (overBudget) {
    repairs.push(`document cut after ${limits.maxNodes} elements and attributes`);
  }
  if (stack.length > 0) {
    if (!overBudget) repairs.push('body ends with elements still open (cut short?); closed them');
    const inItem = stack.findIndex((element) => ITEM_ELEMENT.test(element.name));
    if (inItem !== -1) {
      out.length = stack[inItem]?.outputMark ?? out.length;
      stack.length = inItem;
      repairs.push('dropped the unfinished item at the end');
    }
    while (stack.length > 0) out.push(`</${stack.pop()?.name}>`);
  }
  const notes: [number, string][] = [
    [counts.ampersands, 'escaped {n} bare "&"'],
    [counts.unknownEntities, 'kept {n} unknown entity reference(s) as text'],
    [counts.badNumeric, 'replaced {n} invalid character reference(s)'],
    [counts.lessThans, 'escaped {n} "<" that opened no tag'],
    [counts.attributes, 'quoted or de-duplicated attributes in {n} tag(s)'],
    [counts.strayCloseTags, 'dropped {n} unmatched close tag(s)'],
    [counts.autoClosed, 'closed {n} element(s) left open'],
    [counts.oversizeTags, `dropped {n} tag(s) longer than ${limits.maxTagLength} characters`],
    [counts.tooDeep, `dropped {n} tag(s) nested deeper than ${limits.maxDepth}`],
    [counts.droppedMarkup, 'dropped {n} oversize or misplaced comment(s), doctype(s) or PI(s)'],
  ];
  for (const [count, note] of notes)
    if (count > 0) repairs.push(note.replace('{n}', String(count)));
  if (repairs.length === 0) return { text: input, repairs };
  return { text: out.join(''), repairs };
}
