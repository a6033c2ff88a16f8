import { describe, expect, it } from 'vitest';
import { createSubscriberLinks, LinkConfigError } from '../../../lambdas/domain/subscribers/links';
import { buildSubscriber } from '../../helpers/factories';

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const NOW = new Date('2026-11-26T10:00:00Z');

describe('subscriber links', () => {
  it('gives unsubscribe and preferences URLs with a token and nothing personal', () => {
    // Prepare
    const links = createSubscriberLinks({
      baseUrl: 'https://alerts.example.org/prod/',
      secrets: [SECRET],
    });
    const subscriber = buildSubscriber({ id: 'q3Vx0cJ2Z0mF8n4r9kLw1A', email: 'ani@mail.example' });

    // Act
    const { unsubscribeUrl, preferencesUrl } = links.forSubscriber(subscriber);

    // Assess
    expect(unsubscribeUrl).toMatch(
      /^https:\/\/alerts\.example\.org\/prod\/unsubscribe\?token=u\.[\w.-]+$/,
    );
    expect(preferencesUrl).toMatch(
      /^https:\/\/alerts\.example\.org\/prod\/preferences\?token=p\.[\w.-]+$/,
    );
    expect(`${unsubscribeUrl}${preferencesUrl}`).not.toContain('mail.example');
    const token = new URL(unsubscribeUrl).searchParams.get('token') ?? '';
    expect(links.tokens.verify(token, 'unsubscribe', NOW)).toMatchObject({
      ok: true,
      subscriberId: subscriber.id,
    });
  });

  it('makes confirmation links that expire after 48 hours', () => {
    // Prepare
    const links = createSubscriberLinks({ baseUrl: 'http://127.0.0.1:8787', secrets: [SECRET] });
    const subscriber = buildSubscriber({ id: 'q3Vx0cJ2Z0mF8n4r9kLw1A', status: 'pending' });

    // Act
    const { url, expiresAt } = links.confirmUrl(subscriber, NOW);

    // Assess
    expect(url.startsWith('http://127.0.0.1:8787/confirm?token=c.')).toBe(true);
    expect(expiresAt.toISOString()).toBe('2026-11-28T10:00:00.000Z');
  });

  it.each(['ftp://alerts.example.org', 'not a url', 'https://alerts.example.org/?a=1'])(
    'refuses the base URL %s',
    (baseUrl) => {
      // Act
      const build = () => createSubscriberLinks({ baseUrl, secrets: [SECRET] });

      // Assess
      expect(build).toThrow(LinkConfigError);
    },
  );
});
