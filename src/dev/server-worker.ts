// Runs in the thread server-thread.ts starts: the dev server, told by the main
// thread when to reload or show an error.
import { parentPort, workerData } from 'node:worker_threads';
import { startDevServer, type DevServerOptions } from './server.js';
import type { ServerThreadCommand, ServerThreadReport } from './server-thread.js';

const port = parentPort!;
const report = (message: ServerThreadReport) => port.postMessage(message);

try {
  const server = await startDevServer(workerData as DevServerOptions);
  port.on('message', (command: ServerThreadCommand) => {
    if (command.type === 'reload') server.reload();
    else if (command.type === 'showError') server.showError(command.text);
    // With the server and the port closed, nothing keeps the thread alive: it ends.
    else void server.close().then(() => port.close());
  });
  report({ type: 'listening', url: server.url });
} catch (error) {
  report({ type: 'failed', message: (error as Error).message });
}
