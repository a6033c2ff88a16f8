import { describe, expect, it } from 'vitest';
import {
  detectLanguage,
  languageFromTag,
  resolveLanguage,
} from '../../../lambdas/domain/feeds/language';

describe('languageFromTag', () => {
  it.each([
    ['en-US', 'en'],
    ['ru_RU', 'ru'],
    ['hy-AM', 'hy'],
    ['az-Latn-AZ', 'az'],
    ['hye', 'hy'],
    ['AZE', 'az'],
    [' de ', 'de'],
    ['not a language', undefined],
    ['', undefined],
  ])('reads %j as %s', (tag, expected) => {
    // Act
    const language = languageFromTag(tag);

    // Assess
    expect(language).toBe(expected);
  });
});

describe('detectLanguage', () => {
  it.each([
    ['Սահմանազատման հանձնաժողովները հանդիպել են', 'hy'],
    ['Пашинян: Армения не примет участия в саммите ОДКБ', 'ru'],
    ['Azərbaycan və Ermənistan sərhəd komissiyaları', 'az'],
    ['Laçın şəhərinə daha 30 ailə köçürülüb', 'az'],
    ['Bakı Şuşa yolu açılıb, Ağdam və Füzuli', 'az'],
    ['Kars Naxcivan dagi yolu acildi', undefined],
    ['Armenia and Azerbaijan sign protocol on the border', 'en'],
    ['Court upholds sentences', 'en'],
    ['12:30 — 2026', undefined],
  ])('tells %j is %s', (text, expected) => {
    // Act
    const language = detectLanguage(text);

    // Assess
    expect(language).toBe(expected);
  });
});

describe('resolveLanguage', () => {
  it('prefers the item declaration, then the feed, then the script', () => {
    // Act
    const fromItem = resolveLanguage({ itemTag: 'hy', feedTag: 'ru', text: 'Пашинян' });
    const fromFeed = resolveLanguage({ feedTag: 'az-AZ', text: 'Bakı Şuşa yolu' });
    const fromScript = resolveLanguage({ text: 'Переговоры в Брюсселе' });

    // Assess
    expect([fromItem, fromFeed, fromScript]).toEqual(['hy', 'az', 'ru']);
  });

  it('lets the script overrule a feed-wide declaration that the text plainly contradicts', () => {
    // Act
    const language = resolveLanguage({
      feedTag: 'en-us',
      text: 'Переговоры в Брюсселе продолжатся',
    });

    // Assess
    expect(language).toBe('ru');
  });
});
