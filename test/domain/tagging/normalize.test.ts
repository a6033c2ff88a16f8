import { describe, expect, it } from 'vitest';
import { foldToken, normalizeText, tokenize } from '../../../lambdas/domain/tagging';

describe('tokenize', () => {
  it('folds Azerbaijani dotted and dotless i so every casing of a name meets', () => {
    // Prepare
    const spellings = ['Azərbaycan', 'AZƏRBAYCAN', 'Azerbaycan', 'İLHAM', 'Bakı', 'BAKI'];

    // Act
    const folded = spellings.map(foldToken);

    // Assess
    expect(folded).toEqual(['azerbaycan', 'azerbaycan', 'azerbaycan', 'ilham', 'baki', 'baki']);
  });

  it('removes Latin diacritics so Qarabağ meets Qarabag and Xankəndi meets Xankendi', () => {
    // Act
    const tokens = tokenize('Qarabağ Qarabag Xankəndi Xankendi Şuşa Çavuşoğlu Füzuli Gürcüstan');

    // Assess
    expect(tokens).toEqual([
      'qarabag',
      'qarabag',
      'xankendi',
      'xankendi',
      'susa',
      'cavusoglu',
      'fuzuli',
      'gurcustan',
    ]);
  });

  it('folds ё to е but keeps й, so Cyrillic names stay Cyrillic', () => {
    // Act
    const tokens = tokenize('Трёхстороннее заявление, Лачинский коридор');

    // Assess
    expect(tokens).toEqual(['трехстороннее', 'заявление', 'лачинский', 'коридор']);
  });

  it('splits on Armenian punctuation and keeps Armenian letters, ligature unfolded', () => {
    // Act
    const tokens = tokenize('«Ալիև»՝ Հայաստան։ Ստեփանակերտ․ Բաքու');

    // Assess
    expect(tokens).toEqual(['ալիեւ', 'հայաստան', 'ստեփանակերտ', 'բաքու']);
  });

  it('drops Armenian emphasis and question marks inside a word instead of cutting it', () => {
    // Act
    const tokens = tokenize('Ինչո՞ւ է Ադրբեջա՛նը լռում');

    // Assess
    expect(tokens).toEqual(['ինչու', 'է', 'ադրբեջանը', 'լռում']);
  });

  it('splits case suffixes written after a hyphen or an apostrophe', () => {
    // Act
    const tokens = tokenize("ՀԱՊԿ-ից KTMT-də Azerbaijan's Türkiye'nin");

    // Assess
    expect(tokens).toEqual(['հապկ', 'ից', 'ktmt', 'de', 'azerbaijan', 's', 'turkiye', 'nin']);
  });
});

describe('normalizeText', () => {
  it('joins the tokens with single spaces', () => {
    // Act
    const text = normalizeText('  Nagorno-Karabakh,\tArtsakh!  ');

    // Assess
    expect(text).toBe('nagorno karabakh artsakh');
  });
});
