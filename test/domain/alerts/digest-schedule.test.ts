import { describe, expect, it } from 'vitest';
import {
  digestPeriod,
  isValidTimeZone,
  nextDigestAt,
} from '../../../lambdas/domain/alerts/digest-schedule';

describe('digest schedule', () => {
  it('sends a daily digest at the local hour the subscriber chose, in their time zone', () => {
    // Prepare: 06:30 UTC is 10:30 in Baku (UTC+4)
    const now = new Date('2026-11-26T06:30:00Z');

    // Act
    const next = nextDigestAt(
      { cadence: 'daily', digestHour: 8, digestWeekday: 1, timeZone: 'Asia/Baku' },
      now,
    );

    // Assess: 08:00 Baku tomorrow = 04:00 UTC
    expect(next?.toISOString()).toBe('2026-11-27T04:00:00.000Z');
  });

  it('sends a weekly digest on the chosen weekday', () => {
    // Prepare: Thursday 26 Nov 2026
    const now = new Date('2026-11-26T12:00:00Z');

    // Act
    const next = nextDigestAt(
      { cadence: 'weekly', digestHour: 9, digestWeekday: 1, timeZone: 'Asia/Yerevan' },
      now,
    );

    // Assess: Monday 30 Nov, 09:00 Yerevan (UTC+4)
    expect(next?.toISOString()).toBe('2026-11-30T05:00:00.000Z');
  });

  it('keeps the local hour across a daylight-saving change', () => {
    // Prepare: Europe/Berlin leaves DST on 25 Oct 2026
    const before = new Date('2026-10-24T12:00:00Z');

    // Act
    const next = nextDigestAt(
      { cadence: 'daily', digestHour: 8, digestWeekday: 1, timeZone: 'Europe/Berlin' },
      before,
    );

    // Assess: 08:00 CET on 25 Oct = 07:00 UTC
    expect(next?.toISOString()).toBe('2026-10-25T07:00:00.000Z');
  });

  it('names one period per local day, so a digest goes out once per period', () => {
    // Act
    const a = digestPeriod('daily', new Date('2026-11-27T04:00:00Z'), 'Asia/Baku');
    const b = digestPeriod('daily', new Date('2026-11-27T04:59:00Z'), 'Asia/Baku');

    // Assess
    expect(a.id).toBe('daily:2026-11-27');
    expect(b.id).toBe(a.id);
    expect(a.since.toISOString()).toBe('2026-11-26T04:00:00.000Z');
  });

  it('has no digest time for instant subscribers and tells bad time zones apart', () => {
    expect(
      nextDigestAt(
        { cadence: 'instant', digestHour: 8, digestWeekday: 1, timeZone: 'UTC' },
        new Date(),
      ),
    ).toBeUndefined();
    expect(isValidTimeZone('Asia/Yerevan')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
