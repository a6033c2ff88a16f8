/**
 * The shape of a gazetteer entry: one place, person, organisation, event or concept with every
 * spelling the outlets use, in English, Russian, Armenian and Azerbaijani (and transliterations).
 */
export type EntryKind =
  | 'place'
  | 'person'
  | 'organisation'
  | 'event'
  | 'concept'
  | 'group'
  | 'decoy';

export interface GazetteerEntry {
  /** Stable id, referenced from topic rules as `@id`. */
  id: string;
  kind: EntryKind;
  /** English display name, shown in evidence and `topics show`. */
  label: string;
  /** Spellings, in the phrase syntax of `phrase-index.ts` (`word*` = prefix, short CAPS = exact). */
  names: string[];
  /** Entries that also count as this one (`armenia-side` includes `pashinyan`). */
  includes?: string[];
  /**
   * When this entry matches, shorter matches inside it are ignored: `Heydar Aliyev` hides
   * `Aliyev`, `FK Qarabağ` hides `Qarabağ`, `OSCE Minsk Group` hides `Minsk`. Decoys always do.
   */
  shadows?: boolean;
  /** Why it exists, for editors (especially decoys and traps). */
  note?: string;
}
