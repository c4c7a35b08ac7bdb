// chokidar, in a process of its own. On every change in a folder, chokidar reads
// the whole folder again (lstat of each entry, at most once a second); with
// 10,000 stories in one folder that is ~200 ms of file-system calls. In the dev
// server's process they would queue ahead of the rebuild's own reads and writes
// in libuv's thread pool (a worker thread shares it), so they get their own.
import { statSync } from 'node:fs';
import { watch } from 'chokidar';

export interface WatcherData {
  paths: string[];
}

export type WatcherMessage = { type: 'ready' } | { type: 'change'; path: string; removed: boolean } | { type: 'error'; message: string };

const { paths } = JSON.parse(process.argv[2] ?? '{"paths":[]}') as WatcherData;
const post = (message: WatcherMessage) => process.send?.(message);
// atomic: false — chokidar would hold back a delete for 100 ms to pair it with a re-create;
// the rebuild checks which files exist anyway, and a rename must not build half-done.
const watcher = watch(paths, { ignoreInitial: true, atomic: false });
const roots = new Set(paths);
watcher.on('all', (event, path) => {
  post({ type: 'change', path, removed: event === 'unlink' || event === 'unlinkDir' });
  // chokidar stops watching a path it was given once that is deleted or moved
  // away, and never notices it come back (rm -rf content/ then a restore would
  // go unseen until dev restarts). Asked again, it waits for the path through
  // its parent folder and reports it, with every file inside, when it returns.
  if ((event === 'unlinkDir' || event === 'unlink') && roots.has(path)) watcher.add(path);
});
// chokidar follows a folder by its inode: a folder moved away with another put in
// its place at once (mv content old && mv new content) goes unseen, and the old
// one is still the one watched. Once a second each watched folder's identity is
// checked; a different folder is watched afresh and reported as a change of the
// folder itself, on which the session checks every file.
const identity = (path: string) => {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats?.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
};
const folders = new Map(paths.map((path) => [path, identity(path)]));
setInterval(() => {
  for (const [path, was] of folders) {
    const now = identity(path);
    folders.set(path, now);
    // Gone, or back after being gone: chokidar reports those itself (above).
    if (was === undefined || now === undefined || now === was) continue;
    watcher.unwatch(path);
    watcher.add(path);
    post({ type: 'change', path, removed: false });
  }
}, 1000).unref();
watcher.on('error', (error) => post({ type: 'error', message: (error as Error).message }));
watcher.once('ready', () => post({ type: 'ready' }));
process.on('message', (message) => {
  if (message === 'close') void watcher.close().then(() => process.exit(0));
});
// The dev server went away without saying so: stop watching.
process.on('disconnect', () => process.exit(0));
