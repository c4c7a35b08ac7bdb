// `broadsheet <command>`: parse the command line and hand over to the command.
// Exit codes: 0 done, 1 the site has errors, 2 the command line is wrong,
// 3 Broadsheet itself failed (a bug: the message asks for a report).
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { EnvironmentError, UsageError } from '../report/errors.js';
import { systemFailure } from '../report/system-errors.js';
import { runBuild, runCheck } from './build-command.js';
import { runDev } from './dev-command.js';
import { processIo, type Io } from './io.js';
import { runNew } from './new-command.js';
import { ACCEPTS, closeMatch, parseCommandLine, type CommandLine } from './options.js';

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

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let parsed: CommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    return usage(io, (error as UsageError).message);
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
  if (!accepted) {
    const guess = closeMatch(command, Object.keys(ACCEPTS));
    return usage(io, `Unknown command "${command}"${guess ? `; did you mean "${guess}"?` : ''}`);
  }
  const stray = Object.keys(values).find((name) => !(accepted as readonly string[]).includes(name));
  if (stray) return usage(io, `The ${command} command does not take --${stray}`);
  if (command !== 'new' && rest.length > 0) return usage(io, `Unexpected argument "${rest[0]}"`);

  try {
    if (values.root !== undefined) await checkSiteFolder(io.cwd, values.root);
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
    // Last resort, for a system call no boundary converted (each should): a full disk or a
    // refused permission is the machine's whatever code made the call, and the user can act on
    // it. Only such codes (system-errors.ts) are taken; ENOENT, EEXIST, EISDIR and the like can
    // come of Broadsheet's own mistakes, so they stay bugs.
    const plain = error instanceof EnvironmentError ? error : systemFailure(error);
    if (plain) {
      io.stderr(`broadsheet: ${plain.message}\n`);
      return 1;
    }
    io.stderr(`broadsheet: internal error: ${(error as Error).message}\n`);
    io.stderr('This is a bug in Broadsheet, not in your site; please report it with the command you ran.\n');
    if (process.env.BROADSHEET_DEBUG) io.stderr(`${(error as Error).stack}\n`);
    return 3;
  }
}

/** A mistyped --root would otherwise surface as a missing content folder or config. */
async function checkSiteFolder(cwd: string, root: string): Promise<void> {
  const found = await stat(resolve(cwd, root)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!found) throw new UsageError(`No site folder at ${root} (--root); check the path, or leave --root out to use the current folder`);
  if (!found.isDirectory()) throw new UsageError(`No site folder at ${root} (--root), only a file; give the folder that holds broadsheet.yaml`);
}

function usage(io: Io, reason: string): number {
  io.stderr(`broadsheet: ${reason}\nRun 'broadsheet --help' for usage.\n`);
  return 2;
}

function version(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}
