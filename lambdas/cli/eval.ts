/**
 * `npm run eval [-- <file.jsonl>] [--json]` — scores the default tagger on labelled articles
 * (default: ../shared/eval/dev.jsonl from the repository root) and lists every miss with the
 * evidence the tagger had, so a wrong call can be traced to a rule.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  defaultTagger,
  type EvaluationReport,
  evaluateTagger,
  type LabelledArticle,
  type PrecisionRecall,
} from '../domain/tagging';
import { type CliIo, EXIT, processIo } from './io';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_EVAL_FILE = resolve(REPO_ROOT, '..', 'shared', 'eval', 'dev.jsonl');

/** Reads a JSON Lines evaluation set. Lines that are not labelled articles are reported. */
export function parseLabelled(text: string, source: string): LabelledArticle[] {
  const items: LabelledArticle[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const item = JSON.parse(line) as Partial<LabelledArticle>;
    if (typeof item.title !== 'string' || typeof item.relevant !== 'boolean') {
      throw new Error(`${source}:${index + 1}: needs "title" and "relevant"`);
    }
    items.push({
      ...item,
      id: String(item.id ?? index + 1),
      title: item.title,
      summary: item.summary ?? undefined,
      relevant: item.relevant,
      topics: item.topics ?? [],
    });
  });
  return items;
}

const pct = (n: number) => n.toFixed(3);
const line = (label: string, m: PrecisionRecall) =>
  `${label.padEnd(24)} P ${pct(m.precision)}  R ${pct(m.recall)}  F1 ${pct(m.f1)}  (tp ${m.truePositives}, fp ${m.falsePositives}, fn ${m.falseNegatives})`;

/** Renders a report as text for people. */
export function formatReport(report: EvaluationReport, source: string): string {
  const out = [`Evaluation of the default tagger on ${source} (${report.items} items)`, ''];
  out.push(line('relevance', report.relevance));
  for (const [lang, m] of Object.entries(report.relevanceByLanguage))
    out.push(line(`  ${lang}`, m));
  out.push('', line('topics (micro)', report.topicMicro));
  out.push(`${'topics (macro F1)'.padEnd(24)} ${pct(report.topicMacroF1)}`);
  for (const [slug, m] of Object.entries(report.topics)) out.push(line(`  ${slug}`, m));
  out.push('', `Misses (${report.misses.length}):`);
  for (const miss of report.misses) {
    const what =
      miss.kind === 'relevance'
        ? `relevant expected ${miss.expected}, got ${miss.got}`
        : miss.expected === '-'
          ? `extra topic ${miss.got}`
          : `missing topic ${miss.expected}`;
    out.push(`- ${miss.id} [${miss.lang ?? '?'}] ${what}: ${miss.title.slice(0, 110)}`);
    const evidence = miss.result.evidence.filter(
      (e) => miss.kind === 'relevance' || e.topic === miss.got || e.topic === 'relevance',
    );
    for (const e of evidence.slice(0, 6)) {
      out.push(`    ${e.topic}/${e.rule}: ${e.term} = "${e.matched}" (${e.field})`);
    }
    if (miss.kind === 'topic')
      out.push(`    topics given: ${miss.result.topics.join(', ') || '(none)'}`);
  }
  return `${out.join('\n')}\n`;
}

/** Runs the evaluation; `args` may hold a path and `--json`. */
export async function run(args: string[], io: CliIo = processIo): Promise<number> {
  const json = args.includes('--json');
  const file = args.find((arg) => !arg.startsWith('--'));
  const path = file ? resolve(file) : DEFAULT_EVAL_FILE;
  let items: LabelledArticle[];
  try {
    items = parseLabelled(await readFile(path, 'utf8'), path);
  } catch (error) {
    io.stderr(`eval: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
  const report = evaluateTagger(defaultTagger(), items);
  io.stdout(json ? `${JSON.stringify(report)}\n` : formatReport(report, path));
  return EXIT.ok;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await run(process.argv.slice(2));
}
