/**
 * The public pages (subscribe, confirm, preferences, unsubscribe and the messages in between),
 * rendered on the server as complete HTML documents. Pure: same input, same page.
 *
 * What every page promises:
 * - forms work without JavaScript and without cookies; the only script-like thing is CSS;
 * - accessible: `lang` on the document and on each language's own name, a label for every
 *   control, checkbox and radio groups in a fieldset with a legend, hints and errors tied to
 *   their control with `aria-describedby`, an error summary that links to each field, visible
 *   focus, AA contrast in light and dark mode, 44 px touch targets, one column on a phone;
 * - everything that came from outside (topic names, typed values) is escaped;
 * - no external resources at all: no fonts, images, analytics or trackers, nothing that tells a
 *   third party someone opened the page.
 *
 * Forms post to relative URLs (`confirm?token=…`), so the pages work under any path prefix
 * (an API Gateway stage, a reverse proxy).
 */
import { escapeHtml } from '../alerts/sanitise';
import type { Cadence } from './subscriber';
import {
  CADENCES,
  DEFAULT_PREFERENCES,
  type FieldProblem,
  LANGUAGES,
  MAX_DAILY_CAP,
  type TopicChoice,
} from './validation';

const PRODUCT = 'News Alerts';
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
// The zones most readers are in first; every zone the platform knows follows.
const COMMON_TIME_ZONES = [
  'Asia/Yerevan',
  'Asia/Baku',
  'Asia/Tbilisi',
  'Europe/Moscow',
  'Europe/Istanbul',
  'Europe/London',
  'Europe/Paris',
  'America/New_York',
  'America/Los_Angeles',
  'UTC',
];

/**
 * The one stylesheet, inlined in every page. The HTTP layer allows exactly this text through the
 * Content-Security-Policy by its SHA-256, so no other style (and no script) can run.
 */
export const PAGE_CSS = `
:root{color-scheme:light dark;--bg:#ffffff;--text:#1b1b1f;--muted:#4a4a52;--line:#8a8a93;--panel:#f3f4f7;--accent:#0b57d0;--on-accent:#ffffff;--error:#b3261e;--ok:#146c2e;--focus:#0b57d0}
@media (prefers-color-scheme:dark){:root{--bg:#131316;--text:#ececf1;--muted:#c4c4cc;--line:#8e8e99;--panel:#1f1f24;--accent:#a8c7fa;--on-accent:#0b1d3a;--error:#ffb4ab;--ok:#8fd7a0;--focus:#a8c7fa}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Armenian",Arial,sans-serif}
.skip{position:absolute;left:-999px;top:0;padding:.5rem 1rem;background:var(--accent);color:var(--on-accent)}
.skip:focus{left:.5rem;top:.5rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
header,main,footer{max-width:42rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.25rem}
.brand{margin:0;font-weight:700;letter-spacing:.02em}
main{padding-bottom:2rem}
h1{font-size:1.6rem;line-height:1.25;margin:1.25rem 0 .75rem}
h2{font-size:1.15rem;margin:0 0 .5rem}
p{margin:.5rem 0 1rem}
a{color:var(--accent);text-underline-offset:.15em}
.lead{font-size:1.1rem}
.muted,.hint{color:var(--muted)}
.hint{display:block;font-size:.95rem;margin:.15rem 0 .5rem}
form{margin:1rem 0}
fieldset{border:1px solid var(--line);border-radius:.5rem;margin:0 0 1.25rem;padding:.75rem 1rem 1rem}
legend{font-weight:650;padding:0 .35rem}
.field{margin:0 0 1.25rem}
label{font-weight:600}
.choice{display:flex;gap:.65rem;align-items:flex-start;padding:.35rem 0;min-height:44px}
.choice input{width:1.35rem;height:1.35rem;margin:.15rem 0 0;flex:none;accent-color:var(--accent)}
.choice label{font-weight:600}
.choice .hint{margin:0;font-weight:400}
input[type=email],input[type=number],select{display:block;width:100%;max-width:24rem;min-height:44px;padding:.5rem .65rem;font:inherit;color:var(--text);background:var(--bg);border:2px solid var(--line);border-radius:.4rem}
.inline{display:flex;flex-wrap:wrap;gap:1rem}
.inline .field{flex:1 1 11rem;margin-bottom:.5rem}
button{font:inherit;font-weight:650;min-height:48px;padding:.6rem 1.4rem;border:2px solid var(--accent);border-radius:.5rem;background:var(--accent);color:var(--on-accent);cursor:pointer}
button.secondary{background:transparent;color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
[aria-invalid=true]{border-color:var(--error)}
.field-error{color:var(--error);font-weight:600;margin:.25rem 0 .5rem}
.error-summary{border:3px solid var(--error);border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0}
.error-summary ul{margin:.25rem 0 0;padding-left:1.25rem}
.error-summary a{color:var(--error);font-weight:600}
.notice{border-left:5px solid var(--ok);background:var(--panel);padding:.75rem 1rem;margin:1rem 0;border-radius:0 .5rem .5rem 0}
.summary{background:var(--panel);border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0}
.summary dt{font-weight:650}
.summary dd{margin:0 0 .5rem}
footer{border-top:1px solid var(--line);padding-top:1rem;padding-bottom:2rem;font-size:.95rem;color:var(--muted)}
`.trim();

/** What the subscribe and preferences forms show: raw strings, so a wrong value is shown back. */
export interface FormValues {
  email?: string;
  topics?: readonly string[];
  languages?: readonly string[];
  cadence?: string;
  digestHour?: string;
  digestWeekday?: string;
  timeZone?: string;
  dailyCap?: string;
  paused?: boolean;
}

/** A subscriber's choices, in words, for the confirm page. */
export interface ChoicesSummary {
  topics: readonly string[];
  languages: readonly string[];
  cadence: Cadence;
  digestHour: number;
  digestWeekday: number;
  timeZone: string;
  dailyCap?: number;
}

/** Every time zone the platform knows, common ones first. */
export function timeZoneChoices(): { common: string[]; all: string[] } {
  const supported =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = [...new Set([...supported, 'UTC'])].sort();
  return { common: COMMON_TIME_ZONES.filter((zone) => all.includes(zone)), all };
}

/**
 * The subscribe page: the form, with problems and the values typed when a submission was refused.
 *
 * @example renderSubscribePage({ topics: [{ slug: 'peace-process', name: 'Peace process', description: '…' }] })
 */
export function renderSubscribePage(input: {
  topics: readonly TopicChoice[];
  values?: FormValues;
  problems?: readonly FieldProblem[];
}): string {
  const values = input.values ?? {};
  const problems = input.problems ?? [];
  return layout({
    title: problems.length > 0 ? 'Error: Subscribe' : 'Subscribe',
    body:
      `<h1>Get news alerts on Armenia–Azerbaijan relations</h1>` +
      `<p class="lead">Choose the topics you want to follow. We will email you a link to confirm; nothing else is sent until you do.</p>` +
      errorSummary(problems) +
      `<form method="post" action="subscribe" novalidate>` +
      `<div class="field"><label for="email">Email address</label>` +
      `<span class="hint" id="email-hint">Used only to send the alerts you choose. Never shared.</span>` +
      fieldError('email', problems) +
      `<input type="email" id="email" name="email" autocomplete="email" spellcheck="false" autocapitalize="off" required maxlength="254"` +
      ` aria-describedby="${describedBy('email', problems)}"${invalid('email', problems)} value="${escapeHtml(values.email ?? '')}"></div>` +
      preferenceFields(input.topics, values, problems) +
      `<button type="submit">Subscribe</button>` +
      `</form>`,
  });
}

/**
 * The answer to every accepted subscribe request, whether the address was new, pending, already
 * subscribed or suppressed: the same words, so the page reveals nothing about the address.
 */
export function renderCheckInboxPage(): string {
  return layout({
    title: 'Check your email',
    body:
      `<h1>Check your email</h1>` +
      `<div class="notice" role="status"><p>If this address can receive our email, a message with a confirmation link is on its way. The link works for 48 hours.</p></div>` +
      `<p>Nothing else will be sent until you confirm. If you did not ask for this, ignore the message and nothing more will arrive.</p>` +
      `<p class="muted">No message after a few minutes? Look in your spam folder, or <a href="subscribe">try again</a>.</p>`,
  });
}

/** The confirm page: a button, because mail scanners follow links but do not press buttons. */
export function renderConfirmPage(input: {
  token: string;
  summary: ChoicesSummary;
  topicNames: ReadonlyMap<string, string>;
}): string {
  return layout({
    title: 'Confirm your subscription',
    body:
      `<h1>Confirm your subscription</h1>` +
      `<p class="lead">Press the button to start receiving alerts with these choices.</p>` +
      summaryList(input.summary, input.topicNames) +
      `<form method="post" action="confirm?token=${escapeHtml(encodeURIComponent(input.token))}">` +
      `<button type="submit">Confirm subscription</button></form>` +
      `<p class="muted">Did not ask for this? Close this page: nothing will be sent.</p>`,
  });
}

/** After confirming (or confirming again). */
export function renderConfirmedPage(input: { preferencesToken: string }): string {
  return layout({
    title: 'Subscription confirmed',
    body:
      `<h1>You are subscribed</h1>` +
      `<div class="notice" role="status"><p>Your subscription is confirmed.</p></div>` +
      `<p>Every email has a link to change your choices and a link to unsubscribe in one click.</p>` +
      `<p><a href="preferences?token=${escapeHtml(encodeURIComponent(input.preferencesToken))}">Change your preferences</a></p>`,
  });
}

/** The preferences page, optionally with a "saved" notice or problems. */
export function renderPreferencesPage(input: {
  token: string;
  unsubscribeToken: string;
  topics: readonly TopicChoice[];
  values: FormValues;
  problems?: readonly FieldProblem[];
  saved?: boolean;
}): string {
  const problems = input.problems ?? [];
  const values = input.values;
  return layout({
    title: problems.length > 0 ? 'Error: Your preferences' : 'Your preferences',
    body:
      `<h1>Your preferences</h1>` +
      (input.saved
        ? `<div class="notice" role="status"><p>Your preferences are saved.${values.paused ? ' Email is paused until you resume it.' : ''}</p></div>`
        : '') +
      errorSummary(problems) +
      `<form method="post" action="preferences?token=${escapeHtml(encodeURIComponent(input.token))}" novalidate>` +
      preferenceFields(input.topics, values, problems) +
      `<fieldset><legend>Pause</legend>` +
      choice({
        type: 'checkbox',
        name: 'paused',
        id: 'paused',
        value: 'on',
        checked: values.paused === true,
        label: 'Pause all email for now',
        hint: 'Your choices are kept. Untick and save to resume.',
      }) +
      `</fieldset>` +
      `<button type="submit">Save preferences</button></form>` +
      `<h2>Stop all email</h2>` +
      `<p><a href="unsubscribe?token=${escapeHtml(encodeURIComponent(input.unsubscribeToken))}">Unsubscribe</a> — takes effect at once.</p>`,
  });
}

/** The unsubscribe page: a button that posts the same one-click request mail clients send. */
export function renderUnsubscribePage(input: { token: string }): string {
  return layout({
    title: 'Unsubscribe',
    body:
      `<h1>Unsubscribe</h1>` +
      `<p class="lead">Press the button to stop every email from ${PRODUCT}. It takes effect at once.</p>` +
      `<form method="post" action="unsubscribe?token=${escapeHtml(encodeURIComponent(input.token))}">` +
      `<input type="hidden" name="List-Unsubscribe" value="One-Click">` +
      `<button type="submit">Unsubscribe</button></form>`,
  });
}

/** After unsubscribing: nothing else will come, not even a goodbye email. */
export function renderUnsubscribedPage(): string {
  return layout({
    title: 'Unsubscribed',
    body:
      `<h1>You are unsubscribed</h1>` +
      `<div class="notice" role="status"><p>You will not receive any more email from us. No goodbye message will be sent either.</p></div>` +
      `<p class="muted">Changed your mind? You can <a href="subscribe">subscribe again</a> at any time.</p>`,
  });
}

/**
 * A page with one message: a refused link, a rate limit, a server problem.
 *
 * @example renderMessagePage({ title: 'This link has expired', message: 'Subscribe again to get a new one.' })
 */
export function renderMessagePage(input: {
  title: string;
  message: string;
  /** Offer a link back to the subscribe page. */
  offerSubscribe?: boolean;
}): string {
  return layout({
    title: input.title,
    body:
      `<h1>${escapeHtml(input.title)}</h1>` +
      `<p class="lead">${escapeHtml(input.message)}</p>` +
      (input.offerSubscribe ? `<p><a href="subscribe">Go to the subscribe page</a></p>` : ''),
  });
}

function layout(input: { title: string; body: string }): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">` +
    `<meta name="color-scheme" content="light dark">` +
    `<title>${escapeHtml(input.title)} · ${PRODUCT}</title><style>${PAGE_CSS}</style></head>` +
    `<body><a class="skip" href="#main">Skip to content</a>` +
    `<header><p class="brand">${PRODUCT}</p></header>` +
    `<main id="main">${input.body}</main>` +
    `<footer><p>We keep only your email address and the choices on this page. No tracking: no cookies, no pixels, no link redirects.</p></footer>` +
    `</body></html>`
  );
}

function preferenceFields(
  topics: readonly TopicChoice[],
  values: FormValues,
  problems: readonly FieldProblem[],
): string {
  const chosenTopics = new Set(values.topics ?? []);
  const chosenLanguages = new Set(values.languages ?? []);
  const cadence = values.cadence ?? DEFAULT_PREFERENCES.cadence;
  const hour = values.digestHour ?? String(DEFAULT_PREFERENCES.digestHour);
  const weekday = values.digestWeekday ?? String(DEFAULT_PREFERENCES.digestWeekday);
  const zone = values.timeZone ?? DEFAULT_PREFERENCES.timeZone;
  return (
    group('topics', 'Topics', 'Choose at least one.', problems, () =>
      topics
        .map((topic) =>
          choice({
            type: 'checkbox',
            name: 'topics',
            id: `topic-${topic.slug}`,
            value: topic.slug,
            checked: chosenTopics.has(topic.slug),
            label: topic.name,
            hint: topic.description,
          }),
        )
        .join(''),
    ) +
    group(
      'languages',
      'Languages of articles',
      'Leave all unticked to get articles in every language.',
      problems,
      () =>
        LANGUAGES.map((language) =>
          choice({
            type: 'checkbox',
            name: 'languages',
            id: `language-${language.code}`,
            value: language.code,
            checked: chosenLanguages.has(language.code),
            label: language.label,
            labelLang: language.code,
          }),
        ).join(''),
    ) +
    group('cadence', 'How often', undefined, problems, () =>
      CADENCES.map((option) =>
        choice({
          type: 'radio',
          name: 'cadence',
          id: `cadence-${option.value}`,
          value: option.value,
          checked: cadence === option.value,
          label: option.label,
          hint: option.hint,
        }),
      ).join(''),
    ) +
    `<fieldset id="schedule"><legend>Digest time</legend>` +
    `<span class="hint">Used by the daily and weekly digests.</span><div class="inline">` +
    selectField(
      'digestHour',
      'Hour',
      Array.from({ length: 24 }, (_, index) => ({
        value: String(index),
        label: `${String(index).padStart(2, '0')}:00`,
      })),
      hour,
      problems,
    ) +
    selectField(
      'digestWeekday',
      'Day (weekly digest)',
      WEEKDAYS.map((label, index) => ({ value: String(index + 1), label })),
      weekday,
      problems,
    ) +
    timeZoneField(zone, problems) +
    `</div></fieldset>` +
    `<div class="field"><label for="dailyCap">Daily limit for instant alerts (optional)</label>` +
    `<span class="hint" id="dailyCap-hint">At most this many instant alerts a day, 1 to ${MAX_DAILY_CAP}; the rest come together in one email the next day at your digest hour. Leave empty for no limit.</span>` +
    fieldError('dailyCap', problems) +
    `<input type="number" inputmode="numeric" id="dailyCap" name="dailyCap" min="1" max="${MAX_DAILY_CAP}" step="1"` +
    ` aria-describedby="${describedBy('dailyCap', problems)}"${invalid('dailyCap', problems)} value="${escapeHtml(values.dailyCap ?? '')}"></div>`
  );
}

function group(
  field: string,
  legend: string,
  hint: string | undefined,
  problems: readonly FieldProblem[],
  content: () => string,
): string {
  const describedIds = [
    hint ? `${field}-hint` : '',
    hasProblem(field, problems) ? `${field}-error` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    `<fieldset id="${field}"${describedIds ? ` aria-describedby="${describedIds}"` : ''}>` +
    `<legend>${escapeHtml(legend)}</legend>` +
    (hint ? `<span class="hint" id="${field}-hint">${escapeHtml(hint)}</span>` : '') +
    fieldError(field, problems) +
    content() +
    `</fieldset>`
  );
}

function choice(input: {
  type: 'checkbox' | 'radio';
  name: string;
  id: string;
  value: string;
  checked: boolean;
  label: string;
  labelLang?: string;
  hint?: string;
}): string {
  const id = escapeHtml(safeId(input.id));
  const hintId = `${id}-hint`;
  return (
    `<div class="choice"><input type="${input.type}" id="${id}" name="${escapeHtml(input.name)}" value="${escapeHtml(input.value)}"` +
    `${input.checked ? ' checked' : ''}${input.hint ? ` aria-describedby="${hintId}"` : ''}>` +
    `<div><label for="${id}"${input.labelLang ? ` lang="${escapeHtml(input.labelLang)}"` : ''}>${escapeHtml(input.label)}</label>` +
    (input.hint ? `<span class="hint" id="${hintId}">${escapeHtml(input.hint)}</span>` : '') +
    `</div></div>`
  );
}

function selectField(
  field: string,
  label: string,
  options: ReadonlyArray<{ value: string; label: string }>,
  selected: string,
  problems: readonly FieldProblem[],
): string {
  return (
    `<div class="field"><label for="${field}">${escapeHtml(label)}</label>` +
    fieldError(field, problems) +
    `<select id="${field}" name="${field}"${hasProblem(field, problems) ? ` aria-describedby="${field}-error" aria-invalid="true"` : ''}>` +
    options
      .map(
        (option) =>
          `<option value="${escapeHtml(option.value)}"${option.value === selected ? ' selected' : ''}>${escapeHtml(option.label)}</option>`,
      )
      .join('') +
    `</select></div>`
  );
}

function timeZoneField(selected: string, problems: readonly FieldProblem[]): string {
  const zones = timeZoneChoices();
  let marked = false;
  // One option carries `selected`, even though common zones appear in both groups.
  const option = (zone: string) => {
    const isSelected = !marked && zone === selected;
    if (isSelected) marked = true;
    return `<option value="${escapeHtml(zone)}"${isSelected ? ' selected' : ''}>${escapeHtml(zone.replaceAll('_', ' '))}</option>`;
  };
  const common = zones.common.map(option).join('');
  const all = zones.all.map(option).join('');
  // A zone the list lacks (an alias the platform accepts) is shown rather than silently replaced.
  const extra =
    !marked && selected
      ? `<option value="${escapeHtml(selected)}" selected>${escapeHtml(selected)}</option>`
      : '';
  return (
    `<div class="field"><label for="timeZone">Time zone</label>` +
    fieldError('timeZone', problems) +
    `<select id="timeZone" name="timeZone"${hasProblem('timeZone', problems) ? ' aria-describedby="timeZone-error" aria-invalid="true"' : ''}>` +
    extra +
    `<optgroup label="Common">${common}</optgroup><optgroup label="All time zones">${all}</optgroup>` +
    `</select></div>`
  );
}

function summaryList(summary: ChoicesSummary, topicNames: ReadonlyMap<string, string>): string {
  const languages =
    summary.languages.length === 0
      ? 'Every language'
      : summary.languages
          .map((code) => {
            const language = LANGUAGES.find((entry) => entry.code === code);
            return language
              ? `<span lang="${language.code}">${escapeHtml(language.label)}</span>`
              : escapeHtml(code);
          })
          .join(', ');
  return (
    `<dl class="summary">` +
    `<dt>Topics</dt><dd>${summary.topics.map((slug) => escapeHtml(topicNames.get(slug) ?? slug)).join(', ')}</dd>` +
    `<dt>Languages</dt><dd>${languages}</dd>` +
    `<dt>How often</dt><dd>${escapeHtml(describeCadence(summary))}</dd>` +
    `</dl>`
  );
}

/**
 * The cadence in words.
 *
 * @example describeCadence({ cadence: 'weekly', digestHour: 8, digestWeekday: 1, timeZone: 'Asia/Baku' })
 * // 'Weekly digest, Monday at 08:00 (Asia/Baku)'
 */
export function describeCadence(
  summary: Pick<
    ChoicesSummary,
    'cadence' | 'digestHour' | 'digestWeekday' | 'timeZone' | 'dailyCap'
  >,
): string {
  const at = `${String(summary.digestHour).padStart(2, '0')}:00 (${summary.timeZone})`;
  if (summary.cadence === 'daily') return `Daily digest at ${at}`;
  if (summary.cadence === 'weekly') {
    return `Weekly digest, ${WEEKDAYS[summary.digestWeekday - 1] ?? 'Monday'} at ${at}`;
  }
  return summary.dailyCap ? `As it happens, at most ${summary.dailyCap} a day` : 'As it happens';
}

function errorSummary(problems: readonly FieldProblem[]): string {
  if (problems.length === 0) return '';
  return (
    `<div class="error-summary" role="alert" aria-labelledby="error-summary-title">` +
    `<h2 id="error-summary-title">Please correct ${problems.length === 1 ? 'this' : 'these'}</h2><ul>` +
    problems
      .map(
        (problem) =>
          `<li><a href="#${escapeHtml(safeId(problem.field))}">${escapeHtml(problem.message)}</a></li>`,
      )
      .join('') +
    `</ul></div>`
  );
}

function fieldError(field: string, problems: readonly FieldProblem[]): string {
  const messages = problems.filter((problem) => problem.field === field);
  if (messages.length === 0) return '';
  return `<p class="field-error" id="${escapeHtml(safeId(field))}-error"><span class="visually-hidden">Error: </span>${messages
    .map((problem) => escapeHtml(problem.message))
    .join(' ')}</p>`;
}

function hasProblem(field: string, problems: readonly FieldProblem[]): boolean {
  return problems.some((problem) => problem.field === field);
}

function describedBy(field: string, problems: readonly FieldProblem[]): string {
  return hasProblem(field, problems) ? `${field}-hint ${field}-error` : `${field}-hint`;
}

function invalid(field: string, problems: readonly FieldProblem[]): string {
  return hasProblem(field, problems) ? ' aria-invalid="true"' : '';
}

/** Ids come from topic slugs (editor-controlled): keep them to characters an id may hold. */
function safeId(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_');
}
