// `broadsheet <command>`: argument parsing, progress and the final report.
// Exit codes: 0 built, 1 the site has errors, 2 the command line is wrong,
// 3 Broadsheet itself failed (a bug: the message asks for a report).
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { build, UsageError, type Progress } from './build.js';
import { countBySeverity, formatMessages } from './report/messages.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal, where progress redraws one line in place. */
  isTTY: boolean;
  cwd: string;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
};

export const HELP = `Usage: broadsheet <command> [options]

Commands:
  build          Build the site into dist/

Options for build:
  --root DIR       site folder with broadsheet.yaml, content/ and templates/ (default: .)
  --content DIR    story folder (default: <root>/content)
  --out DIR        output folder, replaced whole on success (default: <root>/dist)

  -h, --help       show this help
  -v, --version    show the version

Exit status: 0 built, 1 the site has errors (each printed as path:line:column),
2 the command line is wrong, 3 an internal error.
`;

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        root: { type: 'string' },
        content: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
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
  const [command, ...extra] = positionals;
  if (command !== 'build') return usage(io, `Unknown command "${command}"`);
  if (extra.length > 0) return usage(io, `Unexpected argument "${extra[0]}"`);

  try {
    return await runBuild(io, { root: values.root, content: values.content, out: values.out });
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error.message);
    io.stderr(`broadsheet: internal error: ${(error as Error).message}\n`);
    io.stderr('This is a bug in Broadsheet, not in your site; please report it with the command you ran.\n');
    if (process.env.BROADSHEET_DEBUG) io.stderr(`${(error as Error).stack}\n`);
    return 3;
  }
}

async function runBuild(io: Io, options: { root: string | undefined; content: string | undefined; out: string | undefined }): Promise<number> {
  const started = performance.now();
  const progress = createProgress(io);
  const result = await build({ ...options, cwd: io.cwd, onProgress: progress.update });
  progress.clear();

  for (const line of formatMessages(result.files, io.cwd)) io.stderr(`${line}\n`);
  const { errors, warnings } = countBySeverity(result.files);
  const out = relative(io.cwd, result.out) || '.';
  if (!result.ok) {
    io.stderr(`\n${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}; nothing was written, ${out}/ is as it was.\n`);
    return 1;
  }
  const ms = Math.round(performance.now() - started);
  const briefs = result.briefs ? ` (${plural(result.briefs, 'brief')})` : '';
  io.stdout(`Built ${plural(result.stories, 'story', 'stories')}${briefs} into ${out}/: ${plural(result.pages, 'page')} in ${ms} ms${warnings ? `, ${plural(warnings, 'warning')}` : ''}.\n`);
  return 0;
}

// Small builds finish before a progress line would be read; show it for large ones only.
const PROGRESS_FROM = 500;

function createProgress(io: Io) {
  let shown = '';
  let lastStage = '';
  let lastDraw = 0;
  return {
    update(p: Progress) {
      if (p.total < PROGRESS_FROM) return;
      const now = performance.now();
      if (io.isTTY) {
        if (now - lastDraw < 100 && p.done !== p.total) return;
        shown = `${p.stage} ${p.done}/${p.total}`;
        io.stderr(`\r${shown}\x1b[K`);
      } else if (p.stage !== lastStage || p.done === p.total || now - lastDraw > 2000) {
        // Logs get a line per stage and one every two seconds, not a line per file.
        io.stderr(`${p.stage} ${p.done}/${p.total}\n`);
      } else return;
      lastStage = p.stage;
      lastDraw = now;
    },
    clear() {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}

function usage(io: Io, reason: string): number {
  io.stderr(`broadsheet: ${reason}\nRun 'broadsheet --help' for usage.\n`);
  return 2;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function version(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}
