import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFeedBytes,
  detectFeedEncoding,
  MAX_FEED_BYTES,
} from '../../../lambdas/domain/feeds/decode';
import { FeedParseError } from '../../../lambdas/domain/feeds/feed-parse-error';

const TRICKY = 'test/fixtures/feeds/tricky';
const RUSSIAN_TITLE = 'Пашинян и Алиев встретились в Праге';

function fixture(name: string): Uint8Array {
  return readFileSync(`${TRICKY}/${name}`);
}

/** windows-1251 bytes for Cyrillic text (А–я are 0xC0–0xFF, Ё 0xA8, ё 0xB8). */
function windows1251(text: string): Uint8Array {
  return Uint8Array.from([...text], (char) => {
    const code = char.charCodeAt(0);
    if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
    if (code === 0x401) return 0xa8;
    if (code === 0x451) return 0xb8;
    if (code < 0x80) return code;
    throw new Error(`not in the test encoder: ${char}`);
  });
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('decodeFeedBytes', () => {
  it.each([
    ['windows-1251-declared.xml', 'windows-1251'],
    ['koi8-r-declared.xml', 'koi8-r'],
    ['utf-16be-declared-no-bom.xml', 'utf-16be'],
    ['utf-16le-bom.xml', 'utf-16le'],
  ])('reads Cyrillic from %s, declared only in the XML declaration or a BOM', (name, encoding) => {
    // Prepare
    const bytes = fixture(name);

    // Act
    const text = decodeFeedBytes(bytes);

    // Assess
    expect(detectFeedEncoding(bytes).encoding).toBe(encoding);
    expect(text).toContain(RUSSIAN_TITLE);
    expect(text).not.toContain('\ufffd');
    expect(text.startsWith('<')).toBe(true);
  });

  it('reads Latin-1 accents declared only in the XML declaration', () => {
    // Prepare
    const bytes = fixture('iso-8859-1-declared.xml');

    // Act
    const text = decodeFeedBytes(bytes);

    // Assess
    expect(text).toContain('Réunion à Genève : café, crème brûlée et façade');
  });

  it('takes the charset from the Content-Type header when the body does not declare one', () => {
    // Prepare
    const bytes = windows1251(`<rss><channel><title>${RUSSIAN_TITLE}</title></channel></rss>`);

    // Act
    const text = decodeFeedBytes(bytes, 'application/rss+xml; charset="Windows-1251"');

    // Assess
    expect(text).toContain(RUSSIAN_TITLE);
  });

  it('prefers the header over the XML declaration', () => {
    // Prepare
    const bytes = windows1251(
      `<?xml version="1.0" encoding="koi8-r"?><rss><title>${RUSSIAN_TITLE}</title></rss>`,
    );

    // Act
    const detected = detectFeedEncoding(bytes, 'text/xml; charset=windows-1251');

    // Assess
    expect(detected).toEqual({ encoding: 'windows-1251', source: 'header' });
    expect(decodeFeedBytes(bytes, 'text/xml; charset=windows-1251')).toContain(RUSSIAN_TITLE);
  });

  it('believes the XML declaration when the header says UTF-8 but the bytes are not', () => {
    // Prepare: the usual mistake of a server in front of a windows-1251 site
    const bytes = windows1251(
      `<?xml version="1.0" encoding="windows-1251"?><rss><title>${RUSSIAN_TITLE}</title></rss>`,
    );

    // Act
    const text = decodeFeedBytes(bytes, 'text/xml; charset=utf-8');

    // Assess
    expect(text).toContain(RUSSIAN_TITLE);
  });

  it('lets a byte-order mark win over a header that contradicts it', () => {
    // Prepare
    const body = new TextEncoder().encode(`<rss><title>${RUSSIAN_TITLE}</title></rss>`);
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...body]);

    // Act
    const text = decodeFeedBytes(bytes, 'text/xml; charset=windows-1251');

    // Assess
    expect(text).toBe(`<rss><title>${RUSSIAN_TITLE}</title></rss>`);
  });

  it('ignores an unknown charset label and an ASCII-readable declaration of UTF-16', () => {
    // Prepare
    const bytes = new TextEncoder().encode(
      '<?xml version="1.0" encoding="utf-16"?><rss><title>Azərbaycan</title></rss>',
    );

    // Act
    const text = decodeFeedBytes(bytes, 'text/xml; charset=x-no-such-charset');

    // Assess
    expect(text).toContain('<title>Azərbaycan</title>');
  });

  it('turns invalid UTF-8 into U+FFFD and keeps the rest', () => {
    // Prepare
    const bytes = Uint8Array.from([
      ...new TextEncoder().encode('<rss>ok '),
      0xff,
      0xc3,
      0x28,
      0x20,
    ]);

    // Act
    const text = decodeFeedBytes(bytes);

    // Assess
    expect(text).toBe('<rss>ok \ufffd\ufffd( ');
  });

  it('reads UTF-8 exactly as TextDecoder does, valid or not, BOMs and all', () => {
    // Pieces of valid and invalid UTF-8: BOM, ASCII, Cyrillic, Armenian, euro, emoji, an encoded
    // surrogate, an overlong, lone continuation and lead bytes, a cut sequence, out of range.
    const pieces = [
      [0xef, 0xbb, 0xbf],
      [0x41],
      [0x3c],
      [0xd0, 0x96],
      [0xd5, 0xa1],
      [0xe2, 0x82, 0xac],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0x80],
      [0xff],
      [0xe2, 0x82],
      [0xf4, 0x90, 0x80, 0x80],
    ];
    const reference = (bytes: Uint8Array): string => {
      const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      const text = new TextDecoder('utf-8').decode(bom ? bytes.subarray(3) : bytes);
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (chosen) => {
        const bytes = Uint8Array.from(chosen.flat());
        expect(decodeFeedBytes(bytes, 'text/xml; charset=utf-8')).toBe(reference(bytes));
        expect(decodeFeedBytes(bytes)).toBe(reference(bytes));
      }),
      { numRuns: 5_000 },
    );
  });

  it('decodes UTF-32 with a BOM, which TextDecoder does not know', () => {
    // Prepare
    const source = '<rss><title>Ադրբեջան 🇦🇲</title></rss>';
    const codePoints = [0xfeff, ...[...source].map((char) => char.codePointAt(0) ?? 0)];
    const bytes = new Uint8Array(codePoints.length * 4);
    const view = new DataView(bytes.buffer);
    for (const [index, code] of codePoints.entries()) view.setUint32(index * 4, code, true);

    // Act
    const text = decodeFeedBytes(bytes);

    // Assess
    expect(text).toBe(source);
  });

  it('decodes ARMSCII-8 when a legacy Armenian feed declares it', () => {
    // Prepare: ARMSCII-8 pairs capital and small letters from 0xB2: Հ 0xD0, ա 0xB3, յ 0xDB
    const declaration = new TextEncoder().encode('<?xml version="1.0" encoding="ARMSCII-8"?><t>');
    const bytes = Uint8Array.from([...declaration, 0xd0, 0xb3, 0xdb]);

    // Act
    const text = decodeFeedBytes(bytes);

    // Assess
    expect(text.endsWith('<t>Հայ')).toBe(true);
  });

  it('gunzips a gzip file and then decodes it like any body', () => {
    // Prepare
    const bytes = fixture('utf-8-feed.xml.gz');

    // Act
    const text = decodeFeedBytes(bytes);

    // Assess
    expect(text).toContain('Azərbaycan və Ermənistan sərhəd komissiyaları');
  });

  it('refuses a body over the cap without decoding it', () => {
    // Prepare
    const bytes = new Uint8Array(MAX_FEED_BYTES + 1);

    // Act
    const error = thrown(() => decodeFeedBytes(bytes));

    // Assess
    expect(error).toBeInstanceOf(FeedParseError);
    expect(error).toMatchObject({ stage: 'parser', code: 'TOO_LARGE' });
    expect((error as Error).message).toBe(
      `parser: body of ${MAX_FEED_BYTES + 1} bytes exceeds the ${MAX_FEED_BYTES} byte cap`,
    );
  });

  it('refuses a gzip bomb that would expand beyond the cap', () => {
    // Prepare: 11 MiB of spaces compress to about 11 KB
    const bomb = gzipSync(Buffer.alloc(11 * 1024 * 1024, 0x20));

    // Act
    const error = thrown(() => decodeFeedBytes(bomb));

    // Assess
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(error).toMatchObject({ code: 'TOO_LARGE' });
    expect((error as Error).message).toContain('gzip body expands beyond');
  });

  it('reports corrupt gzip bytes as malformed', () => {
    // Prepare
    const bytes = Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]);

    // Act
    const error = thrown(() => decodeFeedBytes(bytes));

    // Assess
    expect(error).toMatchObject({ code: 'MALFORMED' });
    expect((error as Error).message).toMatch(/^parser: gzip body is corrupt/);
  });
});
