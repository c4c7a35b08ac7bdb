// Rendering the pages the output lacks: on this thread, and, for a build that
// renders many, on worker threads beside it (page-pool.ts), started once enough
// pages proved to need rendering. Whoever renders, a page is the same bytes.
import type { PagePool } from './page-pool.js';
import type { PlannedPage } from './pages.js';
import type { Templates } from './templates.js';

// Pages rendered here before a pool starts, and pages that must be left to look at for one to pay
// for its start (a worker loads liquidjs and the templates in about 0.2 s, then runs cold for a while).
const POOL_AFTER = 32;
const POOL_FROM = 512;

export interface PageRendererOptions {
  templates: Templates;
  /** How many pages the build has. */
  total: number;
  /** Awaited before the first page is rendered: what page views need (story bodies) is loaded only by a build that renders. */
  prepare?: (() => Promise<unknown>) | undefined;
  /** Starts threads that render pages beside this one. Default: this thread only. */
  startPool?: (() => PagePool) | undefined;
}

export interface PageRenderer {
  /** The page's HTML; `undefined` when its template failed (the error is on the template's file). `index`: its place among the pages. */
  render(page: PlannedPage, index: number): Promise<string | undefined>;
  /** How many pages were rendered. */
  readonly rendered: number;
  close(): Promise<void>;
}

export function createPageRenderer(options: PageRendererOptions): PageRenderer {
  const { templates } = options;
  let prepared: Promise<unknown> | undefined;
  let pool: PagePool | undefined;
  let begun = 0;
  let rendered = 0;
  return {
    async render(page, index) {
      await (prepared ??= options.prepare?.());
      if (++begun === POOL_AFTER && options.total - (index + 1) >= POOL_FROM) pool = options.startPool?.();
      const html = pool ? await pool.render(page.template, page.view()) : templates.render(page.template, page.view());
      if (html !== undefined) rendered++;
      return html;
    },
    get rendered() {
      return rendered;
    },
    close: async () => pool?.close(),
  };
}
