/**
 * A small, strict MIME reader for tests: it parses what `buildRawMessage` writes back into
 * headers and decoded parts, independently of the builder's code, so round-trip tests mean
 * something. Written from RFC 5322 (header unfolding), RFC 2045 (quoted-printable, base64),
 * RFC 2046 (multipart) and RFC 2047 (encoded-words) — not a general-purpose parser.
 */

export interface DecodedPart {
  headers: Map<string, string>;
  /** Decoded body with CRLF turned into LF. */
  body: string;
}

export interface DecodedMessage {
  /** Raw (unfolded, not decoded) header values by lower-case name; repeated names are kept. */
  rawHeaders: Array<[string, string]>;
  /** The header's value with encoded-words decoded; `undefined` when absent. */
  header(name: string): string | undefined;
  /** Text parts in order; a single-part message gives one part. */
  parts: DecodedPart[];
}

/**
 * Parses a raw message.
 *
 * @example parseRawMessage(raw).header('subject') // 'Ереван'
 */
export function parseRawMessage(raw: string): DecodedMessage {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error('no blank line between headers and body');
  const rawHeaders = parseHeaderBlock(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const headerMap = new Map(rawHeaders);
  const contentType = headerMap.get('content-type') ?? 'text/plain';
  const parts: DecodedPart[] = [];
  const boundary = /boundary="([^"]+)"/.exec(contentType)?.[1];
  if (contentType.startsWith('multipart/') && boundary) {
    for (const section of splitMultipart(body, boundary)) {
      const at = section.indexOf('\r\n\r\n');
      const partHeaders = new Map(parseHeaderBlock(section.slice(0, at)));
      parts.push({ headers: partHeaders, body: decodeBody(section.slice(at + 4), partHeaders) });
    }
  } else {
    parts.push({ headers: headerMap, body: decodeBody(body, headerMap) });
  }
  return {
    rawHeaders,
    header: (name) => {
      const value = headerMap.get(name.toLowerCase());
      return value === undefined ? undefined : decodeEncodedWords(value);
    },
    parts,
  };
}

function parseHeaderBlock(block: string): Array<[string, string]> {
  // Unfold: a CRLF followed by whitespace continues the previous line.
  const unfolded = block.replace(/\r\n(?=[ \t])/g, '');
  return unfolded.split('\r\n').map((line) => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a header line: ${JSON.stringify(line)}`);
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  });
}

function splitMultipart(body: string, boundary: string): string[] {
  const lines = body.split('\r\n');
  const sections: string[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (line === `--${boundary}--`) {
      if (current) sections.push(current.join('\r\n'));
      return sections;
    }
    if (line === `--${boundary}`) {
      if (current) sections.push(current.join('\r\n'));
      current = [];
      continue;
    }
    // Lines before the first boundary are the preamble: ignored.
    current?.push(line);
  }
  throw new Error('multipart body has no closing boundary');
}

function decodeBody(body: string, headers: Map<string, string>): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  let bytes: Uint8Array;
  if (encoding === 'base64') {
    const joined = body.replace(/\r\n/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(joined)) throw new Error('malformed base64 body');
    bytes = Buffer.from(joined, 'base64');
  } else if (encoding === 'quoted-printable') bytes = decodeQuotedPrintable(body);
  else bytes = Buffer.from(body, 'latin1');
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/\r\n/g, '\n');
}

/**
 * Quoted-printable to bytes; throws on a malformed escape.
 *
 * @example new TextDecoder().decode(decodeQuotedPrintable('=C3=A9t=\r\n=C3=A9')) // 'été'
 */
export function decodeQuotedPrintable(value: string): Uint8Array {
  const withoutSoftBreaks = value.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < withoutSoftBreaks.length; i += 1) {
    const char = withoutSoftBreaks[i] as string;
    if (char === '=') {
      const hex = withoutSoftBreaks.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`bad quoted-printable escape =${hex}`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      const code = char.charCodeAt(0);
      if (code > 126) throw new Error('non-ASCII character in quoted-printable body');
      bytes.push(code);
    }
  }
  return Uint8Array.from(bytes);
}

/**
 * Decodes RFC 2047 encoded-words; whitespace between two adjacent encoded-words is dropped.
 *
 * @example decodeEncodedWords('=?UTF-8?B?0JXRgNC1?= =?UTF-8?B?0LLQsNC9?=') // 'Ереван'
 */
export function decodeEncodedWords(value: string): string {
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  return joined.replace(
    /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
    (_match, charset: string, kind: string, text: string) => {
      if (charset.toLowerCase() !== 'utf-8') throw new Error(`unexpected charset ${charset}`);
      const bytes =
        kind.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : decodeQuotedPrintable(text.replace(/_/g, ' '));
      // `fatal` proves every encoded-word holds whole characters, as RFC 2047 requires.
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    },
  );
}
