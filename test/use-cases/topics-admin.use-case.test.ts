import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTopicRepository } from '../../lambdas/adapters/dynamodb/topic.repository';
import { DEFAULT_TAXONOMY, TopicValidationError } from '../../lambdas/domain/tagging';
import type { TopicRepository } from '../../lambdas/use-cases/ports';
import { createTaggerProvider } from '../../lambdas/use-cases/taxonomy.use-case';
import {
  listTopics,
  parseTopicDrafts,
  restoreTopicVersion,
  saveTopics,
  setTopicEnabled,
  showTopic,
  type TopicDraft,
  topicHistory,
} from '../../lambdas/use-cases/topics-admin.use-case';
import { editedCorridors } from '../helpers/sample-store';
import { freshTable } from '../helpers/table';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/tagging/topics/${name}`, import.meta.url));
const draftFrom = (name: string): TopicDraft[] =>
  parseTopicDrafts(readFileSync(fixture(name), 'utf8'), name);

const clock = () => new Date('2026-11-26T12:00:00.000Z');
const anna = { by: 'anna', reason: 'a reason' };

describe('topics admin', () => {
  let topics: TopicRepository;

  beforeEach(async () => {
    const { db, tableName } = await freshTable();
    topics = createTopicRepository(db, tableName);
  });

  it('lists the shipped topics as never saved (version 0) while the store is empty', async () => {
    // Act
    const listed = await listTopics({ topics });

    // Assess
    expect(listed).toHaveLength(DEFAULT_TAXONOMY.topics.length + 1);
    expect(listed[0]).toMatchObject({ slug: 'relevance', kind: 'relevance', version: 0 });
    expect(listed.every((topic) => topic.version === 0 && topic.enabled)).toBe(true);
  });

  it('seeds the shipped taxonomy before the first custom topic, so the defaults stay in force', async () => {
    // Prepare
    const drafts = draftFrom('valid-topic.yaml');

    // Act
    const [outcome] = await saveTopics({ topics, clock }, drafts, anna, { mode: 'create' });

    // Assess
    expect(outcome?.topic).toMatchObject({ slug: 'lachin-road', version: 1, savedBy: 'anna' });
    const slugs = (await listTopics({ topics })).map((topic) => topic.slug);
    expect(slugs).toEqual(
      expect.arrayContaining([
        'relevance',
        'lachin-road',
        ...DEFAULT_TAXONOMY.topics.map((t) => t.slug),
      ]),
    );
    expect((await showTopic({ topics }, 'peace-process')).savedBy).toBe('default taxonomy');
  });

  it('tags with a saved change on the next poll, without a redeploy', async () => {
    // Prepare
    const tagger = createTaggerProvider(topics, { ttlMs: 0, clock });
    const article = {
      title: 'Armenian and Turkish envoys discuss opening Margara crossing',
      lang: 'en',
    };
    const before = (await tagger()).tag(article).topics;

    // Act
    await saveTopics(
      { topics, clock },
      [{ kind: 'topic', slug: 'transport-corridors', definition: editedCorridors() }],
      anna,
      { mode: 'update' },
    );
    const after = (await tagger()).tag(article);

    // Assess
    expect(before).not.toContain('transport-corridors');
    expect(after.topics).toContain('transport-corridors');
    expect(after.evidence).toContainEqual(
      expect.objectContaining({
        topic: 'transport-corridors',
        rule: 'border-crossings',
        matched: 'Margara',
      }),
    );
  });

  it.each([
    ['empty-phrases.yaml', { topic: 'lachin-road', rule: 'corridor' }],
    ['unknown-entity.yaml', { topic: 'lachin-road', rule: 'corridor' }],
    ['unknown-field.json', { topic: 'lachin-road', rule: 'corridor' }],
    ['excludes-everything.yaml', { topic: 'lachin-road', rule: 'corridor' }],
  ])('refuses %s with an issue naming topic and rule', (name, where) => {
    // Act
    const attempt = () => draftFrom(name);

    // Assess
    expect(attempt).toThrow(TopicValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as TopicValidationError).issues[0]).toMatchObject(where);
    }
  });

  it('reads a relevance gate file, and refuses a gate rule with an unknown entity', () => {
    // Prepare
    const good =
      'slug: relevance\nrules:\n  - id: names\n    anyOf: ["@conflict-core"]\n    weight: 2\n';
    const bad = 'slug: relevance\nrules:\n  - id: names\n    anyOf: ["@no-such-entity"]\n';

    // Act
    const [draft] = parseTopicDrafts(good, 'gate.yaml');
    const attempt = () => parseTopicDrafts(bad, 'gate.yaml');

    // Assess
    expect(draft).toMatchObject({ kind: 'relevance', slug: 'relevance' });
    expect(attempt).toThrow(
      /topic "relevance", rule "names": anyOf refers to unknown entity "@no-such-entity"/,
    );
  });

  it('keeps history append-only: a restore writes a new version equal to the old one', async () => {
    // Prepare
    const corridors: TopicDraft = {
      kind: 'topic',
      slug: 'transport-corridors',
      definition: editedCorridors(),
    };
    await saveTopics({ topics, clock }, [corridors], anna, { mode: 'update' });

    // Act
    const outcome = await restoreTopicVersion({ topics, clock }, 'transport-corridors', 1, {
      by: 'ruben',
      reason: 'Lachin stories went missing',
    });

    // Assess
    const versions = await topicHistory({ topics }, 'transport-corridors');
    expect(versions.map((version) => [version.version, version.savedBy])).toEqual([
      [1, 'default taxonomy'],
      [2, 'anna'],
      [3, 'ruben'],
    ]);
    expect(outcome).toMatchObject({ changed: true, previousVersion: 2 });
    expect(versions[2]?.reason).toBe('restored version 1: Lachin stories went missing');
    expect(versions[2]?.definition).toEqual(versions[0]?.definition);
  });

  it('refuses a save based on a version someone else has replaced meanwhile', async () => {
    // Prepare
    const draft: TopicDraft = {
      kind: 'topic',
      slug: 'transport-corridors',
      definition: editedCorridors(),
    };
    await saveTopics({ topics, clock }, [draft], anna, { mode: 'update', expectedVersion: 1 });

    // Act
    const stale = saveTopics(
      { topics, clock },
      [draft],
      { by: 'ruben' },
      {
        mode: 'update',
        expectedVersion: 1,
      },
    );

    // Assess
    await expect(stale).rejects.toMatchObject({ code: 'TOPIC_CONFLICT' });
    expect((await topicHistory({ topics }, 'transport-corridors')).length).toBe(2);
  });

  it('saves nothing when the definition is already the current one', async () => {
    // Prepare
    const shipped = DEFAULT_TAXONOMY.topics.find((topic) => topic.slug === 'peace-process');
    if (!shipped) throw new Error('no peace-process');

    // Act
    const [outcome] = await saveTopics(
      { topics, clock },
      [{ kind: 'topic', slug: shipped.slug, definition: shipped }],
      anna,
      { mode: 'update' },
    );

    // Assess
    expect(outcome).toMatchObject({ changed: false, topic: { version: 1 } });
  });

  it('stops tagging with a disabled topic, tags again once enabled, and never disables the gate', async () => {
    // Prepare
    const tagger = createTaggerProvider(topics, { ttlMs: 0, clock });
    const article = {
      title: 'Pashinyan: Armenia’s CSTO freeze holds while the bloc stays silent on 2022',
      lang: 'en',
    };

    // Act
    await setTopicEnabled({ topics, clock }, 'russia-csto', false, { by: 'anna', reason: 'noisy' });
    const whileOff = (await tagger()).tag(article).topics;
    await setTopicEnabled({ topics, clock }, 'russia-csto', true, { by: 'anna' });
    const whenOn = (await tagger()).tag(article).topics;
    const gate = await setTopicEnabled({ topics, clock }, 'relevance', false, anna).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(whileOff).not.toContain('russia-csto');
    expect(whenOn).toContain('russia-csto');
    expect(gate).toMatchObject({ code: 'GATE_ALWAYS_ON' });
    const history = await topicHistory({ topics }, 'russia-csto');
    expect(history.map((version) => version.enabled)).toEqual([true, false, true]);
  });

  it('says which versions exist when asked to restore one that does not', async () => {
    // Act
    const attempt = restoreTopicVersion({ topics, clock }, 'peace-process', 7, anna);

    // Assess
    await expect(attempt).rejects.toThrow(
      'topic "peace-process" has no version 7 (it has versions 1–1)',
    );
  });
});
