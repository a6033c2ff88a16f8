/** Relevance filter and topic tagger: the public API of `domain/tagging`. */
export { DEFAULT_TAXONOMY } from './default-taxonomy';
export { formatTopicIssue, type TopicIssue, TopicValidationError } from './errors';
export {
  type EvaluationReport,
  evaluateTagger,
  type LabelledArticle,
  type Miss,
  type PrecisionRecall,
} from './evaluation';
export {
  buildGazetteer,
  defaultGazetteer,
  entryNames,
  type Gazetteer,
  type GazetteerEntry,
} from './gazetteer';
export { foldToken, normalizeText, tokenize } from './normalize';
export {
  type ArticleText,
  compileTagger,
  defaultTagger,
  type Evidence,
  type Tagger,
  type TagResult,
} from './tagger';
export {
  DEFAULT_FIELD_WEIGHTS,
  FIELDS,
  type Field,
  parseTopicDefinition,
  RELEVANCE,
  type RelevanceGate,
  type Taxonomy,
  type TopicDefinition,
  type TopicRule,
  validateTaxonomy,
  validateTopics,
} from './taxonomy';
