import { type CliCommand, type CliIo, EXIT, processIo } from './io';

/**
 * Every `newsalert` command, loaded lazily so `newsalert tag` does not pay for the AWS SDK.
 * One file per command group under `commands/`; each exports `run`.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  'parse-feed': {
    summary: 'parse-feed <file|url> [--allow-private-networks]  print a feed, normalised, as JSON',
    load: async () => (await import('./commands/parse-feed')).run,
  },
  tag: {
    summary: 'tag  read articles as JSON Lines on stdin, write relevance and topics per line',
    load: async () => (await import('./commands/tag')).run,
  },
  subscribers: {
    summary:
      'subscribers <list|show|export|delete|purge-pending> …  look up, export or erase subscribers',
    load: async () => (await import('./commands/subscribers')).run,
  },
  topics: {
    summary:
      'topics <list|show|validate|add|update|disable|enable|history|restore|preview> …  manage the topic taxonomy',
    load: async () => (await import('./commands/topics')).run,
  },
  feeds: {
    summary:
      'feeds <list|add|check|disable|enable|remove> …  manage the feed list and see its health',
    load: async () => (await import('./commands/feeds')).run,
  },
};

function usage(): string {
  const lines = Object.values(COMMANDS).map((command) => `  newsalert ${command.summary}`);
  return `Usage:\n${lines.join('\n')}\n`;
}

/**
 * Runs one CLI invocation and returns its exit code.
 *
 * @example await main(['parse-feed', 'test/fixtures/feeds/sample/oc-media-en.xml'])
 */
export async function main(args: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? EXIT.ok : EXIT.invalid;
  }
  // On Node 20 the AWS SDK warns about its support window on the first client; noise for editors.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`newsalert: unknown command '${name}'\n${usage()}`);
    return EXIT.invalid;
  }
  return await (await command.load())(rest, io);
}
