/**
 * What a subscriber may send us, checked with zod before anything is stored or sent. Forms and
 * JSON go through the same schemas: a form field arrives as a list of strings (checkbox groups
 * repeat a name), JSON as strings, numbers, booleans or arrays, and `fieldValue`/`listValue`
 * bring both to one shape first.
 */
import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { isValidTimeZone } from '../alerts/digest-schedule';
import type { Cadence, Subscriber } from './subscriber';

/** Article languages a subscriber can pick, each labelled in its own script. */
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'ru', label: 'Русский' },
  { code: 'hy', label: 'Հայերեն' },
  { code: 'az', label: 'Azərbaycanca' },
] as const;

export const CADENCES: ReadonlyArray<{ value: Cadence; label: string; hint: string }> = [
  {
    value: 'instant',
    label: 'As it happens',
    hint: 'One email per article, soon after it appears.',
  },
  { value: 'daily', label: 'Daily digest', hint: 'One email a day at the hour you choose.' },
  {
    value: 'weekly',
    label: 'Weekly digest',
    hint: 'One email a week on the day and hour you choose.',
  },
];

export const MAX_DAILY_CAP = 200;
const MAX_TOPICS = 50;
const MAX_EMAIL_LENGTH = 254;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** A topic a subscriber can choose, as the taxonomy describes it. */
export interface TopicChoice {
  slug: string;
  name: string;
  description: string;
}

/** Raw input: form fields (lists of strings) or a parsed JSON object. */
export type RawInput = Record<string, unknown>;

/** One problem with one field, worded for the person filling in the form. */
export interface FieldProblem {
  field: string;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/**
 * Normalises one email address, or says what is wrong with it. The address must be a single
 * plain `local@domain` (no display name, no quotes, no comments, no IP literal); any control
 * character, CR or LF included, refuses it, so it can never add a header to a message. The domain
 * is lower-cased and an internationalised one becomes punycode.
 *
 * @example normaliseEmail(' Ani@Mail.Example ') // { ok: true, email: 'Ani@mail.example' }
 * @example normaliseEmail('a@b.example\r\nBcc: x@evil.test').ok // false
 */
export function normaliseEmail(
  value: unknown,
): { ok: true; email: string } | { ok: false; message: string } {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return { ok: false, message: 'Enter your email address.' };
  }
  if (typeof value !== 'string') {
    return { ok: false, message: 'Enter one email address, like name@example.org.' };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(value)) {
    return { ok: false, message: 'The email address contains a line break or control character.' };
  }
  const trimmed = value.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH) {
    return { ok: false, message: `An email address has at most ${MAX_EMAIL_LENGTH} characters.` };
  }
  const at = trimmed.lastIndexOf('@');
  const local = trimmed.slice(0, Math.max(at, 0));
  const rawDomain = trimmed.slice(at + 1);
  if (at <= 0 || !rawDomain || local.length > 64 || !LOCAL_PART.test(local)) {
    return { ok: false, message: 'Enter one email address, like name@example.org.' };
  }
  const domain = rawDomain.startsWith('[') ? '' : domainToASCII(rawDomain.toLowerCase());
  const labels = domain.split('.');
  const topLevel = labels.at(-1) ?? '';
  if (
    !domain ||
    domain.length > 253 ||
    labels.length < 2 ||
    !labels.every((label) => DOMAIN_LABEL.test(label)) ||
    !TOP_LEVEL.test(topLevel)
  ) {
    return { ok: false, message: 'The part after @ is not a valid domain name.' };
  }
  const email = `${local}@${domain}`;
  if (email.length > MAX_EMAIL_LENGTH) {
    return { ok: false, message: `An email address has at most ${MAX_EMAIL_LENGTH} characters.` };
  }
  return { ok: true, email };
}

/** The first value of a form field, or a JSON scalar as a string. */
function fieldValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : value;
  return value;
}

/** A form field's values, or a JSON array, or one JSON string. */
function listValue(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

const blankToUndefined = (value: unknown) => {
  const single = fieldValue(value);
  return single === '' || single === null ? undefined : single;
};

const integer = (label: string, min: number, max: number) =>
  z.preprocess(
    (value) => {
      const single = blankToUndefined(value);
      return typeof single === 'string' && /^\s*-?\d+\s*$/.test(single) ? Number(single) : single;
    },
    z
      .number({ error: `${label} must be a whole number.` })
      .int({ error: `${label} must be a whole number.` })
      .min(min, { error: `${label} must be between ${min} and ${max}.` })
      .max(max, { error: `${label} must be between ${min} and ${max}.` }),
  );

const booleanField = z.preprocess(
  (value) => {
    const single = fieldValue(value);
    if (single === undefined || single === '' || single === 'false' || single === 'off')
      return false;
    if (single === 'on' || single === 'true' || single === '1' || single === 'yes') return true;
    return single;
  },
  z.boolean({ error: 'Must be on or off.' }),
);

function preferenceShape(topics: readonly TopicChoice[]) {
  const known = new Set(topics.map((topic) => topic.slug));
  const languageCodes = new Set<string>(LANGUAGES.map((language) => language.code));
  return {
    topics: z.preprocess(
      listValue,
      z
        .array(z.string({ error: 'Topics must be topic names.' }), { error: 'Choose topics.' })
        .min(1, { error: 'Choose at least one topic.' })
        .max(MAX_TOPICS, { error: 'Too many topics.' })
        .superRefine((slugs, context) => {
          const unknown = slugs.filter((slug) => !known.has(slug));
          if (unknown.length > 0) {
            context.addIssue({
              code: 'custom',
              message: `Unknown topic: ${unknown
                .slice(0, 3)
                .map((slug) => JSON.stringify(slug.slice(0, 40)))
                .join(', ')}. Choose from the list.`,
            });
          }
        })
        .transform((slugs) => [...new Set(slugs)]),
    ),
    languages: z.preprocess(
      listValue,
      z
        .array(z.string({ error: 'Languages must be language codes.' }))
        .max(LANGUAGES.length * 2, { error: 'Too many languages.' })
        .superRefine((codes, context) => {
          if (codes.some((code) => !languageCodes.has(code))) {
            context.addIssue({
              code: 'custom',
              message: 'Choose languages from the list (en, ru, hy, az).',
            });
          }
        })
        // In the order of the list, so a subscriber's languages read the same wherever shown.
        .transform((codes) =>
          LANGUAGES.map((language) => language.code).filter((code) => codes.includes(code)),
        ),
    ),
    cadence: z.preprocess(
      fieldValue,
      z.enum(['instant', 'daily', 'weekly'], {
        error: 'Choose how often: instant, daily or weekly.',
      }),
    ),
    digestHour: integer('The digest hour', 0, 23),
    digestWeekday: integer('The digest day', 1, 7),
    timeZone: z.preprocess(
      fieldValue,
      z
        .string({ error: 'Choose a time zone.' })
        .max(64, { error: 'Choose a time zone from the list.' })
        .refine((zone) => isValidTimeZone(zone), {
          error: 'Choose a time zone from the list, e.g. Asia/Yerevan or Asia/Baku.',
        }),
    ),
    dailyCap: integer('The daily limit', 1, MAX_DAILY_CAP).optional(),
  };
}

/** Preferences a subscriber chooses, on the subscribe page and the preferences page. */
export type Preferences = Pick<
  Subscriber,
  'topics' | 'languages' | 'cadence' | 'digestHour' | 'digestWeekday' | 'timeZone' | 'dailyCap'
>;

export type SubscribeRequest = Preferences & { email: string };

export type PreferencesUpdate = Preferences & { paused: boolean };

/** Defaults for fields a form or JSON body leaves out. */
export const DEFAULT_PREFERENCES = {
  cadence: 'daily',
  digestHour: 8,
  digestWeekday: 1,
  timeZone: 'UTC',
} as const;

/**
 * Checks a subscribe request against the current topics.
 *
 * @example
 * checkSubscribeRequest({ email: ['ani@mail.example'], topics: ['peace-process'] }, topics)
 * // { ok: true, value: { email: 'ani@mail.example', topics: ['peace-process'], languages: [], cadence: 'daily', … } }
 */
export function checkSubscribeRequest(
  input: RawInput,
  topics: readonly TopicChoice[],
): Checked<SubscribeRequest> {
  const problems: FieldProblem[] = [];
  const email = normaliseEmail(fieldValue(input.email));
  if (!email.ok) problems.push({ field: 'email', message: email.message });
  const preferences = checkPreferences({ ...DEFAULT_PREFERENCES, ...withoutBlanks(input) }, topics);
  if (!preferences.ok) problems.push(...preferences.problems);
  if (!email.ok || !preferences.ok) return { ok: false, problems };
  return { ok: true, value: { email: email.email, ...preferences.value } };
}

/**
 * Checks a preferences update. `current` fills fields the input leaves out (a JSON client may send
 * only what changes); a form sends every field, and an unticked checkbox group means "none".
 *
 * @example checkPreferencesUpdate({ cadence: 'weekly' }, current, topics, { partial: true })
 */
export function checkPreferencesUpdate(
  input: RawInput,
  current: PreferencesUpdate,
  topics: readonly TopicChoice[],
  options: { partial: boolean },
): Checked<PreferencesUpdate> {
  const base: RawInput = options.partial
    ? partialUpdate(current, input)
    : {
        ...DEFAULT_PREFERENCES,
        topics: [],
        languages: [],
        paused: false,
        ...withoutBlanks(input),
      };
  const preferences = checkPreferences(base, topics);
  const paused = booleanField.safeParse(base.paused);
  const problems = preferences.ok ? [] : [...preferences.problems];
  if (!paused.success) problems.push({ field: 'paused', message: 'Pause must be on or off.' });
  if (!preferences.ok || !paused.success) return { ok: false, problems };
  return { ok: true, value: { ...preferences.value, paused: paused.data } };
}

function checkPreferences(input: RawInput, topics: readonly TopicChoice[]): Checked<Preferences> {
  const parsed = z.object(preferenceShape(topics)).safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        field: String(issue.path[0] ?? 'body'),
        message: issue.message,
      })),
    };
  }
  const { dailyCap, ...rest } = parsed.data;
  const value: Preferences = dailyCap === undefined ? rest : { ...rest, dailyCap };
  return { ok: true, value };
}

/** JSON clients send only what changes; `"dailyCap": null` removes the limit. */
function partialUpdate(current: PreferencesUpdate, input: RawInput): RawInput {
  const merged: RawInput = { ...current, ...withoutBlanks(input) };
  if (input.dailyCap === null) delete merged.dailyCap;
  return merged;
}

/** Blank scalar fields count as absent, so defaults apply (an empty "daily limit" box). */
function withoutBlanks(input: RawInput): RawInput {
  const kept: RawInput = {};
  for (const [key, value] of Object.entries(input)) {
    const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
    if (single === '' || single === null || single === undefined) continue;
    kept[key] = value;
  }
  return kept;
}
