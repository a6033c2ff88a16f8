import { describe, expect, it } from 'vitest';
import { FeedParseError } from '../../../lambdas/domain/feeds/feed-parse-error';
import { prepareXml, XML_LIMITS } from '../../../lambdas/domain/feeds/xml-repair';

describe('prepareXml', () => {
  it('returns well-formed XML unchanged, CDATA, comments and doctype included', () => {
    // Prepare
    const xml =
      '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]><!-- c --><rss version="2.0">' +
      '<channel><title a="1" b=\'2\'>A &amp; B &#8212; &nbsp;</title>' +
      '<description><![CDATA[<p>5 < 6 & 7</p>]]></description><br/></channel></rss>';

    // Act
    const prepared = prepareXml(xml);

    // Assess
    expect(prepared.text).toBe(xml);
    expect(prepared.repairs).toEqual([]);
  });

  it('escapes bare ampersands and keeps unknown entities as literal text', () => {
    // Act
    const prepared = prepareXml('<rss><title>AT&T &bogus; &lol9; &#0; a=1&b=2</title></rss>');

    // Assess
    expect(prepared.text).toBe(
      '<rss><title>AT&amp;T &amp;bogus; &amp;lol9; &#65533; a=1&amp;b=2</title></rss>',
    );
    expect(prepared.repairs).toEqual([
      'escaped 2 bare "&"',
      'kept 2 unknown entity reference(s) as text',
      'replaced 1 invalid character reference(s)',
    ]);
  });

  it('quotes HTML-style attributes and drops duplicates', () => {
    // Act
    const prepared = prepareXml('<rss><a href=https://x.example/1 checked href="2">t</a></rss>');

    // Assess
    expect(prepared.text).toBe('<rss><a href="https://x.example/1" checked="checked">t</a></rss>');
  });

  it('closes elements a mismatched close tag left open and drops close tags that match nothing', () => {
    // Act
    const prepared = prepareXml('<rss><item><p>one <br> two</item></span></rss>');

    // Assess
    expect(prepared.text).toBe('<rss><item><p>one <br> two</br></p></item></rss>');
  });

  it('escapes a "<" that opens no tag', () => {
    // Act
    const prepared = prepareXml('<rss><title>3 < 4 and <3</title></rss>');

    // Assess
    expect(prepared.text).toBe('<rss><title>3 &lt; 4 and &lt;3</title></rss>');
  });

  it('drops a doctype inside the document and comments too long for sax', () => {
    // Act
    const prepared = prepareXml(
      `<rss><!DOCTYPE rss><channel><!--${'x'.repeat(70_000)}--><title>t</title></channel></rss>`,
    );

    // Assess
    expect(prepared.text).toBe('<rss><channel><title>t</title></channel></rss>');
    expect(prepared.repairs).toEqual([
      'dropped 2 oversize or misplaced comment(s), doctype(s) or PI(s)',
    ]);
  });

  it('drops text before the first tag', () => {
    // Act
    const prepared = prepareXml('PHP Warning: something\n<rss><channel/></rss>');

    // Assess
    expect(prepared.text).toBe('<rss><channel/></rss>');
    expect(prepared.repairs).toContain('dropped text before the first tag');
  });

  it('drops the unfinished item of a body cut short and closes the rest', () => {
    // Prepare
    const cut =
      '<rss><channel><item><link>https://a.example/1</link></item>' +
      '<item><title>Second</title><link>https://a.example/2-and-then-the-connection-dr';

    // Act
    const prepared = prepareXml(cut);

    // Assess
    expect(prepared.text).toBe(
      '<rss><channel><item><link>https://a.example/1</link></item></channel></rss>',
    );
    expect(prepared.repairs).toContain('dropped the unfinished item at the end');
  });

  it('drops tags nested deeper than the limit but keeps their text and the structure around them', () => {
    // Prepare
    const deep = `<rss><item>${'<a>'.repeat(1000)}deep${'</a>'.repeat(1000)}</item><item>next</item></rss>`;

    // Act
    const prepared = prepareXml(deep, { ...XML_LIMITS, maxDepth: 10 });

    // Assess
    expect(prepared.text).toBe(
      `<rss><item>${'<a>'.repeat(8)}deep${'</a>'.repeat(8)}</item><item>next</item></rss>`,
    );
    expect(prepared.repairs).toContain('dropped 992 tag(s) nested deeper than 10');
  });

  it('cuts a document past the node budget, keeping the complete items before it', () => {
    // Prepare
    const items = Array.from(
      { length: 100 },
      (_, i) => `<item><link>https://a.example/${i}</link></item>`,
    );
    const xml = `<rss><channel>${items.join('')}</channel></rss>`;

    // Act
    const prepared = prepareXml(xml, { ...XML_LIMITS, maxNodes: 21 });

    // Assess: rss, channel, then 2 nodes per item: the 10th item's link is the 22nd node
    expect(prepared.text).toBe(`<rss><channel>${items.slice(0, 9).join('')}</channel></rss>`);
    expect(prepared.repairs[0]).toBe('document cut after 21 elements and attributes');
  });

  it('gives up on garbage with more stray "&" than a feed with typos would have', () => {
    // Prepare
    const garbage = `<rss>${'& '.repeat(XML_LIMITS.maxFixes + 1)}</rss>`;

    // Act
    const attempt = () => prepareXml(garbage);

    // Assess
    expect(attempt).toThrow(FeedParseError);
    expect(attempt).toThrow(/^parser: malformed XML \(over 1000000 stray "&" or "<"/);
  });
});
