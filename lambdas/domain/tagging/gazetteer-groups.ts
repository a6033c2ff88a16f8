import type { GazetteerEntry } from './gazetteer-model';

/** Sides and families of entries that rules refer to as one. */
export const GROUPS: GazetteerEntry[] = [
  {
    id: 'armenia-side',
    kind: 'group',
    label: 'Armenia: the state, its capital, its people and its officials',
    names: [],
    includes: [
      'armenia',
      'pashinyan',
      'mirzoyan',
      'armenian-officials',
      'tavush',
      'syunik',
      'armenia-border-areas',
    ],
  },
  {
    id: 'azerbaijan-side',
    kind: 'group',
    label: 'Azerbaijan: the state, its capital, its people and its officials',
    names: [],
    includes: [
      'azerbaijan',
      'ilham-aliyev',
      'azerbaijani-officials',
      'azerbaijani-agencies',
      'nakhchivan',
      'gazakh',
    ],
  },
  {
    id: 'karabakh-all',
    kind: 'group',
    label: 'Karabakh and its towns, by every name',
    names: [],
    includes: ['karabakh', 'stepanakert', 'shusha', 'lachin', 'karabakh-districts'],
  },
  {
    id: 'conflict-core',
    kind: 'group',
    label: 'Names that only occur in coverage of the conflict',
    names: [],
    includes: [
      'karabakh-all',
      'hakari-bridge',
      'lachin-corridor',
      'zangezur',
      'zangezur-corridor',
      'tripp',
      'euma',
      'minsk-group',
      'karabakh-leaders',
      'karabakh-officials',
      'tavush-villages',
      'almaty-declaration',
      'karabakh-wars',
      'great-return',
      'western-azerbaijan',
      'liberated-territories',
    ],
  },
  {
    id: 'russia-side',
    kind: 'group',
    label: 'Russia, its leaders, the CSTO and its ally Belarus',
    names: [],
    includes: ['russia', 'russia-figures', 'csto', 'russian-peacekeepers', 'belarus'],
  },
  {
    id: 'west-side',
    kind: 'group',
    label: 'The United States, the EU, France, Germany and their envoys',
    names: [],
    includes: [
      'united-states',
      'european-union',
      'western-powers',
      'west-figures',
      'euma',
      'minsk-group',
      'tripp',
    ],
  },
  {
    id: 'turkey-side',
    kind: 'group',
    label: 'Türkiye and its officials',
    names: [
      'Turkey',
      'Türkiye',
      'Turkish',
      'Ankara',
      'Турция',
      'турецкий',
      'Анкара',
      'Թուրքիա',
      'թուրքական',
      'Անկարա',
      'Türkiyə',
      'türk',
    ],
    includes: ['turkey-figures'],
  },
  {
    id: 'corridors',
    kind: 'group',
    label: 'The named corridors and routes',
    names: [],
    includes: ['lachin-corridor', 'zangezur-corridor', 'tripp', 'hakari-bridge'],
  },
];

/** The South Caucasus listed as a region: the three names in any order, in each language. */
function regionLists(): string[] {
  const triples: [string, string, string, string][] = [
    ['Armenia', 'Azerbaijan', 'Georgia', 'and'],
    ['Армения', 'Азербайджан', 'Грузия', 'и'],
    ['Հայաստան', 'Ադրբեջան', 'Վրաստան', 'և'],
    ['Ermənistan', 'Azərbaycan', 'Gürcüstan', 'və'],
  ];
  const lists: string[] = [];
  for (const [a, b, c, and] of triples) {
    for (const [x, y, z] of [
      [a, b, c],
      [a, c, b],
      [b, a, c],
      [b, c, a],
      [c, a, b],
      [c, b, a],
    ]) {
      lists.push(`${x}, ${y} ${and} ${z}`);
    }
  }
  return lists;
}

/**
 * Traps: strings that contain a conflict name but are about something else. A decoy's match
 * hides every shorter match inside it.
 */
export const DECOYS: GazetteerEntry[] = [
  {
    id: 'fk-qarabag',
    kind: 'decoy',
    label: 'FK Qarabağ, the football club',
    names: [
      'FK Qarabağ',
      'Qarabağ FK',
      'FC Qarabag',
      'Qarabag FC',
      'Qarabag football club',
      'Qarabağ futbol klubu',
      'ФК Карабах',
      'Qarabağ Ağdam',
    ],
  },
  {
    id: 'other-aliyevs',
    kind: 'decoy',
    label: 'Aliyevs other than the president',
    names: [
      'Heydar Aliyev',
      'Heydər Əliyev',
      'Гейдар Алиев',
      'Гейдара Алиева',
      'Հեյդար Ալիև',
      'Mehriban Aliyeva',
      'Mehriban Əliyeva',
      'Мехрибан Алиева',
      'Մեհրիբան Ալիևա',
      'Leyla Aliyeva',
      'Leyla Əliyeva',
      'Лейла Алиева',
      'Arzu Aliyeva',
      'Arzu Əliyeva',
    ],
  },
  {
    id: 'eumm-georgia',
    kind: 'decoy',
    label: 'The EU monitoring mission in Georgia',
    names: ['EUMM', 'EU monitoring mission in Georgia', 'EUMM Georgia', 'миссия ЕС в Грузии'],
  },
  {
    id: 'armed-forces',
    kind: 'decoy',
    label: '"Armed forces" and surrender (not arms deals)',
    names: [
      'silahlı qüvvə*',
      'lay down arms',
      'lay down their arms',
      'laid down their arms',
      'сложить оружие',
      'сложили оружие',
      'զենքը վայր դնել',
      'silahı yerə qoy*',
    ],
  },
  {
    id: 'small-arms-fire',
    kind: 'decoy',
    label: 'Small-arms fire in border-incident reports (not an arms story)',
    names: [
      'small arms',
      'small-arms fire',
      'стрелкового оружия',
      'стрелковое оружие',
      'atıcı silah*',
      'հրաձգային զենք*',
    ],
    note: 'Defence ministries report shooting "from small arms"; the same words are in hostilities.',
  },
  {
    id: 'south-caucasus-list',
    kind: 'decoy',
    label: 'The three South Caucasus countries named as a list',
    names: regionLists(),
    note: '"grants for Armenia, Azerbaijan and Georgia" is not a story about the two.',
  },
];
