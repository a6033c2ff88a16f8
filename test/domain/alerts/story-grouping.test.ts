import { describe, expect, it } from 'vitest';
import { findStory, storyShingles } from '../../../lambdas/domain/alerts/story-grouping';

// A plain tokenizer keeps this test about grouping, not about the tagger's normaliser.
const tokenize = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

const candidate = (storyId: string, title: string, summary: string, lang = 'en') => ({
  storyId,
  lang,
  publishedAt: '2026-11-26T08:00:00.000Z',
  shingles: storyShingles(title, summary, tokenize),
});

describe('story grouping', () => {
  const stored = [
    candidate(
      'border-story',
      'Armenia and Azerbaijan agree on the next section of their border',
      'The two delimitation commissions met in Gazakh on Wednesday and agreed to mark a further twelve kilometres of the border near Tavush villages.',
    ),
    candidate(
      'prisoners-story',
      'Baku court adjourns trial of former Karabakh officials',
      'The military court in Baku postponed hearings in the case of eight former leaders until next month.',
    ),
  ];

  it('joins a lightly edited reprint from another outlet to the original story and says why', () => {
    // Prepare
    const reprint = {
      lang: 'en',
      publishedAt: '2026-11-26T09:30:00.000Z',
      shingles: storyShingles(
        'Armenia, Azerbaijan agree on next section of their border',
        'The two delimitation commissions met in Gazakh on Wednesday and agreed to mark a further twelve kilometres of the border near Tavush villages, the agency reported.',
        tokenize,
      ),
    };

    // Act
    const match = findStory(reprint, stored);

    // Assess
    expect(match?.storyId).toBe('border-story');
    expect(match?.explanation).toMatch(/shares \d+ of \d+ word pairs/);
  });

  it('keeps a different story on the same subject apart', () => {
    // Prepare
    const other = {
      lang: 'en',
      publishedAt: '2026-11-26T10:00:00.000Z',
      shingles: storyShingles(
        'Border guards report calm on the Armenia–Azerbaijan frontier',
        'No incidents were recorded overnight, the defence ministry said in its daily statement.',
        tokenize,
      ),
    };

    // Act + Assess
    expect(findStory(other, stored)).toBeUndefined();
  });

  it('never groups across languages or outside the time window', () => {
    // Prepare
    const sameText = storyShingles(
      'Baku court adjourns trial of former Karabakh officials',
      'The military court in Baku postponed hearings in the case of eight former leaders until next month.',
      tokenize,
    );

    // Act + Assess
    expect(
      findStory(
        { lang: 'ru', publishedAt: '2026-11-26T09:00:00.000Z', shingles: sameText },
        stored,
      ),
    ).toBeUndefined();
    expect(
      findStory(
        { lang: 'en', publishedAt: '2026-11-30T09:00:00.000Z', shingles: sameText },
        stored,
      ),
    ).toBeUndefined();
    expect(
      findStory({ lang: 'en', publishedAt: '2026-11-26T09:00:00.000Z', shingles: sameText }, stored)
        ?.storyId,
    ).toBe('prisoners-story');
  });
});
