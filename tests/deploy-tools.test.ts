// The tools people deploy a site with get every page of a built dist/: it is an
// ordinary folder, so a copy, an archive or a sync of it holds the site, not a link.
// (When dist/ was a link to .dist.builds/, `netlify deploy --dir dist` uploaded
// nothing and `cp -r dist`, `tar cf x dist` and fs.cp copied a link that dangled.)
// The tools are Debian's (scripts/ensure-system-packages.mjs installs them): a
// missing one fails the test, never skips it. Runs the compiled CLI (`npm run
// compile` first) on the example site, built twice so dist/ has been swapped once.
import { execFile } from 'node:child_process';
import { appendFile, cp, lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, scratch, snapshotTree } from './helpers.js';

const run = promisify(execFile);

/**
 * The files netlify-cli uploads for `netlify deploy --dir <root>`, found as its walker
 * (folder-walker) finds them: lstat each name, list only what lstat calls a folder,
 * keep only what it calls a file. Nothing is followed, the root included.
 */
async function netlifyWalk(root: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const pending = [root];
  while (pending.length > 0) {
    const name = pending.shift() as string;
    const stats = await lstat(name);
    if (stats.isFile()) found[relative(root, name)] = await readFile(name, 'latin1');
    if (!stats.isDirectory()) continue;
    pending.unshift(...(await readdir(name)).sort().map((entry) => join(name, entry)));
  }
  return found;
}

describe('deploy tools on a built dist/', () => {
  let site: string;
  let pages: Record<string, string>;
  let into: string;
  beforeAll(async () => {
    site = await scratch();
    for (const part of ['broadsheet.yaml', 'content', 'templates']) await cp(join(REPO, part), join(site, part), { recursive: true });
    const build = () => run(process.execPath, [join(REPO, 'bin/broadsheet.js'), 'build', '--root', site]);
    await build();
    const story = (await readdir(join(site, 'content'))).find((name) => name.endsWith('.md')) as string;
    await appendFile(join(site, 'content', story), '\nA paragraph added on a later edit.\n');
    await build();
    pages = await snapshotTree(join(site, 'dist'));
    into = await scratch();
  }, 120_000);

  it('should have built a site to deploy', () => {
    expect(Object.keys(pages)).toContain('index.html');
    expect(Object.keys(pages).filter((path) => path.endsWith('.html')).length).toBeGreaterThan(10);
  });

  it('should copy every page with cp -r dist', async () => {
    await run('cp', ['-r', 'dist', join(into, 'cp')], { cwd: site });
    expect(await snapshotTree(join(into, 'cp'))).toEqual(pages);
  });

  it('should archive every page with tar on the folder name', async () => {
    await run('tar', ['cf', join(into, 'by-name.tar'), 'dist'], { cwd: site });
    await mkdir(join(into, 'by-name'));
    await run('tar', ['xf', join(into, 'by-name.tar'), '-C', join(into, 'by-name')]);
    expect(await snapshotTree(join(into, 'by-name', 'dist'))).toEqual(pages);
  });

  it('should archive every page with tar -C dist .', async () => {
    await run('tar', ['cf', join(into, 'inside.tar'), '-C', join(site, 'dist'), '.']);
    await mkdir(join(into, 'inside'));
    await run('tar', ['xf', join(into, 'inside.tar'), '-C', join(into, 'inside')]);
    expect(await snapshotTree(join(into, 'inside'))).toEqual(pages);
  });

  it('should zip every page with zip -r', async () => {
    await run('zip', ['-q', '-r', join(into, 'site.zip'), 'dist'], { cwd: site });
    await run('unzip', ['-q', join(into, 'site.zip'), '-d', join(into, 'zip')]);
    expect(await snapshotTree(join(into, 'zip', 'dist'))).toEqual(pages);
  });

  it('should sync every page with rsync -a dist and rsync -a dist/', async () => {
    await run('rsync', ['-a', 'dist', join(into, 'rsync-folder')], { cwd: site });
    expect(await snapshotTree(join(into, 'rsync-folder', 'dist'))).toEqual(pages);
    await run('rsync', ['-a', 'dist/', join(into, 'rsync-contents')], { cwd: site });
    expect(await snapshotTree(join(into, 'rsync-contents'))).toEqual(pages);
  });

  it("should copy every page with Node's fs.cp", async () => {
    await cp(join(site, 'dist'), join(into, 'fs-cp'), { recursive: true });
    expect(await snapshotTree(join(into, 'fs-cp'))).toEqual(pages);
  });

  it('should give a walk from the root with lstat, as netlify deploy makes, every page', async () => {
    expect(await netlifyWalk(join(site, 'dist'))).toEqual(pages);
  });
});
