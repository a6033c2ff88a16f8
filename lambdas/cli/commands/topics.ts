import { readFile } from 'node:fs/promises';
import { parseTopicDefinition, TopicValidationError } from '../../domain/tagging';
import { type CliIo, EXIT } from '../io';

/**
 * `newsalert topics <subcommand> …` — the topic taxonomy. Each subcommand is one entry in
 * {@link SUBCOMMANDS}: add `list`, `show`, `add`, … there.
 */

export interface TopicsSubcommand {
  usage: string;
  run: (args: string[], io: CliIo) => Promise<number>;
}

/**
 * `topics validate <file>`: exit 0 when the JSON or YAML file (one topic, a list, or a whole
 * taxonomy) is valid; exit 2 with one line per problem, naming topic and rule, when not.
 */
async function validate(args: string[], io: CliIo): Promise<number> {
  const [file, ...extra] = args;
  if (!file || extra.length > 0) {
    io.stderr(`Usage: newsalert ${SUBCOMMANDS.validate?.usage}\n`);
    return EXIT.invalid;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    io.stderr(`newsalert topics validate: cannot read ${file}: ${reason}\n`);
    return EXIT.failure;
  }
  try {
    const topics = parseTopicDefinition(text, file);
    io.stdout(`${file}: valid (${topics.map((topic) => topic.slug).join(', ')})\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof TopicValidationError)) throw error;
    io.stderr(`${error.message}\n`);
    return EXIT.invalid;
  }
}

export const SUBCOMMANDS: Record<string, TopicsSubcommand> = {
  validate: { usage: 'topics validate <file.json|file.yaml>', run: validate },
};

function usage(): string {
  const lines = Object.values(SUBCOMMANDS).map((sub) => `  newsalert ${sub.usage}`);
  return `Usage:\n${lines.join('\n')}\n`;
}

/** @example await run(['validate', 'topics/peace.yaml'], io) */
export async function run(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h') {
    (name ? io.stdout : io.stderr)(usage());
    return name ? EXIT.ok : EXIT.invalid;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    io.stderr(`newsalert topics: unknown subcommand '${name}'\n${usage()}`);
    return EXIT.invalid;
  }
  return sub.run(rest, io);
}
