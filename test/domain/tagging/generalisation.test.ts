import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  defaultTagger,
  evaluateTagger,
  type LabelledArticle,
} from '../../../lambdas/domain/tagging';

/**
 * `generalisation.jsonl` was written independently of the gazetteer and the rules (headlines
 * and ledes in the outlets' style, four languages, hard negatives), so its scores estimate how
 * the tagger does on unseen news. The floors sit just under what the tagger reaches: a guard
 * against regressions, not a target to tune against.
 */
const FIXTURES = new URL('../../fixtures/tagging/', import.meta.url);
const items: LabelledArticle[] = readFileSync(new URL('generalisation.jsonl', FIXTURES), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as LabelledArticle);

const LANGUAGES = ['en', 'ru', 'hy', 'az'] as const;

describe('default tagger on the generalisation set', () => {
  const report = evaluateTagger(defaultTagger(), items);

  it('holds a balanced set: about 40 items a language, a quarter of them hard negatives', () => {
    // Assess
    for (const lang of LANGUAGES) {
      const ofLang = items.filter((item) => item.lang === lang);
      expect(ofLang.length).toBeGreaterThanOrEqual(38);
      expect(ofLang.filter((item) => !item.relevant).length).toBeGreaterThanOrEqual(8);
    }
    const slugs = new Set(items.flatMap((item) => item.topics));
    expect(slugs.size).toBe(defaultTagger().topicSlugs.length);
  });

  it('tells Armenia–Azerbaijan news from the rest, overall and in every language', () => {
    // Assess
    expect(report.relevance.f1).toBeGreaterThanOrEqual(0.97);
    for (const lang of LANGUAGES) {
      expect(report.relevanceByLanguage[lang]?.f1, lang).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('gives the labelled topics', () => {
    // Assess
    expect(report.topicMicro.f1).toBeGreaterThanOrEqual(0.92);
    expect(report.topicMacroF1).toBeGreaterThanOrEqual(0.93);
  });
});

describe('default tagger on vocabulary that generalises', () => {
  const tag = (title: string, summary?: string) => defaultTagger().tag({ title, summary });

  it('does not read "families" as famine or "blocks" as a blockade', () => {
    // Act
    const result = tag(
      'Displaced Artsakh families struggle to pay rent in Yerevan',
      'The ministry blocks a rise in the housing subsidy.',
    );

    // Assess
    expect(result.topics).toContain('karabakh-displacement');
    expect(result.topics).not.toContain('humanitarian-rights');
  });

  it('counts the Moscow-brokered trilateral statement as Russia, not Western mediation', () => {
    // Act
    const result = tag(
      'Zakharova: Yerevan is undermining the trilateral statement',
      'The Russian diplomat said Armenia forgets who stopped the war with Azerbaijan.',
    );

    // Assess
    expect(result.topics).toContain('russia-csto');
    expect(result.topics).not.toContain('west-mediation');
  });

  it('leaves an Azerbaijan–Israel arms deal that does not name Armenia out', () => {
    // Act
    const result = tag(
      'Azərbaycan İsraildən yeni raket sistemləri alacaq',
      'Müvafiq saziş Təl-Əvivdə imzalanıb.',
    );

    // Assess
    expect(result.relevant).toBe(false);
  });

  it('reads small-arms fire on army positions as a border incident, not an arms story', () => {
    // Act
    const result = tag(
      'Azerbaijani MoD: army positions came under small-arms fire from Armenian side',
      'Units in the Kalbajar direction returned fire.',
    );

    // Assess
    expect(result.topics).toContain('border-security');
    expect(result.topics).not.toContain('arms-military');
  });

  it('reads servicemen handed over as a prisoner story, not a clash', () => {
    // Act
    const result = tag(
      'Azərbaycan Ermənistana iki hərbçini təhvil verib',
      'Təhvil-təslim sərhəddə baş tutub.',
    );

    // Assess
    expect(result.topics).toContain('detainees-pows');
    expect(result.topics).not.toContain('border-security');
  });

  it('finds mine-map and liberated-territory stories in Azerbaijani', () => {
    // Act
    const result = tag(
      'Azad edilmiş ərazilərdə daha 300 hektar sahə minalardan təmizlənib',
      'ANAMA həftəlik hesabatını açıqlayıb.',
    );

    // Assess
    expect(result.relevant).toBe(true);
    expect(result.topics).toContain('humanitarian-rights');
  });
});
