import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ArticleText, defaultTagger } from '../../../lambdas/domain/tagging';

interface Case extends ArticleText {
  id: string;
  relevant: boolean;
  topics: string[];
  notTopics?: string[];
}

const FIXTURES = new URL('../../fixtures/tagging/', import.meta.url);
const cases: Case[] = readFileSync(new URL('held-out-style.jsonl', FIXTURES), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Case);

describe('default taxonomy', () => {
  it.each(cases.map((c) => [c.id, c] as const))(
    'tags %s as the labelling rules say',
    (_id, item) => {
      // Act
      const result = defaultTagger().tag(item);

      // Assess
      expect(result.relevant).toBe(item.relevant);
      expect(result.topics).toEqual(expect.arrayContaining(item.topics));
      for (const slug of item.notTopics ?? []) expect(result.topics).not.toContain(slug);
      if (item.relevant) expect(result.topics.length).toBeGreaterThan(0);
      else expect(result.topics).toEqual([]);
    },
  );

  it('covers all four languages with relevant items and hard negatives', () => {
    // Assess
    for (const lang of ['en', 'ru', 'hy', 'az']) {
      expect(cases.filter((c) => c.lang === lang && c.relevant).length).toBeGreaterThan(3);
      expect(cases.filter((c) => c.lang === lang && !c.relevant).length).toBeGreaterThan(1);
    }
  });

  it('finds the Armenia–Belarus ambassador row relevant, about the CSTO and arms', () => {
    // Prepare
    const article = JSON.parse(
      readFileSync(new URL('seed-paraphrase.json', FIXTURES), 'utf8'),
    ) as ArticleText;

    // Act
    const result = defaultTagger().tag(article);

    // Assess
    expect(result.relevant).toBe(true);
    expect(result.topics).toEqual(expect.arrayContaining(['russia-csto', 'arms-military']));
    expect(result.evidence).toContainEqual(
      expect.objectContaining({
        topic: 'russia-csto',
        term: '@csto',
        matched: 'CSTO',
        field: 'content',
      }),
    );
  });
});
