import { describe, expect, it } from 'vitest';
import { PhraseIndex, phraseKeys } from '../../../lambdas/domain/tagging/phrase-index';
import { canonicalStem, stemCandidates } from '../../../lambdas/domain/tagging/stemming';

/** Does `phrase` (as an editor writes it) match somewhere in `text`? */
function matches(phrase: string, text: string): boolean {
  const index = new PhraseIndex();
  index.add(phraseKeys(phrase), 0);
  return index.find(text).length > 0;
}

describe('stemming', () => {
  it.each([
    ['Армения', 'в Армении и Армению'],
    ['Азербайджан', 'президент Азербайджана'],
    ['Карабах', 'в Нагорном Карабахе'],
    ['Нагорный Карабах', 'из Нагорного Карабаха'],
    ['Лачин', 'Лачинского коридора'],
    ['Зангезурский коридор', 'Зангезурского коридора'],
  ])('matches Russian %s in "%s"', (phrase, text) => {
    expect(matches(phrase, text)).toBe(true);
  });

  it.each([
    ['Ադրբեջան', 'Ադրբեջանի նախագահ'],
    ['Հայաստան', 'Հայաստանը և Ադրբեջանը'],
    ['Հայաստան', 'Հայաստանից'],
    ['Արցախ', 'Արցախի նախկին պետնախարար'],
    ['Թուրքիա', 'Թուրքիայի հատուկ ներկայացուցիչ'],
    ['ՀԱՊԿ', 'ՀԱՊԿ-ից դուրս գալ'],
  ])('matches Armenian %s in "%s"', (phrase, text) => {
    expect(matches(phrase, text)).toBe(true);
  });

  it.each([
    ['Ermənistan', 'Ermənistanın baş naziri'],
    ['Azərbaycan', 'Azərbaycana qarşı'],
    ['Laçın', 'Laçını tərk edir'],
    ['Qarabağ', 'Qarabağdakı'],
    ['erməni', 'ermənilərin'],
    ['KTMT', 'KTMT-də'],
    ['Türkiyə', 'Türkiyənin'],
  ])('matches Azerbaijani %s in "%s"', (phrase, text) => {
    expect(matches(phrase, text)).toBe(true);
  });

  it('does not shorten short names below the stem minimum', () => {
    // Act
    const stems = ['баку', 'putin', 'lacin', 'шуша'].map(canonicalStem);

    // Assess
    expect(stems).toEqual(['баку', 'putin', 'lacin', 'шуша']);
  });

  it('keeps Kazakhstan apart from Gazakh', () => {
    // Assess
    expect(matches('Qazax', 'Qazaxıstan prezidenti')).toBe(false);
    expect(matches('Газах', 'в Казахстане')).toBe(false);
  });

  it('lists every form reached by stripping stacked suffixes', () => {
    // Act
    const candidates = stemCandidates('ermenilerin');

    // Assess
    expect(candidates).toEqual(expect.arrayContaining(['ermenilerin', 'ermeniler', 'ermeni']));
  });
});

describe('PhraseIndex', () => {
  it('matches a prefix word against any word that starts with it', () => {
    // Assess
    expect(matches('dayandır*', 'iştirakını dayandırır')).toBe(true);
    expect(matches('dayandır*', 'dayanır')).toBe(false);
  });

  it('matches short capitalised acronyms only when written in capitals', () => {
    // Assess
    expect(matches('ԵՄ', 'ԵՄ դիտորդները')).toBe(true);
    expect(matches('ԵՄ', 'գնահատում եմ')).toBe(false);
    expect(matches('US', 'talks with US envoys')).toBe(true);
    expect(matches('US', 'join us')).toBe(false);
  });

  it('reports where each phrase occurred in the original text', () => {
    // Prepare
    const index = new PhraseIndex();
    index.add(phraseKeys('Lachin corridor'), 7);
    const text = 'Blockade of the Lachin Corridor continues';

    // Act
    const [hit] = index.find(text);

    // Assess
    expect(hit?.term).toBe(7);
    expect(text.slice(hit?.start, hit?.end)).toBe('Lachin Corridor');
  });
});
