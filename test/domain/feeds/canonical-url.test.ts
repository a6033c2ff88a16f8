import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARTICLE_KEY_LENGTH,
  articleKey,
  canonicalUrl,
  InvalidLinkError,
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
