import { NewsAlertError } from '../../shared/errors';

/** One problem in a topic definition, located by topic slug and rule id. */
export interface TopicIssue {
  /** Slug of the topic (`relevance` for the gate), or `topics[3]` when it has no valid slug. */
  topic: string;
  /** Rule id, or `rules[1]` when it has none; undefined for topic-level problems. */
  rule?: string;
  problem: string;
}

/** Formats an issue the way editors read it: topic, rule, then the problem. */
export function formatTopicIssue(issue: TopicIssue): string {
  const where = issue.rule
    ? `topic "${issue.topic}", rule "${issue.rule}"`
    : `topic "${issue.topic}"`;
  return `${where}: ${issue.problem}`;
}

/**
 * A topic definition or taxonomy that cannot be used. The message names every topic, rule and
 * problem, one per line, so `newsalert topics validate` can print it as it is.
 *
 * @example
 * throw new TopicValidationError([{ topic: 'peace-process', rule: 'treaty', problem: 'anyOf is empty' }]);
 */
export class TopicValidationError extends NewsAlertError {
  override readonly name = 'TopicValidationError';
  constructor(
    readonly issues: TopicIssue[],
    source?: string,
  ) {
    const lines = issues.map(formatTopicIssue);
    super('tagger', 'INVALID_TOPIC', `${source ? `${source}: ` : ''}${lines.join('\n')}`);
  }
}
