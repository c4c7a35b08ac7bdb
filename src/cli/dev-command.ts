// `broadsheet dev`: start the session, report each rebuild, stop on Ctrl-C.
import { join, resolve } from 'node:path';
import { EnvironmentError, UsageError } from '../report/errors.js';
import { formatMessages } from '../report/messages.js';
import { CACHE_FOLDER } from '../cache/story-index.js';
import { startDevSession } from '../dev/dev-session.js';
import { onOutputClosed, plural, printMessages, tally, type Io } from './io.js';
import type { ParsedOptions } from './options.js';

export async function runDev(io: Io, options: ParsedOptions, signal: AbortSignal = shutdownSignal()): Promise<number> {
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port takes a port number, got "${options.port}"`);
  const root = resolve(io.cwd, options.root ?? '.');
  let session;
  try {
    session = await startDevSession({
      root,
      content: resolve(io.cwd, options.content ?? join(root, 'content')),
      templates: join(root, 'templates'),
      cwd: io.cwd,
      host: options.host,
      port,
      drafts: options.drafts,
      future: options.future,
      cacheDir: options['no-cache'] ? false : resolve(io.cwd, options.cache ?? join(root, CACHE_FOLDER)),
      describe: (result) => formatMessages(result.files, io.cwd).join('\n'),
      onBuild(result, ms, changed) {
        const { errors, warnings } = printMessages(io, result.files);
        const what = changed ? `Rebuilt after ${plural(changed.size, 'change')}` : 'Built';
        if (result.ok) io.stdout(`${what}: ${plural(result.pages, 'page')}, ${result.rendered} rendered, in ${Math.round(ms)} ms${warnings ? `, ${plural(warnings, 'warning')}` : ''}.\n`);
        else io.stderr(`${tally(errors, warnings)}; still serving the last good build. Fix and save to rebuild.\n`);
      },
      onCrash(error) {
        // A content folder deleted or moved away mid-session: the writer's to fix, not a bug.
        if (error instanceof UsageError) io.stderr(`${error.message}; still serving the last good build. Put it back to rebuild.\n`);
        else if (error instanceof EnvironmentError) io.stderr(`broadsheet: ${error.message}; still serving the last good build.\n`);
        else io.stderr(`broadsheet: internal error during rebuild: ${error.message}\n`);
      },
    });
  } catch (error) {
    if ((error as Error).message.includes('--port')) throw new UsageError((error as Error).message);
    throw error;
  }
  io.stdout(`Serving ${session.url} — watching for changes. Press Ctrl-C to stop.\n`);
  if (!signal.aborted) await new Promise<void>((stop) => signal.addEventListener('abort', () => stop(), { once: true }));
  await session.close();
  return 0;
}

/** Ctrl-C, a kill, or the end of the pipe dev prints into (`dev | head`). */
function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(name, () => controller.abort());
  onOutputClosed(() => controller.abort());
  return controller.signal;
}
