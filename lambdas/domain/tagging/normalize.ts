/**
 * Text normalisation for matching, shared by the tagger and by near-duplicate detection.
 *
 * A token is a run of letters, digits and combining marks. Everything else separates tokens:
 * spaces, punctuation, hyphens (so `ՀԱՊԿ-ից` and `KTMT-də` split off their case suffix),
 * apostrophes (so `Azerbaijan's` and `Türkiye'nin` do too), Armenian `՝ ։ ․ « »`.
 * The Armenian emphasis, exclamation and question marks `՛ ՜ ՞` sit *over a vowel inside a word*
 * (`ինչո՞ւ`), so they are dropped rather than allowed to cut the word in two.
 *
 * Each token is then folded so that every spelling either side uses meets:
 * - NFKC (compatibility forms, and the Armenian ligature `և` → `եւ`, so `Ալիև` = `Ալիեւ`);
 * - Azerbaijani/Turkish dotted and dotless i: `İ`, `I`, `ı` and `i` all become `i`, so
 *   `AZƏRBAYCAN`, `Azərbaycan` and `Azerbaycan` meet, and so do `Bakı` and `BAKI`;
 * - lower case;
 * - Latin diacritics removed and `ə` → `e` (`Qarabağ` = `Qarabag`, `Xankəndi` = `Xankendi`);
 * - Cyrillic `ё` → `е`; `й` is kept (it is a letter, not an accented `и`);
 * - Armenian and Cyrillic otherwise stay in their own script: transliterations are listed in the
 *   gazetteer instead of being guessed.
 */

/** Matches one raw token. `\u055B\u055C\u055E` are kept inside so they can be dropped. */
export const TOKEN_PATTERN = /[\p{L}\p{M}\p{N}\u055B\u055C\u055E]+/gu;

const ARMENIAN_INTRA_WORD_MARKS = /[\u055B\u055C\u055E]/g;
const LATIN_WITH_MARKS = /([a-z])[\u0300-\u036f]+/g;
const NON_ASCII = /[^\x20-\x7e]/;

// Folding a token is pure but not free; news text is Zipf-distributed, so a small memo makes
// repeated words (most of them) cost one Map lookup. Cleared when full to bound memory.
const FOLD_CACHE_LIMIT = 100_000;
const foldCache = new Map<string, string>();

/**
 * Folds one raw token (as found by {@link TOKEN_PATTERN}) to its matching form.
 *
 * @example foldToken('AZƏRBAYCAN') // 'azerbaycan'
 * @example foldToken('Ալիև') // 'ալիեւ'
 */
export function foldToken(raw: string): string {
  const cached = foldCache.get(raw);
  if (cached !== undefined) return cached;
  const folded = foldUncached(raw);
  if (foldCache.size >= FOLD_CACHE_LIMIT) foldCache.clear();
  foldCache.set(raw, folded);
  return folded;
}

function foldUncached(raw: string): string {
  if (!NON_ASCII.test(raw)) return raw.toLowerCase();
  let text = raw
    .normalize('NFKC')
    .replace(ARMENIAN_INTRA_WORD_MARKS, '')
    // Before lower-casing: JS maps `İ` to `i` + U+0307, and Turkish rules would map `I` to `ı`.
    .replace(/[İı]/g, 'i')
    .toLowerCase()
    .replace(/ə/g, 'e');
  text = text
    .normalize('NFD')
    .replace(LATIN_WITH_MARKS, '$1')
    .replace(/е\u0308/g, 'е');
  return text.normalize('NFC');
}

/**
 * The normalised tokens of a text, in order. Other stages reuse it (near-duplicate detection), so
 * it is the single definition of "the same words".
 *
 * @example tokenize('Ermənistanın KTMT-dəki iştirakı') // ['ermenistanin', 'ktmt', 'deki', 'istiraki']
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(TOKEN_PATTERN)) tokens.push(foldToken(match[0]));
  return tokens;
}

/**
 * Normalises a whole text to space-separated folded tokens: handy for comparing or displaying
 * what the matcher sees.
 *
 * @example normalizeText('Qarabağ, Xankəndi!') // 'qarabag xankendi'
 */
export function normalizeText(text: string): string {
  return tokenize(text).join(' ');
}

/** True when a raw token is written in capitals (and has letters that have case at all). */
export function isAllCaps(raw: string): boolean {
  return raw !== raw.toLowerCase() && raw === raw.toUpperCase();
}
