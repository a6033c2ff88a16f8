import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { type CliContext, run } from '../../lambdas/cli/commands/topics';
import type { CliIo } from '../../lambdas/cli/io';
import { editedCorridors, ingestSampleFeeds, type SampleStore } from '../helpers/sample-store';

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

describe('newsalert topics, the editor flow on the sample feeds', () => {
  let sample: SampleStore;
  let context: CliContext;
  let dir: string;

  beforeAll(async () => {
    sample = await ingestSampleFeeds();
    // The commands reach the store the way an editor's shell does: through the environment.
    context = {
      clock: sample.clock,
      env: { DYNAMODB_ENDPOINT: sample.endpoint, TABLE_NAME: sample.tableName, USER: 'anna' },
    };
    dir = mkdtempSync(join(tmpdir(), 'topics-'));
  });
  afterAll(async () => {
    await sample.close();
  });

  const topicFile = (name: string, definition: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, toYaml(definition));
    return file;
  };

  it('lists the topics and the gate with version and author', async () => {
    // Prepare
    const cli = io();

    // Act
    const code = await run(['list'], cli, context);

    // Assess
    expect(code).toBe(0);
    expect(cli.out()).toMatch(/^slug\s+name\s+state\s+version\s+saved\s+by\s+rules$/m);
    expect(cli.out()).toMatch(/^relevance\s+Relevance gate\s+on\s+1\s/m);
    expect(cli.out()).toMatch(
      /^transport-corridors\s+Transport corridors\s+on\s+1\s.*default taxonomy/m,
    );
    expect(cli.err()).toContain('11 topics and the relevance gate');
  });

  it('previews an edited topic: newly and no longer matched sample articles, with the words that matched, saving nothing', async () => {
    // Prepare
    const cli = io();
    const file = topicFile('corridors.yaml', editedCorridors());

    // Act
    const code = await run(['preview', file], cli, context);

    // Assess
    expect(code).toBe(0);
    const out = cli.out();
    expect(out).toContain('Backtest of "transport-corridors", compared with saved version 1');
    const newly = out.slice(out.indexOf('NEWLY MATCHED'), out.indexOf('NO LONGER MATCHED'));
    expect(newly).toContain('Armenian and Turkish envoys discuss opening Margara crossing');
    expect(newly).toContain('why: rule "border-crossings": "Margara" in title');
    const gone = out.slice(out.indexOf('NO LONGER MATCHED'), out.indexOf('STILL MATCHED'));
    expect(gone).toContain('Laçın şəhərinə daha 30 ailə köçürülüb');
    expect(gone).toMatch(/matched before by: rule "lachin": "Laçın"/);
    expect(out).toMatch(/STILL MATCHED \(\d+\)/);
    expect(cli.err()).toMatch(/scored (\d+) \/ \1 articles/);
    const history = io();
    await run(['history', 'transport-corridors', '--json'], history, context);
    expect(JSON.parse(history.out())).toHaveLength(1);
  });

  it('saves the edit so the next cycle tags with it, shows both versions, and restores the old one as a new version', async () => {
    // Prepare
    const file = topicFile('corridors-save.yaml', editedCorridors());
    const margara = (title: string) => ({
      title,
      summary: 'Officials said trucks could use the crossing from next year.',
      publishedAt: sample.clock().toISOString(),
    });

    // Act
    const saved = io();
    const saveCode = await run(
      ['update', file, '--reason', 'Margara crossing, not Lachin'],
      saved,
      context,
    );
    await sample.addFeed('margara-1.xml', [
      margara('Armenian and Turkish officials agree to open Margara crossing to freight'),
    ]);
    sample.advance(60);
    await sample.app.runCycle();
    const history = io();
    await run(['history', 'transport-corridors'], history, context);
    const restored = io();
    const restoreCode = await run(['restore', 'transport-corridors', '1'], restored, context);
    await sample.addFeed('margara-2.xml', [
      margara('Armenian and Turkish officials inspect Margara crossing ahead of opening'),
    ]);
    sample.advance(60);
    await sample.app.runCycle();
    const after = io();
    await run(['history', 'transport-corridors', '--json'], after, context);
    const shown = io();
    await run(['show', 'transport-corridors'], shown, context);

    // Assess
    expect(saveCode).toBe(0);
    expect(saved.out()).toContain('saved transport-corridors as version 2 (was 1) by anna');
    const recent = await sample.app.repos.articles.recent({
      since: new Date('2026-11-26T00:00:00Z'),
      until: sample.clock(),
    });
    const first = recent.find((article) => article.title.includes('agree to open Margara'));
    const second = recent.find((article) => article.title.includes('inspect Margara'));
    expect(first?.topics).toContain('transport-corridors');
    expect(first?.evidence).toContainEqual(
      expect.objectContaining({ topic: 'transport-corridors', rule: 'border-crossings' }),
    );
    expect(history.out()).toMatch(/^1\s.*default taxonomy\s+on\s+created/m);
    expect(history.out()).toMatch(
      /^2\s.*anna\s+on\s+rule "border-crossings" added; rule "lachin" removed\s+Margara crossing, not Lachin$/m,
    );
    expect(restoreCode).toBe(0);
    expect(restored.out()).toContain('restored transport-corridors version 1 as version 3');
    const versions = JSON.parse(after.out()) as Array<{
      version: number;
      reason?: string;
      change: string;
    }>;
    expect(versions.map((version) => version.version)).toEqual([1, 2, 3]);
    expect(versions[2]).toMatchObject({
      reason: 'restored version 1',
      change: 'rule "lachin" added; rule "border-crossings" removed',
    });
    expect(shown.out()).toContain('id: lachin');
    expect(shown.out()).not.toContain('border-crossings');
    expect(second?.topics ?? []).not.toContain('transport-corridors');
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
  ])(
    'refuses to add %s with exit 2, naming topic and rule, and saves nothing',
    async (name, message) => {
      // Prepare
      const cli = io();
      const before = io();
      await run(['list', '--json'], before, context);

      // Act
      const code = await run(['add', fixture(name)], cli, context);

      // Assess
      expect(code).toBe(2);
      expect(cli.err()).toContain(message);
      const after = io();
      await run(['list', '--json'], after, context);
      expect(after.out()).toBe(before.out());
      const shown = io();
      expect(await run(['show', 'lachin-road'], shown, context)).toBe(1);
      expect(shown.err()).toContain('no topic "lachin-road"');
    },
  );

  it('refuses to disable the relevance gate and to add a topic that exists', async () => {
    // Prepare
    const gate = io();
    const again = io();
    const file = topicFile('again.yaml', editedCorridors());

    // Act
    const gateCode = await run(['disable', 'relevance', '--reason', 'test'], gate, context);
    const addCode = await run(['add', file], again, context);

    // Assess
    expect(gateCode).toBe(2);
    expect(gate.err()).toContain('the relevance gate cannot be disabled');
    expect(addCode).toBe(1);
    expect(again.err()).toContain('topic "transport-corridors" already exists');
  });
});
