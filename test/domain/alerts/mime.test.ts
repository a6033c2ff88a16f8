import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  buildRawMessage,
  type EmailMessage,
  encodeWords,
  MimeBuildError,
  parseMailbox,
  quotedPrintable,
} from '../../../lambdas/domain/alerts/mime';
import { headerText } from '../../../lambdas/domain/alerts/sanitise';
import type { OutgoingEmail } from '../../../lambdas/use-cases/ports';
import { decodeEncodedWords, parseRawMessage } from '../../helpers/mime-decoder';

const FIXED = { date: new Date('2025-07-01T12:00:00Z'), boundarySeed: 'seed1' };

function email(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    from: 'News Alerts <alerts@example.org>',
    to: 'reader@example.org',
    subject: 'Talks resume in Brussels',
    text: 'Plain body\nSecond line',
    html: '<p>HTML body</p>',
    headers: {
      'List-Unsubscribe': '<https://example.org/unsubscribe?token=abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    ...overrides,
  };
}

/** Header lines of a raw message, folded continuation lines included. */
function headerLines(raw: string): string[] {
  return raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n');
}

describe('buildRawMessage', () => {
  it('is the same type as the OutgoingEmail port, so the mailer can hand it over unchanged', () => {
    // Assess
    expectTypeOf<EmailMessage>().toEqualTypeOf<OutgoingEmail>();
  });

  it('round-trips Armenian, Russian and Azerbaijani subjects and bodies', () => {
    const samples = [
      {
        subject: 'Հայաստանն ու Ադրբեջանը նախաստորագրեցին խաղաղության համաձայնագիրը Վաշինգտոնում',
        text: 'Երևան, հուլիսի 1։ Կողմերը պայմանավորվել են սահմանազատման մասին։',
      },
      {
        subject: 'Пашинян и Алиев обсудили мирный договор и открытие коммуникаций',
        text: 'Москва. Стороны «подтвердили приверженность» переговорам.\nВторая строка.',
      },
      {
        subject: 'Ermənistan və Azərbaycan sülh müqaviləsini paraflayıb: Şuşa, Ağdam, Xankəndi',
        text: 'Bakı, 1 iyul. Tərəflər sərhəd delimitasiyası üzrə razılığa gəliblər.',
      },
    ];
    for (const sample of samples) {
      // Prepare
      const input = email({
        subject: sample.subject,
        text: sample.text,
        html: `<p>${sample.text}</p>`,
      });

      // Act
      const parsed = parseRawMessage(buildRawMessage(input, FIXED));

      // Assess
      expect(parsed.header('subject')).toBe(sample.subject);
      expect(parsed.parts.map((part) => part.headers.get('content-type'))).toEqual([
        'text/plain; charset=UTF-8',
        'text/html; charset=UTF-8',
      ]);
      expect(parsed.parts[0]?.body).toBe(sample.text);
      expect(parsed.parts[1]?.body).toBe(`<p>${sample.text}</p>`);
    }
  });

  it('writes only 7-bit ASCII with CRLF line endings and no overlong lines', () => {
    // Prepare
    const long = 'Ереван '.repeat(300);
    const input = email({ subject: long, text: `${long}\n${'x'.repeat(2000)}`, html: long });

    // Act
    const raw = buildRawMessage(input, FIXED);

    // Assess
    expect(raw).toMatch(/^[\x20-\x7E\r\n]*$/);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = raw.split('\r\n');
    expect(Math.max(...headerLines(raw).map((line) => line.length))).toBeLessThanOrEqual(78);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(76 + 2);
  });

  it('writes the standard headers: From, To, Date, Message-ID and MIME-Version', () => {
    // Act
    const parsed = parseRawMessage(buildRawMessage(email(), FIXED));

    // Assess
    expect(parsed.header('from')).toBe('News Alerts <alerts@example.org>');
    expect(parsed.header('to')).toBe('reader@example.org');
    expect(parsed.header('date')).toBe('Tue, 01 Jul 2025 12:00:00 +0000');
    expect(parsed.header('message-id')).toMatch(/^<[A-Za-z0-9.]+\.seed1@example\.org>$/);
    expect(parsed.header('mime-version')).toBe('1.0');
    expect(parsed.header('content-type')).toBe('multipart/alternative; boundary="=_NA_seed1"');
  });

  it('keeps our List-Unsubscribe headers as given', () => {
    // Act
    const parsed = parseRawMessage(buildRawMessage(email(), FIXED));

    // Assess
    expect(parsed.header('list-unsubscribe')).toBe('<https://example.org/unsubscribe?token=abc>');
    expect(parsed.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('encodes a non-ASCII display name and keeps the address readable', () => {
    // Prepare
    const input = email({ from: 'Новости Кавказа <alerts@example.org>' });

    // Act
    const raw = buildRawMessage(input, FIXED);

    // Assess
    expect(raw).toContain('From: =?UTF-8?B?');
    expect(parseRawMessage(raw).header('from')).toBe('Новости Кавказа <alerts@example.org>');
  });

  it('quotes an ASCII display name with special characters', () => {
    // Act
    const parsed = parseRawMessage(
      buildRawMessage(email({ from: 'News Alerts (A.M.) <alerts@example.org>' }), FIXED),
    );

    // Assess
    expect(parsed.header('from')).toBe('"News Alerts (A.M.)" <alerts@example.org>');
  });

  it('cannot be made to add a header or a recipient through the subject or a header value', () => {
    // Prepare
    const input = email({
      subject: 'Breaking\r\nBcc: victim@evil.test\r\n\r\n<html>',
      headers: { 'List-Id': 'News\nBcc: victim@evil.test' },
    });

    // Act
    const parsed = parseRawMessage(buildRawMessage(input, FIXED));

    // Assess
    const names = parsed.rawHeaders.map(([name]) => name);
    expect(names).not.toContain('bcc');
    expect(names.filter((name) => name === 'subject')).toHaveLength(1);
    expect(parsed.header('subject')).toBe('Breaking Bcc: victim@evil.test <html>');
    expect(parsed.header('list-id')).toBe('News Bcc: victim@evil.test');
  });

  it('refuses recipient lists and malformed addresses', () => {
    for (const to of [
      'a@example.org, b@evil.test',
      'a@example.org;b@evil.test',
      'no-at-sign',
      '',
    ]) {
      // Act + Assess
      expect(() => buildRawMessage(email({ to }), FIXED)).toThrow(MimeBuildError);
    }
  });

  it('refuses extra headers that would override ours or add recipients', () => {
    for (const name of ['Bcc', 'subject', 'Content-Type', 'X-Bad:Name', 'X Bad']) {
      // Act + Assess
      expect(() => buildRawMessage(email({ headers: { [name]: 'x' } }), FIXED)).toThrow(
        expect.objectContaining({ code: 'BAD_HEADER' }),
      );
    }
  });

  it('encodes an ASCII subject that looks like an encoded-word, so readers show it literally', () => {
    // Prepare
    const subject = 'Odd title =?UTF-8?B?SGk=?= here';

    // Act
    const parsed = parseRawMessage(buildRawMessage(email({ subject }), FIXED));

    // Assess
    expect(parsed.header('subject')).toBe(subject);
  });

  it('keeps a subject with a very long ASCII word under 78 characters a line', () => {
    // Prepare
    const subject = `Report ${'x'.repeat(150)} ends`;

    // Act
    const raw = buildRawMessage(email({ subject }), FIXED);

    // Assess
    expect(Math.max(...headerLines(raw).map((line) => line.length))).toBeLessThanOrEqual(78);
    expect(parseRawMessage(raw).header('subject')).toBe(subject);
  });

  it('sends a text-only message when there is no HTML', () => {
    // Act
    const parsed = parseRawMessage(buildRawMessage(email({ html: '' }), FIXED));

    // Assess
    expect(parsed.header('content-type')).toBe('text/plain; charset=UTF-8');
    // A single-part body runs to the end of the message, final line break included.
    expect(parsed.parts.map((part) => part.body)).toEqual(['Plain body\nSecond line\n']);
  });

  it('uses quoted-printable for mostly-Latin text and base64 for mostly non-Latin text', () => {
    // Act
    const latin = buildRawMessage(
      email({ text: 'Talks resume in Brussels, says Mirzoyan.' }),
      FIXED,
    );
    const armenian = buildRawMessage(email({ text: 'Բանակցությունները վերսկսվում են' }), FIXED);

    // Assess
    expect(parseRawMessage(latin).parts[0]?.headers.get('content-transfer-encoding')).toBe(
      'quoted-printable',
    );
    expect(parseRawMessage(armenian).parts[0]?.headers.get('content-transfer-encoding')).toBe(
      'base64',
    );
  });

  it('makes the same message for the same date and seed', () => {
    // Act + Assess
    expect(buildRawMessage(email(), FIXED)).toBe(buildRawMessage(email(), FIXED));
  });

  it('gives each message its own Message-ID when no seed is given', () => {
    // Act
    const first = parseRawMessage(buildRawMessage(email())).header('message-id');
    const second = parseRawMessage(buildRawMessage(email())).header('message-id');

    // Assess
    expect(first).not.toBe(second);
  });

  it('round-trips any Unicode subject and body (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ unit: 'binary-ascii', maxLength: 200 }),
        ),
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        (subject, text, html) => {
          // Act
          const raw = buildRawMessage(email({ subject, text, html: html || '<p></p>' }), FIXED);
          const parsed = parseRawMessage(raw);

          // Assess
          expect(raw).toMatch(/^[\x20-\x7E\r\n]*$/);
          expect(Math.max(...raw.split('\r\n').map((line) => line.length))).toBeLessThanOrEqual(78);
          expect(parsed.header('subject')).toBe(headerText(subject));
          expect(parsed.parts[0]?.body).toBe(text.replace(/\r\n|\r|\n/g, '\n'));
          expect(parsed.parts[1]?.body).toBe((html || '<p></p>').replace(/\r\n|\r|\n/g, '\n'));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('quotedPrintable', () => {
  it('escapes "=", trailing spaces, a leading dot and a leading "From "', () => {
    // Prepare
    const bytes = new TextEncoder().encode('a = b \r\n.hidden\r\nFrom here\r\nend\t');

    // Act
    const encoded = quotedPrintable(bytes);

    // Assess
    expect(encoded).toBe('a =3D b=20\r\n=2Ehidden\r\n=46rom here\r\nend=09');
  });

  it('breaks long lines with soft breaks of at most 76 characters, never inside an escape', () => {
    // Prepare
    const bytes = new TextEncoder().encode('é'.repeat(100));

    // Act
    const lines = quotedPrintable(bytes).split('\r\n');

    // Assess
    expect(lines.every((line) => line.length <= 76)).toBe(true);
    expect(lines.slice(0, -1).every((line) => /(=[0-9A-F]{2})+=$/.test(line))).toBe(true);
  });
});

describe('encodeWords', () => {
  it('keeps every encoded-word at most 64 characters and made of whole characters', () => {
    // Prepare
    const value = 'Ադրբեջան 🇦🇲🇦🇿 Azərbaycan'.repeat(5);

    // Act
    const words = encodeWords(value);

    // Assess
    expect(words.every((word) => word.length <= 64)).toBe(true);
    // The decoder is strict (fatal UTF-8): a word with half a character would throw here.
    expect(words.map((word) => decodeEncodedWords(word)).join('')).toBe(value);
  });
});

describe('parseMailbox', () => {
  it('reads a bare address, a named address and a quoted name', () => {
    // Act + Assess
    expect(parseMailbox('reader@example.org')).toEqual({ address: 'reader@example.org' });
    expect(parseMailbox('News Alerts <alerts@example.org>')).toEqual({
      name: 'News Alerts',
      address: 'alerts@example.org',
    });
    expect(parseMailbox('"Alerts, \\"EU\\"" <alerts@example.org>')).toEqual({
      name: 'Alerts, "EU"',
      address: 'alerts@example.org',
    });
  });

  it('converts an internationalised domain to punycode', () => {
    // Act + Assess
    expect(parseMailbox('info@новости.рф').address).toBe('info@xn--b1amnebsh.xn--p1ai');
  });
});
