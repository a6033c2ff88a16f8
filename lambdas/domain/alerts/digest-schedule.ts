import type { Cadence } from '../subscribers/subscriber';

/**
 * When digests go out. Everything is computed in the subscriber's own time zone with the
 * platform's Intl data, so "08:00 in Asia/Yerevan" stays 08:00 across DST changes elsewhere.
 */

/** Calendar fields of an instant in a time zone. */
function localParts(
  instant: Date,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    hourCycle: 'h23',
    weekday: 'short',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    weekday: weekdays.indexOf(get('weekday')) + 1,
  };
}

/** The UTC instant of a local wall-clock time (first occurrence when a DST gap or overlap). */
function utcOfLocal(
  year: number,
  month: number,
  day: number,
  hour: number,
  timeZone: string,
): Date {
  let guess = Date.UTC(year, month - 1, day, hour);
  // Two corrections settle the offset, including around DST switches.
  for (let step = 0; step < 2; step++) {
    const local = localParts(new Date(guess), timeZone);
    const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour);
    guess += Date.UTC(year, month - 1, day, hour) - asUtc;
  }
  return new Date(guess);
}

/** True for a time zone name the platform knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** A digest schedule: a subscriber's cadence, hour, weekday, time zone and daily cap. */
export interface DigestSchedule {
  cadence: Cadence;
  digestHour: number;
  digestWeekday: number;
  timeZone: string;
  dailyCap?: number;
}

/**
 * The cadence of the digests a subscriber gets: their own, or — for an instant subscriber with a
 * daily cap — a daily catch-up of the alerts held back by the cap. `undefined`: no digests.
 *
 * @example digestCadence({ cadence: 'instant', dailyCap: 5, … }) // 'daily'
 */
export function digestCadence(
  schedule: Pick<DigestSchedule, 'cadence' | 'dailyCap'>,
): Exclude<Cadence, 'instant'> | undefined {
  if (schedule.cadence !== 'instant') return schedule.cadence;
  return schedule.dailyCap ? 'daily' : undefined;
}

/**
 * The next time strictly after `after` that a digest of this schedule is due (see `digestCadence`).
 *
 * @example nextDigestAt({ cadence: 'daily', digestHour: 8, digestWeekday: 1, timeZone: 'Asia/Baku' }, new Date())
 */
export function nextDigestAt(schedule: DigestSchedule, after: Date): Date | undefined {
  const cadence = digestCadence(schedule);
  if (!cadence) return undefined;
  const today = localParts(after, schedule.timeZone);
  for (let offset = 0; offset <= 8; offset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    if (cadence === 'weekly' && weekday !== schedule.digestWeekday) continue;
    const at = utcOfLocal(
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      schedule.digestHour,
      schedule.timeZone,
    );
    if (at.getTime() > after.getTime()) return at;
  }
  return undefined;
}

/**
 * The period a digest due at `dueAt` covers, named so it is unique per subscriber: a digest is
 * sent once per period whatever happens. Daily: `daily:2026-11-26`; weekly: `weekly:2026-11-23`
 * (the local date the week's digest is due).
 */
export function digestPeriod(
  cadence: Exclude<Cadence, 'instant'>,
  dueAt: Date,
  timeZone: string,
): { id: string; since: Date } {
  const local = localParts(dueAt, timeZone);
  const date = `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
  const days = cadence === 'daily' ? 1 : 7;
  return { id: `${cadence}:${date}`, since: new Date(dueAt.getTime() - days * 86_400_000) };
}

/**
 * The subscriber's local calendar date of an instant, `YYYY-MM-DD`: the window a daily cap counts in.
 *
 * @example localDate(new Date('2026-11-26T22:30:00Z'), 'Asia/Baku') // '2026-11-27'
 */
export function localDate(instant: Date, timeZone: string): string {
  const local = localParts(instant, timeZone);
  return `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
}
