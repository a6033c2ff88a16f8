import { describe, expect, it } from 'vitest';
import {
  type AlertArticle,
  type AlertEmailInput,
  type DigestEntry,
  EmailRenderError,
  groupDigestEntries,
  renderAlertEmail,
  renderDigestEmail,
} from '../../../lambdas/domain/alerts/render-email';
import { escapeHtml } from '../../../lambdas/domain/alerts/sanitise';

const LINKS = {
  unsubscribeUrl: 'https://alerts.example.org/unsubscribe?token=opaque-123',
  preferencesUrl: 'https://alerts.example.org/preferences?token=opaque-123',
};
const PEACE = { slug: 'peace-process', name: 'Peace process' };
const BORDER = { slug: 'border-security', name: 'Border security' };
const CORRIDORS = { slug: 'transport-corridors', name: 'Transport corridors' };

function article(overrides: Partial<AlertArticle> = {}): AlertArticle {
  return {
    key: 'a1',
    title: 'Armenia and Azerbaijan initial peace agreement in Washington',
    url: 'https://news.example.com/world/peace-agreement?id=7&lang=en',
    outlet: 'Example News',
    summary: 'Foreign ministers initialled the text after talks.',
    publishedAt: '2025-08-08T17:45:00Z',
    lang: 'en',
    ...overrides,
  };
}

function alertInput(overrides: Partial<AlertEmailInput> = {}): AlertEmailInput {
  return {
    from: 'News Alerts <alerts@example.org>',
    to: 'reader@example.net',
    article: article(),
    alsoReportedBy: [],
    reason: { topics: [PEACE], matched: ['peace agreement'] },
    links: LINKS,
    ...overrides,
  };
}

function entry(
  key: string,
  topics: Array<{ slug: string; name: string }>,
  title = `Title ${key}`,
): DigestEntry {
  return {
    article: article({ key, title, url: `https://news.example.com/${key}` }),
    alsoReportedBy: [],
    reason: { topics, matched: [`word-${key}`] },
  };
}

/** Every tag in the HTML (escaped text has no literal "<", so these are real elements). */
function tags(html: string): string[] {
  return html.match(/<[^>]*>/g) ?? [];
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) =>
    (match[1] ?? '').replace(/&amp;/g, '&'),
  );
}

describe('renderAlertEmail', () => {
  it('puts the title, exactly as published, in the subject after the product name', () => {
    // Prepare
    const title = 'Пашинян: «Мы готовы подписать договор» — Алиев ответил';

    // Act
    const email = renderAlertEmail(alertInput({ article: article({ title, lang: 'ru' }) }));

    // Assess
    expect(email.subject).toBe(`[News Alerts] ${title}`);
    expect(email.html).toContain(escapeHtml(title));
    expect(email.text.split('\n')[0]).toBe(title);
  });

  it('shows an Armenian title untouched and marks its language', () => {
    // Prepare
    const title = 'Փաշինյանը և Ալիևը հանդիպել են Աբու Դաբիում';

    // Act
    const email = renderAlertEmail(alertInput({ article: article({ title, lang: 'hy' }) }));

    // Assess
    expect(email.html).toContain(`lang="hy"`);
    expect(email.html).toContain(title);
    expect(email.subject).toContain(title);
  });

  it('strips line breaks and control characters from the subject and caps its length', () => {
    // Prepare
    const title = `Line one\r\nBcc: someone@evil.test\u0000 ${'Ղարաբաղ '.repeat(40)}`;

    // Act
    const { subject } = renderAlertEmail(alertInput({ article: article({ title }) }));

    // Assess
    expect(subject).not.toContain('\r');
    expect(subject).not.toContain('\n');
    expect(subject).not.toContain('\u0000');
    expect(subject.startsWith('[News Alerts] Line one Bcc: someone@evil.test Ղարաբաղ')).toBe(true);
    expect([...subject].length).toBeLessThanOrEqual(150);
    expect(subject.endsWith('…')).toBe(true);
  });

  it('never cuts an emoji flag in half when capping the subject', () => {
    // Prepare
    const title = '🇦🇲🇦🇿'.repeat(100);

    // Act
    const { subject } = renderAlertEmail(alertInput({ article: article({ title }) }));

    // Assess
    const body = subject.slice('[News Alerts] '.length, -1);
    expect(body).toMatch(/^(🇦🇲🇦🇿)*(🇦🇲)?$/u);
  });

  it('sets the one-click unsubscribe headers to the reader’s unsubscribe link', () => {
    // Act
    const { headers } = renderAlertEmail(alertInput());

    // Assess
    expect(headers['List-Unsubscribe']).toBe(`<${LINKS.unsubscribeUrl}>`);
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(headers['List-Id']).toBe('News Alerts <news-alerts.example.org>');
  });

  it('shows visible unsubscribe and preferences links in both parts', () => {
    // Act
    const email = renderAlertEmail(alertInput());

    // Assess
    expect(email.html).toMatch(
      /href="https:\/\/alerts\.example\.org\/unsubscribe\?token=opaque-123"[^>]*>Unsubscribe<\/a>/,
    );
    expect(email.html).toMatch(
      /href="https:\/\/alerts\.example\.org\/preferences\?token=opaque-123"[^>]*>Manage preferences<\/a>/,
    );
    expect(email.text).toContain(`Unsubscribe: ${LINKS.unsubscribeUrl}`);
    expect(email.text).toContain(`Manage preferences: ${LINKS.preferencesUrl}`);
  });

  it('says why it was sent: the topics and the words that matched', () => {
    // Prepare
    const reason = { topics: [PEACE, CORRIDORS], matched: ['Zangezur corridor', 'TRIPP', 'TRIPP'] };

    // Act
    const email = renderAlertEmail(alertInput({ reason }));

    // Assess
    expect(email.html).toContain('Why you got this');
    expect(email.html).toContain('Peace process, Transport corridors');
    expect(email.html).toContain('“Zangezur corridor”, “TRIPP”.');
    expect(email.text).toContain(
      'Why you got this: topics you follow: Peace process, Transport corridors. Matched: “Zangezur corridor”, “TRIPP”.',
    );
  });

  it('lists the other outlets that reported the same story, with their own titles and links', () => {
    // Prepare
    const alsoReportedBy = [
      {
        outlet: 'Azertac',
        url: 'https://azertac.example/en/1',
        title: 'Azerbaijan and Armenia initial agreement',
      },
      {
        outlet: 'Armenpress',
        url: 'https://armenpress.example/hy/2',
        title: 'Հայաստանն ու Ադրբեջանը նախաստորագրեցին',
        lang: 'hy',
      },
    ];

    // Act
    const email = renderAlertEmail(alertInput({ alsoReportedBy }));

    // Assess
    expect(email.html).toContain('Also reported by');
    expect(email.html).toContain('<strong>Azertac</strong>');
    expect(hrefs(email.html)).toContain('https://armenpress.example/hy/2');
    expect(email.text).toContain(
      '- Armenpress: Հայաստանն ու Ադրբեջանը նախաստորագրեցին <https://armenpress.example/hy/2>',
    );
  });

  it('links straight to the article and the reader’s own pages, with no tracking or redirects', () => {
    // Prepare
    const alsoReportedBy = [
      { outlet: 'Other', url: 'https://other.example/x', title: 'Other title' },
    ];

    // Act
    const email = renderAlertEmail(alertInput({ alsoReportedBy }));

    // Assess
    expect(new Set(hrefs(email.html))).toEqual(
      new Set([
        'https://news.example.com/world/peace-agreement?id=7&lang=en',
        'https://other.example/x',
        LINKS.unsubscribeUrl,
        LINKS.preferencesUrl,
      ]),
    );
    expect(email.html).not.toMatch(/<img|src=|<link|@import|url\(/i);
  });

  it('renders a hostile article as harmless text: no script, handlers, images, forms or js links', () => {
    // Prepare
    const hostile = article({
      title: '<img src=x onerror=alert(1)>',
      url: 'javascript:alert(1)',
      outlet: '"><svg onload=alert(2)>',
      summary:
        'Before</td></table><script>alert(3)</script><form action="https://evil.test"><input></form>',
    });
    const alsoReportedBy = [
      {
        outlet: 'Evil <b>',
        url: 'data:text/html,<script>alert(4)</script>',
        title: "x' onmouseover='alert(5)",
      },
      { outlet: 'Evil 2', url: ' JaVaScRiPt:alert(6)', title: 'y' },
    ];

    // Act
    const email = renderAlertEmail(
      alertInput({
        article: hostile,
        alsoReportedBy,
        reason: { topics: [{ slug: 's', name: '<i>x</i>' }], matched: ['<script>'] },
      }),
    );

    // Assess
    const html = email.html;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<form|<input|<svg|<iframe|<object|<embed/i);
    for (const tag of tags(html)) {
      expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
      expect(tag).not.toMatch(/\ssrc\s*=/i);
    }
    for (const href of hrefs(html)) expect(href).toMatch(/^https:\/\//);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Before&lt;/td&gt;&lt;/table&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(html).not.toContain('Read at');
    // The table structure is intact: every opened table is closed.
    expect(html.match(/<table/g)?.length).toBe(html.match(/<\/table>/g)?.length);
    // The plain-text part shows the title as published and offers no link for it.
    expect(email.text).toContain('<img src=x onerror=alert(1)>');
    expect(email.text).not.toMatch(/javascript:|data:/i);
  });

  it('works in dark mode and in Outlook: colour-scheme meta, dark styles, MSO-only fixed width', () => {
    // Act
    const { html } = renderAlertEmail(alertInput());

    // Assess
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('<meta name="supported-color-schemes" content="light dark">');
    expect(html).toContain('@media (prefers-color-scheme:dark)');
    expect(html).toContain('<!--[if mso]><table role="presentation" width="600"');
    expect(html).toContain('max-width:600px');
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en"/);
    // Light colours are inline, so clients that drop <style> still render a readable email.
    expect(html).toMatch(/<body[^>]*style="[^"]*background-color:#f3f4f6/);
  });

  it('shows the outlet and the publication time in UTC', () => {
    // Act
    const email = renderAlertEmail(alertInput());

    // Assess
    expect(email.html).toContain('Example News · 8 Aug 2025, 17:45 UTC');
    expect(email.text).toContain('Example News · 8 Aug 2025, 17:45 UTC');
  });

  it('refuses to render an email whose unsubscribe link would not work', () => {
    // Act + Assess
    expect(() =>
      renderAlertEmail(alertInput({ links: { ...LINKS, unsubscribeUrl: 'javascript:void(0)' } })),
    ).toThrow(EmailRenderError);
  });
});

describe('renderDigestEmail', () => {
  const entries = [
    entry('a', [PEACE, BORDER], 'Peace and border story'),
    entry('b', [BORDER], 'Border story'),
    entry('c', [PEACE], 'Second peace story'),
    entry('a', [BORDER], 'Peace and border story (repeat)'),
    entry('d', [], 'Untagged story'),
  ];

  it('counts the articles and names the period in the subject', () => {
    // Act
    const daily = renderDigestEmail({
      from: 'alerts@example.org',
      to: 'r@example.net',
      period: 'daily',
      periodLabel: '8 August 2025',
      entries,
      links: LINKS,
    });
    const weekly = renderDigestEmail({
      from: 'alerts@example.org',
      to: 'r@example.net',
      period: 'weekly',
      periodLabel: '4–10 August 2025',
      entries: entries.slice(1, 2),
      links: LINKS,
    });

    // Assess
    expect(daily.subject).toBe('Your daily digest: 4 articles (8 August 2025)');
    expect(weekly.subject).toBe('Your weekly digest: 1 article (4–10 August 2025)');
  });

  it('groups articles by their first topic, each article once, naming its other topics', () => {
    // Act
    const { html, text } = renderDigestEmail({
      from: 'alerts@example.org',
      to: 'r@example.net',
      period: 'daily',
      periodLabel: '8 August 2025',
      entries,
      links: LINKS,
    });

    // Assess
    const headings = [...html.matchAll(/<h2[^>]*>([^<]*)<\/h2>/g)].map((match) => match[1]);
    expect(headings).toEqual(['Peace process', 'Border security', 'Other coverage']);
    expect(html.match(/Peace and border story/g)).toHaveLength(1);
    expect(html).not.toContain('(repeat)');
    expect(html).toContain('Also in: Border security');
    expect(text).toContain('== Peace process (2) ==');
    expect(text.indexOf('Second peace story')).toBeLessThan(text.indexOf('== Border security'));
  });

  it('keeps the unsubscribe link near the top, in case Gmail clips a long digest', () => {
    // Act
    const { html, headers } = renderDigestEmail({
      from: 'alerts@example.org',
      to: 'r@example.net',
      period: 'daily',
      periodLabel: 'today',
      entries,
      links: LINKS,
    });

    // Assess
    expect(html.indexOf('>Unsubscribe</a>')).toBeLessThan(html.indexOf('<h2'));
    expect(headers['List-Unsubscribe']).toBe(`<${LINKS.unsubscribeUrl}>`);
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });

  it('shows at most maxEntries articles and says how many more there were', () => {
    // Prepare
    const many = Array.from({ length: 12 }, (_, index) => entry(`k${index}`, [PEACE]));

    // Act
    const email = renderDigestEmail({
      from: 'alerts@example.org',
      to: 'r@example.net',
      period: 'weekly',
      periodLabel: 'this week',
      entries: many,
      links: LINKS,
      maxEntries: 10,
    });

    // Assess
    expect(email.subject).toBe('Your weekly digest: 12 articles (this week)');
    expect(email.html.match(/class="na-rule"/g)).toHaveLength(10);
    expect(email.html).toContain('And 2 more articles not shown');
  });

  it('says so when nothing matched', () => {
    // Act
    const email = renderDigestEmail({
      from: 'alerts@example.org',
      to: 'r@example.net',
      period: 'daily',
      periodLabel: 'today',
      entries: [],
      links: LINKS,
    });

    // Assess
    expect(email.subject).toBe('Your daily digest: 0 articles (today)');
    expect(email.text).toContain('No new articles matched your topics.');
  });

  it('escapes hostile digest entries like alerts', () => {
    // Prepare
    const hostile: DigestEntry = {
      article: article({
        key: 'h',
        title: '<img src=x onerror=alert(1)>',
        url: 'javascript:alert(1)',
        summary: '</td></table><script>x</script>',
      }),
      alsoReportedBy: [{ outlet: '<script>', url: 'javascript:alert(2)', title: 't' }],
      reason: { topics: [{ slug: 'x', name: '<b onclick=1>' }], matched: ['<x>'] },
    };

    // Act
    const { html } = renderDigestEmail({
      from: 'alerts@example.org',
      to: 'r@example.net',
      period: 'daily',
      periodLabel: 'today',
      entries: [hostile],
      links: LINKS,
    });

    // Assess
    expect(html).not.toMatch(/<script|<img|<form|<b /i);
    for (const tag of tags(html)) expect(tag).not.toMatch(/\son[a-z]+\s*=|\ssrc\s*=/i);
    for (const href of hrefs(html)) expect(href).toMatch(/^https:\/\//);
  });
});

describe('groupDigestEntries', () => {
  it('orders groups by first appearance and puts untagged articles last', () => {
    // Act
    const groups = groupDigestEntries([
      entry('x', []),
      entry('y', [BORDER, PEACE]),
      entry('z', [PEACE]),
    ]);

    // Assess
    expect(groups.map((group) => group.topic?.slug)).toEqual([
      'border-security',
      'peace-process',
      undefined,
    ]);
    expect(groups[0]?.entries[0]?.otherTopics).toEqual([PEACE]);
  });
});
