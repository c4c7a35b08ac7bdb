// Stage 6 across the cores: pages rendered with Liquid on worker threads, each
// loading the templates once (page-worker.ts), and on this thread beside them, on
// the shared pool (workers/pool.ts). This thread still builds every page's view
// (the site model is here) and writes every page; a page is the same bytes
// whichever thread renders it, since the view arrives as a copy of the same data.
// A page whose template fails on a worker, or that a worker dies on, is rendered
// again here, so the template's error is reported like any other.
import { createWorkerPool } from '../workers/pool.js';
import { startWorker } from '../workers/worker-source.js';
import type { PageReply, PageSetup, PageTask } from './page-worker.js';
import type { PageTemplate, Templates } from './templates.js';

export interface PagePool {
  /** The page, as `templates.render` gives it. */
  render(name: PageTemplate, view: object): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface PagePoolOptions {
  /** Worker threads to start. */
  size: number;
  /** The build's templates: the workers load the same files, and this thread renders with these. */
  templates: Templates;
  dir: string;
  cwd: string;
  assets: ReadonlyMap<string, { path: string }>;
  basePath: string;
}

export function createPagePool(options: PagePoolOptions): PagePool {
  const { templates } = options;
  const here = (task: PageTask) => ({ html: templates.render(task.name, task.view) });
  const setup: PageSetup = {
    templates: options.dir,
    cwd: options.cwd,
    key: templates.key,
    assets: [...options.assets].map(([name, asset]) => [name, { path: asset.path }]),
    basePath: options.basePath,
  };
  const pool = createWorkerPool<PageTask, Exclude<PageReply, { type: 'ready' }>, { html: string | undefined }>({
    size: options.size,
    start: () => startWorker('./page-worker', import.meta.url, { workerData: setup }),
    answer: (task, reply) => (reply.html === undefined ? here(task) : { html: reply.html }),
    crashed: here,
    onThisThread: here,
    describe: String,
    // Deeper than the Markdown pool's: a page takes a worker a millisecond, less than one of this
    // thread's garbage collections, during which a worker with three pages ran dry.
    depth: 8,
  });
  return {
    async render(name, view) {
      const done = await pool.run({ name, view });
      return done ? done.html : templates.render(name, view);
    },
    close: pool.close,
  };
}
