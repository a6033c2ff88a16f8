import { describe, expect, it } from 'vitest';
import { findStory, storyShingles } from '../../../lambdas/domain/alerts/story-grouping';
import { tokenize } from '../../../lambdas/domain/tagging';

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
    expect(match?.explanation).toMatch(/shares \d+ of \d+ words/);
  });

  it('joins an agency rewrite that keeps the words but changes their order', () => {
    // Prepare
    const stored2 = [
      candidate(
        'tripp',
        'US and Armenia sign operating terms for TRIPP route across Syunik',
        'The agreement sets out who will run customs and security on the road and rail link that is to join mainland Azerbaijan with Nakhchivan through southern Armenia.',
      ),
    ];
    const rewrite = {
      lang: 'en',
      publishedAt: '2026-11-26T09:00:00.000Z',
      shingles: storyShingles(
        'US, Armenia sign operating terms for TRIPP route through Syunik',
        'The deal sets out who runs customs and security on the planned road and rail link joining mainland Azerbaijan with Nakhchivan across southern Armenia.',
        tokenize,
      ),
    };

    // Act + Assess
    expect(findStory(rewrite, stored2)?.storyId).toBe('tripp');
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
