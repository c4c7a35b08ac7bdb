// chokidar, in a process of its own. On every change in a folder, chokidar reads
// the whole folder again (lstat of each entry, at most once a second); with
// 10,000 stories in one folder that is ~200 ms of file-system calls. In the dev
// server's process they would queue ahead of the rebuild's own reads and writes
// in libuv's thread pool (a worker thread shares it), so they get their own.
import { watch } from 'chokidar';

export interface WatcherData {
  paths: string[];
}

export type WatcherMessage = { type: 'ready' } | { type: 'change'; path: string } | { type: 'error'; message: string };

const { paths } = JSON.parse(process.argv[2] ?? '{"paths":[]}') as WatcherData;
const post = (message: WatcherMessage) => process.send?.(message);
// atomic: false — chokidar would hold back a delete for 100 ms to pair it with a re-create;
// the rebuild checks which files exist anyway, and a rename must not build half-done.
const watcher = watch(paths, { ignoreInitial: true, atomic: false });
watcher.on('all', (_event, path) => post({ type: 'change', path }));
watcher.on('error', (error) => post({ type: 'error', message: (error as Error).message }));
watcher.once('ready', () => post({ type: 'ready' }));
process.on('message', (message) => {
  if (message === 'close') void watcher.close().then(() => process.exit(0));
});
// The dev server went away without saying so: stop watching.
process.on('disconnect', () => process.exit(0));
