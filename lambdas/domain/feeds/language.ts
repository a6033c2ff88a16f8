// ISO 639-2 codes some feeds send instead of the two-letter ones.
const THREE_LETTER: Record<string, string> = {
  arm: 'hy',
  hye: 'hy',
  rus: 'ru',
  aze: 'az',
  eng: 'en',
};

/**
 * Reduces a declared language (`en-US`, `ru_RU`, `hye`, `az-Latn-AZ`) to its lower-case primary
 * subtag; `undefined` when it is not a language tag at all.
 *
 * @example languageFromTag('hy-AM') // 'hy'
 */
export function languageFromTag(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  const primary = /^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$/.exec(tag)?.[1]?.toLowerCase();
  if (primary === undefined) return undefined;
  return THREE_LETTER[primary] ?? primary;
}

interface ScriptCounts {
  armenian: number;
  cyrillic: number;
  latin: number;
}

function countScripts(text: string): ScriptCounts {
  const counts: ScriptCounts = { armenian: 0, cyrillic: 0, latin: 0 };
  // By code unit: every range below is in the BMP, so the halves of a surrogate pair count for
  // nothing, just as the astral character they make would.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 0x0531 && code <= 0x058a) || (code >= 0xfb13 && code <= 0xfb17)) {
      counts.armenian++;
    } else if (code >= 0x0400 && code <= 0x04ff) {
      counts.cyrillic++;
    } else if (
      (code >= 65 && code <= 90) ||
      (code >= 97 && code <= 122) ||
      (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7)
    ) {
      counts.latin++;
    }
  }
  return counts;
}

// Function words, and the verbs and nouns headlines are made of: headlines drop most function
// words ("Court upholds sentences of former officials"), so those alone miss too many.
const ENGLISH_WORDS = new Set(
  (
    'the of and to in is are was were for on with as by at from that this it its be has have had ' +
    'will would said says say after over into new not but an or about against between amid ' +
    'during before under up out more than who what why how when where which their his her they ' +
    'we our you no yes two three first last year years week day days month people government ' +
    'president minister ministers prime foreign talks peace deal agreement border court talk ' +
    'meets meet met sign signs signed holds held calls call warns warned plans plan agree ' +
    'agrees agreed report reports killed attack attacks army troops war official officials ' +
    'country countries leader leaders state states talks deal news city region new old next ' +
    'again still back down off amid upholds sentences former families rights protest protesters ' +
    'election elections vote votes resume resumes opens open visit visits'
  ).split(/\s+/),
);

function looksEnglish(text: string): boolean {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  if (words.length === 0) return false;
  const hits = words.filter((word) => ENGLISH_WORDS.has(word)).length;
  // A headline has few words: one known English word in up to eight is enough there.
  return hits >= 1 && hits / words.length >= (words.length <= 8 ? 0.1 : 0.15);
}

/**
 * Tells the language from the script of the text: Armenian letters → `hy`, Cyrillic → `ru`,
 * Latin with `ə` (decisive) or with several of ğ ı ş → `az`, other Latin that reads as English →
 * `en`; `undefined` when it cannot be told.
 *
 * @example detectLanguage('Ադրբեջանը և Հայաստանը')  // 'hy'
 * @example detectLanguage('Azərbaycan və Ermənistan') // 'az'
 */
export function detectLanguage(text: string): string | undefined {
  const sample = text.length > 4000 ? text.slice(0, 4000) : text;
  const { armenian, cyrillic, latin } = countScripts(sample);
  const letters = armenian + cyrillic + latin;
  if (letters < 3) return undefined;
  if (armenian >= cyrillic && armenian >= latin) return 'hy';
  if (cyrillic >= latin) return 'ru';
  if (/[əƏ]/.test(sample)) return 'az';
  const azerbaijaniLetters = sample.match(/[ğĞıİşŞ]/g)?.length ?? 0;
  if (azerbaijaniLetters >= 2 && !looksEnglish(sample)) return 'az';
  return looksEnglish(sample) ? 'en' : undefined;
}

/** The script a language is written in, to notice a declaration that the text contradicts. */
function scriptOf(language: string): 'armenian' | 'cyrillic' | 'latin' | undefined {
  if (language === 'hy') return 'armenian';
  if (['ru', 'uk', 'be', 'bg', 'sr', 'mk', 'kk', 'ky', 'tg'].includes(language)) return 'cyrillic';
  if (['en', 'az', 'tr', 'fr', 'de', 'es', 'it', 'pt', 'nl', 'pl', 'ro'].includes(language)) {
    return 'latin';
  }
  return undefined;
}

/**
 * The language of one item: its own declaration, else the feed's, else the script of the text.
 * A feed-wide declaration that the text plainly contradicts (a CMS left at `en-US` on a Russian
 * edition) yields to the script: editors would otherwise see Russian headlines filed as English.
 *
 * @example resolveLanguage({ itemTag: undefined, feedTag: 'en-us', text: 'Переговоры в Брюсселе' }) // 'ru'
 */
export function resolveLanguage(input: {
  itemTag?: string | undefined;
  feedTag?: string | undefined;
  text: string;
}): string | undefined {
  const item = languageFromTag(input.itemTag);
  if (item) return item;
  const detected = detectLanguage(input.text);
  const feed = languageFromTag(input.feedTag);
  if (!feed) return detected;
  const declaredScript = scriptOf(feed);
  const detectedScript = detected === undefined ? undefined : scriptOf(detected);
  if (
    detected !== undefined &&
    declaredScript !== undefined &&
    detectedScript !== undefined &&
    detectedScript !== declaredScript
  ) {
    return detected;
  }
  return feed;
}
