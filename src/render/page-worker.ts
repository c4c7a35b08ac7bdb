// One thread of the page pool (page-pool.ts): loads the site's templates once,
// then renders every page it is sent, in order, posting each back.
import { parentPort, workerData } from 'node:worker_threads';
import { loadTemplates, type PageTemplate } from './templates.js';

export interface PageSetup {
  /** The templates folder, and the folder messages are relative to. */
  templates: string;
  cwd: string;
  /** The key of the templates the build loaded: a worker that reads others renders nothing. */
  key: string;
  /** What `asset_url` answers, by asset name. */
  assets: Array<[string, { path: string }]>;
  basePath: string;
}

export interface PageTask {
  name: PageTemplate;
  view: object;
}

/** The page, or `undefined` when its template failed (the build renders it again on its own thread, to say why). */
export type PageReply = { type: 'ready' } | { type: 'done'; html: string | undefined };

const port = parentPort;
if (port) {
  const setup = workerData as PageSetup;
  const templates = await loadTemplates(setup.templates, setup.cwd);
  // Edited since the build read them: pages from these would not be the pages its keys stand for.
  if (templates.key !== setup.key || templates.files().length > 0) throw new Error('The templates changed while the site was being built');
  templates.useAssets(new Map(setup.assets), setup.basePath);
  const reply = (message: PageReply) => port.postMessage(message);
  port.on('message', (task: PageTask) => reply({ type: 'done', html: templates.render(task.name, task.view) }));
  reply({ type: 'ready' });
}
