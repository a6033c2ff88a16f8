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
 * Shortens text to at most `max` user-perceived characters (grapheme clusters, so an Armenian
 * letter with its mark or an emoji flag is never cut in half), ending with `…` when cut.
 * The result has at most `max` graphemes, the ellipsis included.
 *
 * @example truncateText('Ереван и Баку', 8) // 'Ереван…'
 */
export function truncateText(value: string, max: number): string {
  // Fast path: fewer UTF-16 units than the cap means fewer graphemes too.
  if (value.length <= max) return value;
  let count = 0;
  let cutAt = 0;
  for (const { index } of graphemes.segment(value)) {
    // The ellipsis takes the last place, so keep max - 1 graphemes when cutting.
    if (count === max - 1) cutAt = index;
    if (count === max) return `${value.slice(0, cutAt).trimEnd()}…`;
    count += 1;
  }
  return value;
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
