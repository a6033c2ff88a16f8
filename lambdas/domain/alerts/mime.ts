/**
 * Builds the raw RFC 5322 / MIME message we hand to SES `SendRawEmail`, so every header is ours
 * (List-Unsubscribe, List-Unsubscribe-Post, …). Pure: no I/O; time and randomness can be injected.
 *
 * Output rules, in one place:
 * - 7-bit ASCII only, CRLF line endings, no line longer than 998 octets; header lines are folded
 *   to 78 characters where the value has room to break, body lines are at most 76;
 * - non-ASCII subjects, display names and unstructured header values become RFC 2047 `B`
 *   encoded-words, each holding whole code points (Armenian, Cyrillic, Azerbaijani Latin);
 * - header values pass through `headerText` first, so CR, LF, NUL and other controls never reach a
 *   header: a hostile title cannot add a header or a recipient;
 * - bodies are UTF-8, `quoted-printable` when that is shorter (mostly-Latin text) else `base64`.
 */
import { domainToASCII } from 'node:url';
import { NewsAlertError } from '../../shared/errors';
import { headerText } from './sanitise';

/**
 * A message ready to be encoded. Structurally the same as the `OutgoingEmail` port, declared here
 * so the domain does not import from the use-case layer.
 */
export interface EmailMessage {
  /** `alerts@example.org` or `News Alerts <alerts@example.org>`. */
  from: string;
  /** One recipient: `reader@example.org` or `Name <reader@example.org>`. */
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers, e.g. List-Unsubscribe. Names we set ourselves (From, Subject, …) are refused. */
  headers: Record<string, string>;
}

export interface RawMessageOptions {
  /** Right-hand side of the Message-ID; defaults to the From address's domain. */
  messageIdDomain?: string;
  /** The Date header; defaults to now. */
  date?: Date;
  /** Makes the boundary and Message-ID deterministic (tests, benchmarks); defaults to a UUID. */
  boundarySeed?: string;
}

/** The message cannot be encoded as asked (bad address, reserved or malformed header). */
export class MimeBuildError extends NewsAlertError {
  override readonly name = 'MimeBuildError';
  constructor(
    code: 'BAD_ADDRESS' | 'BAD_HEADER' | 'HEADER_TOO_LONG' | 'BAD_DATE',
    message: string,
  ) {
    super('mime', code, message);
  }
}

export interface Mailbox {
  name?: string;
  /** ASCII addr-spec; an internationalised domain is converted to punycode. */
  address: string;
}

const CRLF = '\r\n';
const SOFT_LIMIT = 78;
const HARD_LIMIT = 998;
// Headers this builder writes itself, plus ones that would add recipients or change routing.
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'sender',
  'return-path',
]);
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const ATEXT_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
const encoder = new TextEncoder();

/**
 * Builds the raw message: headers, then `multipart/alternative` with the text part first and the
 * HTML part last (clients show the last part they can render).
 *
 * @example
 * const raw = buildRawMessage(
 *   { from: 'News Alerts <alerts@example.org>', to: 'reader@example.org', subject: 'Ереван',
 *     text: 'Hi', html: '<p>Hi</p>', headers: { 'List-Unsubscribe': '<https://example.org/u?t=1>' } },
 *   { date: new Date('2025-07-01T12:00:00Z'), boundarySeed: 'test' },
 * );
 * raw.includes('Subject: =?UTF-8?B?0JXRgNC10LLQsNC9?=') // true
 */
export function buildRawMessage(email: EmailMessage, options: RawMessageOptions = {}): string {
  const from = parseMailbox(email.from);
  const to = parseMailbox(email.to);
  const date = options.date ?? new Date();
  if (Number.isNaN(date.getTime())) throw new MimeBuildError('BAD_DATE', 'the Date is invalid');
  const token = uniqueToken(options.boundarySeed);
  const idDomain = normaliseDomain(options.messageIdDomain ?? domainOf(from.address));
  const boundary = `=_NA_${token}`;

  const lines: string[] = [
    foldAddressHeader('From', from),
    foldAddressHeader('To', to),
    foldUnstructured('Subject', email.subject, true),
    `Date: ${formatDate(date)}`,
    `Message-ID: <${date.getTime().toString(36)}.${token}@${idDomain}>`,
    'MIME-Version: 1.0',
  ];
  for (const [name, value] of Object.entries(email.headers)) {
    lines.push(foldUnstructured(checkHeaderName(name), value));
  }

  const textPart = encodeBody(email.text);
  if (!email.html) {
    lines.push('Content-Type: text/plain; charset=UTF-8', textPart.header, '', textPart.body, '');
    return lines.join(CRLF);
  }
  const htmlPart = encodeBody(email.html);
  lines.push(
    // The boundary starts with "=_", which quoted-printable and base64 output can never contain.
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    textPart.header,
    '',
    textPart.body,
    `--${boundary}`,
    'Content-Type: text/html; charset=UTF-8',
    htmlPart.header,
    '',
    htmlPart.body,
    `--${boundary}--`,
    '',
  );
  return lines.join(CRLF);
}

/**
 * Parses `addr@example.org` or `Display Name <addr@example.org>` into a single mailbox, refusing
 * anything that could name a second recipient or break the header.
 *
 * @example parseMailbox('"News Alerts" <alerts@example.org>') // { name: 'News Alerts', address: 'alerts@example.org' }
 * @example parseMailbox('a@example.org, b@evil.test') // throws MimeBuildError('BAD_ADDRESS')
 */
export function parseMailbox(value: string): Mailbox {
  const cleaned = headerText(value);
  const angle = /^(.*?)\s*<([^<>]*)>$/.exec(cleaned);
  const rawName = angle ? (angle[1] ?? '') : '';
  const rawAddress = (angle ? (angle[2] ?? '') : cleaned).trim();
  const at = rawAddress.lastIndexOf('@');
  const local = rawAddress.slice(0, at);
  const domain = at > 0 ? normaliseDomain(rawAddress.slice(at + 1)) : '';
  if (at <= 0 || local.length > 64 || !LOCAL_PART.test(local) || !domain) {
    throw new MimeBuildError('BAD_ADDRESS', `not a single email address: ${JSON.stringify(value)}`);
  }
  const name = unquote(rawName);
  return name ? { name, address: `${local}@${domain}` } : { address: `${local}@${domain}` };
}

/**
 * RFC 2047 `B` encoded-words for a UTF-8 string: each word at most 64 characters (so even the first
 * line of a header stays under 78) and made of whole code points, as the RFC requires.
 *
 * @example encodeWords('Ереван') // ['=?UTF-8?B?0JXRgNC10LLQsNC9?=']
 */
export function encodeWords(value: string): string[] {
  // 39 bytes encode to 52 base64 characters; with `=?UTF-8?B?` and `?=` a word is 64 long.
  const maxBytes = 39;
  const words: string[] = [];
  let chunk = '';
  let chunkBytes = 0;
  for (const char of value) {
    const size = utf8Length(char);
    if (chunkBytes + size > maxBytes && chunk) {
      words.push(encodedWord(chunk));
      chunk = '';
      chunkBytes = 0;
    }
    chunk += char;
    chunkBytes += size;
  }
  if (chunk) words.push(encodedWord(chunk));
  return words;
}

function encodedWord(chunk: string): string {
  return `=?UTF-8?B?${Buffer.from(chunk, 'utf8').toString('base64')}?=`;
}

function utf8Length(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code < 0x10000) return 3;
  return 4;
}

function foldAddressHeader(name: string, mailbox: Mailbox): string {
  if (!mailbox.name) return `${name}: ${mailbox.address}`;
  const phrase = PRINTABLE_ASCII.test(mailbox.name)
    ? [ATEXT_PHRASE.test(mailbox.name) ? mailbox.name : quoteString(mailbox.name)]
    : encodeWords(mailbox.name);
  return fold(name, [...phrase, `<${mailbox.address}>`]);
}

/**
 * Folds a header value. `Subject` is free text, so any value that cannot fold under 78 characters
 * (non-ASCII, a word too long, or text that looks like an encoded-word) is sent as encoded-words.
 * Our other headers (List-Unsubscribe, List-Id, …) are structured: ASCII ones stay verbatim,
 * folded only at spaces, because an encoded-word would change their meaning.
 */
function foldUnstructured(name: string, value: string, freeText = false): string {
  const cleaned = headerText(value);
  const words = cleaned === '' ? [] : cleaned.split(' ');
  if (!PRINTABLE_ASCII.test(cleaned)) return fold(name, encodeWords(cleaned));
  if (freeText) {
    // An ASCII word that looks like an encoded-word would be decoded by the reader.
    const looksEncoded = /=\?[^?\s]*\?[bBqQ]\?/.test(cleaned);
    const tooLong = words.some((word) => word.length > SOFT_LIMIT - name.length - 2);
    if (looksEncoded || tooLong) return fold(name, encodeWords(cleaned));
  }
  return fold(name, words);
}

/** Joins tokens with single spaces, breaking lines (CRLF + space) before 78 characters when it can. */
function fold(name: string, tokens: string[]): string {
  let out = `${name}:`;
  let lineLength = out.length;
  for (const token of tokens) {
    if (lineLength + 1 + token.length > SOFT_LIMIT && lineLength > name.length + 1) {
      out += `${CRLF} ${token}`;
      lineLength = 1 + token.length;
    } else {
      out += ` ${token}`;
      lineLength += 1 + token.length;
    }
    if (lineLength > HARD_LIMIT) {
      throw new MimeBuildError('HEADER_TOO_LONG', `${name} has a word longer than 998 characters`);
    }
  }
  return out;
}

function checkHeaderName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,75}$/.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
    throw new MimeBuildError('BAD_HEADER', `header name not allowed: ${JSON.stringify(name)}`);
  }
  return name;
}

function quoteString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1').trim();
  }
  return trimmed;
}

function normaliseDomain(value: string): string {
  // Internationalised domains travel as punycode; `domainToASCII` returns '' when invalid.
  const ascii = /^[\x21-\x7E]+$/.test(value) ? value.toLowerCase() : domainToASCII(value);
  return DOMAIN.test(ascii) ? ascii : '';
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

function uniqueToken(seed: string | undefined): string {
  const cleaned = (seed ?? '').replace(/[^A-Za-z0-9.-]/g, '').slice(0, 48);
  return cleaned || globalThis.crypto.randomUUID().replace(/-/g, '');
}

function formatDate(date: Date): string {
  // `toUTCString` is already the RFC 5322 shape ("Tue, 01 Jul 2025 12:00:00 GMT"); use a
  // numeric zone, which every parser accepts.
  return date.toUTCString().replace(/GMT$/, '+0000');
}

interface EncodedBody {
  header: string;
  body: string;
}

function encodeBody(value: string): EncodedBody {
  const bytes = encoder.encode(value.replace(/\r\n|\r|\n/g, CRLF));
  let needsEscape = 0;
  for (const byte of bytes) if (byte >= 0x80) needsEscape += 1;
  // Quoted-printable costs 3 characters per non-ASCII byte, base64 a flat 4/3: pick the shorter.
  if (needsEscape * 6 <= bytes.length) {
    return { header: 'Content-Transfer-Encoding: quoted-printable', body: quotedPrintable(bytes) };
  }
  return { header: 'Content-Transfer-Encoding: base64', body: base64Lines(bytes) };
}

const HEX = '0123456789ABCDEF';
// Every byte's quoted-printable form, computed once: the encoder runs per byte of every email.
const QP_TOKENS = Array.from({ length: 256 }, (_, byte) =>
  byte >= 33 && byte <= 126 && byte !== 61
    ? String.fromCharCode(byte)
    : `=${HEX[byte >> 4]}${HEX[byte & 15]}`,
);
const QP_ESCAPED = Array.from({ length: 256 }, (_, byte) => `=${HEX[byte >> 4]}${HEX[byte & 15]}`);

/**
 * Quoted-printable (RFC 2045 §6.7) over UTF-8 bytes whose line breaks are CRLF. Encoded lines are
 * at most 76 characters; trailing spaces, `=`, a leading `.` and a leading `From ` are escaped so
 * no relay can alter the text.
 *
 * @example quotedPrintable(new TextEncoder().encode('é = e')) // '=C3=A9 =3D e'
 */
export function quotedPrintable(bytes: Uint8Array): string {
  let out = '';
  let lineLength = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i += 1) {
    const byte = bytes[i] as number;
    if (byte === 13 && bytes[i + 1] === 10) {
      out += CRLF;
      lineLength = 0;
      i += 1;
      continue;
    }
    let token = QP_TOKENS[byte] as string;
    if (byte === 32 || byte === 9) {
      // Whitespace is literal except at the end of a line, where transports may strip it.
      const next = bytes[i + 1];
      const atLineEnd = next === undefined || (next === 13 && bytes[i + 2] === 10);
      if (!atLineEnd) token = byte === 32 ? ' ' : '\t';
    }
    // 75 leaves room for the "=" of a soft line break.
    if (lineLength + token.length > 75) {
      out += `=${CRLF}`;
      lineLength = 0;
    }
    if (lineLength === 0 && (byte === 46 || (byte === 70 && startsWithFrom(bytes, i)))) {
      token = QP_ESCAPED[byte] as string;
    }
    out += token;
    lineLength += token.length;
  }
  return out;
}

function startsWithFrom(bytes: Uint8Array, i: number): boolean {
  return (
    bytes[i + 1] === 114 && bytes[i + 2] === 111 && bytes[i + 3] === 109 && bytes[i + 4] === 32
  );
}

function base64Lines(bytes: Uint8Array): string {
  const encoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const lines: string[] = [];
  for (let start = 0; start < encoded.length; start += 76)
    lines.push(encoded.slice(start, start + 76));
  return lines.join(CRLF);
}
