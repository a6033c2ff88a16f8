import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from '../../../lambdas/domain/feeds/decode';
import { prepareXml } from '../../../lambdas/domain/feeds/xml-repair';
import { readXmlTree } from '../../../lambdas/domain/feeds/xml-tree';

// The reference: xml2js exactly as rss-parser sets it up (its 0.2 defaults, sax strict).
const requireFromRssParser = createRequire(require.resolve('rss-parser'));
const xml2js = requireFromRssParser('xml2js') as {
  Parser: new (
    options: object,
  ) => { parseString(xml: string, callback: (error: unknown, result: unknown) => void): void };
};

type Rename = (name: string) => string;

function xml2jsTree(xml: string, rename?: Rename): { ok: true; tree: unknown } | { ok: false } {
  const options = rename ? { tagNameProcessors: [rename], attrNameProcessors: [rename] } : {};
  let outcome: { ok: true; tree: unknown } | { ok: false } = { ok: false };
  try {
    new xml2js.Parser(options).parseString(xml, (error, tree) => {
      outcome = error ? { ok: false } : { ok: true, tree };
    });
  } catch {
    outcome = { ok: false };
  }
  return outcome;
}

/** The fast tree, when there is one, is xml2js's to the prototype and key order. */
function expectSameAsXml2js(xml: string, rename?: Rename): boolean {
  const fast = readXmlTree(xml, rename);
  if (fast === undefined) return false;
  const slow = xml2jsTree(xml, rename);
  expect(slow.ok, `xml2js rejects what the fast reader took: ${JSON.stringify(xml)}`).toBe(true);
  if (!slow.ok) return true;
  expect(fast).toEqual(slow.tree);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.tree));
  expect(isDeepStrictEqual(fast, slow.tree)).toBe(true);
  return true;
}

const RENAMES: (Rename | undefined)[] = [
  undefined,
  (name) => name.replace(/^x:/, ''),
  (name) => name.replace(/^x:/, 'atom:'),
];

// Pieces that make XML, nearly-XML and everything sax is strict about.
const TOKENS = [
  '<',
  '>',
  '/',
  '&',
  ';',
  '"',
  "'",
  '=',
  ' ',
  '\n',
  '\t',
  '\r',
  'a',
  'b',
  '_',
  ':',
  '#',
  'x',
  '1',
  '0',
  '!',
  '?',
  '-',
  '[',
  ']',
  'CDATA',
  'amp',
  'lt',
  'nbsp',
  'Eacute',
  'AMP',
  '#65',
  '#x41',
  '#X1F600',
  '#0',
  '#xD800',
  'é',
  '\u00a0',
  '\u2028',
  '\ufeff',
  'Ж',
  'item',
  '<a>',
  '</a>',
  '<b/>',
  '<a b="1">',
  '<a b=\'x&amp;y\' c="2">',
  '<a\nb = "1"\n>',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?',
  '?>',
  '??>',
  '<?xml version="1.0"?>',
  '<!DOCTYPE r>',
  'cdata',
  '<cdata>',
  '</cdata>',
  '<_>',
  '</_>',
  '<x:a>',
  '</x:a>',
  '<x:a x:b="1">',
  '<a a="1" a="2">',
  '&#',
  '&',
  'constructor',
  '<constructor>',
  '</constructor>',
  '<a __proto__="1">',
  '<Ж>',
  '&#32;',
  '&#x9;',
  '<![CDATA[ ]]>',
  '<![CDATA[]]>',
  '&nbsp;',
  '&Nbsp;',
  '&copy;',
  '&#0065;',
  '&#-1;',
];

describe('readXmlTree', () => {
  it('knows the named references sax knows, with the same characters', () => {
    const sax = createRequire(require.resolve('xml2js'))('sax') as {
      ENTITIES: Record<string, string>;
    };
    for (const [name, value] of Object.entries(sax.ENTITIES)) {
      expect(readXmlTree(`<r>&${name};</r>`)).toEqual({ r: value });
    }
  });

  it('builds the tree xml2js builds, prototype-less objects and key order included', () => {
    // Prepare
    const xml =
      '<?xml version="1.0"?>\n<!-- c --><rss version="2.0" xmlns:x="u">\n <channel>\n' +
      '  <title a="1" b=\'A &amp; B\'>A &amp; B &#8212; &nbsp;&Eacute;</title>\n' +
      '  <item><description><![CDATA[<p>5 < 6</p>]]></description><x:y/><empty>  </empty>' +
      '<cd><![CDATA[  ]]></cd><mixed>one <b>two</b> three</mixed></item>\n' +
      '  <item/>\n </channel>\n</rss>\n<!-- after -->\n';

    // Act
    const tree = readXmlTree(xml);

    // Assess
    expect(tree).toBeDefined();
    expectSameAsXml2js(xml);
    expect(JSON.parse(JSON.stringify(tree))).toEqual({
      rss: {
        $: { version: '2.0', 'xmlns:x': 'u' },
        channel: [
          {
            title: [{ _: 'A & B — \u00a0É', $: { a: '1', b: 'A & B' } }],
            item: [
              {
                description: ['<p>5 < 6</p>'],
                'x:y': [''],
                empty: ['  '],
                cd: ['  '],
                mixed: [{ _: 'one  three', b: ['two'] }],
              },
              '',
            ],
          },
        ],
      },
    });
    expect(Object.getPrototypeOf(tree)).toBeNull();
  });

  it('renames elements and attributes as the tag and attribute processors would', () => {
    // Prepare
    const xml =
      '<x:feed xmlns:x="http://www.w3.org/2005/Atom"><x:title x:type="html">T</x:title></x:feed>';
    const rename: Rename = (name) => name.replace(/^x:/, '');

    // Act
    const tree = readXmlTree(xml, rename);

    // Assess
    expect(JSON.parse(JSON.stringify(tree))).toEqual({
      feed: {
        $: { 'xmlns:x': 'http://www.w3.org/2005/Atom' },
        title: [{ _: 'T', $: { type: 'html' } }],
      },
    });
    expectSameAsXml2js(xml, rename);
  });

  it.each([
    ['a doctype', '<!DOCTYPE rss><rss/>'],
    ['a byte-order mark', '\ufeff<rss/>'],
    ['an entity sax does not know', '<rss>&bogus;</rss>'],
    ['a bare ampersand', '<rss>AT&T</rss>'],
    ['an invalid character reference', '<rss>&#0;</rss>'],
    ['a mismatched close tag', '<rss><a></b></rss>'],
    ['an unclosed root', '<rss><a></a>'],
    ['"--" inside a comment', '<rss><!-- a -- b --></rss>'],
    ['an unquoted attribute', '<rss a=1/>'],
    ['attributes without whitespace between them', '<rss a="1"b="2"/>'],
    ['whitespace after "<"', '< rss/>'],
    ['text before the root', 'x<rss/>'],
    ['text after the root', '<rss/>x'],
    ['a second root', '<rss/><rss/>'],
    ['a non-ASCII name', '<rss><Ж/></rss>'],
    ['an element named "_"', '<rss><_>t</_></rss>'],
    ['an element named "cdata"', '<rss><![CDATA[x]]><cdata/></rss>'],
    ['an attribute named after an Object.prototype key', '<rss __proto__="1"/>'],
    ['no root at all', '<?xml version="1.0"?>  '],
  ])('leaves %s to xml2js', (_what, xml) => {
    expect(readXmlTree(xml)).toBeUndefined();
  });

  it('never differs from xml2js on any mix of markup pieces it takes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }),
        fc.constantFrom('bare', 'root', 'prolog'),
        fc.constantFrom(...RENAMES),
        (tokens, frame, rename) => {
          const body = tokens.join('');
          const xml =
            frame === 'bare'
              ? body
              : frame === 'root'
                ? `<r>${body}</r>`
                : `<?xml version="1.0"?>\n<r x="1">${body}</r>\n`;
          expectSameAsXml2js(xml, rename);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('takes well-formed documents and builds the same tree as xml2js', () => {
    const name = fc.constantFrom('item', 'title', 'x:link', 'a', 'content:encoded', 'dc:date');
    const text = fc
      .array(
        fc.constantFrom('a', ' ', '\n', 'Ж', '&amp;', '&lt;', '&#1046;', '&nbsp;', '>', '\u00a0'),
        {
          maxLength: 6,
        },
      )
      .map((parts) => parts.join(''));
    const attributes = fc
      .uniqueArray(fc.tuple(fc.constantFrom('href', 'x:type', 'rel', 'xml:lang'), text), {
        maxLength: 3,
        selector: ([key]) => key,
      })
      .map((pairs) =>
        pairs.map(([key, value]) => ` ${key}="${value.replaceAll('"', '&quot;')}"`).join(''),
      );
    const { element } = fc.letrec<{ element: string; content: string }>((tie) => ({
      element: fc.oneof(
        { depthSize: 'small' },
        fc.tuple(name, attributes).map(([tag, attrs]) => `<${tag}${attrs}/>`),
        fc
          .tuple(name, attributes, tie('content'))
          .map(([tag, attrs, content]) => `<${tag}${attrs}>${content}</${tag}>`),
      ),
      content: fc
        .array(
          fc.oneof(
            text,
            tie('element'),
            text.map((cdata) => `<![CDATA[${cdata}]]>`),
            fc.constant('<!-- note -->'),
          ),
          { maxLength: 4 },
        )
        .map((parts) => parts.join('')),
    }));
    fc.assert(
      fc.property(element, fc.constantFrom(...RENAMES), (root, rename) => {
        expect(expectSameAsXml2js(`<?xml version="1.0"?>\n${root}\n`, rename)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('builds the same tree as xml2js for every fixture feed it takes, as read and as repaired', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((entry) => {
        const path = join(dir, entry);
        return statSync(path).isDirectory() ? files(path) : [path];
      });
    let taken = 0;
    for (const file of files('test/fixtures/feeds')) {
      let text: string;
      try {
        text = decodeFeedBytes(readFileSync(file));
      } catch {
        continue;
      }
      for (const xml of [text, prepareXml(text).text]) if (expectSameAsXml2js(xml)) taken++;
    }
    expect(taken).toBeGreaterThan(20);
  });
});
