/**
 * Renders instant alerts and daily/weekly digests as an HTML part and a plain-text part, plus the
 * headers that make one-click unsubscribe work. Pure: same input, same email.
 *
 * What every email promises the reader:
 * - titles, outlet names and summaries appear as the outlet published them (escaped, never
 *   rewritten), and links go straight to the article: no tracking, no redirects, no images;
 * - it says why it was sent (topics and the words that matched) and who else reported the story;
 * - it carries a visible unsubscribe link and a preferences link, and the `List-Unsubscribe` /
 *   `List-Unsubscribe-Post` headers (RFC 8058) so mail clients can offer one-click unsubscribe.
 *
 * The HTML is table-based with inline styles (Outlook's Word engine ignores most CSS), fluid up to
 * 600 px with an MSO-only fixed-width wrapper, and adds dark-mode colours through
 * `prefers-color-scheme` in a `<style>` block that clients without support simply ignore.
 */
import { NewsAlertError } from '../../shared/errors';
import { type EmailMessage, parseMailbox } from './mime';
import {
  cleanText,
  escapeHtml,
  headerText,
  languageTag,
  safeHttpUrl,
  truncateText,
} from './sanitise';

export interface AlertArticle {
  key: string;
  title: string;
  url: string;
  outlet: string;
  summary: string;
  /** ISO 8601; shown in UTC. An unparsable value is left out. */
  publishedAt: string;
  /** BCP 47 tag of the article's language (`en`, `ru`, `hy`, `az`). */
  lang?: string;
}

/** Another outlet's article about the same story. */
export interface OtherReport {
  outlet: string;
  url: string;
  title: string;
  lang?: string;
}

/** Why the reader got the article. */
export interface AlertReason {
  topics: Array<{ slug: string; name: string }>;
  /** Words or phrases that matched, as they appeared in the article. */
  matched: string[];
}

export interface RecipientLinks {
  /** http(s) URL with an opaque token; also the RFC 8058 one-click POST target. */
  unsubscribeUrl: string;
  preferencesUrl: string;
}

export interface AlertEmailInput {
  from: string;
  to: string;
  article: AlertArticle;
  alsoReportedBy: OtherReport[];
  reason: AlertReason;
  links: RecipientLinks;
  /** Shown in the subject prefix and the footer. Defaults to "News Alerts". */
  productName?: string;
}

export interface DigestEntry {
  article: AlertArticle;
  alsoReportedBy: OtherReport[];
  reason: AlertReason;
}

export interface DigestEmailInput {
  from: string;
  to: string;
  period: 'daily' | 'weekly';
  /** Human label of the period, e.g. "1 July 2025" or "23–29 June 2025". */
  periodLabel: string;
  entries: DigestEntry[];
  links: RecipientLinks;
  productName?: string;
  /**
   * At most this many articles are shown (default 40), the rest counted in a closing line: Gmail
   * clips messages over about 100 KB of HTML, hiding the footer (40 Cyrillic entries ≈ 70 KB).
   */
  maxEntries?: number;
}

/** A digest section: the articles whose first topic is `topic` (`undefined`: no topic given). */
export interface DigestGroup {
  topic: { slug: string; name: string } | undefined;
  entries: Array<DigestEntry & { otherTopics: Array<{ slug: string; name: string }> }>;
}

/** The input cannot produce a safe email (a recipient link that is not http(s)). */
export class EmailRenderError extends NewsAlertError {
  override readonly name = 'EmailRenderError';
  constructor(code: 'BAD_LINK', message: string) {
    super('render', code, message);
  }
}

const DEFAULT_PRODUCT = 'News Alerts';
const SUBJECT_MAX = 150;
const ALERT_SUMMARY_MAX = 600;
const DIGEST_SUMMARY_MAX = 200;
const MAX_OTHER_REPORTS = 8;
const MAX_MATCHED = 8;
const DEFAULT_MAX_DIGEST_ENTRIES = 40;

/**
 * Renders one instant alert.
 *
 * @example
 * const email = renderAlertEmail({
 *   from: 'News Alerts <alerts@example.org>', to: 'reader@example.org',
 *   article: { key: 'k1', title: 'Пашинян и Алиев встретились', url: 'https://example.am/1',
 *     outlet: 'Example', summary: '…', publishedAt: '2025-07-01T10:00:00Z', lang: 'ru' },
 *   alsoReportedBy: [], reason: { topics: [{ slug: 'peace-process', name: 'Peace process' }], matched: ['Алиев'] },
 *   links: { unsubscribeUrl: 'https://example.org/unsubscribe?token=t', preferencesUrl: 'https://example.org/preferences?token=t' },
 * });
 * email.subject // '[News Alerts] Пашинян и Алиев встретились'
 */
export function renderAlertEmail(input: AlertEmailInput): EmailMessage {
  const product = cleanText(input.productName ?? DEFAULT_PRODUCT) || DEFAULT_PRODUCT;
  const links = checkLinks(input.links);
  const article = input.article;
  const title = cleanText(article.title);
  const outlet = cleanText(article.outlet);
  const subjectTitle = title || `New article from ${outlet || 'a news outlet'}`;
  const subject = truncateText(headerText(`[${product}] ${subjectTitle}`), SUBJECT_MAX);
  const summary = truncateText(cleanText(article.summary), ALERT_SUMMARY_MAX);
  const url = safeHttpUrl(article.url);
  const published = formatPublished(article.publishedAt);
  const others = input.alsoReportedBy.slice(0, MAX_OTHER_REPORTS);
  const moreOthers = input.alsoReportedBy.length - others.length;
  const topics = topicNames(input.reason.topics);
  const matched = matchedWords(input.reason.matched);

  const html = page({
    title: subjectTitle,
    preheader: summary || subjectTitle,
    content: [
      row(
        'padding:24px 28px 4px 28px;',
        `${paragraph(MUTED_SMALL, `${escapeHtml(product)} · Instant alert`)}` +
          `<h1 class="na-text"${langAttr(article.lang)} dir="auto" style="margin:0 0 8px 0;font-size:22px;line-height:30px;font-weight:700;color:${LIGHT.text};${FONT}">` +
          `${linkOrText(url, title || '(untitled)', `color:${LIGHT.text};text-decoration:none;`)}</h1>` +
          paragraph(MUTED_SMALL, escapeHtml([outlet, published].filter(Boolean).join(' · '))) +
          (summary ? paragraph(BODY_TEXT, escapeHtml(summary), article.lang) : '') +
          (url ? button(url, `Read at ${outlet || 'the source'}`) : ''),
      ),
      others.length > 0
        ? row(
            'padding:16px 28px 4px 28px;',
            paragraph(HEADING_SMALL, 'Also reported by') +
              others.map((other) => otherReportLine(other)).join('') +
              (moreOthers > 0 ? paragraph(MUTED_SMALL, `and ${moreOthers} more`) : ''),
          )
        : '',
      row(
        'padding:16px 28px 8px 28px;',
        paragraph(HEADING_SMALL, 'Why you got this') +
          paragraph(
            MUTED_SMALL,
            `Topics you follow: ${escapeHtml(topics || 'your topics')}.` +
              (matched.length > 0 ? ` Matched: ${escapeHtml(quoteList(matched))}.` : ''),
          ),
      ),
      footer(product, 'instant alerts', links),
    ].join(''),
  });

  const text = [
    title || '(untitled)',
    [outlet, published].filter(Boolean).join(' · '),
    url ?? '',
    '',
    summary,
    ...(others.length > 0
      ? [
          '',
          'Also reported by:',
          ...others.map((other) => `- ${otherReportText(other)}`),
          ...(moreOthers > 0 ? [`  and ${moreOthers} more`] : []),
        ]
      : []),
    '',
    `Why you got this: topics you follow: ${topics || 'your topics'}.` +
      (matched.length > 0 ? ` Matched: ${quoteList(matched)}.` : ''),
    '',
    ...textFooter(product, 'instant alerts', links),
  ];

  return {
    from: input.from,
    to: input.to,
    subject,
    html,
    text: joinTextLines(text),
    headers: listHeaders(input.from, product, links),
  };
}

/**
 * Renders a daily or weekly digest, grouped by topic: each article appears once, under its first
 * topic, with its other topics named.
 *
 * @example
 * const email = renderDigestEmail({ from, to, period: 'daily', periodLabel: '1 July 2025', entries, links });
 * email.subject // 'Your daily digest: 3 articles (1 July 2025)'
 */
export function renderDigestEmail(input: DigestEmailInput): EmailMessage {
  const product = cleanText(input.productName ?? DEFAULT_PRODUCT) || DEFAULT_PRODUCT;
  const links = checkLinks(input.links);
  const periodLabel = cleanText(input.periodLabel);
  const groups = groupDigestEntries(input.entries);
  const total = groups.reduce((sum, group) => sum + group.entries.length, 0);
  const maxEntries = Math.max(1, input.maxEntries ?? DEFAULT_MAX_DIGEST_ENTRIES);
  const shown = limitGroups(groups, maxEntries);
  const hidden = total - shown.reduce((sum, group) => sum + group.entries.length, 0);
  const count = `${total} ${total === 1 ? 'article' : 'articles'}`;
  const subject = truncateText(
    headerText(`Your ${input.period} digest: ${count}${periodLabel ? ` (${periodLabel})` : ''}`),
    SUBJECT_MAX,
  );
  const cadence = `${input.period} digest`;
  const topicCount = groups.filter((group) => group.topic).length;
  const overview = `${count}${topicCount > 0 ? ` on ${topicCount} ${topicCount === 1 ? 'topic' : 'topics'}` : ''}`;

  const html = page({
    title: subject,
    preheader: total > 0 ? `${overview}: ${groupTitles(groups)}` : 'No new articles this time.',
    content: [
      row(
        'padding:24px 28px 8px 28px;',
        paragraph(MUTED_SMALL, `${escapeHtml(product)} · ${capitalise(cadence)}`) +
          `<h1 class="na-text" style="margin:0 0 6px 0;font-size:22px;line-height:30px;font-weight:700;color:${LIGHT.text};${FONT}">` +
          `Your ${escapeHtml(cadence)}${periodLabel ? ` · ${escapeHtml(periodLabel)}` : ''}</h1>` +
          // Links at the top too: a long digest may be clipped by Gmail before the footer.
          paragraph(
            MUTED_SMALL,
            `${escapeHtml(overview)} · ${anchor(links.preferencesUrl, 'Preferences', LINK_STYLE)} · ${anchor(links.unsubscribeUrl, 'Unsubscribe', LINK_STYLE)}`,
          ),
      ),
      total === 0
        ? row(
            'padding:8px 28px 8px 28px;',
            paragraph(BODY_TEXT, 'No new articles matched your topics.'),
          )
        : '',
      ...shown.map((group) =>
        row(
          'padding:16px 28px 0 28px;',
          `<h2 class="na-text" style="margin:0 0 4px 0;font-size:17px;line-height:24px;font-weight:700;color:${LIGHT.text};${FONT}">` +
            `${escapeHtml(group.topic?.name ?? 'Other coverage')}</h2>` +
            group.entries.map((entry) => digestEntryHtml(entry)).join(''),
        ),
      ),
      hidden > 0
        ? row(
            'padding:16px 28px 0 28px;',
            paragraph(
              MUTED_SMALL,
              `And ${hidden} more ${hidden === 1 ? 'article' : 'articles'} not shown to keep this email readable.`,
            ),
          )
        : '',
      row(
        'padding:20px 28px 8px 28px;',
        paragraph(HEADING_SMALL, 'Why you got this') +
          paragraph(
            MUTED_SMALL,
            `These articles matched topics you follow; each one lists the words that matched.`,
          ),
      ),
      footer(product, `the ${cadence}`, links),
    ].join(''),
  });

  const text: string[] = [`Your ${cadence}${periodLabel ? ` · ${periodLabel}` : ''}`, overview, ''];
  if (total === 0) text.push('No new articles matched your topics.', '');
  for (const group of shown) {
    const name = cleanText(group.topic?.name ?? 'Other coverage');
    text.push(`== ${name} (${group.entries.length}) ==`, '');
    for (const entry of group.entries) text.push(...digestEntryText(entry), '');
  }
  if (hidden > 0) text.push(`And ${hidden} more not shown.`, '');
  text.push(
    'Why you got this: these articles matched topics you follow; each lists the words that matched.',
    '',
    ...textFooter(product, `the ${cadence}`, links),
  );

  return {
    from: input.from,
    to: input.to,
    subject,
    html,
    text: joinTextLines(text),
    headers: listHeaders(input.from, product, links),
  };
}

/**
 * Groups digest entries by their first topic, in the order topics first appear, keeping the first
 * entry of each article key; entries without a topic come last under `topic: undefined`.
 *
 * @example
 * // a: topics peace-process then border-security; b: border-security only
 * groupDigestEntries([a, b]).map((g) => g.topic?.slug) // ['peace-process', 'border-security']
 */
export function groupDigestEntries(entries: DigestEntry[]): DigestGroup[] {
  const seen = new Set<string>();
  const groups = new Map<string, DigestGroup>();
  let untagged: DigestGroup | undefined;
  for (const entry of entries) {
    if (seen.has(entry.article.key)) continue;
    seen.add(entry.article.key);
    const [first, ...rest] = entry.reason.topics;
    const otherTopics = rest.filter((topic) => topic.slug !== first?.slug);
    if (!first) {
      untagged ??= { topic: undefined, entries: [] };
      untagged.entries.push({ ...entry, otherTopics });
      continue;
    }
    let group = groups.get(first.slug);
    if (!group) {
      group = { topic: first, entries: [] };
      groups.set(first.slug, group);
    }
    group.entries.push({ ...entry, otherTopics });
  }
  return untagged ? [...groups.values(), untagged] : [...groups.values()];
}

// ---------------------------------------------------------------------------------------------
// HTML building blocks. Every dynamic value goes through escapeHtml; every href through
// safeHttpUrl. Nothing here emits <img>, <form>, <script> or event-handler attributes.

const LIGHT = {
  page: '#f3f4f6',
  card: '#ffffff',
  text: '#1f2328',
  muted: '#57606a',
  link: '#0b57d0',
  rule: '#d8dee4',
};
const FONT =
  "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Noto Sans','Noto Sans Armenian',Sylfaen,Arial,sans-serif;";
// Paragraphs inherit the font from their cell (`row`), which keeps long digests small; headings
// name it again because Outlook applies its own heading fonts.
const MUTED_SMALL = `margin:0 0 8px 0;font-size:13px;line-height:19px;color:${LIGHT.muted};`;
const HEADING_SMALL = `margin:0 0 6px 0;font-size:14px;line-height:20px;font-weight:700;color:${LIGHT.text};`;
const BODY_TEXT = `margin:0 0 12px 0;font-size:16px;line-height:24px;color:${LIGHT.text};`;
const LINK_STYLE = `color:${LIGHT.link};text-decoration:underline;`;

// Dark mode: clients that support `prefers-color-scheme` (Apple Mail, Outlook for Mac, some
// others) swap colours; Outlook.com marks its dark mode with [data-ogsc]/[data-ogsb]. Clients that
// ignore the block keep the light inline colours, which are readable everywhere.
const STYLE_BLOCK =
  ':root{color-scheme:light dark;supported-color-schemes:light dark;}' +
  'body{margin:0;padding:0;width:100%;-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%;}' +
  'a{word-break:break-word;}' +
  '@media (prefers-color-scheme:dark){' +
  '.na-page{background-color:#0d1117 !important;}' +
  '.na-card{background-color:#161b22 !important;border-color:#30363d !important;}' +
  '.na-text,.na-text a{color:#e6edf3 !important;}' +
  '.na-muted{color:#9198a1 !important;}' +
  '.na-link{color:#7cacf8 !important;}' +
  '.na-rule{border-color:#30363d !important;}}' +
  '[data-ogsc] .na-text,[data-ogsc] .na-text a{color:#e6edf3 !important;}' +
  '[data-ogsc] .na-muted{color:#9198a1 !important;}' +
  '[data-ogsc] .na-link{color:#7cacf8 !important;}' +
  '[data-ogsb] .na-page{background-color:#0d1117 !important;}' +
  '[data-ogsb] .na-card{background-color:#161b22 !important;}' +
  '@media only screen and (max-width:620px){.na-pad{padding-left:16px !important;padding-right:16px !important;}}';

function page(input: { title: string; preheader: string; content: string }): string {
  // Invisible preview text, padded with zero-width joiners so clients don't pull body text in.
  const preheader =
    `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;color:${LIGHT.page};">` +
    `${escapeHtml(truncateText(cleanText(input.preheader), 140))}${'&#8204;&nbsp;'.repeat(40)}</div>`;
  return (
    '<!DOCTYPE html>' +
    '<html lang="en" dir="ltr" xmlns="http://www.w3.org/1999/xhtml" xmlns:o="urn:schemas-microsoft-com:office:office">' +
    '<head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta http-equiv="X-UA-Compatible" content="IE=edge">' +
    '<meta name="x-apple-disable-message-reformatting">' +
    '<meta name="format-detection" content="telephone=no,date=no,address=no,email=no,url=no">' +
    '<meta name="color-scheme" content="light dark">' +
    '<meta name="supported-color-schemes" content="light dark">' +
    `<title>${escapeHtml(cleanText(input.title))}</title>` +
    '<!--[if mso]><noscript><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript><![endif]-->' +
    `<style>${STYLE_BLOCK}</style></head>` +
    `<body class="na-page" style="margin:0;padding:0;background-color:${LIGHT.page};">` +
    preheader +
    `<table role="presentation" class="na-page" width="100%" cellspacing="0" cellpadding="0" border="0" style="background-color:${LIGHT.page};" bgcolor="${LIGHT.page}"><tr><td align="center" style="padding:24px 8px;">` +
    // Outlook's Word engine ignores max-width: give it a fixed 600 px column instead.
    '<!--[if mso]><table role="presentation" width="600" cellspacing="0" cellpadding="0" border="0"><tr><td><![endif]-->' +
    `<table role="presentation" class="na-card" width="100%" cellspacing="0" cellpadding="0" border="0" style="width:100%;max-width:600px;background-color:${LIGHT.card};border:1px solid ${LIGHT.rule};border-radius:8px;" bgcolor="${LIGHT.card}">` +
    input.content +
    '</table>' +
    '<!--[if mso]></td></tr></table><![endif]-->' +
    '</td></tr></table></body></html>'
  );
}

function row(padding: string, inner: string): string {
  return `<tr><td class="na-pad" style="${padding}${FONT}">${inner}</td></tr>`;
}

function paragraph(style: string, innerHtml: string, lang?: string): string {
  const className = style === MUTED_SMALL ? 'na-muted' : 'na-text';
  return `<p class="${className}"${langAttr(lang)} style="${style}">${innerHtml}</p>`;
}

function langAttr(lang: string | undefined): string {
  const tag = languageTag(lang);
  return tag ? ` lang="${tag}"` : '';
}

/** A link when the URL is http(s); otherwise the text alone, so a hostile URL is never clickable. */
function linkOrText(
  url: string | undefined,
  text: string,
  style: string,
  className?: string,
): string {
  if (!url) return escapeHtml(text);
  const classAttr = className ? ` class="${className}"` : '';
  return `<a${classAttr} href="${escapeHtml(url)}" style="${style}">${escapeHtml(text)}</a>`;
}

function anchor(url: string, text: string, style: string): string {
  return `<a class="na-link" href="${escapeHtml(url)}" style="${style}">${escapeHtml(text)}</a>`;
}

function button(url: string, label: string): string {
  // A padded, coloured cell is the button: Outlook ignores padding on <a> but honours it on <td>.
  return (
    '<table role="presentation" cellspacing="0" cellpadding="0" border="0" style="margin:4px 0 8px 0;"><tr>' +
    `<td bgcolor="${LIGHT.link}" style="border-radius:6px;background-color:${LIGHT.link};padding:10px 18px;">` +
    `<a href="${escapeHtml(url)}" style="display:inline-block;color:#ffffff;text-decoration:none;font-size:15px;line-height:20px;font-weight:600;${FONT}">` +
    `${escapeHtml(label)}</a></td></tr></table>`
  );
}

function otherReportLine(other: OtherReport): string {
  const outlet = cleanText(other.outlet) || 'Another outlet';
  const title = cleanText(other.title);
  const url = safeHttpUrl(other.url);
  const style = `margin:0 0 6px 0;font-size:14px;line-height:20px;color:${LIGHT.text};`;
  if (!title) return paragraph(style, linkOrText(url, outlet, LINK_STYLE, 'na-link'));
  return paragraph(
    style,
    `<strong>${escapeHtml(outlet)}</strong>: ${linkOrText(url, title, LINK_STYLE, 'na-link')}`,
    other.lang,
  );
}

function otherReportText(other: OtherReport): string {
  const outlet = cleanText(other.outlet) || 'Another outlet';
  const title = cleanText(other.title);
  const url = safeHttpUrl(other.url);
  return `${outlet}${title ? `: ${title}` : ''}${url ? ` <${url}>` : ''}`;
}

function digestEntryHtml(entry: DigestGroup['entries'][number]): string {
  const article = entry.article;
  const title = cleanText(article.title) || '(untitled)';
  const url = safeHttpUrl(article.url);
  const summary = truncateText(cleanText(article.summary), DIGEST_SUMMARY_MAX);
  const meta = [cleanText(article.outlet), formatPublished(article.publishedAt)].filter(Boolean);
  const others = entry.alsoReportedBy.slice(0, MAX_OTHER_REPORTS);
  const matched = matchedWords(entry.reason.matched);
  const details: string[] = [];
  if (entry.otherTopics.length > 0) details.push(`Also in: ${topicNames(entry.otherTopics)}`);
  if (matched.length > 0) details.push(`Matched: ${quoteList(matched)}`);
  return (
    `<div class="na-rule" style="border-top:1px solid ${LIGHT.rule};padding:12px 0 4px 0;">` +
    `<p class="na-text"${langAttr(article.lang)} dir="auto" style="margin:0 0 4px 0;font-size:16px;line-height:22px;font-weight:600;color:${LIGHT.text};">` +
    `${linkOrText(url, title, `color:${LIGHT.text};text-decoration:none;`)}</p>` +
    paragraph(MUTED_SMALL, escapeHtml(meta.join(' · '))) +
    (summary
      ? paragraph(
          `margin:0 0 8px 0;font-size:14px;line-height:21px;color:${LIGHT.text};`,
          escapeHtml(summary),
          article.lang,
        )
      : '') +
    (others.length > 0
      ? paragraph(
          MUTED_SMALL,
          `Also reported by: ${others
            .map((other) => {
              const outlet = cleanText(other.outlet) || 'another outlet';
              const otherUrl = safeHttpUrl(other.url);
              return otherUrl ? anchor(otherUrl, outlet, LINK_STYLE) : escapeHtml(outlet);
            })
            .join(
              ', ',
            )}${entry.alsoReportedBy.length > others.length ? ` and ${entry.alsoReportedBy.length - others.length} more` : ''}`,
        )
      : '') +
    (details.length > 0 ? paragraph(MUTED_SMALL, escapeHtml(details.join(' · '))) : '') +
    '</div>'
  );
}

function digestEntryText(entry: DigestGroup['entries'][number]): string[] {
  const article = entry.article;
  const url = safeHttpUrl(article.url);
  const summary = truncateText(cleanText(article.summary), DIGEST_SUMMARY_MAX);
  const meta = [cleanText(article.outlet), formatPublished(article.publishedAt)].filter(Boolean);
  const matched = matchedWords(entry.reason.matched);
  const lines = [`* ${cleanText(article.title) || '(untitled)'}`];
  if (meta.length > 0) lines.push(`  ${meta.join(' · ')}`);
  if (url) lines.push(`  ${url}`);
  if (summary) lines.push(`  ${summary}`);
  if (entry.otherTopics.length > 0) lines.push(`  Also in: ${topicNames(entry.otherTopics)}`);
  for (const other of entry.alsoReportedBy.slice(0, MAX_OTHER_REPORTS)) {
    lines.push(`  Also reported by ${otherReportText(other)}`);
  }
  if (matched.length > 0) lines.push(`  Matched: ${quoteList(matched)}`);
  return lines;
}

function footer(product: string, what: string, links: RecipientLinks): string {
  return row(
    `padding:16px 28px 24px 28px;border-top:1px solid ${LIGHT.rule};`,
    paragraph(
      MUTED_SMALL,
      `You are receiving ${escapeHtml(what)} from ${escapeHtml(product)} because you subscribed. ` +
        'Headlines are shown as each outlet published them.',
    ) +
      paragraph(
        MUTED_SMALL,
        `${anchor(links.preferencesUrl, 'Manage preferences', LINK_STYLE)} · ${anchor(links.unsubscribeUrl, 'Unsubscribe', LINK_STYLE)}`,
      ),
  );
}

function textFooter(product: string, what: string, links: RecipientLinks): string[] {
  return [
    '--',
    `You are receiving ${what} from ${product} because you subscribed.`,
    'Headlines are shown as each outlet published them.',
    `Manage preferences: ${links.preferencesUrl}`,
    `Unsubscribe: ${links.unsubscribeUrl}`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Small text helpers.

function checkLinks(links: RecipientLinks): RecipientLinks {
  const unsubscribeUrl = safeHttpUrl(links.unsubscribeUrl);
  const preferencesUrl = safeHttpUrl(links.preferencesUrl);
  // Every email must let the reader leave: refuse to render one whose links would not work.
  if (!unsubscribeUrl || !preferencesUrl) {
    throw new EmailRenderError(
      'BAD_LINK',
      'unsubscribe and preferences links must be http(s) URLs',
    );
  }
  return { unsubscribeUrl, preferencesUrl };
}

function listHeaders(from: string, product: string, links: RecipientLinks): Record<string, string> {
  const domain = parseMailbox(from).address.split('@')[1] ?? 'localhost';
  const phrase = /^[A-Za-z0-9 ]+$/.test(product) ? `${product} ` : '';
  return {
    'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': `${phrase}<news-alerts.${domain}>`,
    // RFC 3834: tells auto-responders (out-of-office) not to answer.
    'Auto-Submitted': 'auto-generated',
  };
}

function topicNames(topics: Array<{ slug: string; name: string }>): string {
  return topics
    .map((topic) => cleanText(topic.name) || topic.slug)
    .filter(Boolean)
    .join(', ');
}

function matchedWords(matched: string[]): string[] {
  const unique = [...new Set(matched.map((word) => cleanText(word)).filter(Boolean))];
  return unique.slice(0, MAX_MATCHED).map((word) => truncateText(word, 60));
}

function quoteList(words: string[]): string {
  return words.map((word) => `“${word}”`).join(', ');
}

function groupTitles(groups: DigestGroup[]): string {
  return groups.map((group) => cleanText(group.topic?.name ?? 'Other coverage')).join(', ');
}

function limitGroups(groups: DigestGroup[], max: number): DigestGroup[] {
  let left = max;
  const out: DigestGroup[] = [];
  for (const group of groups) {
    if (left <= 0) break;
    const entries = group.entries.slice(0, left);
    left -= entries.length;
    out.push({ ...group, entries });
  }
  return out;
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "1 Jul 2025, 14:05 UTC", or '' when the date cannot be read. */
function formatPublished(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

function joinTextLines(lines: string[]): string {
  // Collapse runs of blank lines left by optional sections.
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
