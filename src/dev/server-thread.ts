// The dev server on a thread of its own. A rebuild renders pages on the main
// thread, and LiquidJS's awaits resolve as microtasks, so the event loop gets no
// turn between pages: served from the main thread, every request waited behind
// the whole render (1.2 s at a time after a headline edit at 500 stories, when
// every article page renders again). On its own thread the server keeps
// answering from the dev folder; the main thread only tells it when to reload
// the open pages or show them an error. (chokidar has a process of its own for
// the same kind of reason: see watcher-process.ts.)
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { DevServer, DevServerOptions } from './server.js';

/** What the thread says: once, when it has started listening or could not. */
export type ServerThreadReport = { type: 'listening'; url: string } | { type: 'failed'; message: string };
/** What the thread is told. */
export type ServerThreadCommand = { type: 'reload' } | { type: 'showError'; text: string } | { type: 'close' };

export async function startDevServerThread(options: DevServerOptions): Promise<DevServer> {
  const worker = new Worker(new URL('./server-worker.js', import.meta.url), { workerData: options });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (report: ServerThreadReport) => (report.type === 'listening' ? resolve(report.url) : reject(new Error(report.message))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The dev server's thread ended (exit code ${code}) before it listened; this is a bug in Broadsheet`)));
  });
  const send = (command: ServerThreadCommand) => worker.postMessage(command);
  return {
    url,
    reload: () => send({ type: 'reload' }),
    showError: (text) => send({ type: 'showError', text }),
    async close() {
      const exited = once(worker, 'exit');
      send({ type: 'close' });
      await exited;
    },
  };
}
