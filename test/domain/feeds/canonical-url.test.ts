import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARTICLE_KEY_LENGTH,
  articleKey,
  canonicalUrl,
  InvalidLinkError,
  resolveLink,
} from '../../../lambdas/domain/feeds/canonical-url';

describe('canonicalUrl', () => {
  it.each([
    ['HTTPS://WWW.Example.COM/News/1', 'https://example.com/News/1'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['http://example.com:8080/a', 'http://example.com:8080/a'],
    ['https://example.com/a/#comments', 'https://example.com/a'],
    ['https://example.com/a//b///', 'https://example.com/a/b'],
    ['https://example.com', 'https://example.com/'],
    ['https://user:secret@example.com/a', 'https://example.com/a'],
    ['  https://example.com/long/\n   link  ', 'https://example.com/long/link'],
    ['https://example.com/a?b=2&a=1&a=0', 'https://example.com/a?a=0&a=1&b=2'],
    ['https://example.com/app#!/story/12', 'https://example.com/app#!/story/12'],
  ])('normalises %s to %s', (link, expected) => {
    // Act
    const canonical = canonicalUrl(link);

    // Assess
    expect(canonical).toBe(expected);
  });

  it('removes tracking parameters but keeps the ones that name the page', () => {
    // Prepare
    const link =
      'https://news.example/story?id=42&utm_source=rss&utm_medium=feed&UTM_Campaign=x&fbclid=a&gclid=b' +
      '&yclid=c&mc_cid=d&mc_eid=e&_ga=f&from=rss&page=2';

    // Act
    const canonical = canonicalUrl(link);

    // Assess
    expect(canonical).toBe('https://news.example/story?id=42&page=2');
  });

  it('keeps a from= parameter whose value is not a feed channel', () => {
    // Act
    const canonical = canonicalUrl('https://news.example/search?from=2024-01-01');

    // Assess
    expect(canonical).toBe('https://news.example/search?from=2024-01-01');
  });

  it('resolves relative links against the feed URL', () => {
    // Act
    const resolved = [
      canonicalUrl('/news/2', 'https://www.example.com/feeds/rss.xml'),
      canonicalUrl('../news/3', 'https://example.com/feeds/rss.xml'),
      canonicalUrl('news/4', 'https://example.com/feeds/'),
    ];

    // Assess
    expect(resolved).toEqual([
      'https://example.com/news/2',
      'https://example.com/news/3',
      'https://example.com/feeds/news/4',
    ]);
  });

  it.each([
    'not a url',
    'javascript:alert(1)',
    'mailto:editor@example.com',
    'ftp://example.com/file',
    'tag:github.com,2008:Repository/1',
    '/relative/without/base',
  ])('refuses %s as an article link', (link) => {
    // Act
    const attempt = () => canonicalUrl(link);

    // Assess
    expect(attempt).toThrow(InvalidLinkError);
  });
});

/** The canonical form the plain way, every URL setter run whether it changes anything or not. */
function everySetterCanonical(link: string, base?: string): string {
  const url = new URL(link.replace(/\s+/g, ''), base);
  url.username = '';
  url.password = '';
  url.hostname = url.hostname.replace(/\.$/, '').replace(/^www\./, '');
  const kept = [...url.searchParams]
    .filter(([name]) => name !== 'utm_source' && name !== 'from')
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  const search = new URLSearchParams(kept).toString();
  let path = url.pathname.replace(/\/{2,}/g, '/');
  if (path.length > 1) path = path.replace(/\/+$/, '') || '/';
  const hash = url.hash.startsWith('#!') ? url.hash : '';
  return `${url.protocol}//${url.host}${path}${search ? `?${search}` : ''}${hash}`;
}

describe('resolveLink', () => {
  it('gives the link as resolved and its canonical form from one parse', () => {
    // Act
    const resolved = resolveLink(
      ' /News/1?utm_source=rss&b=2\n#top',
      'https://user:pw@www.Example.com/feeds/rss.xml',
    );

    // Assess
    expect(resolved).toEqual({
      href: 'https://user:pw@www.example.com/News/1?utm_source=rss&b=2#top',
      canonical: 'https://example.com/News/1?b=2',
    });
  });

  it('agrees with canonicalUrl and with URL on any mix of hosts, credentials and queries', () => {
    const link = fc.record({
      scheme: fc.constantFrom('http', 'https', 'HTTP'),
      credentials: fc.constantFrom('', 'u@', 'u:p@', ':p@'),
      host: fc.constantFrom(
        'example.com',
        'www.example.com',
        'Example.COM.',
        'www.a.am',
        '127.0.0.1',
        '[::1]',
      ),
      port: fc.constantFrom('', ':80', ':443', ':8080'),
      path: fc.constantFrom('', '/', '/a', '/a//b/', '/%D0%96', '/Ж'),
      query: fc.constantFrom('', '?', '?utm_source=x', '?b=2&a=1', '?from=rss&id=3', '?a=%20b'),
      hash: fc.constantFrom('', '#', '#top', '#!/story/1'),
      relative: fc.boolean(),
    });
    fc.assert(
      fc.property(link, (l) => {
        const absolute = `${l.scheme}://${l.credentials}${l.host}${l.port}${l.path}${l.query}${l.hash}`;
        const [text, base] = l.relative
          ? [`${l.path || '/'}${l.query}${l.hash}`, absolute]
          : [absolute, undefined];

        const resolved = resolveLink(text, base);

        expect(resolved.canonical).toBe(canonicalUrl(text, base));
        expect(resolved.canonical).toBe(everySetterCanonical(text, base));
        expect(resolved.href).toBe(new URL(text, base).href);
      }),
    );
  });
});

describe('articleKey', () => {
  it('is the first 32 hex characters of the SHA-256 of the canonical URL', () => {
    // Prepare
    const sha256 = createHash('sha256').update('https://example.com/').digest('hex');

    // Act
    const key = articleKey('https://example.com/');

    // Assess
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(key).toHaveLength(ARTICLE_KEY_LENGTH);
    expect(key).toBe(sha256.slice(0, 32));
  });

  it('gives one key to one link however much tracking noise it carries', () => {
    // Prepare
    const noise = fc.record({
      www: fc.boolean(),
      upperHost: fc.boolean(),
      port: fc.boolean(),
      slash: fc.boolean(),
      fragment: fc.option(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { nil: undefined }),
      tracking: fc.subarray([
        'utm_source=rss',
        'utm_medium=feed',
        'fbclid=x1',
        'gclid=y2',
        'yclid=3',
      ]),
      shuffleReal: fc.boolean(),
    });

    // Act + Assess
    fc.assert(
      fc.property(noise, (n) => {
        const host = `${n.www ? 'www.' : ''}${n.upperHost ? 'NEWS.EXAMPLE' : 'news.example'}`;
        const real = n.shuffleReal ? ['page=2', 'id=7'] : ['id=7', 'page=2'];
        const query = [...n.tracking, ...real].join('&');
        const link = `https://${host}${n.port ? ':443' : ''}/az/xeber/7${n.slash ? '/' : ''}?${query}${
          n.fragment ? `#${n.fragment}` : ''
        }`;
        return (
          articleKey(canonicalUrl(link)) ===
          articleKey('https://news.example/az/xeber/7?id=7&page=2')
        );
      }),
    );
  });

  it('gives distinct links distinct keys', () => {
    // Prepare
    const paths = fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,20}$/), {
      minLength: 2,
      maxLength: 30,
    });

    // Act + Assess
    fc.assert(
      fc.property(paths, (unique) => {
        const keys = unique.map((path) => articleKey(canonicalUrl(`https://news.example/${path}`)));
        return new Set(keys).size === unique.length;
      }),
    );
  });
});
