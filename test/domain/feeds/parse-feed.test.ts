import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParsedFeed } from '../../../lambdas/domain/feeds/model';
import {
  articleKey,
  canonicalUrl,
  FeedParseError,
  parseFeed,
} from '../../../lambdas/domain/feeds/parse-feed';

const FETCHED_AT = new Date('2026-11-26T12:00:00Z');
const TRICKY = 'test/fixtures/feeds/tricky';
const SAMPLE = 'test/fixtures/feeds/sample';

async function parseFixture(
  path: string,
  options: { contentType?: string; feedUrl?: string } = {},
): Promise<ParsedFeed> {
  return await parseFeed(readFileSync(path), { fetchedAt: FETCHED_AT, ...options });
}

async function parseText(xml: string, feedUrl?: string): Promise<ParsedFeed> {
  return await parseFeed(new TextEncoder().encode(xml), {
    fetchedAt: FETCHED_AT,
    ...(feedUrl !== undefined && { feedUrl }),
  });
}

async function parseError(xml: string): Promise<FeedParseError> {
  const error = await parseText(xml).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof FeedParseError) return error;
  throw new Error(`expected a FeedParseError, got ${String(error)}`);
}

describe('parseFeed', () => {
  it.each([
    ['windows-1251-declared.xml'],
    ['koi8-r-declared.xml'],
    ['utf-16le-bom.xml'],
    ['utf-16be-declared-no-bom.xml'],
  ])('reads the Russian item of %s in any encoding', async (name) => {
    // Act
    const feed = await parseFixture(`${TRICKY}/${name}`);

    // Assess
    expect(feed.feed.title).toBe('Кавказ');
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({
      title: 'Пашинян и Алиев встретились в Праге',
      summary: 'Лидеры Армении и Азербайджана обсудили мирный договор',
      url: 'https://kavkaz.example/news/1',
      key: articleKey('https://kavkaz.example/news/1'),
      publishedAt: '2026-11-24T06:00:00.000Z',
      publishedAtEstimated: false,
      lang: 'ru',
    });
  });

  it('reads Latin-1 accents and a gzipped file', async () => {
    // Act
    const latin = await parseFixture(`${TRICKY}/iso-8859-1-declared.xml`);
    const gzipped = await parseFixture(`${TRICKY}/utf-8-feed.xml.gz`);

    // Assess
    expect(latin.items[0]?.title).toBe('Réunion à Genève : café, crème brûlée et façade');
    expect(latin.items[0]?.summary).toBe("Ça a commencé à l'heure");
    expect(gzipped.items[0]).toMatchObject({
      title: 'Azərbaycan və Ermənistan sərhəd komissiyaları',
      lang: 'az',
    });
  });

  it('keeps the other entries of an Atom feed when one has a bad date or a bad link', async () => {
    // Act
    const feed = await parseFixture(`${TRICKY}/atom-one-bad-date.xml`);

    // Assess
    expect(feed.feed).toMatchObject({
      format: 'atom',
      title: 'South Caucasus Monitor',
      language: 'en',
    });
    expect(
      feed.items.map((item) => [item.title, item.publishedAt, item.publishedAtEstimated]),
    ).toEqual([
      ['Border commissions meet in Gabala', '2026-11-25T08:00:00.000Z', false],
      ['Mine blast injures two deminers near Aghdam', FETCHED_AT.toISOString(), true],
      ['Entry whose only link has no href', '2026-11-22T06:00:00.000Z', false],
    ]);
    expect(feed.warnings).toEqual([
      'item 2 ("Mine blast injures two deminers near Aghdam"): unparsable date "yesterday"; used the fetch time',
      'item 3 ("Entry whose only link has no href"): ignored a <link> without href',
      'item 4 ("Entry with no link at all and a non-URL id"): skipped, no usable link ("guid urn:uuid:4")',
    ]);
  });

  it('never merges distinct links that share one guid', async () => {
    // Act
    const feed = await parseFixture(`${TRICKY}/repeated-guids.xml`);

    // Assess
    expect(feed.items.map((item) => item.url)).toEqual([
      'https://qafqaz-xeber.example/siyaset/1',
      'https://qafqaz-xeber.example/iqtisadiyyat/2',
      'https://qafqaz-xeber.example/cemiyyet/3',
    ]);
    expect(new Set(feed.items.map((item) => item.key)).size).toBe(3);
    expect(feed.items.every((item) => item.guid === 'https://qafqaz-xeber.example/')).toBe(true);
  });

  it('reads RSS without a version attribute and items without guids', async () => {
    // Act
    const feed = await parseFixture(`${TRICKY}/no-guids-rss-without-version.xml`);

    // Assess
    expect(feed.feed.format).toBe('rss');
    expect(feed.items.map((item) => [item.url, item.publishedAt, item.lang])).toEqual([
      ['https://azertac.example/news/1', '2026-11-22T11:40:00.000Z', 'az'],
      ['https://azertac.example/news/2', '2026-11-21T11:30:00.000Z', 'az'],
    ]);
    expect(feed.items.every((item) => item.guid === undefined)).toBe(true);
  });

  it('gives one key to one article behind tracking noise, distinct keys to distinct pages', async () => {
    // Act
    const feed = await parseFixture(`${TRICKY}/tracking-parameters.xml`, {
      feedUrl: 'https://transcaucasia-wire.example/rss/all.xml',
    });

    // Assess
    expect(feed.items.map((item) => item.url)).toEqual([
      'https://transcaucasia-wire.example/news/appeals-court',
      'https://transcaucasia-wire.example/news/appeals-court?page=2',
      'https://transcaucasia-wire.example/news/kazakh-grain-train',
    ]);
    expect(feed.items[0]?.link).toBe(
      'https://www.transcaucasia-wire.example/news/appeals-court/?utm_source=rss&utm_medium=feed&fbclid=abc#comments',
    );
    expect(feed.warnings).toEqual([
      'item 2: same article as item 1 (https://transcaucasia-wire.example/news/appeals-court), skipped',
    ]);
  });

  it('reads RSS 0.91, RSS 1.0 (RDF) and a prefixed Atom 0.3 feed', async () => {
    // Act
    const rss091 = await parseFixture(`${TRICKY}/rss-091.xml`);
    const rdf = await parseFixture(`${TRICKY}/rss-1.0-rdf.xml`);
    const atom03 = await parseFixture(`${TRICKY}/atom-0.3-prefixed.xml`);

    // Assess
    expect(rss091.items[0]).toMatchObject({
      title: 'Armenia and Azerbaijan resume talks',
      summary: 'Foreign ministers met in Washington & agreed to continue.',
      lang: 'en',
    });
    expect(rdf.feed).toMatchObject({ format: 'rdf', language: 'ru' });
    expect(rdf.items.map((item) => [item.url, item.publishedAt])).toEqual([
      ['https://rdf.example/1', '2026-11-24T10:00:00.000Z'],
      ['https://rdf.example/2', '2026-11-23T00:00:00.000Z'],
    ]);
    expect(atom03.feed).toMatchObject({ format: 'atom', title: 'Yerevan Wire', language: 'hy' });
    expect(atom03.items[0]).toMatchObject({
      title: 'Սահմանազատման հանձնաժողովները հանդիպել են',
      summary: 'Հայաստան և Ադրբեջան',
      publishedAt: '2026-11-25T10:10:00.000Z',
      lang: 'hy',
    });
  });

  it('repairs broken XML, keeps the items it can and names the repairs', async () => {
    // Act
    const feed = await parseFixture(`${TRICKY}/broken-xml.xml`);

    // Assess
    expect(feed.feed.title).toBe('Broken & proud');
    expect(feed.items.map((item) => [item.title, item.url, item.summary])).toEqual([
      [
        'AT&T and Caspian pipelines &bogus; entity',
        'https://broken.example/news?a=1&b=2',
        'Unclosed paragraph and a stray tag',
      ],
      ['Second item survives', 'https://broken.example/news/2', ''],
    ]);
    expect(feed.warnings[0]).toMatch(/^XML was not well-formed; repaired: /);
    expect(feed.warnings[0]).toContain('dropped the unfinished item at the end');
  });

  it('resolves relative links against xml:base and then the feed URL', async () => {
    // Prepare
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/hy/">
      <entry><title>a</title><link href="news/1"/></entry>
      <entry xml:base="https://other.example/x/"><title>b</title><link href="2"/></entry>
    </feed>`;

    // Act
    const feed = await parseText(xml, 'https://www.news.example/feeds/atom.xml');

    // Assess
    expect(feed.items.map((item) => item.url)).toEqual([
      'https://news.example/hy/news/1',
      'https://other.example/x/2',
    ]);
  });

  it('uses a guid that is a URL when the link is missing, and never keys on a bare guid', async () => {
    // Prepare
    const xml = `<rss version="2.0"><channel><title>t</title>
      <item><title>guid url</title><guid isPermaLink="false">https://a.example/from-guid</guid></item>
      <item><title>bare guid</title><guid>12345</guid></item>
      <item><title>front page link</title><link>https://a.example/</link><guid>https://a.example/article/9</guid></item>
    </channel></rss>`;

    // Act
    const feed = await parseText(xml);

    // Assess
    expect(feed.items.map((item) => item.url)).toEqual([
      'https://a.example/from-guid',
      'https://a.example/article/9',
    ]);
    expect(feed.warnings).toEqual(['item 2 ("bare guid"): skipped, no usable link ("guid 12345")']);
  });

  it('cleans titles and summaries, caps them, and keeps content separately', async () => {
    // Prepare
    const long = 'word '.repeat(500);
    const xml = `<rss version="2.0"><channel><title>t</title><item>
      <title><![CDATA[<b>Talks</b>&nbsp;resume &amp; continue&#8230;]]></title>
      <link>https://a.example/1</link>
      <description>&lt;p&gt;Hello&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt; ${long}</description>
      <content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>Body</p>]]></content:encoded>
      <category>Politics</category><category> Politics </category><category>Peace &amp; security</category>
      <dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">A. Writer</dc:creator>
    </item></channel></rss>`;

    // Act
    const feed = await parseText(xml);

    // Assess
    const item = feed.items[0];
    expect(item?.title).toBe('Talks resume & continue…');
    expect(item?.summary.startsWith('Hello word word')).toBe(true);
    expect(item?.summary.length).toBeLessThanOrEqual(1000);
    expect(item?.summary.endsWith('…')).toBe(true);
    expect(item?.content).toBe('Body');
    expect(item?.categories).toEqual(['Politics', 'Peace & security']);
    expect(item?.author).toBe('A. Writer');
  });

  it('returns an empty item list, not an error, for a feed with no items', async () => {
    // Act
    const feed = await parseText(
      '<rss version="2.0"><channel><title>Quiet</title></channel></rss>',
    );

    // Assess
    expect(feed).toEqual({ feed: { format: 'rss', title: 'Quiet' }, items: [], warnings: [] });
  });

  it.each([
    ['', 'EMPTY_BODY', 'parser: empty body'],
    ['{"error":"forbidden"}', 'NOT_A_FEED', 'parser: not a feed (JSON: {"error":"forbidden"})'],
    [
      '<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>',
      'NOT_A_FEED',
      'parser: not a feed (HTML page: "Just a moment...")',
    ],
  ])('refuses %j with a clear one-line error', async (body, code, message) => {
    // Act
    const error = await parseError(body);

    // Assess
    expect(error).toMatchObject({ stage: 'parser', code, message });
  });

  it('calls a body too broken to repair malformed', async () => {
    // Act
    const error = await parseError(
      `<rss version="2.0"><channel>${'&<'.repeat(600_000)}</channel></rss>`,
    );

    // Assess
    expect(error.code).toBe('MALFORMED');
    expect(error.message).toMatch(/^parser: malformed XML \(/);
    expect(error.message).not.toContain('\n');
  });
});

describe('parseFeed on the sample feeds', () => {
  const labels = JSON.parse(readFileSync(`${SAMPLE}/labels.json`, 'utf8')) as {
    file: string;
    link: string;
  }[];
  const files = readdirSync(SAMPLE).filter((name) => name.endsWith('.xml'));

  it.each(files)('reads every labelled item of %s with the link as published', async (file) => {
    // Prepare
    const expected = labels.filter((label) => label.file === file).map((label) => label.link);

    // Act
    const feed = await parseFixture(`${SAMPLE}/${file}`);

    // Assess
    expect(feed.items.map((item) => item.link).sort()).toEqual([...expected].sort());
    expect(feed.warnings).toEqual([]);
    for (const item of feed.items) {
      expect(item.key).toBe(articleKey(canonicalUrl(item.link)));
      expect(item.lang).toBe(feed.feed.language);
      expect(item.title).not.toBe('');
    }
  });
});
