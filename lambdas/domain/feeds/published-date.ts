/**
 * Feed dates: RFC 822/1123 (RSS), ISO 8601/RFC 3339 (Atom, Dublin Core) and the variants outlets
 * actually send (two-digit years, no seconds, zone names, Russian month names, a space instead
 * of `T`). Parsed by hand rather than with `Date.parse`, whose non-ISO behaviour depends on the
 * engine and on the machine's time zone.
 */

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
  // Abbreviations of feeds that localise RFC 822 dates: Portuguese, Spanish, German, Italian…
  fev: 1,
  abr: 3,
  mai: 4,
  ago: 7,
  set: 8,
  out: 9,
  okt: 9,
  dez: 11,
  dic: 11,
  ene: 0,
  // … and Russian (genitive and abbreviations).
  янв: 0,
  фев: 1,
  мар: 2,
  апр: 3,
  мая: 4,
  май: 4,
  июн: 5,
  июл: 6,
  авг: 7,
  сен: 8,
  окт: 9,
  ноя: 10,
  дек: 11,
};

// Offsets in minutes. Names from RFC 822 plus those of the region (Moscow, Yerevan, Baku).
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  cet: 60,
  cest: 120,
  eet: 120,
  eest: 180,
  bst: 60,
  msk: 180,
  amt: 240,
  azt: 240,
  get: 240,
  trt: 180,
};

/** Dates before this are CMS placeholders ("0001-01-01"), not publication dates. */
const EARLIEST = Date.UTC(1995, 0, 1);

function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  offsetMinutes: number,
): Date | undefined {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) {
    return undefined;
  }
  const time = Date.UTC(year, month, day, hour, minute, Math.min(second, 59), millis);
  // Date.UTC rolls 31 February over into March; a real date must round-trip its day.
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return undefined;
  const result = new Date(time - offsetMinutes * 60_000);
  return Number.isNaN(result.getTime()) || result.getTime() < EARLIEST ? undefined : result;
}

function fullYear(text: string): number {
  const year = Number(text);
  if (text.length > 2) return year;
  // RFC 822 two-digit years: 70–99 are 19xx, the rest 20xx.
  return year >= 70 ? 1900 + year : 2000 + year;
}

function zoneOffset(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === '') return 0;
  const numeric = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const hours = Number(numeric[2]);
    const minutes = Number(numeric[3] ?? 0);
    // Real offsets run from -12:00 to +14:00.
    if (hours > 14 || minutes > 59) return undefined;
    return (numeric[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return ZONES[zone.toLowerCase()];
}

const ISO =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T\s]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$/i;

function parseIso(text: string): Date | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const offset = zoneOffset(zone);
  if (offset === undefined) return undefined;
  return utc(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0,
    offset,
  );
}

// [weekday,] day month year [hour:minute[:second]] [zone]; tolerant about commas and dots.
const RFC822 =
  /^(?:[\p{L}]{2,}\.?(?:,\s*|\s+))?(\d{1,2})[\s-]+([\p{L}]{3,})\.?[\s-]+(\d{2,4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(?:([+-]\d{1,2}:?\d{2}|[a-z]{1,5}))?(?:\s*\(.*\))?$/iu;
// Month first: "Jan 15, 2024 10:00 GMT" or "Monday, January 15, 2024 10:00:00 +0400".
const MONTH_FIRST =
  /^(?:[\p{L}]{2,}\.?(?:,\s*|\s+))?([\p{L}]{3,})\.?\s+(\d{1,2}),?\s+(\d{4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(?:([+-]\d{1,2}:?\d{2}|[a-z]{1,5}))?$/iu;

function monthIndex(name: string | undefined): number | undefined {
  return name === undefined ? undefined : MONTHS[name.slice(0, 3).toLowerCase()];
}

function parseRfc822(text: string): Date | undefined {
  let day: string | undefined;
  let monthName: string | undefined;
  let year: string | undefined;
  let rest: (string | undefined)[];
  const dayFirst = RFC822.exec(text);
  if (dayFirst) {
    [, day, monthName, year, ...rest] = dayFirst;
  } else {
    const monthFirst = MONTH_FIRST.exec(text);
    if (!monthFirst) return undefined;
    [, monthName, day, year, ...rest] = monthFirst;
  }
  const month = monthIndex(monthName);
  const offset = zoneOffset(rest[3]);
  if (month === undefined || offset === undefined || year === undefined) return undefined;
  return utc(
    fullYear(year),
    month,
    Number(day),
    Number(rest[0] ?? 0),
    Number(rest[1] ?? 0),
    Number(rest[2] ?? 0),
    0,
    offset,
  );
}

/**
 * Parses a feed date; `undefined` when the text is no date we can trust (including dates before
 * 1995, which are CMS placeholders). Times without a zone are read as UTC.
 *
 * @example parseFeedDate('Tue, 02 Jan 2024 10:00:00 +0400')?.toISOString() // '2024-01-02T06:00:00.000Z'
 * @example parseFeedDate('2024-01-02T06:00:00Z')?.toISOString()            // '2024-01-02T06:00:00.000Z'
 */
export function parseFeedDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  // Bounded: a date is short, and the regexes below should never see a megabyte of text.
  const trimmed = text.replace(/\s+/g, ' ').trim();
  if (trimmed === '' || trimmed.length > 80) return undefined;
  return parseIso(trimmed) ?? parseRfc822(trimmed);
}

/** Later than this past the fetch time, a date is a mistake (a wrong zone, a wrong year). */
export const FUTURE_TOLERANCE_MS = 15 * 60_000;

/** The publication time to store, and whether it was guessed. */
export interface ResolvedDate {
  publishedAt: string;
  publishedAtEstimated: boolean;
  /** Why the feed's own date was not used, when it was present but not usable. */
  problem?: string;
}

/**
 * Picks the first parsable candidate date; falls back to the fetch time (estimated) when none
 * parses, and clamps dates more than 15 minutes after the fetch to the fetch time.
 *
 * @example resolvePublishedAt(['yesterday'], new Date('2024-01-02T00:00:00Z'))
 * // { publishedAt: '2024-01-02T00:00:00.000Z', publishedAtEstimated: true, problem: 'unparsable date "yesterday"' }
 */
export function resolvePublishedAt(
  candidates: readonly (string | undefined)[],
  fetchedAt: Date,
): ResolvedDate {
  const fallback = fetchedAt.toISOString();
  let firstBad: string | undefined;
  for (const candidate of candidates) {
    if (candidate === undefined || candidate.trim() === '') continue;
    const date = parseFeedDate(candidate);
    if (!date) {
      firstBad ??= candidate;
      continue;
    }
    if (date.getTime() > fetchedAt.getTime() + FUTURE_TOLERANCE_MS) {
      return {
        publishedAt: fallback,
        publishedAtEstimated: true,
        problem: `date in the future "${candidate.trim().slice(0, 40)}" clamped to fetch time`,
      };
    }
    return { publishedAt: date.toISOString(), publishedAtEstimated: false };
  }
  return {
    publishedAt: fallback,
    publishedAtEstimated: true,
    ...(firstBad !== undefined && {
      problem: `unparsable date "${firstBad.trim().slice(0, 40)}"`,
    }),
  };
}
