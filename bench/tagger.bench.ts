/**
 * Tagger throughput on ~2 KB articles in the four scripts: `npx tsx bench/tagger.bench.ts`.
 *
 * Figures (articles per second, median of several rounds; each round tags fresh articles, so
 * word caches see new words as they would in production):
 * - `tagger-floor-tokenize`: normalising and tokenising title, summary and body, nothing else;
 * - `tagger-default`: the shipped taxonomy (ratio to the floor; goal ≥ 0.67, i.e. within 1.5×);
 * - `tagger-naive-regexp-500`: one case-insensitive RegExp per phrase, 500 synthetic topics;
 * - `tagger-synthetic-500`: the compiled tagger on the same topics (ratio to naive; goal ≥ 100);
 * - `tagger-synthetic-5000`: 5,000 topics (ratio to 500 topics; goal ≥ 0.5, i.e. ≤ 2× slower).
 * `ratio` is always this figure divided by its `baseline` figure.
 */
import { pathToFileURL } from 'node:url';
import {
  type ArticleText,
  compileTagger,
  defaultTagger,
  type Taxonomy,
  tokenize,
} from '../lambdas/domain/tagging';
import { type BenchLine, median, printLines, round } from './bench-line';

/** Small deterministic PRNG (mulberry32) so every run benches the same text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABETS = {
  latin: 'abcdefghijklmnopqrstuvwxyzəğışçöü',
  cyrillic: 'абвгдеёжзийклмнопрстуфхцчшщыэюя',
  armenian: 'աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ',
} as const;
type Alphabet = keyof typeof ALPHABETS;

const COMMON: Record<Alphabet, string[]> = {
  latin: (
    'the of and to in a is that for on with as was by at from his her said has have it are be ' +
    'government minister president talks meeting region border week report said officials ' +
    've bu ilə üçün da də olan bildirib deyib görə sonra artıq hökumət nazir prezident'
  ).split(' '),
  cyrillic: (
    'и в не на что с по как это он она к из за от для министр президент заявил встреча ' +
    'переговоры граница правительство сообщил также глава вопрос стороны'
  ).split(' '),
  armenian: (
    'և է որ այդ մասին հետ համար նաև նա իր ասել հայտարարել կառավարություն նախարար նախագահ ' +
    'հանդիպում սահման կողմերը հարց ըստ'
  ).split(' '),
};

/** Real names sprinkled in so the default taxonomy has something to find. */
const NAMES = [
  'Armenia',
  'Azerbaijan',
  'Karabakh',
  'Pashinyan',
  'Aliyev',
  'Армении',
  'Азербайджана',
  'Ադրբեջանի',
  'Հայաստանի',
  'Ermənistanın',
  'Azərbaycana',
  'CSTO',
  'Lachin corridor',
  'peace treaty',
  'delimitation',
];

function pseudoWord(next: () => number, alphabet: Alphabet): string {
  const letters = [...ALPHABETS[alphabet]];
  const length = 3 + Math.floor(next() * 8);
  let word = '';
  for (let i = 0; i < length; i++) word += letters[Math.floor(next() * letters.length)];
  return next() < 0.15 ? word[0]?.toUpperCase() + word.slice(1) : word;
}

/** A vocabulary per script: rarer words are drawn less often (roughly Zipf), as in news. */
function vocabulary(next: () => number, size: number): Record<Alphabet, string[]> {
  const build = (alphabet: Alphabet) =>
    Array.from({ length: size }, () => pseudoWord(next, alphabet));
  return { latin: build('latin'), cyrillic: build('cyrillic'), armenian: build('armenian') };
}

function zipf(next: () => number, size: number): number {
  return Math.min(size - 1, Math.floor(size ** next()) - 1 + Math.floor(next() * 2));
}

interface Vocabulary {
  /** Everyday words, drawn roughly Zipf. */
  general: Record<Alphabet, string[]>;
  /** Names and terms topics are written about: rarer in text, drawn uniformly. */
  topical: Record<Alphabet, string[]>;
}

function sentence(
  next: () => number,
  vocab: Vocabulary,
  alphabet: Alphabet,
  chars: number,
): string {
  const words: string[] = [];
  let length = 0;
  while (length < chars) {
    const roll = next();
    const general = vocab.general[alphabet];
    const topical = vocab.topical[alphabet];
    const word =
      roll < 0.45
        ? (COMMON[alphabet][Math.floor(next() * COMMON[alphabet].length)] ?? 'and')
        : roll < 0.47
          ? (NAMES[Math.floor(next() * NAMES.length)] ?? 'Armenia')
          : roll < 0.5
            ? (topical[Math.floor(next() * topical.length)] ?? 'term')
            : (general[zipf(next, general.length)] ?? 'word');
    words.push(word);
    length += word.length + 1;
    if (next() < 0.08) words.push(next() < 0.5 ? ',' : '.');
  }
  return words.join(' ').replace(/ ([,.])/g, '$1');
}

const SCRIPTS: Alphabet[] = ['latin', 'latin', 'cyrillic', 'armenian'];

/** About 2 KB of text: title ~80 characters, summary ~300, body ~1,700. */
function article(next: () => number, vocab: Vocabulary, id: number): ArticleText {
  const alphabet = SCRIPTS[id % SCRIPTS.length] ?? 'latin';
  return {
    id: String(id),
    title: sentence(next, vocab, alphabet, 80),
    summary: sentence(next, vocab, alphabet, 300),
    content: sentence(next, vocab, alphabet, 1_700),
  };
}

/**
 * Topics of 5–20 phrases of 1–3 words, each phrase in one of the three scripts, over the topical
 * vocabulary: a ten times larger taxonomy knows ten times more terms, so finds more per article.
 */
function syntheticTaxonomy(topics: number, vocab: Vocabulary, seed: number): Taxonomy {
  const next = random(seed);
  const phrase = () => {
    const alphabet =
      (['latin', 'cyrillic', 'armenian'] as const)[Math.floor(next() * 3)] ?? 'latin';
    const words = 1 + Math.floor(next() * 3);
    const pool = vocab.topical[alphabet];
    return Array.from({ length: words }, () => pool[Math.floor(next() * pool.length)]).join(' ');
  };
  const list = Array.from({ length: topics }, (_, i) => ({
    slug: `topic-${i}`,
    name: `Topic ${i}`,
    description: 'synthetic',
    rules: [
      { id: 'any', anyOf: Array.from({ length: 5 + Math.floor(next() * 16) }, phrase) },
      { id: 'both', allOf: [phrase(), phrase()], weight: 2 },
    ],
  }));
  return {
    relevance: {
      rules: [{ id: 'gate', anyOf: Array.from({ length: 20 }, phrase) }],
      threshold: 0.4,
    },
    topics: list,
  };
}

function phrasesOf(taxonomy: Taxonomy): string[] {
  return taxonomy.topics.flatMap((topic) =>
    topic.rules.flatMap((rule) => [...(rule.anyOf ?? []), ...(rule.allOf ?? []).flat()]),
  );
}

/** The approach the tagger replaces: one Unicode-aware, case-insensitive RegExp per phrase. */
function naiveMatcher(phrases: string[]): (a: ArticleText) => number {
  const patterns = phrases.map((p) => {
    const escaped = p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu');
  });
  return (a) => {
    let found = 0;
    for (const pattern of patterns) {
      if (pattern.test(a.title) || pattern.test(a.summary ?? '') || pattern.test(a.content ?? ''))
        found++;
    }
    return found;
  };
}

/**
 * Articles per second for each workload: median over rounds, after one warm-up round. Each round
 * tags fresh articles, and the workloads take turns on the same batch, so that a busy shared
 * machine slows them alike and their ratios stay meaningful.
 */
function rates(
  workloads: ((a: ArticleText) => unknown)[],
  vocab: Vocabulary,
  perRound: number,
  rounds: number,
): number[] {
  const next = random(42);
  let id = 0;
  const samples: number[][] = workloads.map(() => []);
  let sink = 0;
  for (let round = 0; round <= rounds; round++) {
    const batch = Array.from({ length: perRound }, () => article(next, vocab, id++));
    workloads.forEach((work, index) => {
      const started = process.hrtime.bigint();
      for (const item of batch) sink += work(item) ? 1 : 0;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (round > 0) samples[index]?.push(perRound / seconds);
    });
  }
  if (sink < 0) throw new Error('unreachable: keeps the work from being optimised away');
  return samples.map(median);
}

/** Runs every tagger figure; see the file comment for what each means. */
export async function runTaggerBench(): Promise<BenchLine[]> {
  const next = random(7);
  const vocab: Vocabulary = {
    general: vocabulary(next, 20_000),
    topical: vocabulary(next, 50_000),
  };
  const tagger = defaultTagger();
  const [floor = 0, standard = 0] = rates(
    [
      (a) =>
        tokenize(a.title).length +
        tokenize(a.summary ?? '').length +
        tokenize(a.content ?? '').length,
      (a) => tagger.tag(a).relevant,
    ],
    vocab,
    400,
    9,
  );
  const taxonomy500 = syntheticTaxonomy(500, vocab, 500);
  const taxonomy5000 = syntheticTaxonomy(5_000, vocab, 5_000);
  const tagger500 = compileTagger(taxonomy500);
  const tagger5000 = compileTagger(taxonomy5000);
  const [naive = 0] = rates([naiveMatcher(phrasesOf(taxonomy500))], vocab, 20, 3);
  const [synthetic500 = 0, synthetic5000 = 0] = rates(
    [(a) => tagger500.tag(a).topics.length, (a) => tagger5000.tag(a).topics.length],
    vocab,
    400,
    7,
  );
  const unit = 'articles/s';
  return [
    { bench: 'tagger-floor-tokenize', value: round(floor, 0), unit },
    {
      bench: 'tagger-default',
      value: round(standard, 0),
      unit,
      baseline: 'tagger-floor-tokenize',
      ratio: round(standard / floor),
    },
    { bench: 'tagger-naive-regexp-500', value: round(naive, 1), unit },
    {
      bench: 'tagger-synthetic-500',
      value: round(synthetic500, 0),
      unit,
      baseline: 'tagger-naive-regexp-500',
      ratio: round(synthetic500 / naive, 1),
    },
    {
      bench: 'tagger-synthetic-5000',
      value: round(synthetic5000, 0),
      unit,
      baseline: 'tagger-synthetic-500',
      ratio: round(synthetic5000 / synthetic500),
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printLines(await runTaggerBench());
}
