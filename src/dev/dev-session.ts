// `broadsheet dev`: build, serve, watch, rebuild. A rebuild is the ordinary
// build with the session's cache and the set of changed paths, written into a
// private output folder the way `build` writes dist/ (write/output.ts: only what
// changed, swapped in at once, here by a link); a broken build changes nothing there, so the last
// good site keeps being served while the error shows over the open page.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, closeBuildCache, UsageError, type BuildOptions, type BuildResult } from '../build.js';
import { createBuildCache } from '../build-cache.js';
import { CONFIG_FILE } from '../config/config.js';
import { openOutput, type Output } from '../write/output.js';
import { LIVE_RELOAD_TAG } from './live-reload.js';
import { startDevServerThread } from './server-thread.js';
import { createWatchQueue } from './watch-queue.js';
import { startWatcher } from './watcher.js';

export interface DevOptions extends Pick<BuildOptions, 'drafts' | 'future' | 'cacheDir'> {
  root: string;
  content: string;
  templates: string;
  cwd: string;
  host?: string | undefined;
  port?: number | undefined;
  /** Told about every build: what the terminal prints. */
  onBuild: (result: BuildResult, ms: number, changed: ReadonlySet<string> | undefined) => void;
  /** Told when a rebuild throws: a bug, reported without ending the session. */
  onCrash: (error: Error) => void;
  /** The error lines to show over the open page, for a failed build. */
  describe: (result: BuildResult) => string;
}

export interface DevSession {
  /** The home page: the server's address plus the site's base path (`/news/`), if it has one. */
  readonly url: string;
  /** Resolves when every change seen so far has been built. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startDevSession(options: DevOptions): Promise<DevSession> {
  const dir = await mkdtemp(join(tmpdir(), 'broadsheet-dev-'));
  const cache = createBuildCache();
  // The releases layout: `builds/current` is a link swapped in one rename, so the server never
  // finds the site missing, as it would for a moment between a plain folder's renames. It
  // serves `site`, a link to that link: the dev folder's one name for what is served.
  const output = servedUnderBasePath(
    // A function, not a string: `$` in a replacement string has meanings of its own.
    openOutput(join(dir, 'builds'), { transformHtml: (html) => html.replace(/<\/body>/i, () => `${LIVE_RELOAD_TAG}\n</body>`), persist: false, layout: 'releases' }),
  );
  const served = join(dir, 'site');
  await symlink(join('builds', 'current'), served);
  // The watcher starts first and is ready before the first build reads a file: a save made
  // while that build runs, or as soon as the site answers, is then always seen. (Started
  // after it, a save in between went unseen: chokidar's first scan takes files as they are.)
  // What it reports before the first build is done waits, and is built right after it.
  const early: Array<[string, boolean]> = [];
  let changed = (path: string, removed: boolean): void => void early.push([path, removed]);
  const watcher = startWatcher([options.content, options.templates, join(options.root, CONFIG_FILE)], {
    onChange: (path, removed) => changed(resolve(options.cwd, path), removed),
    onError: options.onCrash,
  });
  // On a thread of its own, so it answers while a rebuild renders (see server-thread.ts).
  const started = startDevServerThread({ dir: served, ...(options.host ? { host: options.host } : {}), ...(options.port !== undefined ? { port: options.port } : {}) });
  const [serverStart, watcherStart] = await Promise.allSettled([started, watcher.ready]);
  if (serverStart.status === 'rejected' || watcherStart.status === 'rejected') {
    // A taken port must not leave an empty dev folder behind in the temporary folder.
    if (serverStart.status === 'fulfilled') await serverStart.value.close();
    await watcher.stop();
    await rm(dir, { recursive: true, force: true });
    throw serverStart.status === 'rejected' ? serverStart.reason : (watcherStart as PromiseRejectedResult).reason;
  }
  const server = serverStart.value;

  // Aborted by close(), so a rebuild under way stops before it writes into a folder about to be removed.
  const closing = new AbortController();
  // After a rebuild that threw (a vanished content folder is a UsageError), the
  // paths of its batch were never applied to the cache, and when a watched folder
  // itself comes or goes nothing says which files it holds: the next rebuild
  // checks every file (a build without `changed`), with the warm cache.
  let checkEverything = false;
  const watchedFolders = [options.content, options.templates];
  /** False when abandoned for newer changes (the watch queue runs the batch again). */
  const rebuild = async (batch?: ReadonlySet<string>, batchSignal?: AbortSignal): Promise<boolean> => {
    const started = performance.now();
    const changed = checkEverything || watchedFolders.some((folder) => batch?.has(folder)) ? undefined : batch;
    checkEverything = false;
    const signal = batchSignal ? AbortSignal.any([batchSignal, closing.signal]) : closing.signal;
    try {
      const result = await build({
        root: options.root,
        content: options.content,
        templates: options.templates,
        cwd: options.cwd,
        drafts: options.drafts,
        future: options.future,
        cacheDir: options.cacheDir,
        cache,
        changed,
        signal,
        output,
      });
      if (result.aborted) return false;
      options.onBuild(result, performance.now() - started, batch);
      if (result.ok) server.reload();
      else server.showError(options.describe(result));
    } catch (error) {
      checkEverything = true;
      // The writer's to fix (the content folder was deleted), not a bug: say so over the page too.
      if (error instanceof UsageError) server.showError(error.message);
      options.onCrash(error as Error);
    }
    return true;
  };

  await rebuild();
  const watchQueue = createWatchQueue({ run: rebuild, onError: (error) => options.onCrash(error as Error) });
  changed = (path, removed) => watchQueue.add(path, removed);
  for (const [path, removed] of early.splice(0)) watchQueue.add(path, removed);

  return {
    get url() {
      return server.url + output.base;
    },
    idle: () => watchQueue.idle(),
    async close() {
      watchQueue.close();
      // Removing the folder under a rebuild that is still writing would fail it, or
      // leave a half-written copy behind in the temporary folder.
      closing.abort();
      await watchQueue.idle();
      await watcher.stop();
      await server.close();
      // The session's story index is saved once, here, rather than after every save a writer makes.
      await closeBuildCache(cache, { cacheDir: options.cacheDir ? resolve(options.cwd, options.cacheDir) : undefined, contentDir: resolve(options.cwd, options.content), pruned: false });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The server serves its folder's root, so a site published under a path (/news/) gets
 * its pages under that path, and its 404 page and `_headers` at the root too, where the
 * server looks for them to answer a missing address and to send the site's headers.
 */
function servedUnderBasePath(output: Output): Output & { base: string } {
  const served = {
    dir: output.dir,
    base: '',
    async begin(site: { basePath: string }) {
      const base = site.basePath.slice(1);
      served.base = base;
      const inner = await output.begin(site);
      const copied = (path: string) => base !== '' && (path === '404.html' || path === '_headers');
      return {
        ...inner,
        has: (path: string, key: string) => inner.has(base + path, key) && (!copied(path) || inner.has(path, key)),
        keep(path: string, key: string) {
          inner.keep(base + path, key);
          if (copied(path)) inner.keep(path, key);
        },
        async put(path: string, key: string, contents: string | Uint8Array) {
          await inner.put(base + path, key, contents);
          if (copied(path)) await inner.put(path, key, contents);
        },
      };
    },
  };
  return served;
}
