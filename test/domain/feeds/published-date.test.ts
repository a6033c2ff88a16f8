import { describe, expect, it } from 'vitest';
import { parseFeedDate, resolvePublishedAt } from '../../../lambdas/domain/feeds/published-date';

const FETCHED_AT = new Date('2026-11-26T12:00:00Z');

describe('parseFeedDate', () => {
  it.each([
    ['Tue, 24 Nov 2026 10:00:00 +0400', '2026-11-24T06:00:00.000Z'],
    ['Tue, 24 Nov 2026 10:00:00 GMT', '2026-11-24T10:00:00.000Z'],
    ['24 Nov 2026 10:00 EST', '2026-11-24T15:00:00.000Z'],
    ['Tue, 24 Nov 26 10:00:00 Z', '2026-11-24T10:00:00.000Z'],
    ['Tue,24 Nov 2026 10:00:00 +04:00', '2026-11-24T06:00:00.000Z'],
    ['Tuesday, 24-Nov-2026 10:00:00 MSK', '2026-11-24T07:00:00.000Z'],
    ['Вт, 24 ноя 2026 10:00:00 +0300', '2026-11-24T07:00:00.000Z'],
    ['24 мая 2026 10:00:00 +0300', '2026-05-24T07:00:00.000Z'],
    ['Seg, 24 Set 2018 19:42:40 -0300', '2018-09-24T22:42:40.000Z'],
    ['Nov 24, 2026 10:00 AM', undefined],
    ['November 24, 2026 10:00:00 +0400', '2026-11-24T06:00:00.000Z'],
    ['2026-11-24T10:00:00+04:00', '2026-11-24T06:00:00.000Z'],
    ['2026-11-24T10:00:00.123456Z', '2026-11-24T10:00:00.123Z'],
    ['2026-11-24 10:00:00', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24', '2026-11-24T00:00:00.000Z'],
    ['20261124T100000Z', '2026-11-24T10:00:00.000Z'],
    ['  2026-11-24T10:00:00Z\n', '2026-11-24T10:00:00.000Z'],
  ])('reads %s', (text, expected) => {
    // Act
    const date = parseFeedDate(text);

    // Assess
    expect(date?.toISOString()).toBe(expected);
  });

  it.each([
    'yesterday',
    '',
    '2026-02-31T10:00:00Z',
    '0001-01-01T00:00:00Z',
    '32 Nov 2026 10:00:00 GMT',
    '24 Foo 2026 10:00:00 GMT',
    '2026-11-24T10:00:00 +99',
    `2026-11-24 ${'x'.repeat(100)}`,
  ])('gives up on %j', (text) => {
    // Act
    const date = parseFeedDate(text);

    // Assess
    expect(date).toBeUndefined();
  });
});

describe('resolvePublishedAt', () => {
  it('uses the first candidate that parses', () => {
    // Act
    const resolved = resolvePublishedAt(
      [undefined, 'yesterday', '2026-11-24T10:00:00Z'],
      FETCHED_AT,
    );

    // Assess
    expect(resolved).toEqual({
      publishedAt: '2026-11-24T10:00:00.000Z',
      publishedAtEstimated: false,
    });
  });

  it('falls back to the fetch time, marked estimated, and says why', () => {
    // Act
    const resolved = resolvePublishedAt(['yesterday'], FETCHED_AT);

    // Assess
    expect(resolved).toEqual({
      publishedAt: FETCHED_AT.toISOString(),
      publishedAtEstimated: true,
      problem: 'unparsable date "yesterday"',
    });
  });

  it('falls back silently when the feed gave no date at all', () => {
    // Act
    const resolved = resolvePublishedAt([], FETCHED_AT);

    // Assess
    expect(resolved).toEqual({ publishedAt: FETCHED_AT.toISOString(), publishedAtEstimated: true });
  });

  it('clamps a date far in the future to the fetch time, and tolerates clock skew', () => {
    // Act
    const future = resolvePublishedAt(['2027-01-01T00:00:00Z'], FETCHED_AT);
    const skewed = resolvePublishedAt(['2026-11-26T12:05:00Z'], FETCHED_AT);

    // Assess
    expect(future.publishedAt).toBe(FETCHED_AT.toISOString());
    expect(future.publishedAtEstimated).toBe(true);
    expect(future.problem).toContain('in the future');
    expect(skewed).toEqual({
      publishedAt: '2026-11-26T12:05:00.000Z',
      publishedAtEstimated: false,
    });
  });
});
