import { CONCEPTS } from './gazetteer-concepts';
import { DECOYS, GROUPS } from './gazetteer-groups';
import type { GazetteerEntry } from './gazetteer-model';
import { ORGANISATIONS } from './gazetteer-organisations';
import { PEOPLE } from './gazetteer-people';
import { PLACES } from './gazetteer-places';

export type { EntryKind, GazetteerEntry } from './gazetteer-model';

/** Entries by id; built once from the data modules (no I/O, so Lambda bundles include them). */
export type Gazetteer = ReadonlyMap<string, GazetteerEntry>;

/**
 * Builds a gazetteer from entries, refusing duplicate ids and unknown or circular `includes`.
 *
 * @example const gazetteer = buildGazetteer([{ id: 'x', kind: 'place', label: 'X', names: ['X'] }]);
 */
export function buildGazetteer(entries: readonly GazetteerEntry[]): Gazetteer {
  const byId = new Map<string, GazetteerEntry>();
  for (const entry of entries) {
    if (byId.has(entry.id)) throw new Error(`gazetteer: duplicate entry id "${entry.id}"`);
    byId.set(entry.id, entry);
  }
  for (const entry of entries) expandNames(byId, entry.id);
  return byId;
}

/**
 * Every spelling of an entry, its included entries' spellings too.
 *
 * @example entryNames(defaultGazetteer(), 'armenia-side') // ['Armenia', …, 'Pashinyan', …]
 */
export function entryNames(gazetteer: Gazetteer, id: string): string[] {
  return expandNames(gazetteer, id);
}

function expandNames(gazetteer: Gazetteer, id: string, path: string[] = []): string[] {
  if (path.includes(id)) {
    throw new Error(`gazetteer: "${path[0]}" includes itself via ${[...path, id].join(' → ')}`);
  }
  const entry = gazetteer.get(id);
  if (!entry) {
    const from = path.at(-1);
    throw new Error(`gazetteer: ${from ? `"${from}" includes ` : ''}unknown entry "${id}"`);
  }
  const names = [...entry.names];
  for (const included of entry.includes ?? []) {
    names.push(...expandNames(gazetteer, included, [...path, id]));
  }
  return [...new Set(names)];
}

let shared: Gazetteer | undefined;

/** The gazetteer shipped with the project: places, people, organisations, concepts, decoys. */
export function defaultGazetteer(): Gazetteer {
  shared ??= buildGazetteer([
    ...PLACES,
    ...PEOPLE,
    ...ORGANISATIONS,
    ...CONCEPTS,
    ...GROUPS,
    ...DECOYS,
  ]);
  return shared;
}
