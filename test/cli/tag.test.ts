import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../lambdas/cli/commands/tag';
import type { CliIo } from '../../lambdas/cli/io';

function io(lines: string[]): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdin: Readable.from(lines.map((line) => `${line}\n`)),
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    out,
    err,
  };
}

function outputs(chunks: string[]): Record<string, unknown>[] {
  return chunks
    .join('')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('newsalert tag', () => {
  it('writes one JSON line per article, in input order, with topics and evidence', async () => {
    // Prepare
    const cli = io([
      JSON.stringify({ id: 'a', title: 'Laçın dəhlizi bağlanıb', lang: 'az' }),
      JSON.stringify({ id: 'b', title: 'Armenia’s central bank holds its rate' }),
      JSON.stringify({ id: 'c', title: 'Пашинян и Алиев обсудили мирный договор', lang: 'ru' }),
    ]);

    // Act
    const code = await run([], cli);

    // Assess
    expect(code).toBe(0);
    const [a, b, c] = outputs(cli.out);
    expect(a).toMatchObject({ id: 'a', relevant: true, topics: ['transport-corridors'] });
    expect(a?.evidence).toContainEqual(
      expect.objectContaining({ topic: 'relevance', matched: 'Laçın', field: 'title' }),
    );
    expect(b).toEqual({ id: 'b', relevant: false, topics: [], evidence: [] });
    expect(c).toMatchObject({
      id: 'c',
      relevant: true,
      topics: expect.arrayContaining(['peace-process']),
    });
  });

  it('answers a bad line with an error line and carries on', async () => {
    // Prepare
    const cli = io([
      '{not json',
      JSON.stringify({ id: 7, summary: 'no title' }),
      JSON.stringify({ id: 'ok', title: 'Artsakh' }),
    ]);

    // Act
    const code = await run([], cli);

    // Assess
    expect(code).toBe(0);
    const [broken, untitled, ok] = outputs(cli.out);
    expect(broken).toMatchObject({
      id: null,
      relevant: false,
      topics: [],
      error: expect.stringContaining('line 1'),
    });
    expect(untitled).toMatchObject({
      id: 7,
      relevant: false,
      error: expect.stringContaining('title'),
    });
    expect(ok).toMatchObject({ id: 'ok', relevant: true });
    expect(cli.err.join('')).toContain('2 line(s) could not be tagged');
  });

  it('skips blank lines instead of answering them', async () => {
    // Prepare
    const cli = io(['', JSON.stringify({ id: 'x', title: 'Stepanakert' }), '   ']);

    // Act
    await run([], cli);

    // Assess
    expect(outputs(cli.out).map((o) => o.id)).toEqual(['x']);
  });

  it('refuses arguments: articles come on stdin', async () => {
    // Prepare
    const cli = io([]);

    // Act
    const code = await run(['articles.jsonl'], cli);

    // Assess
    expect(code).toBe(2);
    expect(cli.err.join('')).toContain('stdin');
  });
});
