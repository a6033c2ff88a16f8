import { namedEntity } from './html-entities';

/**
 * The fast path of the XML stage: builds, for the plain well-formed XML that nearly every feed
 * is, exactly the tree rss-parser's xml2js (0.5, its default options, over sax 1.6 in strict
 * mode) would build from the same text — and answers `undefined` ("not sure") for anything else,
 * so xml2js decides. xml2js + sax cost ~1 µs a character, most of the XML stage; this is one
 * `indexOf`-driven pass.
 *
 * What it takes on itself is deliberately narrow; everything outside it is "not sure":
 * - ASCII element and attribute names; quoted attributes after whitespace; `/>`;
 * - the five XML entities, the HTML ones sax knows (case-insensitive fallback as sax does) and
 *   numeric references sax accepts (same checks: a valid XML character, no sign, no junk);
 * - CDATA, comments (no `--` inside, as sax requires), processing instructions;
 * - only XML whitespace, comments and PIs outside the root; no DOCTYPE, no BOM.
 * Anything sax would reject, or where xml2js's output depends on quirks (an element named `_`
 * or `cdata`, a name that is an `Object.prototype` key), is left to xml2js.
 *
 * The tree has xml2js's exact shape and key order: prototype-less objects, children in arrays,
 * attributes under `$`, text under `_`, whitespace-only text dropped unless it came from CDATA,
 * a text-only element as its string, an empty one as its (whitespace) text. Like the slow path
 * it is linear in the input and never recursive (an explicit stack), so it keeps the bounds the
 * caller applies before either parser runs.
 */

/** xml2js's element object: `_` text, `$` attributes, then children by name. */
type XmlObject = Record<string, unknown>;

interface OpenElement {
  /** The name as written: a close tag must repeat it. */
  name: string;
  /** The name after the caller's renamer: the key in the parent. */
  key: string;
  object: XmlObject;
  /** True once the element has attributes or children: keys besides `_`. */
  keyed: boolean;
  /** Non-empty CDATA seen: xml2js keeps its text even when it is all whitespace. */
  cdata: boolean;
}

/** Names xml2js treats specially or that collide with `Object.prototype` in sax: not sure. */
const RESERVED_NAMES = new Set([
  '_',
  '$',
  'cdata',
  '#name',
  ...Object.getOwnPropertyNames(Object.prototype),
]);

function isReserved(name: string): boolean {
  return RESERVED_NAMES.has(name);
}

/**
 * Names to keys, renamed once per distinct name: a feed repeats a few dozen names thousands of
 * times, and the cached key is one string, which V8 interns once for every object it names.
 */
class KeyCache {
  private readonly keys = new Map<string, string | null>();

  constructor(private readonly rename: (name: string) => string) {}

  /** The key for a name as written; `undefined` when either is reserved (not sure). */
  of(name: string): string | undefined {
    let key = this.keys.get(name);
    if (key === undefined) {
      const renamed = this.rename(name);
      key = isReserved(name) || isReserved(renamed) ? null : renamed;
      this.keys.set(name, key);
    }
    return key ?? undefined;
  }
}

/** sax's `isWhitespace`: the four XML whitespace characters only. */
function isXmlSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

function isNameStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 58;
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57) || code === 45 || code === 46;
}

/** End of an ASCII name starting at `from` (a name start char); -1 when a non-ASCII char follows. */
function nameEnd(text: string, from: number): number {
  let at = from + 1;
  for (;;) {
    const code = text.charCodeAt(at);
    if (isNameChar(code)) at++;
    else return code >= 0x80 ? -1 : at;
  }
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** sax's `parseEntity`, for the names and numbers it accepts; `undefined` where it would fail. */
function entityValue(entity: string): string | undefined {
  const known = namedEntity(entity);
  if (known !== undefined) return known;
  const lower = entity.toLowerCase();
  const knownLower = namedEntity(lower);
  if (knownLower !== undefined) return knownLower;
  if (lower.charCodeAt(0) !== 35 /* # */) return undefined;
  const hex = lower.charCodeAt(1) === 120; /* x */
  const digits = lower.slice(hex ? 2 : 1);
  const code = Number.parseInt(digits, hex ? 16 : 10);
  if (Number.isNaN(code) || code.toString(hex ? 16 : 10) !== digits.replace(/^0+/, '')) {
    return undefined;
  }
  return isXmlChar(code) ? String.fromCodePoint(code) : undefined;
}

/** Longest entity reference taken here (`&thetasym;`, `&#x0010FFFF;`); longer: not sure. */
const MAX_ENTITY = 32;

/** Sentinel for "sax would fail or we are not sure". */
const UNSURE = null;

/**
 * Where the next `&` is, memoised: text and attribute values are decoded front to back, so one
 * forward search serves every piece in between (searching to the end from each piece of a
 * document without `&` would be quadratic).
 */
interface AmpersandScan {
  text: string;
  /** Index of the first `&` at or after the last position asked for; -1 when none is left. */
  next: number;
}

function nextAmpersand(scan: AmpersandScan, from: number): number {
  if (scan.next !== -1 && scan.next < from) scan.next = scan.text.indexOf('&', from);
  return scan.next;
}

/**
 * `text[from, to)` with references decoded as sax decodes them; null where sax would fail
 * (an `&` that does not start a reference closed by `;` before `to`, an unknown name).
 */
function decoded(scan: AmpersandScan, from: number, to: number): string | null {
  const { text } = scan;
  let amp = nextAmpersand(scan, from);
  if (amp === -1 || amp >= to) return text.slice(from, to);
  const parts: string[] = [];
  let start = from;
  while (amp !== -1 && amp < to) {
    parts.push(text.slice(start, amp));
    let end = amp + 1;
    const limit = Math.min(to, amp + 1 + MAX_ENTITY);
    while (end < limit && text.charCodeAt(end) !== 59 /* ; */) end++;
    if (end >= limit) return UNSURE;
    const value = referenceValue(text.slice(amp + 1, end));
    if (value === undefined) return UNSURE;
    parts.push(value);
    start = end + 1;
    amp = nextAmpersand(scan, start);
  }
  parts.push(text.slice(start, to));
  return parts.join('');
}

const REFERENCE_NAME = /^[#:_A-Za-z][#:_A-Za-z0-9.-]*$/;

function referenceValue(name: string): string | undefined {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  return REFERENCE_NAME.test(name) ? entityValue(name) : undefined;
}

/** xml2js's `assignOrPush` with `explicitArray`. */
function assignOrPush(parent: XmlObject, key: string, value: unknown): void {
  const existing = parent[key];
  if (existing === undefined && !(key in parent)) parent[key] = [value];
  else if (Array.isArray(existing)) existing.push(value);
  else parent[key] = [existing, value];
}

const WHITESPACE_ONLY = /^\s*$/;

/** xml2js's `onclosetag` for our options: what the element becomes in its parent. */
function closedValue(element: OpenElement): unknown {
  const { object } = element;
  const text = object._ as string;
  // Whitespace-only text goes (an empty element becomes that whitespace); CDATA text stays.
  if (element.keyed && !element.cdata && WHITESPACE_ONLY.test(text)) delete object._;
  return element.keyed ? object : text;
}

/**
 * Index past the comment, processing instruction or CDATA section at `lt` (the caller has seen
 * `<!` or `<?`), with CDATA text in `cdata`; -1 when not sure (sax would fail, or it is none of
 * them: a DOCTYPE, a bare `<!`).
 */
function skipMarkup(text: string, lt: number, cdata: { text: string }): number {
  cdata.text = '';
  if (text.charCodeAt(lt + 1) === 63 /* ? */) {
    // sax ends a PI at "?>", but the character after any "?" is taken with it: "??>" goes on.
    for (let at = text.indexOf('?', lt + 2); at !== -1; at = text.indexOf('?', at + 2)) {
      if (text.charCodeAt(at + 1) === 62 /* > */) return at + 2;
    }
    return -1;
  }
  if (text.startsWith('<!--', lt)) {
    // sax ends a comment at its first "--", which must be followed by ">".
    const dashes = text.indexOf('--', lt + 4);
    return dashes === -1 || text.charCodeAt(dashes + 2) !== 62 ? -1 : dashes + 3;
  }
  if (text.startsWith('<![CDATA[', lt)) {
    const end = text.indexOf(']]>', lt + 9);
    if (end === -1) return -1;
    cdata.text = text.slice(lt + 9, end);
    return end + 3;
  }
  return -1;
}

/** Skips XML whitespace from `from`. */
function skipSpace(text: string, from: number): number {
  let at = from;
  while (isXmlSpace(text.charCodeAt(at))) at++;
  return at;
}

/**
 * The xml2js tree of `text` (`{ [rootName]: root }`), or `undefined` when the text is not
 * plainly well-formed XML in the subset above: then xml2js must parse it. `rename` is applied to
 * element and attribute names as xml2js's `tagNameProcessors`/`attrNameProcessors` would.
 *
 * @example readXmlTree('<rss version="2.0"><channel><title>A &amp; B</title></channel></rss>')
 * // { rss: { $: { version: '2.0' }, channel: [{ title: ['A & B'] }] } } (prototype-less objects)
 */
export function readXmlTree(
  text: string,
  rename: (name: string) => string = (name) => name,
): XmlObject | undefined {
  const length = text.length;
  const stack: OpenElement[] = [];
  const cdata = { text: '' };
  const scan: AmpersandScan = { text, next: -2 };
  const keys = new KeyCache(rename);
  let result: XmlObject | undefined;
  let cursor = 0;

  while (cursor < length) {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      // Outside the root: XML whitespace, comments and PIs only; then the root, once.
      cursor = skipSpace(text, cursor);
      if (cursor >= length) break;
      if (text.charCodeAt(cursor) !== 60 /* < */) return undefined;
      const next = text.charCodeAt(cursor + 1);
      if (next === 63 || next === 33) {
        cursor = skipMarkup(text, cursor, cdata);
        if (cursor === -1 || cdata.text !== '') return undefined;
        continue;
      }
      if (result !== undefined || !isNameStart(next)) return undefined;
    } else {
      const lt = text.indexOf('<', cursor);
      if (lt === -1) return undefined;
      if (lt > cursor) {
        const piece = decoded(scan, cursor, lt);
        if (piece === UNSURE) return undefined;
        top.object._ += piece;
      }
      cursor = lt;
      const next = text.charCodeAt(lt + 1);
      if (next === 47 /* / */) {
        const end = isNameStart(text.charCodeAt(lt + 2)) ? nameEnd(text, lt + 2) : -1;
        const { name } = top;
        if (end - lt - 2 !== name.length || !text.startsWith(name, lt + 2)) return undefined;
        const gt = skipSpace(text, end);
        if (text.charCodeAt(gt) !== 62 /* > */) return undefined;
        cursor = gt + 1;
        stack.pop();
        const value = closedValue(top);
        const parent = stack[stack.length - 1];
        if (parent === undefined) {
          result = Object.create(null) as XmlObject;
          result[top.key] = value;
        } else {
          assignOrPush(parent.object, top.key, value);
          parent.keyed = true;
        }
        continue;
      }
      if (next === 63 || next === 33) {
        cursor = skipMarkup(text, lt, cdata);
        if (cursor === -1) return undefined;
        if (cdata.text !== '') {
          top.object._ += cdata.text;
          top.cdata = true;
        }
        continue;
      }
      if (!isNameStart(next)) return undefined;
    }

    // A start tag at `cursor`.
    const nameStop = nameEnd(text, cursor + 1);
    if (nameStop === -1) return undefined;
    const name = text.slice(cursor + 1, nameStop);
    const key = keys.of(name);
    if (key === undefined) return undefined;
    const object = Object.create(null) as XmlObject;
    object._ = '';
    let attributes: XmlObject | undefined;
    let seen: Set<string> | undefined;
    let at = nameStop;
    let selfClosing = false;
    for (;;) {
      const code = text.charCodeAt(at);
      if (code === 62 /* > */) break;
      if (code === 47 /* / */) {
        if (text.charCodeAt(at + 1) !== 62) return undefined;
        selfClosing = true;
        at++;
        break;
      }
      if (!isXmlSpace(code)) return undefined;
      at = skipSpace(text, at);
      const first = text.charCodeAt(at);
      if (first === 62 || first === 47) continue;
      if (!isNameStart(first)) return undefined;
      const attributeStop = nameEnd(text, at);
      if (attributeStop === -1) return undefined;
      const attributeName = text.slice(at, attributeStop);
      at = skipSpace(text, attributeStop);
      if (text.charCodeAt(at) !== 61 /* = */) return undefined;
      at = skipSpace(text, at + 1);
      const quote = text.charCodeAt(at);
      if (quote !== 34 && quote !== 39) return undefined;
      const close = text.indexOf(quote === 34 ? '"' : "'", at + 1);
      if (close === -1) return undefined;
      const value = decoded(scan, at + 1, close);
      if (value === UNSURE) return undefined;
      at = close + 1;
      const next = text.charCodeAt(at);
      if (!isXmlSpace(next) && next !== 62 && next !== 47) return undefined;
      const attributeKey = keys.of(attributeName);
      if (attributeKey === undefined) return undefined;
      // sax keeps the first of duplicate attributes.
      seen ??= new Set();
      if (seen.has(attributeName)) continue;
      seen.add(attributeName);
      attributes ??= Object.create(null) as XmlObject;
      attributes[attributeKey] = value;
    }
    cursor = at + 1;
    if (attributes !== undefined) object.$ = attributes;
    const element: OpenElement = {
      name,
      key,
      object,
      keyed: attributes !== undefined,
      cdata: false,
    };
    if (!selfClosing) {
      stack.push(element);
      continue;
    }
    const value = closedValue(element);
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      result = Object.create(null) as XmlObject;
      result[key] = value;
    } else {
      assignOrPush(parent.object, key, value);
      parent.keyed = true;
    }
  }
  return stack.length === 0 ? result : undefined;
}
