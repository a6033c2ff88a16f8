import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../lambdas/cli/commands/topics';
import type { CliIo } from '../../lambdas/cli/io';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/tagging/topics/${name}`, import.meta.url));

function io(): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdin: process.stdin,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('newsalert topics validate', () => {
  it.each([
    ['valid-topic.yaml', 'lachin-road'],
    ['valid-topics.json', 'csto-exit'],
  ])('exits 0 for the valid definition in %s', async (file, slug) => {
    // Prepare
    const cli = io();

    // Act
    const code = await run(['validate', fixture(file)], cli);

    // Assess
    expect(code).toBe(0);
    expect(cli.out()).toContain(slug);
  });

  it.each([
    ['empty-phrases.yaml', 'topic "lachin-road", rule "corridor": anyOf is empty'],
    [
      'unknown-entity.yaml',
      'topic "lachin-road", rule "corridor": anyOf refers to unknown entity "@lachin-coridor"',
    ],
    ['unknown-field.json', 'topic "lachin-road", rule "corridor": unknown field "weigth"'],
    [
      'excludes-everything.yaml',
      'topic "lachin-road", rule "corridor": noneOf "corridor" excludes everything',
    ],
  ])('exits 2 for %s, naming topic, rule and problem', async (file, message) => {
    // Prepare
    const cli = io();

    // Act
    const code = await run(['validate', fixture(file)], cli);

    // Assess
    expect(code).toBe(2);
    expect(cli.err()).toContain(message);
  });

  it('exits 1 when the file cannot be read', async () => {
    // Prepare
    const cli = io();

    // Act
    const code = await run(['validate', fixture('missing.yaml')], cli);

    // Assess
    expect(code).toBe(1);
    expect(cli.err()).toContain('no such file');
  });

  it('exits 2 with usage for an unknown subcommand', async () => {
    // Prepare
    const cli = io();

    // Act
    const code = await run(['frobnicate'], cli);

    // Assess
    expect(code).toBe(2);
    expect(cli.err()).toContain('topics validate <file');
  });
});
