import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHtmlEntities } from '../../../lambdas/domain/feeds/html-entities';
import {
  capText,
  cleanText,
  htmlToPlainText,
  htmlToText,
  TEXT_LIMITS,
} from '../../../lambdas/domain/feeds/plain-text';

describe('decodeHtmlEntities', () => {
  it('decodes named, decimal and hex references, and leaves unknown names alone', () => {
    // Act
    const text = decodeHtmlEntities('caf&eacute; &#8212; &#x41;&AMP;&nbsp;&rsquo; &bogus; &#150;');

    // Assess
    expect(text).toBe('café — A&\u00a0’ &bogus; –');
  });
});

describe('htmlToText', () => {
  it('strips tags, drops script and style bodies and comments, keeps words apart across blocks', () => {
    // Prepare
    const html =
      '<p>Border <b>talks</b></p><p>resume<br/>today</p><script>alert("x")</script>' +
      '<style>p{}</style><!-- hidden --><img src="a.jpg" alt="photo">';

    // Act
    const text = cleanText(htmlToText(html));

    // Assess
    expect(text).toBe('Border talks resume today');
  });

  it('keeps a "<" that opens no tag, and text after a tag that never closes', () => {
    // Act
    const text = cleanText(htmlToText('a < b and 3<4 while x <y'));

    // Assess
    expect(text).toBe('a < b and 3<4 while x <y');
  });

  it('decodes entities only once, so escaped markup stays text', () => {
    // Act
    const text = htmlToText('&lt;b&gt;not bold&lt;/b&gt;');

    // Assess
    expect(text).toBe('<b>not bold</b>');
  });

  it('reads 400 KB of "<" without ">" and 200,000 nested tags to the right text', () => {
    // Prepare
    const unclosed = `start ${'<'.repeat(400_000)} end`;
    const nested = `${'<div>'.repeat(200_000)}deep${'</div>'.repeat(200_000)}`;

    // Act
    const fromUnclosed = htmlToPlainText(unclosed, TEXT_LIMITS.summary);
    const fromNested = htmlToPlainText(nested, TEXT_LIMITS.summary);

    // Assess
    expect(fromUnclosed.startsWith('start <<<')).toBe(true);
    expect(fromUnclosed.length).toBeLessThanOrEqual(TEXT_LIMITS.summary);
    expect(fromNested).toBe('deep');
  });

  it('reads 200,000 unclosed <script> tags to their text, each dropped alone', () => {
    // Prepare: every search for "</script>" fails; done once each, this took minutes
    const unclosed = `${'<script>x'.repeat(200_000)}<style>a</style>b`;

    // Act
    const text = htmlToText(unclosed);

    // Assess
    expect(text).toBe(`${' x'.repeat(200_000)} b`);
  });
});

describe('cleanText', () => {
  it('collapses every kind of space and removes control and zero-width characters', () => {
    // Act
    const text = cleanText(' \u00a0Shusha\u200b\t\n Shushi\u0007 \u2003Şuşa\ufeff ');

    // Assess
    expect(text).toBe('Shusha Shushi Şuşa');
  });

  it('cleans exactly as remove-invisible, collapse-whitespace, trim, NFC in that order', () => {
    // The plain definition, one regex pass: what cleanText's single search must equal.
    const reference = (text: string): string => {
      let removed = false;
      const cleaned = text.toWellFormed().replace(
        // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
        /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u2060\ufeff]|\s{2,}|[^\S ]/g,
        (match) => {
          const code = match.charCodeAt(0);
          const invisible =
            (code <= 0x1f && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
            (code >= 0x7f && code <= 0x9f) ||
            code === 0x200b ||
            code === 0x2060 ||
            code === 0xfeff;
          if (match.length === 1 && invisible) {
            removed = true;
            return '';
          }
          return ' ';
        },
      );
      return (removed ? cleaned.replace(/ {2,}/g, ' ') : cleaned).trim().normalize('NFC');
    };
    const pieces = [
      ...Array.from({ length: 0xa2 }, (_, code) => String.fromCharCode(code)),
      'word',
      'Ж',
      'ա',
      'ə',
      '“',
      '—',
      '\u0300',
      '\u0301',
      '\u0327',
      'A\u030a',
      '\u212b',
      '\u1100\u1161',
      '\u11a8',
      '\u1680',
      '\u167f',
      '\u2000',
      '\u2001',
      '\u200a',
      '\u200b',
      '\u200c',
      '\u2028',
      '\u2029',
      '\u202f',
      '\u205f',
      '\u2060',
      '\u3000',
      '\ufeff',
      '\ud800',
      '\udc00',
      '\ud83d\ude00',
      '\ud834\udd5e',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 16 }), (chosen) => {
        const text = chosen.join('');
        expect(cleanText(text)).toBe(reference(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('composes to NFC so the same word has the same code points', () => {
    // Act
    const text = cleanText('Azərbaycan Gu\u0308mu\u0308s\u0327');

    // Assess
    expect(text).toBe('Azərbaycan Gümüş');
  });
});

describe('capText', () => {
  it('leaves short text alone and marks a cut with an ellipsis within the cap', () => {
    // Act
    const short = capText('Peace talks', 20);
    const cut = capText('Armenia and Azerbaijan sign a peace treaty in Washington', 25);

    // Assess
    expect(short).toBe('Peace talks');
    expect(cut).toBe('Armenia and Azerbaijan…');
    expect(cut.length).toBeLessThanOrEqual(25);
  });

  it('never splits a surrogate pair', () => {
    // Prepare: an emoji straddles the cut point
    const text = `${'a'.repeat(8)}🇦🇲🇦🇿tail`;

    // Act
    const cut = capText(text, 10);

    // Assess
    expect(cut).toBe('aaaaaaaa…');
    expect(cut.isWellFormed()).toBe(true);
  });
});
