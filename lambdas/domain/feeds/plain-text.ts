import { decodeHtmlEntities } from './html-entities';

/** Caps, in UTF-16 code units (what `.length` counts), applied after cleaning. */
export const TEXT_LIMITS = { title: 300, summary: 1000, content: 20_000 } as const;

// Tags whose text never reaches the reader.
const HIDDEN_ELEMENTS = new Set(['script', 'style', 'noscript', 'template']);
// Inline tags: removing them must not glue or split words ("<b>Hel</b>lo" stays "Hello").
const INLINE_ELEMENTS = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'cite',
  'code',
  'em',
  'font',
  'i',
  'kbd',
  'mark',
  'q',
  's',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'u',
  'wbr',
]);

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function readTagName(html: string, from: number): string {
  let end = from;
  while (end < html.length) {
    const code = html.charCodeAt(end);
    if (!(isAsciiLetter(code) || (code >= 48 && code <= 57) || code === 45 || code === 58)) break;
    end++;
  }
  return html.slice(from, end).toLowerCase();
}

/**
 * Turns an HTML fragment into plain text in one linear pass: tags removed (block tags become
 * spaces), comments and script/style bodies dropped, entities decoded. A `<` that does not open
 * a tag, or whose tag never closes, stays as text — so "a < b" and hostile input with thousands
 * of unclosed `<` cost one scan, unlike a lazy `<.*?>` regex, which is quadratic there.
 *
 * @example htmlToText('<p>Caf&eacute;</p><p>au <b>lait</b></p>') // ' Café  au lait ' (then cleanText)
 */
export function htmlToText(html: string): string {
  if (!html.includes('<')) return decodeHtmlEntities(html);
  const parts: string[] = [];
  const length = html.length;
  // Once a search for '>' fails from some position, none follows it: every later '<' is text.
  let noGreaterThanFrom = length + 1;
  let cursor = 0;
  let textStart = 0;
  // Per hidden element, where a search for its close tag failed: none follows from there, so
  // thousands of unclosed <script> cost one search, not one each over the rest of the text.
  let noCloserFrom: Map<string, number> | undefined;
  while (cursor < length) {
    const lt = html.indexOf('<', cursor);
    if (lt === -1) break;
    const next = html.charCodeAt(lt + 1);
    const opensMarkup =
      isAsciiLetter(next) || next === 47 /* / */ || next === 33 /* ! */ || next === 63; /* ? */
    if (!opensMarkup || lt >= noGreaterThanFrom) {
      cursor = lt + 1;
      continue;
    }
    if (next === 33 && html.startsWith('<!--', lt)) {
      parts.push(html.slice(textStart, lt), ' ');
      const end = html.indexOf('-->', lt + 4);
      cursor = end === -1 ? length : end + 3;
      textStart = cursor;
      continue;
    }
    if (next === 33 && html.startsWith('<![CDATA[', lt)) {
      // CDATA inside HTML (a feed that double-wrapped it): its text is literal.
      parts.push(html.slice(textStart, lt));
      const end = html.indexOf(']]>', lt + 9);
      const stop = end === -1 ? length : end;
      parts.push(html.slice(lt + 9, stop).replaceAll('&', '&amp;'));
      cursor = end === -1 ? length : end + 3;
      textStart = cursor;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt === -1) {
      noGreaterThanFrom = lt;
      cursor = lt + 1;
      continue;
    }
    parts.push(html.slice(textStart, lt));
    const closing = next === 47;
    const name = readTagName(html, lt + (closing ? 2 : 1));
    cursor = gt + 1;
    if (!closing && HIDDEN_ELEMENTS.has(name) && cursor < (noCloserFrom?.get(name) ?? length + 1)) {
      const closer = new RegExp(`</${name}\\s*>`, 'gi');
      closer.lastIndex = cursor;
      // Never closed: drop the tag alone rather than everything after it.
      if (closer.exec(html)) {
        cursor = closer.lastIndex;
      } else {
        // No closer from here on: later tags of this name need not search again (stays linear).
        noCloserFrom ??= new Map();
        noCloserFrom.set(name, cursor);
      }
    }
    if (!INLINE_ELEMENTS.has(name)) parts.push(' ');
    textStart = cursor;
  }
  parts.push(html.slice(textStart));
  return decodeHtmlEntities(parts.join(''));
}

/**
 * Where cleaning may have something to do: any character outside printable ASCII (space
 * included) and U+00A1–U+167F — so every control, zero-width, surrogate and whitespace
 * character but the plain space — or two spaces in a row. Most text has few: words, Cyrillic
 * and Armenian never stop the search.
 */
const CANDIDATE = /[^ -~\u00a1-\u167f]| {2}/g;

/** Characters that NFC can change or compose with what precedes them are all above U+02FF. */
const MAY_COMPOSE = /[\u0300-\uffff]/;

/**
 * Control and zero-width characters (C0 but tab, newline and carriage return; DEL and C1;
 * U+200B, U+2060, U+FEFF): removed.
 */
function isInvisible(code: number): boolean {
  return (
    (code <= 0x1f && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x200b ||
    code === 0x2060 ||
    code === 0xfeff
  );
}

/** What JavaScript's `\s` and `trim` take for whitespace (Unicode spaces, line terminators). */
function isWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Collapses whitespace (any Unicode space, including no-break space), removes control and
 * zero-width characters, replaces lone surrogates with U+FFFD, and composes to NFC so the same
 * word always has the same code points. Linear, and cheap on clean text: it runs on every title,
 * summary and body, so one search (`CANDIDATE`) visits only the places that may change. Each
 * run of whitespace and invisible characters becomes one space when it holds whitespace that is
 * not itself invisible (U+000B, U+000C and U+FEFF are both) and vanishes otherwise — the same
 * as removing the invisible characters that stand alone, then collapsing whitespace runs and
 * trimming. Text with nothing to change is not copied; text below U+0300 skips NFC.
 *
 * @example cleanText('  Shusha\u00a0\n\tShushi\u200b ') // 'Shusha Shushi'
 */
export function cleanText(text: string): string {
  const length = text.length;
  let parts: string[] | undefined;
  let copied = 0;
  CANDIDATE.lastIndex = 0;
  for (let match = CANDIDATE.exec(text); match !== null; match = CANDIDATE.exec(text)) {
    const at = match.index;
    const code = text.charCodeAt(at);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(at + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        CANDIDATE.lastIndex = at + 2;
        continue;
      }
      // A lone surrogate: made well-formed first (rare), then cleaned as usual.
      return cleanText(text.toWellFormed());
    }
    if (!isWhitespace(code) && !isInvisible(code)) continue;
    // The whole run around it: plain spaces before it (nothing else there stops the search),
    // then everything that is whitespace or invisible.
    let start = at;
    while (start > copied && text.charCodeAt(start - 1) === 0x20) start--;
    let end = start;
    let visibleSpace = false;
    for (; end < length; end++) {
      const inRun = text.charCodeAt(end);
      const invisible = isInvisible(inRun);
      if (!invisible && !isWhitespace(inRun)) break;
      if (!invisible) visibleSpace = true;
    }
    parts ??= [];
    parts.push(text.slice(copied, start));
    if (visibleSpace) parts.push(' ');
    copied = end;
    CANDIDATE.lastIndex = end;
  }
  let cleaned = text;
  if (parts !== undefined) {
    parts.push(text.slice(copied));
    cleaned = parts.join('');
  }
  cleaned = cleaned.trim();
  return MAY_COMPOSE.test(cleaned) ? cleaned.normalize('NFC') : cleaned;
}

/**
 * Caps text at `max` UTF-16 code units without splitting a surrogate pair, preferring a word
 * boundary near the end, and marks the cut with an ellipsis (counted in `max`).
 *
 * @example capText('Armenia and Azerbaijan sign a treaty', 25) // 'Armenia and Azerbaijan…'
 */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  const space = text.lastIndexOf(' ', cut);
  if (space > cut * 0.8) cut = space;
  return `${text.slice(0, cut).trimEnd()}…`;
}

/**
 * HTML (or plain text that may carry tags and entities) to clean, capped plain text.
 *
 * @example htmlToPlainText('<b>Talks&nbsp;resume</b> in Brussels', 300) // 'Talks resume in Brussels'
 */
export function htmlToPlainText(html: string, max: number): string {
  return capText(cleanText(htmlToText(html)), max);
}
