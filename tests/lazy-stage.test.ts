// A build that renders nothing (nothing changed since the last one) does not load
// the Markdown stage (unified, remark, rehype, gray-matter) nor the feed and sitemap
// renderers: each build here is a process of its own, from lib/ (`npm run compile`
// first), as `broadsheet build` is, and notes which packages it loaded.
import { execFile } from 'node:child_process';
import { appendFile, cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, scratch } from './helpers.js';

const exec = promisify(execFile);
let root: string;

// Module hooks (node:module register) that note every package the process loads, in a file.
const HOOKS = `
  import { appendFileSync } from 'node:fs';
  export async function resolve(specifier, context, next) {
    const resolved = await next(specifier, context);
    const name = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(resolved.url)?.[1];
    if (name) appendFileSync(process.env.LOADED_LOG, name + '\\n');
    return resolved;
  }`;

/** One build in a new process, as `broadsheet build` runs it: what it rendered and which packages it loaded. */
async function buildOnce(): Promise<{ ok: boolean; rendered: number; changedFiles: number | undefined; loaded: Set<string> }> {
  const log = join(root, 'loaded.log');
  await writeFile(log, '');
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;
  const script = `
    const { build } = await import(${JSON.stringify(join(REPO, 'lib/build.js'))});
    const result = await build({ root: process.argv[1], cacheDir: process.argv[1] + '/.broadsheet-cache' });
    console.log(JSON.stringify({ ok: result.ok, rendered: result.rendered, changedFiles: result.changedFiles }));`;
  const { stdout } = await exec(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script, root], {
    env: { ...process.env, LOADED_LOG: log },
  });
  const loaded = new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean));
  return { ...JSON.parse(stdout.trim().split('\n').at(-1) as string), loaded };
}

const STAGE = ['unified', 'remark-parse', 'rehype-stringify', 'gray-matter', 'xast-util-feed', 'xast-util-sitemap'];
const loadedOf = (loaded: Set<string>) => STAGE.filter((name) => loaded.has(name));

beforeAll(async () => {
  root = await scratch();
  for (const name of ['content', 'templates', 'broadsheet.yaml']) await cp(join(REPO, name), join(root, name), { recursive: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a build that renders nothing', () => {
  it('should not load the Markdown stage when nothing changed, and load it for an edit', async () => {
    const cold = await buildOnce();
    expect(cold).toMatchObject({ ok: true });
    expect(cold.rendered).toBeGreaterThan(0);
    expect(loadedOf(cold.loaded)).toEqual(STAGE);
    const again = await buildOnce();
    expect(again).toMatchObject({ ok: true, rendered: 0, changedFiles: 0 });
    expect(again.loaded.has('liquidjs')).toBe(true);
    expect(loadedOf(again.loaded)).toEqual([]);
    // The full article: a body edit renders its page only (a brief given a body would change every list).
    await appendFile(join(root, 'content', 'sheinbaum-rejects-trump-proposal-to-send-u-s-troops-to-mexico-citing-sovereignty.md'), '\nOne more line.\n');
    const edited = await buildOnce();
    expect(edited).toMatchObject({ ok: true, rendered: 1 });
    // The article is among the feeds' latest stories, so they are made again; no URL or date moved, so no sitemap is.
    expect(loadedOf(edited.loaded)).toEqual(STAGE.filter((name) => name !== 'xast-util-sitemap'));
  });
});
