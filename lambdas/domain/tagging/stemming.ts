/**
 * Light, per-script suffix stripping for matching inflected names and terms.
 *
 * Why not a real stemmer: names are what matters here (`Армении`, `Ադրբեջանի`, `Ermənistanın`,
 * `Laçını`), three of the four languages are agglutinative or heavily inflected, and a wrong
 * stem on the *article* side is harmless as long as the *phrase* side agrees. So:
 *
 * - {@link stemCandidates} lists a token and every form reached by removing known case, number
 *   and possessive suffixes of its script, up to a few times (Azerbaijani and Armenian stack
 *   them: `ermən-i-lər-in`, `հայ-եր-ի`), never leaving a stem shorter than the script's minimum;
 * - a phrase word is compiled to its {@link canonicalStem}: the shortest of its candidates;
 * - an article word matches a phrase word when the phrase word's canonical stem is among the
 *   article word's candidates. Identical words always match (same candidate set), and an
 *   inflected form matches as long as it only *adds* known suffixes.
 *
 * Suffixes are after folding (see `normalize.ts`): Azerbaijani `ı`/`ə`/`ü`/`ö` are already
 * `i`/`e`/`u`/`o`, so one list covers the vowel-harmony variants. Latin script serves English and
 * Azerbaijani together (feeds do not always say which): English only adds `-s`/`-es`.
 * Editors who need more (verbs: `dayandırır`, `заморозила`) write a prefix: `dayandir*`.
 */

export type Script = 'latin' | 'cyrillic' | 'armenian' | 'other';

interface ScriptRules {
  suffixes: ReadonlySet<string>;
  maxSuffixLength: number;
  /** Shortest stem left after stripping; protects short names (`Баку`, `Putin`, `Laçın`). */
  minStem: number;
  /** How many suffixes may be stacked and removed. */
  depth: number;
}

function rules(suffixes: string[], minStem: number, depth: number): ScriptRules {
  return {
    suffixes: new Set(suffixes),
    maxSuffixLength: Math.max(...suffixes.map((suffix) => suffix.length)),
    minStem,
    depth,
  };
}

const LATIN = rules(
  [
    // English plural.
    's',
    'es',
    // Azerbaijani cases (folded): dative, accusative, genitive, locative, ablative, instrumental.
    'a',
    'e',
    'ya',
    'ye',
    'na',
    'ne',
    'i',
    'u',
    'yi',
    'yu',
    'ni',
    'nu',
    'in',
    'un',
    'nin',
    'nun',
    'da',
    'de',
    'nda',
    'nde',
    'dan',
    'den',
    'ndan',
    'nden',
    'la',
    'le',
    'yla',
    'yle',
    // Plural, 3rd-person possessive, relative `-ki`, adjectival `-li`.
    'lar',
    'ler',
    'si',
    'su',
    'sin',
    'sun',
    'ki',
    'daki',
    'deki',
    'ndaki',
    'ndeki',
    'li',
    'lu',
  ],
  4,
  3,
);

const CYRILLIC = rules(
  [
    'а',
    'я',
    'о',
    'е',
    'ы',
    'и',
    'у',
    'ю',
    'ь',
    'ой',
    'ей',
    'ом',
    'ем',
    'ам',
    'ям',
    'ах',
    'ях',
    'ов',
    'ев',
    'ий',
    'ый',
    'ая',
    'яя',
    'ое',
    'ее',
    'ую',
    'юю',
    'ых',
    'их',
    'ым',
    'им',
    'ие',
    'ые',
    'ия',
    'ию',
    'ии',
    'ье',
    'ья',
    'ью',
    'ин',
    'ами',
    'ями',
    'ого',
    'его',
    'ому',
    'ему',
    'ыми',
    'ими',
    'ией',
    'иям',
    'иях',
    'иями',
    // Adjectives from names: `Лачинский`, `Зангезурского`, `азербайджанских`.
    'ский',
    'ская',
    'ское',
    'ские',
    'ского',
    'скому',
    'ским',
    'ском',
    'ской',
    'скую',
    'ских',
    'скими',
  ],
  4,
  // Russian has one ending per word, but a phrase word may itself end in letters that look like
  // one (`Карабах` → `караб`); a second level lets the inflected form reach the same stem.
  2,
);

const ARMENIAN = rules(
  [
    // Articles and possessives.
    'ը',
    'ն',
    'ս',
    'դ',
    // Cases (Eastern), incl. Western `-ուն`, `-էն`.
    'ի',
    'ին',
    'ից',
    'ով',
    'ում',
    'ու',
    'ուն',
    'ոջ',
    'էն',
    // After a final vowel a glide `յ` comes first: `Թուրքիայի`, `Մարգարայում`.
    'յի',
    'յին',
    'յից',
    'յով',
    'յում',
    // Plural and plural + case.
    'ներ',
    'եր',
    'ների',
    'երի',
    'ներին',
    'երին',
    'ներից',
    'երից',
    'ներով',
    'երով',
    'ներում',
    'երում',
    'ները',
    'երը',
    'ներն',
    'երն',
    'ներուն',
    'երուն',
    'ներէն',
    'երէն',
    // Adjective and demonym from a place name: `ադրբեջանական`, `ադրբեջանցի`.
    'ական',
    'ացի',
    'ցի',
    'ցիներ',
    'ցիների',
    'ցիները',
  ],
  3,
  3,
);

/** The script of a folded token, judged by its first letter. */
export function scriptOf(token: string): Script {
  const code = token.codePointAt(0) ?? 0;
  if (code >= 0x0530 && code <= 0x058f) return 'armenian';
  if (code >= 0x0400 && code <= 0x04ff) return 'cyrillic';
  if (code < 0x0250) return 'latin';
  return 'other';
}

function rulesFor(token: string): ScriptRules | undefined {
  switch (scriptOf(token)) {
    case 'latin':
      return LATIN;
    case 'cyrillic':
      return CYRILLIC;
    case 'armenian':
      return ARMENIAN;
    default:
      return undefined;
  }
}

/**
 * A folded token and every shorter form reached by stripping known suffixes of its script.
 *
 * @example stemCandidates('ermenilerin') // ['ermenilerin', 'ermeniler', 'ermenileri', 'ermeni', 'ermen', …]
 * @example stemCandidates('армении') // ['армении', 'армени', 'армен']
 */
export function stemCandidates(token: string): string[] {
  const script = rulesFor(token);
  if (!script || /^\p{N}+$/u.test(token)) return [token];
  const seen = new Set<string>([token]);
  let frontier = [token];
  for (let level = 0; level < script.depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const form of frontier) {
      const longest = Math.min(script.maxSuffixLength, form.length - script.minStem);
      for (let length = 1; length <= longest; length++) {
        if (!script.suffixes.has(form.slice(form.length - length))) continue;
        const stem = form.slice(0, form.length - length);
        if (seen.has(stem)) continue;
        seen.add(stem);
        next.push(stem);
      }
    }
    frontier = next;
  }
  return [...seen];
}

/**
 * The key a phrase word is indexed under: its shortest stem candidate.
 *
 * @example canonicalStem('армения') // 'армен' — and stemCandidates('армении') includes it
 */
export function canonicalStem(token: string): string {
  let shortest = token;
  for (const candidate of stemCandidates(token)) {
    if (candidate.length < shortest.length) shortest = candidate;
  }
  return shortest;
}
