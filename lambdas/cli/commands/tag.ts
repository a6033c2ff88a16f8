import { createInterface } from 'node:readline';
import { z } from 'zod';
import { type ArticleText, defaultTagger, type Tagger } from '../../domain/tagging';
import { type CliIo, EXIT } from '../io';

/**
 * `newsalert tag` — reads articles as JSON Lines on stdin and writes, per line and in order,
 * `{"id","relevant","topics","evidence"}` from the default taxonomy. A line that cannot be read
 * gets `{"id", "relevant": false, "topics": [], "evidence": [], "error": "…"}` and the rest go on.
 * Lines are streamed: output for line n is written before line n+1 is read.
 */

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

const articleSchema = z.object({
  id: z.union([z.string(), z.number()]).nullish(),
  title: z.string({ error: 'needs "title" (a string)' }),
  summary: optionalText,
  content: optionalText,
  lang: optionalText,
  url: optionalText,
  outlet: optionalText,
});

type OutputId = string | number | null;

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length > 0 ? `"${issue.path.join('.')}": ${issue.message}` : issue.message,
    )
    .join('; ');
}

/** Tags one input line; never throws. */
export function tagLine(line: string, lineNumber: number, tagger: Tagger): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return failure(null, `line ${lineNumber}: not valid JSON`);
  }
  const id: OutputId =
    typeof data === 'object' && data !== null && 'id' in data
      ? typeof data.id === 'string' || typeof data.id === 'number'
        ? data.id
        : null
      : null;
  const parsed = articleSchema.safeParse(data);
  if (!parsed.success) return failure(id, `line ${lineNumber}: ${describe(parsed.error)}`);
  const { id: _id, ...fields } = parsed.data;
  const article: ArticleText = { ...fields, id: id === null ? undefined : String(id) };
  const result = tagger.tag(article);
  return { id, relevant: result.relevant, topics: result.topics, evidence: result.evidence };
}

function failure(id: OutputId, error: string): Record<string, unknown> {
  return { id, relevant: false, topics: [], evidence: [], error };
}

/**
 * @example echo '{"id":"1","title":"Laçın dəhlizi bağlanıb"}' | newsalert tag
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout('Usage: newsalert tag < articles.jsonl > tagged.jsonl\n');
    return EXIT.ok;
  }
  if (args.length > 0) {
    io.stderr(`newsalert tag: unexpected argument '${args[0]}' (articles are read from stdin)\n`);
    return EXIT.invalid;
  }
  const tagger = defaultTagger();
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let failures = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const output = tagLine(line, lineNumber, tagger);
    if ('error' in output) failures++;
    io.stdout(`${JSON.stringify(output)}\n`);
  }
  if (failures > 0) io.stderr(`newsalert tag: ${failures} line(s) could not be tagged\n`);
  return EXIT.ok;
}
