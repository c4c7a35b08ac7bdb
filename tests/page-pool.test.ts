// Pages rendered with Liquid on worker threads (render/page-pool.ts) must be the
// pages this thread renders: the same site is built on one thread and with the page
// pool, and the output and messages compared byte for byte, a template error in a
// page a worker rendered included; and a pool whose workers refuse the work (the
// templates changed since the build read them) leaves every page to this thread.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { build } from '../src/build.js';
import { createPagePool } from '../src/render/page-pool.js';
import { loadTemplates } from '../src/render/templates.js';
import { formatMessages } from '../src/report/messages.js';
import { REPO, scratch, snapshotTree } from './helpers.js';

// Pages the workers answered, counted; `workersOnly` leaves every page after the pool starts to them
// (started from TypeScript here, a worker may otherwise be ready only once this thread is done).
const pages = vi.hoisted(() => ({ pools: 0, onWorkers: 0, workersOnly: false }));
vi.mock('../src/workers/pool.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/workers/pool.js')>();
  return {
    ...real,
    createWorkerPool: <Task, Answer, Result>(options: import('../src/workers/pool.js').WorkerPoolOptions<Task, Answer, Result>) => {
      const forPages = options.start.toString().includes('page-worker');
      if (!forPages) return real.createWorkerPool(options);
      pages.pools++;
      return real.createWorkerPool({
        ...options,
        answer: (task: Task, reply: Answer) => (pages.onWorkers++, options.answer(task, reply)),
        onThisThread: pages.workersOnly ? undefined : options.onThisThread,
      });
    },
  };
});

afterEach(() => {
  Object.assign(pages, { pools: 0, onWorkers: 0, workersOnly: false });
  delete process.env.BROADSHEET_THREADS;
});

const STORIES = 640;

/** A site of generated stories with this repository's templates; `edit` changes the article template. */
async function makeSite(edit: (article: string) => string = (article) => article): Promise<string> {
  const dir = await scratch();
  await cp(join(REPO, 'templates'), join(dir, 'templates'), { recursive: true });
  const article = join(dir, 'templates/article.liquid');
  await writeFile(article, edit(await readFile(article, 'utf8')));
  await writeFile(join(dir, 'broadsheet.yaml'), 'title: Page pool\nurl: https://pages.example.org/\nupdated_from_git: false\n');
  execFileSync(process.execPath, [join(REPO, 'tests/corpus/generate.mjs'), '--count', String(STORIES), '--words', '40', '--out', join(dir, 'content')], { stdio: 'ignore' });
  return dir;
}

async function buildOn(dir: string, threads: number, out: string) {
  process.env.BROADSHEET_THREADS = String(threads);
  const result = await build({ root: dir, out: join(dir, out), cwd: dir, future: true });
  return { result, messages: formatMessages(result.files, dir).join('\n') };
}

describe('rendering pages on worker threads', () => {
  it('should write the same pages with the page pool as on one thread', async () => {
    const dir = await makeSite();
    const one = await buildOn(dir, 1, 'one');
    expect(pages.pools).toBe(0);
    pages.workersOnly = true;
    const pooled = await buildOn(dir, 2, 'pooled');
    expect(one.result.ok).toBe(true);
    expect(pooled.result).toMatchObject({ ok: true, pages: one.result.pages, rendered: one.result.rendered });
    expect(pages.pools).toBe(1);
    // All but the pages rendered before the pool started.
    expect(pages.onWorkers).toBeGreaterThan(one.result.rendered / 2);
    expect(await snapshotTree(join(dir, 'pooled'))).toEqual(await snapshotTree(join(dir, 'one')));
  }, 240_000);

  it('should report a template error in a page a worker rendered as on one thread', async () => {
    // Only the oldest stories' pages fail, long after the pool has started.
    const dir = await makeSite((article) => article.replace('<h1 class="story-title">', '{% if story.date.iso < "2025-01-02" %}{{ story.headline }}{% endif %}<h1 class="story-title">'));
    const one = await buildOn(dir, 1, 'one');
    pages.workersOnly = true;
    const pooled = await buildOn(dir, 2, 'pooled');
    expect(one.result.ok).toBe(false);
    expect(one.messages).toMatch(/article\.liquid:\d+:\d+.*Unknown variable `story\.headline`; did you mean `story\.title`\?/);
    expect(pages.onWorkers).toBeGreaterThan(0);
    expect(pooled.messages).toBe(one.messages);
    expect(pooled.result.ok).toBe(false);
  }, 240_000);

  it('should render every page on this thread when the workers find other templates than the build read', async () => {
    const dir = await scratch();
    await mkdir(join(dir, 'templates'));
    for (const name of ['article', 'index', 'list', '404']) await writeFile(join(dir, 'templates', `${name}.liquid`), `<p>${name}: {{ page.title }}, <a href="{{ 'style.css' | asset_url }}">style</a></p>\n`);
    const templates = await loadTemplates(join(dir, 'templates'), dir);
    const assets = new Map([['style.css', { path: 'assets/style.0123.css' }]]);
    templates.useAssets(assets, '/');
    const view = { page: { title: 'Not found' } };
    const expected = templates.render('404', view);
    expect(expected).toBe('<p>404: Not found, <a href="/assets/style.0123.css">style</a></p>\n');
    // The templates' key is part of every page's key: the workers load the folder and find another.
    const pool = createPagePool({ size: 1, templates: { ...templates, key: 'not the templates in the folder' }, dir: join(dir, 'templates'), cwd: dir, assets, basePath: '/' });
    pages.workersOnly = true;
    try {
      expect(await pool.render('404', view)).toBe(expected);
    } finally {
      await pool.close();
    }
    expect(pages.onWorkers).toBe(0);
  }, 60_000);
});
