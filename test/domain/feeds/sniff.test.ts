import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedParseError } from '../../../lambdas/domain/feeds/feed-parse-error';
import { sniffFeed } from '../../../lambdas/domain/feeds/sniff';

function failure(text: string): FeedParseError {
  try {
    sniffFeed(text);
  } catch (error) {
    if (error instanceof FeedParseError) return error;
    throw error;
  }
  throw new Error('expected sniffFeed to throw');
}

describe('sniffFeed', () => {
  it.each([
    ['<?xml version="1.0"?>\n<!-- generator --><rss version="2.0">', 'rss', 'rss'],
    ['<feed xmlns="http://www.w3.org/2005/Atom">', 'atom', 'feed'],
    ['<atom:feed xmlns:atom="http://www.w3.org/2005/Atom">', 'atom', 'atom:feed'],
    ['<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', 'rdf', 'rdf:RDF'],
    ['<!DOCTYPE rss [<!ENTITY x "y">]><rss>', 'rss', 'rss'],
    ['<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><rss>', 'rss', 'rss'],
  ])('recognises a feed root in %j', (text, format, name) => {
    // Act
    const root = sniffFeed(text);

    // Assess
    expect(root).toEqual({ format, name });
  });

  it('names a Cloudflare challenge page by its title', () => {
    // Prepare
    const page = readFileSync('test/fixtures/feeds/hostile/cloudflare-challenge.html', 'utf8');

    // Act
    const error = failure(page);

    // Assess
    expect(error.code).toBe('NOT_A_FEED');
    expect(error.message).toBe('parser: not a feed (HTML page: "Just a moment...")');
  });

  it('quotes the start of a JSON error body', () => {
    // Prepare
    const body = readFileSync('test/fixtures/feeds/hostile/json-error.json', 'utf8');

    // Act
    const error = failure(body);

    // Assess
    expect(error.code).toBe('NOT_A_FEED');
    expect(error.message).toMatch(/^parser: not a feed \(JSON: \{"error":"Too Many Requests"/);
    expect(error.message).not.toContain('\n');
  });

  it.each(['', '   \n\t\r\n  '])('calls %j an empty body', (body) => {
    // Act
    const error = failure(body);

    // Assess
    expect(error.code).toBe('EMPTY_BODY');
    expect(error.message).toBe('parser: empty body');
  });

  it.each([
    [
      '<html><body><h1>502 Bad Gateway</h1></body></html>',
      'not a feed (HTML page: "502 Bad Gateway")',
    ],
    ['<opml version="2.0"><body/></opml>', 'not a feed (XML document with root <opml>)'],
    ['<!-- only a comment -->', 'not a feed (XML without a root element)'],
    ['Service Unavailable', 'not a feed (text: "Service Unavailable")'],
    ['# README\n\nSee <b>below</b>', 'not a feed (text: "# README See <b>below</b>")'],
  ])('says what %j is instead', (body, message) => {
    // Act
    const error = failure(body);

    // Assess
    expect(error.code).toBe('NOT_A_FEED');
    expect(error.message).toBe(`parser: ${message}`);
  });
});
