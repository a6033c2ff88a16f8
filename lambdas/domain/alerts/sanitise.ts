/**
 * Turning untrusted feed text into text that is safe to put in an email. Feed titles, outlet names
 * and summaries are plain text that anyone on the internet could have written: they may hold
 * markup, quotes, control characters or `javascript:` links. Everything here is pure.
 */

// C0 controls except TAB/LF/CR, DEL, and C1 controls except NEL (line breaks count as spaces).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g;
// Every Unicode line break (NEL, LINE and PARAGRAPH SEPARATOR too), which some clients honour.
const LINE_BREAKS_AND_TABS = /[\t\n\r\u0085\u2028\u2029]/g;
// Bidirectional overrides and isolates can visually reorder a subject line in the inbox list
// (a known spoofing trick), so they are removed from headers, where nothing else can contain them.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
const RUNS_OF_SPACE = /[ \t\n\r\u0085\u00A0\u2028\u2029]{2,}|[\t\n\r\u0085\u2028\u2029]/g;

/**
 * Removes control characters and collapses runs of whitespace to one space, so a feed value keeps
 * its words but can never break the layout or a header line. The text is otherwise untouched.
 *
 * @example cleanText('Talks\r\n  resume\u0000') // 'Talks resume'
 */
export function cleanText(value: string): string {
  return value.replace(CONTROL_CHARS, '').replace(RUNS_OF_SPACE, ' ').trim();
}

/**
 * Makes a value safe for one header line: no CR, LF, NUL or other control characters, no bidi
 * overrides, whitespace collapsed. Header injection is impossible on the result.
 *
 * @example headerText('Hi\r\nBcc: x@evil.test') // 'Hi Bcc: x@evil.test'
 */
export function headerText(value: string): string {
  return cleanText(value.replace(LINE_BREAKS_AND_TABS, ' ').replace(BIDI_CONTROLS, ''));
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Escapes text for HTML element content and quoted attribute values (the backtick too, which old
 * Internet Explorer engines, still inside some Outlook versions, treat as a quote).
 *
 * @example escapeHtml('<img src=x onerror=alert(1)>') // '&lt;img src=x onerror=alert(1)&gt;'
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * Returns the URL, normalised, when it is an absolute http(s) URL without embedded credentials;
 * otherwise `undefined`, and the caller shows the text without a link. `javascript:`, `data:`,
 * `vbscript:`, relative and malformed URLs all come back `undefined`.
 *
 * @example safeHttpUrl('javascript:alert(1)') // undefined
 * @example safeHttpUrl(' https://example.org/a b ') // 'https://example.org/a%20b'
 */
export function safeHttpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // Browsers drop control characters and surrounding spaces before parsing; do the same so
  // `java\nscript:` is judged on what a client would actually follow.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  const trimmed = value.replace(/[\u0000-\u001F\u007F]/g, '').trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (parsed.username || parsed.password || !parsed.hostname) return undefined;
  return parsed.href;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Shortens text to at most `max` code points, the ending `…` included, cutting on a grapheme
 * boundary so an Armenian letter with its mark, an emoji or a flag is never split in half.
 *
 * @example truncateText('Ереван и Баку', 8) // 'Ереван…'
 */
export function truncateText(value: string, max: number): string {
  // Fast path: fewer UTF-16 units than the cap means fewer code points too.
  if (value.length <= max) return value;
  let index = 0;
  let count = 0;
  let cut = 0;
  while (index < value.length) {
    // The ellipsis takes the last place, so at most max - 1 code points are kept.
    if (count === max - 1) cut = index;
    if (count === max) return `${value.slice(0, graphemeStartAtOrBefore(value, cut)).trimEnd()}…`;
    index += (value.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
    count += 1;
  }
  return value;
}

/**
 * The last grapheme boundary at or before `cut`. Segmenting costs microseconds per call, so the
 * common case (a plain Latin, Cyrillic or Armenian letter on both sides) is decided without it;
 * otherwise only a short window is segmented, starting at a printable ASCII character, which
 * always begins a grapheme, so the window's boundaries are the string's.
 */
function graphemeStartAtOrBefore(value: string, cut: number): number {
  if (cut === 0 || (isSimple(value.charCodeAt(cut - 1)) && isSimple(value.charCodeAt(cut)))) {
    return cut;
  }
  let start = cut;
  const floor = Math.max(0, cut - 256);
  while (start > floor && !isPrintableAscii(value.charCodeAt(start))) start -= 1;
  if (!isPrintableAscii(value.charCodeAt(start))) start = 0;
  let boundary = start;
  for (const { index } of graphemes.segment(value.slice(start, cut + 32))) {
    if (start + index > cut) break;
    boundary = start + index;
  }
  return boundary;
}

function isPrintableAscii(code: number): boolean {
  return code >= 0x20 && code < 0x7f;
}

/**
 * Characters that never join a neighbour into one grapheme: Latin up to the combining marks,
 * Greek and Cyrillic except the Cyrillic combining marks, Armenian, general punctuation.
 */
function isSimple(code: number): boolean {
  return (
    (code >= 0x20 && code < 0x300) ||
    (code >= 0x370 && code < 0x483) ||
    (code >= 0x48a && code < 0x591) ||
    (code >= 0x2010 && code < 0x2028) ||
    (code >= 0x2030 && code < 0x2060)
  );
}

/**
 * A BCP 47 language tag when the value looks like one (`hy`, `ru`, `az-Latn`), else `undefined`.
 * Used for the `lang` attribute, which helps screen readers and font choice.
 *
 * @example languageTag('hy') // 'hy'
 * @example languageTag('"><x') // undefined
 */
export function languageTag(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(value) ? value : undefined;
}
