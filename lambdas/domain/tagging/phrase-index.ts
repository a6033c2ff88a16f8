import { foldToken, isAllCaps, TOKEN_PATTERN } from './normalize';
import { canonicalStem, stemCandidates } from './stemming';

/**
 * One index over every phrase of every topic: a trie keyed by word, built once, so finding all
 * phrases in an article costs one pass over its words whatever the number of topics.
 *
 * Phrase syntax (after the same tokenisation as articles):
 * - a word matches its inflected forms (see `stemming.ts`): `Армения` finds `Армении`;
 * - a word ending in `*` matches any word starting with it: `dayandır*` finds `dayandırıb`;
 * - a word of at most three letters written in capitals matches only capitals: `US` is not
 *   `us`, `ԵՄ` (EU) is not `եմ` ("I am"), `ЕС` is not `ес`.
 */

const PREFIX_MARK = '*';
const CAPS_MARK = '^';
/** Shortest prefix an editor may write: a shorter one would match most words of a language. */
export const MIN_PREFIX_LENGTH = 3;
const MAX_CAPS_LENGTH = 3;
const HEAD_LENGTH = 3;

/** One compiled phrase word: the key it is indexed under. */
export type WordKey = string;

/**
 * Splits a phrase into index keys, or returns an empty list when it has no words at all.
 *
 * @example phraseKeys('Laçın dəhlizi') // ['lacin', 'dehliz']
 * @example phraseKeys('dayandır*') // ['*dayandir']
 */
export function phraseKeys(phrase: string): WordKey[] {
  const keys: WordKey[] = [];
  const pattern = new RegExp(TOKEN_PATTERN.source, 'gu');
  for (const match of phrase.matchAll(pattern)) {
    const raw = match[0];
    const end = (match.index ?? 0) + raw.length;
    const folded = foldToken(raw);
    if (phrase[end] === PREFIX_MARK) keys.push(PREFIX_MARK + folded);
    else if (isAllCaps(raw) && [...raw].length <= MAX_CAPS_LENGTH) keys.push(CAPS_MARK + folded);
    else keys.push(canonicalStem(folded));
  }
  return keys;
}

/** The words of a prefix key (`*dayandir` → `dayandir`), or undefined for other keys. */
export function prefixOf(key: WordKey): string | undefined {
  return key.startsWith(PREFIX_MARK) ? key.slice(1) : undefined;
}

/** Does every word of `inner` appear, in order and adjacent, in `outer`? Used by validation. */
export function containsPhrase(outer: WordKey[], inner: WordKey[]): boolean {
  if (inner.length === 0 || inner.length > outer.length) return inner.length === 0;
  for (let start = 0; start + inner.length <= outer.length; start++) {
    if (inner.every((key, offset) => wordCovers(key, outer[start + offset] ?? ''))) return true;
  }
  return false;
}

/** Would every article word matched by `outerKey` also be matched by `key`? */
function wordCovers(key: WordKey, outerKey: WordKey): boolean {
  if (key === outerKey) return true;
  const prefix = prefixOf(key);
  if (prefix === undefined) return false;
  const outerWord = prefixOf(outerKey) ?? outerKey.replace(CAPS_MARK, '');
  return outerWord.startsWith(prefix);
}

interface TrieNode {
  next: Map<WordKey, TrieNode> | undefined;
  /** Ids of the terms (phrases) that end here. */
  terms: number[] | undefined;
}

/** A phrase found in a text: which term, and where (UTF-16 offsets into the text). */
export interface PhraseHit {
  term: number;
  start: number;
  end: number;
  firstWord: number;
  lastWord: number;
}

interface ArticleWord {
  keys: readonly WordKey[];
  start: number;
  end: number;
  /** Position among all the text's words, kept or not. */
  ordinal: number;
}

const NO_KEYS: readonly WordKey[] = [];
const WORD_CACHE_LIMIT = 200_000;

/**
 * The compiled index. Add every phrase, then {@link PhraseIndex.find} in any text.
 *
 * @example
 * const index = new PhraseIndex();
 * index.add(['lacin', 'dehliz'], 7);
 * index.find('Laçın dəhlizi bağlanıb') // [{ term: 7, start: 0, end: 13, … }]
 */
export class PhraseIndex {
  private readonly root: TrieNode = { next: new Map(), terms: undefined };
  private readonly allKeys = new Set<WordKey>();
  private readonly prefixes = new Set<string>();
  // Every key, stem or prefix, is a prefix of the words it matches, so a word whose first
  // letters start no key can be rejected at once: most words of an article, cheaply.
  private readonly heads = new Set<string>();
  private shortestPrefix = Number.POSITIVE_INFINITY;
  private longestPrefix = 0;
  // Raw article word → the index keys it can stand for. Most words map to none; caching them
  // means a repeated word costs one lookup, and cost stays independent of the phrase count.
  private readonly wordCache = new Map<string, readonly WordKey[]>();

  /** Adds one phrase (as keys from {@link phraseKeys}) for a term id. */
  add(keys: WordKey[], term: number): void {
    if (keys.length === 0) return;
    let node = this.root;
    for (const key of keys) {
      this.allKeys.add(key);
      if (!key.startsWith(CAPS_MARK)) {
        const word = prefixOf(key) ?? key;
        this.heads.add(word.slice(0, HEAD_LENGTH));
      }
      const prefix = prefixOf(key);
      if (prefix !== undefined) {
        this.prefixes.add(prefix);
        this.shortestPrefix = Math.min(this.shortestPrefix, prefix.length);
        this.longestPrefix = Math.max(this.longestPrefix, prefix.length);
      }
      node.next ??= new Map();
      let child = node.next.get(key);
      if (!child) {
        child = { next: undefined, terms: undefined };
        node.next.set(key, child);
      }
      node = child;
    }
    node.terms ??= [];
    if (!node.terms.includes(term)) node.terms.push(term);
    this.wordCache.clear();
  }

  /** Every phrase occurrence in `text`, overlapping ones included, in text order. */
  find(text: string): PhraseHit[] {
    // Only words that can start or continue a phrase are kept (most words cannot); `ordinal`
    // keeps adjacency so a phrase never spans a word that was dropped.
    const words: ArticleWord[] = [];
    const pattern = new RegExp(TOKEN_PATTERN.source, 'gu');
    let ordinal = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const keys = this.keysOf(match[0]);
      if (keys.length > 0) {
        words.push({ keys, start: match.index, end: match.index + match[0].length, ordinal });
      }
      ordinal++;
    }
    const hits: PhraseHit[] = [];
    for (let first = 0; first < words.length; first++)
      this.walk(this.root, words, first, first, hits);
    return hits;
  }

  private walk(
    node: TrieNode,
    words: ArticleWord[],
    first: number,
    at: number,
    hits: PhraseHit[],
  ): void {
    const word = words[at];
    if (!word || !node.next) return;
    for (const key of word.keys) {
      const child = node.next.get(key);
      if (!child) continue;
      if (child.terms) {
        const head = words[first] ?? word;
        for (const term of child.terms) {
          hits.push({
            term,
            start: head.start,
            end: word.end,
            firstWord: head.ordinal,
            lastWord: word.ordinal,
          });
        }
      }
      const following = words[at + 1];
      if (child.next && following && following.ordinal === word.ordinal + 1) {
        this.walk(child, words, first, at + 1, hits);
      }
    }
  }

  private keysOf(raw: string): readonly WordKey[] {
    const cached = this.wordCache.get(raw);
    if (cached) return cached;
    const keys = this.computeKeys(raw);
    if (this.wordCache.size >= WORD_CACHE_LIMIT) this.wordCache.clear();
    this.wordCache.set(raw, keys);
    return keys;
  }

  private computeKeys(raw: string): readonly WordKey[] {
    const folded = foldToken(raw);
    const caps = isAllCaps(raw) && this.allKeys.has(CAPS_MARK + folded);
    if (!caps && !this.startsSomeKey(folded)) return NO_KEYS;
    const keys: WordKey[] = [];
    for (const candidate of stemCandidates(folded)) {
      if (this.allKeys.has(candidate)) keys.push(candidate);
    }
    if (caps) keys.push(CAPS_MARK + folded);
    const longest = Math.min(this.longestPrefix, folded.length);
    for (let length = this.shortestPrefix; length <= longest; length++) {
      const prefix = folded.slice(0, length);
      if (this.prefixes.has(prefix)) keys.push(PREFIX_MARK + prefix);
    }
    return keys.length === 0 ? NO_KEYS : keys;
  }

  private startsSomeKey(folded: string): boolean {
    for (let length = Math.min(HEAD_LENGTH, folded.length); length > 0; length--) {
      if (this.heads.has(folded.slice(0, length))) return true;
    }
    return false;
  }
}
