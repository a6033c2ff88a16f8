import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cleanText,
  escapeHtml,
  headerText,
  languageTag,
  safeHttpUrl,
  truncateText,
} from '../../../lambdas/domain/alerts/sanitise';

describe('safeHttpUrl', () => {
  it('keeps http and https links, normalised', () => {
    // Act + Assess
    expect(safeHttpUrl('https://example.org/a b?x=1&y=2')).toBe(
      'https://example.org/a%20b?x=1&y=2',
    );
    expect(safeHttpUrl('http://news.am/arm/news/1/')).toBe('http://news.am/arm/news/1/');
  });

  it('drops every link a reader should not be sent to', () => {
    for (const url of [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\nscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '//example.org/protocol-relative',
      '/relative/path',
      'https://user:pass@example.org/',
      'not a url',
      '',
    ]) {
      // Act + Assess
      expect(safeHttpUrl(url), url).toBeUndefined();
    }
  });
});

describe('escapeHtml', () => {
  it('escapes markup and both quote styles', () => {
    // Act + Assess
    expect(escapeHtml(`<a href="x" title='y'>&\``)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;',
    );
  });
});

describe('headerText', () => {
  it('removes line breaks, NUL, other controls and bidi overrides', () => {
    // Act + Assess
    // Act
    const cleaned = headerText('A\r\nB\u0000C\u0007D\u202EE\u2028F\u0085G\tH');

    // Assess: line breaks of every kind become spaces; the rest disappears.
    expect(cleaned).toBe('A BCDE F G H');
  });
});

describe('cleanText', () => {
  it('collapses whitespace but keeps the words as written', () => {
    // Act + Assess
    expect(cleanText('  Şuşa\n\n  and   Shushi\u0007 ')).toBe('Şuşa and Shushi');
  });
});

describe('truncateText', () => {
  it('leaves short text alone and cuts long text on a character boundary with an ellipsis', () => {
    // Act + Assess
    expect(truncateText('Ереван', 6)).toBe('Ереван');
    expect(truncateText('Ереван и Баку', 8)).toBe('Ереван…');
    expect([...truncateText('Ադրբեջան'.repeat(30), 150)].length).toBeLessThanOrEqual(150);
  });
});

describe('languageTag', () => {
  it('accepts language tags and rejects anything else', () => {
    // Act + Assess
    expect(languageTag('az-Latn')).toBe('az-Latn');
    expect(languageTag('hy')).toBe('hy');
    expect(languageTag('"><script>')).toBeUndefined();
  });
});

describe('truncateText on grapheme clusters', () => {
  it('never splits a flag, a family emoji or a letter with combining marks', () => {
    for (const unit of ['🇦🇲', '👨‍👩‍👧', 'é', 'ա\u0301']) {
      for (let max = 2; max < 40; max += 1) {
        // Act
        const cut = truncateText(`x${unit.repeat(30)}`, max);

        // Assess
        expect(cut.slice(1, -1).split(unit).join(''), `${unit} at ${max}`).toBe('');
        expect([...cut].length).toBeLessThanOrEqual(max);
      }
    }
  });
});

describe('truncateText against full grapheme segmentation', () => {
  it('always cuts where Intl.Segmenter sees a boundary in the whole string (property)', () => {
    // Prepare: units that join into clusters in every way Unicode allows, next to plain letters.
    const units = [
      'a',
      ' ',
      'Ա',
      'ж',
      '\u0483',
      '\u0301',
      '🇦',
      '🇲',
      '👍',
      '🏽',
      '\u200d',
      '👩',
      '\ufe0f',
      'ᄀ',
      'ᅡ',
      'ᆨ',
      '\r',
      '\n',
      'क',
      '्',
      'ष',
    ];
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...units), { maxLength: 80 }),
        fc.integer({ min: 1, max: 60 }),
        (parts, max) => {
          // Act
          const value = parts.join('');
          const cut = truncateText(value, max);

          // Assess
          if (cut === value) return;
          const kept = cut.slice(0, -1);
          const boundaries = new Set([...segmenter.segment(value)].map((segment) => segment.index));
          boundaries.add(value.length);
          expect(cut.endsWith('…')).toBe(true);
          expect(value.startsWith(kept)).toBe(true);
          expect([...cut].length).toBeLessThanOrEqual(max);
          // trimEnd may remove trailing spaces, which are whole graphemes themselves.
          expect(boundaries.has(kept.length)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
