import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TAXONOMY,
  parseTopicDefinition,
  TopicValidationError,
  validateTaxonomy,
  validateTopics,
} from '../../../lambdas/domain/tagging';

function topic(rules: unknown[], extra: Record<string, unknown> = {}) {
  return { slug: 'lachin-road', name: 'Lachin road', description: 'The road', rules, ...extra };
}

/** The message of the TopicValidationError thrown by `act`. */
function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(TopicValidationError);
    return (error as TopicValidationError).message;
  }
  throw new Error('expected a TopicValidationError');
}

describe('validateTopics', () => {
  it('accepts a topic over phrases and gazetteer entities', () => {
    // Prepare
    const input = topic([
      { id: 'corridor', anyOf: ['@lachin-corridor', 'Berdzor road'], weight: 2 },
    ]);

    // Act
    const [parsed] = validateTopics(input);

    // Assess
    expect(parsed?.rules[0]?.anyOf).toEqual(['@lachin-corridor', 'Berdzor road']);
  });

  it('refuses an empty phrase list, naming topic and rule', () => {
    // Act
    const message = refusal(() => validateTopics(topic([{ id: 'corridor', anyOf: [] }])));

    // Assess
    expect(message).toContain('topic "lachin-road", rule "corridor": anyOf is empty');
  });

  it('refuses an unknown entity, naming it', () => {
    // Act
    const message = refusal(() =>
      validateTopics(topic([{ id: 'corridor', anyOf: ['@lachin-coridor'] }])),
    );

    // Assess
    expect(message).toContain(
      'topic "lachin-road", rule "corridor": anyOf refers to unknown entity "@lachin-coridor"',
    );
  });

  it('refuses an unknown field and suggests the right spelling', () => {
    // Act
    const message = refusal(() => validateTopics(topic([{ id: 'corridor', anyof: ['Lachin'] }])));

    // Assess
    expect(message).toContain('topic "lachin-road", rule "corridor": unknown field "anyof"');
    expect(message).toContain('did you mean "anyOf"?');
  });

  it('refuses an exclusion that excludes everything the rule matches', () => {
    // Prepare
    const rule = { id: 'corridor', allOf: ['Lachin corridor'], noneOf: ['corridor'] };

    // Act
    const message = refusal(() => validateTopics(topic([rule])));

    // Assess
    expect(message).toContain(
      'topic "lachin-road", rule "corridor": noneOf "corridor" excludes everything',
    );
  });

  it('refuses an exclusion of an entity that covers every spelling of the required one', () => {
    // Prepare
    const rule = { id: 'sides', anyOf: ['@pashinyan'], noneOf: ['@armenia-side'] };

    // Act
    const message = refusal(() => validateTopics(topic([rule])));

    // Assess
    expect(message).toContain('noneOf "@armenia-side" excludes everything');
  });

  it('refuses phrases with no words and prefixes too short to mean anything', () => {
    // Act
    const message = refusal(() => validateTopics(topic([{ id: 'r', anyOf: ['…', 'ab*'] }])));

    // Assess
    expect(message).toContain('has a phrase with no words in it: "…"');
    expect(message).toContain('prefix shorter than 3 letters');
  });

  it('names a topic without a slug by its position', () => {
    // Act
    const message = refusal(() =>
      validateTopics([
        topic([{ id: 'r', anyOf: ['x y'] }]),
        { name: 'n', description: 'd', rules: [] },
      ]),
    );

    // Assess
    expect(message).toContain('topic "topics[1]": slug is missing');
  });
});

describe('parseTopicDefinition', () => {
  it('reads YAML with a list of topics', () => {
    // Prepare
    const yaml = [
      '- slug: csto-exit',
      '  name: CSTO exit',
      '  description: Armenia and the CSTO',
      '  rules:',
      '    - id: freeze',
      '      allOf: ["@csto", "@armenia-side"]',
      '      anyOf: ["заморо*", "dondur*"]',
    ].join('\n');

    // Act
    const topics = parseTopicDefinition(yaml, 'csto.yaml');

    // Assess
    expect(topics.map((t) => t.slug)).toEqual(['csto-exit']);
  });

  it('reports broken JSON with the file name', () => {
    // Act
    const message = refusal(() => parseTopicDefinition('{"slug": ', 'broken.json'));

    // Assess
    expect(message).toMatch(/^tagger: broken\.json: topic "\(unreadable\)": not valid JSON/);
  });
});

describe('validateTaxonomy', () => {
  it('accepts the shipped default taxonomy with the 11 topics', () => {
    // Act
    const taxonomy = validateTaxonomy(DEFAULT_TAXONOMY);

    // Assess
    expect(taxonomy.topics.map((t) => t.slug)).toEqual([
      'peace-process',
      'border-security',
      'karabakh-displacement',
      'detainees-pows',
      'transport-corridors',
      'russia-csto',
      'west-mediation',
      'turkey-normalisation',
      'arms-military',
      'humanitarian-rights',
      'energy-climate',
    ]);
  });

  it('names the relevance gate when its rules are wrong', () => {
    // Prepare
    const broken = {
      ...DEFAULT_TAXONOMY,
      relevance: { rules: [{ id: 'gate', anyOf: ['@nowhere'] }] },
    };

    // Act
    const message = refusal(() => validateTaxonomy(broken));

    // Assess
    expect(message).toContain(
      'topic "relevance", rule "gate": anyOf refers to unknown entity "@nowhere"',
    );
  });
});
