import { describe, expect, it } from 'vitest';
import {
  describeCadence,
  renderCheckInboxPage,
  renderConfirmPage,
  renderPreferencesPage,
  renderSubscribePage,
  renderUnsubscribePage,
} from '../../../lambdas/domain/subscribers/pages';
import type { TopicChoice } from '../../../lambdas/domain/subscribers/validation';

const TOPICS: TopicChoice[] = [
  { slug: 'peace-process', name: 'Peace process', description: 'Talks, treaties and mediators.' },
  {
    slug: 'border-security',
    name: 'Border <security>',
    description: 'Incidents & "delimitation".',
  },
];

describe('subscriber pages', () => {
  it('declares the page language and labels each language in its own script', () => {
    // Act
    const html = renderSubscribePage({ topics: TOPICS });

    // Assess
    expect(html).toMatch(/^<!doctype html><html lang="en">/);
    expect(html).toContain('<label for="language-hy" lang="hy">Հայերեն</label>');
    expect(html).toContain('<label for="language-ru" lang="ru">Русский</label>');
    expect(html).toContain('<label for="language-az" lang="az">Azərbaycanca</label>');
    expect(html).toContain('<label for="language-en" lang="en">English</label>');
  });

  it('gives every form control a label and shows topic descriptions as their hints', () => {
    // Act
    const html = renderSubscribePage({ topics: TOPICS });

    // Assess
    const ids = [...html.matchAll(/<(?:input|select)[^>]* id="([^"]+)"/g)].map((match) => match[1]);
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) expect(html).toContain(`<label for="${id}"`);
    expect(html).toContain('aria-describedby="topic-peace-process-hint"');
    expect(html).toContain(
      '<span class="hint" id="topic-peace-process-hint">Talks, treaties and mediators.</span>',
    );
  });

  it('escapes topic names and typed values instead of running them', () => {
    // Act
    const html = renderSubscribePage({
      topics: TOPICS,
      values: { email: '"><script>alert(1)</script>' },
      problems: [{ field: 'email', message: 'Enter one email address, like name@example.org.' }],
    });

    // Assess
    expect(html).not.toContain('<script>');
    expect(html).toContain('Border &lt;security&gt;');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('summarises problems at the top, linked to their fields, and marks the fields invalid', () => {
    // Act
    const html = renderSubscribePage({
      topics: TOPICS,
      problems: [{ field: 'topics', message: 'Choose at least one topic.' }],
    });

    // Assess
    expect(html).toContain('<title>Error: Subscribe · News Alerts</title>');
    expect(html).toContain('role="alert"');
    expect(html).toContain('<a href="#topics">Choose at least one topic.</a>');
    expect(html).toContain('<fieldset id="topics" aria-describedby="topics-hint topics-error">');
  });

  it('keeps the chosen values when a form is shown again', () => {
    // Act
    const html = renderSubscribePage({
      topics: TOPICS,
      values: {
        topics: ['border-security'],
        cadence: 'weekly',
        digestHour: '19',
        timeZone: 'Asia/Baku',
      },
    });

    // Assess
    expect(html).toContain('value="border-security" checked');
    expect(html).toContain('id="cadence-weekly" name="cadence" value="weekly" checked');
    expect(html).toContain('<option value="19" selected>19:00</option>');
    expect(html.match(/<option value="Asia\/Baku" selected>/g)).toHaveLength(1);
  });

  it('posts every form to a relative address, so the pages work under any path prefix', () => {
    // Act
    const pages = [
      renderSubscribePage({ topics: TOPICS }),
      renderConfirmPage({
        token: 'c.abc',
        summary: {
          topics: ['peace-process'],
          languages: ['hy'],
          cadence: 'daily',
          digestHour: 8,
          digestWeekday: 1,
          timeZone: 'Asia/Yerevan',
        },
        topicNames: new Map([['peace-process', 'Peace process']]),
      }),
      renderPreferencesPage({
        token: 'p.abc',
        unsubscribeToken: 'u.abc',
        topics: TOPICS,
        values: { topics: ['peace-process'] },
      }),
      renderUnsubscribePage({ token: 'u.abc' }),
    ];

    // Assess
    for (const html of pages) {
      const actions = [...html.matchAll(/<form method="post" action="([^"]+)"/g)].map(
        (match) => match[1],
      );
      expect(actions.length).toBe(1);
      expect(actions[0]).not.toMatch(/^\/|^https?:/);
    }
  });

  it('answers a subscribe request with words that say nothing about the address', () => {
    // Act
    const html = renderCheckInboxPage();

    // Assess
    expect(html).toContain('If this address can receive our email');
    expect(html).not.toMatch(/already|welcome back/i);
  });

  it('loads nothing from anywhere: no scripts, images, fonts or external links in the head', () => {
    // Act
    const html = renderSubscribePage({ topics: TOPICS });

    // Assess
    expect(html).not.toMatch(/<script|<img|<link|@import|url\(/i);
  });

  it('describes cadences in words', () => {
    // Assess
    expect(
      describeCadence({
        cadence: 'weekly',
        digestHour: 8,
        digestWeekday: 5,
        timeZone: 'Asia/Baku',
      }),
    ).toBe('Weekly digest, Friday at 08:00 (Asia/Baku)');
    expect(
      describeCadence({
        cadence: 'instant',
        digestHour: 8,
        digestWeekday: 1,
        timeZone: 'UTC',
        dailyCap: 5,
      }),
    ).toBe('As it happens, at most 5 a day');
  });
});
