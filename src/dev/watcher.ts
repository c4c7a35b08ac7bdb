// `broadsheet dev`'s file watcher, seen from the session: chokidar in a process of
// its own (watcher-process.ts), the paths it reports, and stopping it.
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { WatcherData, WatcherMessage } from './watcher-process.js';

export interface Watcher {
  /** Resolves once every path is watched: a change after it is reported. */
  ready: Promise<void>;
  /** Ends the watcher, if it has not ended already. */
  stop(): Promise<void>;
}

/** Watches `paths`; `onChange` is told each changed path as chokidar gives it (relative to the working directory). */
export function startWatcher(paths: string[], on: { onChange: (path: string, removed: boolean) => void; onError: (error: Error) => void }): Watcher {
  const data: WatcherData = { paths };
  const watcher = fork(fileURLToPath(new URL('./watcher-process.js', import.meta.url)), [JSON.stringify(data)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // Its rescans can give way to the rebuild a writer is waiting for, but not starve: at the
  // lowest priority (19) a busy machine held its reports back so long that a burst of saves
  // arrived in clumps past the burst's quiet window, and was built in pieces.
  try {
    if (watcher.pid !== undefined) setPriority(watcher.pid, 5);
  } catch {
    // Not allowed here: it only costs some speed.
  }
  // Ended by a signal of its own (a closed terminal sends SIGHUP to the whole group), it reports no exit code.
  const exited = () => watcher.exitCode !== null || watcher.signalCode !== null;
  const ready = new Promise<void>((done, fail) => {
    watcher.on('message', (message: WatcherMessage) => {
      if (message.type === 'ready') done();
      else if (message.type === 'change') on.onChange(message.path, message.removed);
      else on.onError(new Error(`watching files failed: ${message.message}`));
    });
    // Not once: a send to a watcher that a signal just ended fails too, and an unheard error would end dev.
    watcher.on('error', fail);
    watcher.once('exit', () => fail(new Error('The file watcher ended before it was ready; this is a bug in Broadsheet')));
  });
  return {
    ready,
    async stop() {
      if (exited()) return;
      const gone = new Promise((ended) => watcher.once('exit', ended));
      if (watcher.connected) watcher.send('close');
      else watcher.kill();
      await gone;
    },
  };
}
