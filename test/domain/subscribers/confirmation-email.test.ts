import { describe, expect, it } from 'vitest';
import {
  renderAlreadySubscribedEmail,
  renderConfirmationEmail,
} from '../../../lambdas/domain/subscribers/confirmation-email';

describe('confirmation email', () => {
  it('carries the confirmation link, when it expires, and what happens if ignored', () => {
    // Act
    const email = renderConfirmationEmail({
      from: 'News Alerts <alerts@example.org>',
      to: 'ani@mail.example',
      confirmUrl: 'https://alerts.example.org/confirm?token=c.abc&x=1',
      expiresAt: new Date('2026-11-28T10:00:00Z'),
    });

    // Assess
    expect(email.subject).toBe('Confirm your subscription to News Alerts');
    expect(email.text).toContain('https://alerts.example.org/confirm?token=c.abc&x=1');
    expect(email.text).toContain('2026-11-28 10:00 UTC');
    expect(email.text).toContain('nothing more will be sent');
    expect(email.html).toContain('href="https://alerts.example.org/confirm?token=c.abc&amp;x=1"');
    expect(email.headers).toEqual({ 'Auto-Submitted': 'auto-generated' });
  });

  it('tells an already subscribed address nothing changed and links its preferences', () => {
    // Act
    const email = renderAlreadySubscribedEmail({
      from: 'alerts@example.org',
      to: 'ani@mail.example',
      preferencesUrl: 'https://alerts.example.org/preferences?token=p.abc',
    });

    // Assess
    expect(email.subject).toBe('You are already subscribed to News Alerts');
    expect(email.text).toContain('nothing has changed');
    expect(email.text).toContain('https://alerts.example.org/preferences?token=p.abc');
  });
});
