import type { Taxonomy } from './taxonomy';

/**
 * The taxonomy shipped with the project: the relevance gate and the 11 default topics.
 *
 * Weights follow one convention so editors can reason about them: with field weights title 1,
 * summary 0.8, content 0.5 and threshold 1,
 * - `weight: 2` — specific evidence: enough alone, even deep in the body;
 * - `weight: 1.25` — suggestive evidence: enough in the title or lede, not in the body alone;
 * - `weight: 0.6` — a hint: needs a second rule to agree.
 * Rules are built from the labelling rules (what counts as Armenia–Azerbaijan coverage) and the
 * gazetteer, not from individual headlines.
 */
export const DEFAULT_TAXONOMY: Taxonomy = {
  version: 1,
  fieldWeights: { title: 1, summary: 0.8, content: 0.5 },
  fallbackTopic: 'peace-process',
  relevance: {
    description:
      'Is this about Armenia–Azerbaijan relations or the conflict and its direct consequences?',
    threshold: 1,
    rules: [
      {
        id: 'conflict-names',
        anyOf: ['@conflict-core'],
        noneOf: ['@football'],
        weight: 2,
      },
      {
        id: 'both-sides',
        allOf: ['@armenia-side', '@azerbaijan-side'],
        weight: 2,
      },
      {
        id: 'conflict-process-one-side',
        allOf: [
          ['@armenia-side', '@azerbaijan-side'],
          ['@peace-agreement', '@delimitation', '@trilateral-statement'],
        ],
        weight: 1.25,
      },
      {
        id: 'armenian-prisoners',
        allOf: ['@armenia-side', '@prisoners'],
        anyOf: ['@trial', '@azerbaijan-side', '@karabakh-all'],
        weight: 1.25,
      },
      {
        id: 'armenia-csto-rift',
        allOf: ['@csto', '@armenia-side', '@csto-withdrawal'],
        weight: 1.25,
      },
      {
        // Armenia's arms and budgets are reported as a response to Azerbaijan even when the
        // lede does not say so; Azerbaijan's deals with Israel, Türkiye or Pakistan are not
        // Armenia–Azerbaijan news unless Armenia is named, so that side alone is only a hint.
        id: 'military-balance',
        allOf: ['@armenia-side', ['@defence-budget', '@arms', '@arms-deals']],
        weight: 1.25,
      },
      {
        id: 'azerbaijan-military',
        allOf: ['@azerbaijan-side', ['@defence-budget', '@arms', '@arms-deals']],
        weight: 0.6,
      },
      {
        id: 'turkey-armenia-normalisation',
        allOf: ['@armenia-side', '@turkey-side', '@normalisation'],
        weight: 1.25,
      },
      {
        id: 'armenia-turkey-border-crossing',
        anyOf: ['@margara-alican'],
        allOf: [['@armenia-side', '@turkey-side']],
        weight: 2,
      },
    ],
  },
  topics: [
    {
      slug: 'peace-process',
      name: 'Peace process',
      description: 'Peace treaty, talks, declarations and steps towards normal relations.',
      rules: [
        {
          id: 'peace-treaty',
          anyOf: ['@peace-agreement', '@peace-documents', '@trilateral-statement'],
          weight: 2,
        },
        { id: 'peace-and-treaty', allOf: ['@peace-word', '@agreement-word'], weight: 1.25 },
        {
          id: 'agreement-between-them',
          allOf: ['@armenia-side', '@azerbaijan-side', ['@agreement-word', '@talks']],
          fields: ['title', 'summary'],
          weight: 1.25,
        },
        {
          id: 'peace-between-them',
          allOf: ['@armenia-side', '@azerbaijan-side', '@peace-word'],
          weight: 1.25,
        },
        {
          id: 'transit-opens',
          allOf: ['@armenia-side', '@azerbaijan-side', '@transit', '@talks'],
          weight: 0.6,
        },
      ],
    },
    {
      slug: 'border-security',
      name: 'Border and security',
      description: 'Border delimitation, incidents, shooting and attacks, the EU monitors.',
      rules: [
        {
          id: 'delimitation',
          anyOf: ['@delimitation', '@almaty-declaration', '@tavush-villages'],
          weight: 2,
        },
        {
          id: 'border-incident',
          allOf: [['@border-word', '@military-positions'], '@hostilities'],
          weight: 1.25,
        },
        {
          id: 'hostilities-between-them',
          allOf: ['@armenia-side', '@azerbaijan-side', ['@hostilities', '@casualties']],
          // Servicemen handed over are a prisoner story, not a clash.
          noneOf: ['@handover'],
          fields: ['title', 'summary'],
          weight: 1.25,
        },
        { id: 'attack-on-armenia', anyOf: ['@attack-on-armenia'], weight: 1.25 },
        { id: 'eu-monitors', anyOf: ['@euma', '@eu-monitoring-mission'], weight: 2 },
        {
          id: 'border-meeting',
          allOf: ['@border-word', '@armenia-side', '@azerbaijan-side'],
          fields: ['title', 'summary'],
          weight: 0.6,
        },
      ],
    },
    {
      slug: 'karabakh-displacement',
      name: 'Karabakh and its displaced people',
      description: 'Refugees from Karabakh, their aid, rights and return; the exodus of 2023.',
      rules: [
        { id: 'karabakh-refugees', allOf: ['@displacement', '@karabakh-all'], weight: 2 },
        { id: 'great-return', anyOf: ['@great-return'], weight: 2 },
        { id: 'karabakh-armenians', anyOf: ['@karabakh-armenians'], weight: 1.25 },
        {
          id: 'displaced-armenians',
          allOf: ['@displacement', '@armenia-side'],
          fields: ['title', 'summary'],
          weight: 0.6,
        },
      ],
    },
    {
      slug: 'detainees-pows',
      name: 'Detainees and prisoners of war',
      description:
        'Armenian prisoners and former Karabakh leaders held and tried in Baku; releases.',
      rules: [
        { id: 'karabakh-leaders', anyOf: ['@karabakh-leaders'], weight: 2 },
        { id: 'prisoners', anyOf: ['@prisoners'], weight: 1.25 },
        {
          id: 'people-handed-over',
          allOf: ['@handover', ['@casualties', '@prisoners']],
          fields: ['title', 'summary'],
          weight: 1.25,
        },
        {
          id: 'trial-in-baku',
          allOf: ['@trial', ['@baku', '@karabakh-all', '@armenia-side']],
          noneOf: ['@international-courts'],
          weight: 1.25,
        },
      ],
    },
    {
      slug: 'transport-corridors',
      name: 'Transport corridors',
      description: 'Lachin corridor, Zangezur/TRIPP, rail, road and cargo transit between the two.',
      rules: [
        { id: 'named-corridor', anyOf: ['@corridors', '@zangezur'], weight: 2 },
        { id: 'lachin', anyOf: ['@lachin'], weight: 1.25 },
        {
          id: 'transit',
          anyOf: ['@transit'],
          noneOf: ['@arms', '@arms-deals'],
          fields: ['title', 'summary'],
          weight: 1.25,
        },
        { id: 'nakhchivan-link', allOf: ['@nakhchivan', '@transit'], weight: 2 },
      ],
    },
    {
      slug: 'russia-csto',
      name: 'Russia and the CSTO',
      description: 'Russia, its peacekeepers, the CSTO and Belarus as they bear on the conflict.',
      rules: [
        { id: 'csto', anyOf: ['@csto'], weight: 2 },
        { id: 'peacekeepers', anyOf: ['@russian-peacekeepers'], weight: 2 },
        { id: 'russia-brokered', anyOf: ['@trilateral-statement'], weight: 1.25 },
        { id: 'russia', anyOf: ['@russia-side'], weight: 1.25 },
      ],
    },
    {
      slug: 'west-mediation',
      name: 'Western mediation',
      description:
        'The US, the EU, France and the Minsk Group as mediators, monitors and partners.',
      rules: [
        {
          id: 'named-western-role',
          anyOf: ['@euma', '@eu-monitoring-mission', '@minsk-group', '@tripp', '@peace-documents'],
          weight: 2,
        },
        { id: 'west', anyOf: ['@west-side'], noneOf: ['@eumm-georgia'], weight: 1.25 },
      ],
    },
    {
      slug: 'turkey-normalisation',
      name: 'Armenia–Türkiye normalisation',
      description: 'Talks, envoys and the border between Armenia and Türkiye.',
      rules: [
        { id: 'normalisation', allOf: ['@turkey-side', '@normalisation'], weight: 2 },
        { id: 'border-crossing', anyOf: ['@margara-alican'], weight: 2 },
        {
          id: 'turkey-and-armenia',
          allOf: ['@turkey-side', '@armenia-side'],
          fields: ['title', 'summary'],
          weight: 0.6,
        },
        {
          id: 'turkey-and-border',
          allOf: ['@turkey-side', '@border-word'],
          fields: ['title', 'summary'],
          weight: 0.6,
        },
      ],
    },
    {
      slug: 'arms-military',
      name: 'Arms and the military balance',
      description: 'Arms deals, weapons and defence spending, framed against the other side.',
      rules: [
        { id: 'arms', anyOf: ['@arms'], weight: 1.25 },
        { id: 'arms-deals', anyOf: ['@arms-deals'], weight: 2 },
        {
          id: 'munitions-between-them',
          allOf: ['@munitions', '@armenia-side', '@azerbaijan-side'],
          fields: ['title', 'summary'],
          weight: 0.6,
        },
        { id: 'defence-budget', anyOf: ['@defence-budget'], weight: 2 },
      ],
    },
    {
      slug: 'humanitarian-rights',
      name: 'Humanitarian situation and rights',
      description: 'Blockade, civilians, heritage, international courts and rights cases.',
      rules: [
        { id: 'courts-and-red-cross', anyOf: ['@international-courts'], weight: 2 },
        { id: 'humanitarian', anyOf: ['@humanitarian'], weight: 1.25 },
      ],
    },
    {
      slug: 'energy-climate',
      name: 'Energy and climate',
      description: 'Oil, gas, fuel and electricity between the two; COP29 and the climate.',
      rules: [{ id: 'energy', anyOf: ['@energy'], weight: 1.25 }],
    },
  ],
};
