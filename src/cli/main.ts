// `broadsheet <command>`: parse the command line and hand over to the command.
// Exit codes: 0 done, 1 the site has errors, 2 the command line is wrong,
// 3 Broadsheet itself failed (a bug: the message asks for a report).
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { EnvironmentError, UsageError } from '../report/errors.js';
import { runBuild, runCheck } from './build-command.js';
import { runDev } from './dev-command.js';
import { processIo, type Io } from './io.js';
import { runNew } from './new-command.js';

export type { Io } from './io.js';

export const HELP = `Usage: broadsheet <command> [options]

Commands:
  build              build the site into dist/
  check              check content, templates and links; write nothing
  dev                build, serve on http://127.0.0.1:4321, rebuild and reload on every change
  new "Headline"     start a new story (a draft) in content/

Options:
  --root DIR         site folder with broadsheet.yaml, content/ and templates/ (default: .)
  --content DIR      story folder (default: <root>/content)
  --out DIR          build: output folder, replaced whole on success (default: <root>/dist)
  --drafts           include stories marked draft: true
  --future           include stories dated in the future
  --cache DIR        keep rendered stories between runs in DIR (default: <root>/.broadsheet-cache)
  --no-cache         neither read nor write that cache: a cold build
  --port N           dev: port to serve on (default: 4321)
  --host HOST        dev: address to listen on (default: 127.0.0.1, this machine only)
  -h, --help         show this help
  -v, --version      show the version

Exit status: 0 done, 1 the site has errors (each printed as path:line:column),
2 the command line is wrong, 3 an internal error.
`;

const OPTIONS = {
  root: { type: 'string' },
  content: { type: 'string' },
  out: { type: 'string' },
  drafts: { type: 'boolean' },
  future: { type: 'boolean' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Which options each command takes; any other is a usage error. */
const ACCEPTS: Record<string, ReadonlyArray<keyof typeof OPTIONS>> = {
  build: ['root', 'content', 'out', 'drafts', 'future', 'cache', 'no-cache'],
  check: ['root', 'content', 'drafts', 'future', 'cache', 'no-cache'],
  dev: ['root', 'content', 'drafts', 'future', 'cache', 'no-cache', 'port', 'host'],
  new: ['root', 'content'],
};

export type ParsedOptions = ReturnType<typeof parse>['values'];

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(`${version()}\n`);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    io.stdout(HELP);
    return values.help ? 0 : 2;
  }
  const [command = '', ...rest] = positionals;
  const accepted = ACCEPTS[command];
  if (!accepted) return usage(io, `Unknown command "${command}"`);
  const stray = Object.keys(values).find((name) => !accepted.includes(name as keyof typeof OPTIONS));
  if (stray) return usage(io, `The ${command} command does not take --${stray}`);
  if (command !== 'new' && rest.length > 0) return usage(io, `Unexpected argument "${rest[0]}"`);

  try {
    switch (command) {
      case 'build':
        return await runBuild(io, values);
      case 'check':
        return await runCheck(io, values);
      case 'dev':
        return await runDev(io, values);
      default:
        return await runNew(io, values, rest);
    }
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error.message);
    if (error instanceof EnvironmentError) {
      io.stderr(`broadsheet: ${error.message}\n`);
      return 1;
    }
    io.stderr(`broadsheet: internal error: ${(error as Error).message}\n`);
    io.stderr('This is a bug in Broadsheet, not in your site; please report it with the command you ran.\n');
    if (process.env.BROADSHEET_DEBUG) io.stderr(`${(error as Error).stack}\n`);
    return 3;
  }
}

function usage(io: Io, reason: string): number {
  io.stderr(`broadsheet: ${reason}\nRun 'broadsheet --help' for usage.\n`);
  return 2;
}

function version(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}
