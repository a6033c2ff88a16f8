import { describe, expect, it } from 'vitest';
import {
  firstHop,
  type Hop,
  hopHref,
  nextHop,
} from '../../../lambdas/adapters/http/redirect-policy';
import { parseRetryAfter } from '../../../lambdas/adapters/http/retry-after';
import { refusal } from './servers';

const CREDENTIALS = { username: 'bot', password: 's@cret' };

function hop(url: string, withCredentials = false): Hop {
  return withCredentials ? { url: new URL(url), credentials: CREDENTIALS } : { url: new URL(url) };
}

describe('nextHop', () => {
  it.each([
    ['https://a.example/news/feed', '/rss.xml', 'https://a.example/rss.xml'],
    ['https://a.example/news/feed', 'rss.xml', 'https://a.example/news/rss.xml'],
    ['https://a.example/news/feed', '../rss.xml', 'https://a.example/rss.xml'],
    ['https://a.example/news/feed', '?format=atom', 'https://a.example/news/feed?format=atom'],
    ['https://a.example/news/feed', '//b.example/feed', 'https://b.example/feed'],
    ['http://a.example/feed', 'https://b.example/feed', 'https://b.example/feed'],
  ])('resolves %s + Location %s to %s', (from, location, expected) => {
    expect(nextHop(hop(from), location).url.href).toBe(expected);
  });

  it('refuses a downgrade from https to http', () => {
    const error = refusal(() => nextHop(hop('https://a.example/feed'), 'http://a.example/feed'));

    expect(error.code).toBe('INSECURE_REDIRECT');
    expect(error.message).toBe(
      'fetch: https://a.example/feed redirects to http://a.example/feed, from https to plain http; refused',
    );
  });

  it('keeps https for a scheme-relative Location', () => {
    expect(nextHop(hop('https://a.example/feed'), '//a.example/x').url.protocol).toBe('https:');
  });

  it.each(['file:///etc/passwd', 'ftp://a.example/feed', 'gopher://127.0.0.1:70/'])(
    'refuses a redirect to %s',
    (location) => {
      expect(refusal(() => nextHop(hop('http://a.example/'), location)).code).toBe(
        'UNSUPPORTED_SCHEME',
      );
    },
  );

  it('refuses a Location that is not a URL', () => {
    expect(refusal(() => nextHop(hop('http://a.example/'), 'http://[oops/')).code).toBe('BAD_URL');
  });

  it('keeps credentials within the same origin', () => {
    const next = nextHop(hop('https://a.example/feed', true), '/moved');

    expect(next.credentials).toEqual(CREDENTIALS);
  });

  it('keeps credentials on the upgrade of the same host to https', () => {
    const next = nextHop(hop('http://a.example/feed', true), 'https://a.example/feed');

    expect(next.credentials).toEqual(CREDENTIALS);
  });

  it.each([
    ['another host', 'https://a.example/feed', 'https://b.example/feed'],
    ['another port', 'https://a.example/feed', 'https://a.example:8443/feed'],
    ['a sub-domain', 'https://a.example/feed', 'https://www.a.example/feed'],
    ['an upgrade to another port', 'http://a.example/feed', 'https://a.example:8443/feed'],
    ['an upgrade from another port', 'http://a.example:8080/feed', 'https://a.example/feed'],
    ['loopback under another name', 'http://127.0.0.1:8080/feed', 'http://localhost:8080/feed'],
  ])('drops credentials on the way to %s', (_, from, location) => {
    expect(nextHop(hop(from, true), location).credentials).toBeUndefined();
  });

  it('never brings dropped credentials back, even on return to the first host', () => {
    const away = nextHop(hop('https://a.example/feed', true), 'https://b.example/feed');
    const back = nextHop(away, 'https://a.example/feed');

    expect(back.credentials).toBeUndefined();
  });

  it('ignores user info that a server puts in Location', () => {
    const next = nextHop(hop('https://a.example/feed'), 'https://mallory:pw@a.example/feed');

    expect(next.url.href).toBe('https://a.example/feed');
    expect(next.credentials).toBeUndefined();
  });
});

describe('firstHop and hopHref', () => {
  it('moves user info out of the URL into decoded credentials, and back for storage', () => {
    const first = firstHop(new URL('https://bot:s%40cret@a.example/feed'));

    expect(first.url.href).toBe('https://a.example/feed');
    expect(first.credentials).toEqual(CREDENTIALS);
    expect(hopHref(first)).toBe('https://bot:s%40cret@a.example/feed');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Sat, 01 Mar 2025 12:01:30 GMT', 90_000],
    ['Saturday, 01-Mar-25 12:00:10 GMT', 10_000],
    ['Sat, 01 Mar 2025 11:00:00 GMT', 0], // in the past: now
  ])('reads %j as %d ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([undefined, '', 'soon', '-5', '1.5', '12 hours'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
