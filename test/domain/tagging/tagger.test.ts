import { describe, expect, it } from 'vitest';
import {
  compileTagger,
  defaultTagger,
  type Taxonomy,
  validateTaxonomy,
} from '../../../lambdas/domain/tagging';

function taxonomyWith(topics: Taxonomy['topics']): Taxonomy {
  return validateTaxonomy({
    relevance: {
      rules: [{ id: 'sides', allOf: ['@armenia-side', '@azerbaijan-side'], weight: 2 }],
    },
    topics,
  });
}

describe('compileTagger', () => {
  it('says which rule, term, text and field made an article relevant and topical', () => {
    // Prepare
    const tagger = compileTagger(
      taxonomyWith([
        {
          slug: 'corridors',
          name: 'C',
          description: 'C',
          rules: [{ id: 'lachin', anyOf: ['@lachin-corridor'] }],
        },
      ]),
    );

    // Act
    const result = tagger.tag({
      title: 'Azerbaijan closes the Lachin Corridor',
      summary: 'Armenia protests.',
    });

    // Assess
    expect(result.relevant).toBe(true);
    expect(result.topics).toEqual(['corridors']);
    expect(result.evidence).toEqual([
      {
        topic: 'relevance',
        rule: 'sides',
        term: '@armenia-side',
        matched: 'Armenia',
        field: 'summary',
      },
      {
        topic: 'relevance',
        rule: 'sides',
        term: '@azerbaijan-side',
        matched: 'Azerbaijan',
        field: 'title',
      },
      {
        topic: 'corridors',
        rule: 'lachin',
        term: '@lachin-corridor',
        matched: 'Lachin Corridor',
        field: 'title',
      },
    ]);
  });

  it('applies noneOf exclusions', () => {
    // Prepare
    const tagger = compileTagger(
      taxonomyWith([
        {
          slug: 'talks',
          name: 'T',
          description: 'T',
          rules: [{ id: 'talks', anyOf: ['talks'], noneOf: ['football'] }],
        },
      ]),
    );

    // Act
    const plain = tagger.tag({ title: 'Armenia and Azerbaijan resume talks' });
    const excluded = tagger.tag({ title: 'Armenia and Azerbaijan resume football talks' });

    // Assess
    expect(plain.topics).toEqual(['talks']);
    expect(excluded.evidence.some((e) => e.topic === 'talks')).toBe(false);
  });

  it('counts a title mention more than one deep in the body', () => {
    // Prepare
    const tagger = compileTagger(
      taxonomyWith([
        {
          slug: 'energy',
          name: 'E',
          description: 'E',
          rules: [{ id: 'gas', anyOf: ['gas'], weight: 1.25 }],
        },
        {
          slug: 'peace',
          name: 'P',
          description: 'P',
          rules: [{ id: 'treaty', anyOf: ['treaty'], weight: 1.25 }],
        },
      ]),
    );

    // Act
    const result = tagger.tag({
      title: 'Armenia and Azerbaijan close to a treaty',
      content: 'Officials also mentioned gas.',
    });

    // Assess
    expect(result.topics).toEqual(['peace']);
  });

  it('honours language and outlet filters, letting unknown ones pass', () => {
    // Prepare
    const tagger = compileTagger(
      taxonomyWith([
        {
          slug: 'ru-only',
          name: 'R',
          description: 'R',
          languages: ['ru'],
          rules: [{ id: 'r', anyOf: ['@armenia'], outlets: ['armenpress'] }],
        },
      ]),
    );
    const article = { title: 'Армения и Азербайджан' };

    // Act
    const english = tagger.tag({ ...article, lang: 'en' });
    const otherOutlet = tagger.tag({ ...article, lang: 'ru', outlet: 'TASS' });
    const matching = tagger.tag({ ...article, lang: 'ru', outlet: 'Armenpress (Russian)' });
    const unknown = tagger.tag(article);

    // Assess
    expect(english.evidence.some((e) => e.topic === 'ru-only')).toBe(false);
    expect(otherOutlet.evidence.some((e) => e.topic === 'ru-only')).toBe(false);
    expect(matching.topics).toEqual(['ru-only']);
    expect(unknown.topics).toEqual(['ru-only']);
  });

  it('gives a relevant article the fallback topic when no topic rule fires', () => {
    // Prepare
    const tagger = compileTagger({
      ...taxonomyWith([
        { slug: 'other', name: 'O', description: 'O', rules: [{ id: 'o', anyOf: ['zzz'] }] },
      ]),
      fallbackTopic: 'other',
    });

    // Act
    const result = tagger.tag({ title: 'Pashinyan and Aliyev speak' });

    // Assess
    expect(result).toMatchObject({ relevant: true, topics: ['other'] });
  });

  it('hides a name inside a decoy: Heydar Aliyev is not the president', () => {
    // Prepare
    const tagger = compileTagger(
      taxonomyWith([
        {
          slug: 'aliyev',
          name: 'A',
          description: 'A',
          rules: [{ id: 'a', anyOf: ['@ilham-aliyev'] }],
        },
      ]),
    );

    // Act
    const decoy = tagger.tag({ title: 'Armenian pianist plays at the Heydar Aliyev Centre' });
    const president = tagger.tag({ title: 'Armenian pianist meets Aliyev' });

    // Assess
    expect(decoy.relevant).toBe(false);
    expect(president.relevant).toBe(true);
  });
});

describe('defaultTagger', () => {
  it('is compiled once and shared', () => {
    // Assess
    expect(defaultTagger()).toBe(defaultTagger());
  });

  it('keeps FK Qarabağ football out', () => {
    // Act
    const result = defaultTagger().tag({ title: 'FK Qarabağ Çempionlar Liqasında qalib gəldi' });

    // Assess
    expect(result).toEqual({ relevant: false, topics: [], evidence: [] });
  });
});
