import { userInfo } from 'node:os';

/**
 * Small formatting helpers for the editors' commands: aligned tables, dates people read,
 * relative times and counts with thousands separators.
 */

/**
 * An aligned plain-text table: a header row, then one row per entry. Cells longer than a
 * column's `max` are cut with `…`; widths count characters, not bytes (Armenian, Cyrillic).
 *
 * @example table(['slug', 'state'], [['peace-process', 'on']]) // 'slug           state\npeace-process  on\n'
 */
export function table(
  headers: string[],
  rows: string[][],
  options: { max?: number[] } = {},
): string {
  const cut = (value: string, column: number) => {
    const max = options.max?.[column];
    const chars = [...value];
    return max !== undefined && chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : value;
  };
  const cells = [headers, ...rows].map((row) => row.map((cell, column) => cut(cell, column)));
  const widths = headers.map((_, column) =>
    Math.max(...cells.map((row) => [...(row[column] ?? '')].length)),
  );
  return cells
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1
            ? cell
            : cell + ' '.repeat((widths[column] ?? 0) - [...cell].length),
        )
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * A UTC time as people read it.
 *
 * @example stamp('2026-11-26T14:05:09.000Z') // '2026-11-26 14:05 UTC'
 */
export function stamp(iso: string | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * How far a time is from now, in the largest unit that fits.
 *
 * @example relative('2026-11-26T12:00:00Z', new Date('2026-11-26T14:00:00Z')) // '2 h ago'
 */
export function relative(iso: string | undefined, now: Date): string {
  if (!iso) return 'never';
  const ms = Date.parse(iso) - now.getTime();
  if (Number.isNaN(ms)) return iso;
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const size =
    minutes < 1
      ? 'now'
      : minutes < 90
        ? `${minutes} min`
        : minutes < 36 * 60
          ? `${Math.round(minutes / 60)} h`
          : `${Math.round(minutes / 1440)} d`;
  if (size === 'now') return 'just now';
  return ms < 0 ? `${size} ago` : `in ${size}`;
}

/**
 * A count with thousands separators.
 *
 * @example count(5000) // '5,000'
 */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * "1 article" / "3 articles".
 *
 * @example plural(1, 'article') // '1 article'
 */
export function plural(value: number, noun: string, nouns = `${noun}s`): string {
  return `${count(value)} ${value === 1 ? noun : nouns}`;
}

/**
 * The editor's name for the record when `--by` is not given: `NEWSALERT_EDITOR`, else the login.
 *
 * @example defaultEditor({ USER: 'anna' }) // 'anna'
 */
export function defaultEditor(env: Record<string, string | undefined>): string {
  const login = env.USER || env.USERNAME || env.LOGNAME;
  if (env.NEWSALERT_EDITOR || login) return (env.NEWSALERT_EDITOR || login) as string;
  try {
    return userInfo().username || 'unknown editor';
  } catch {
    // Some containers run under a uid with no name.
    return 'unknown editor';
  }
}
