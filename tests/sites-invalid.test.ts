// Broken sites whose exact error output is part of the contract (like Zola's
// test_sites_invalid). Each folder under tests/sites-invalid/ holds only what
// differs from a valid site: `content/…`, and optionally `broadsheet.yaml` or
// `templates/…` that replace the repo's own, plus
//   expected.txt  the exact stderr of `broadsheet build`, and optionally
//   remove.txt    site paths (one a line) to delete, for "file is missing" cases.
// The site is assembled in a temp folder (the repo's templates/ and
// broadsheet.yaml, then the case on top) with a previous build in dist/, which
// a failed build must leave exactly as it was.
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, run, scratch, snapshotTree } from './helpers.js';

const CASES = join(REPO, 'tests', 'sites-invalid');
const EXPECTED = 'expected.txt';
const REMOVE = 'remove.txt';
/** The `---js` case's frontmatter writes this file if it is ever run. */
const EXECUTED = join(tmpdir(), 'broadsheet-frontmatter-was-executed');

const cases = readdirSync(CASES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

async function assemble(name: string): Promise<string> {
  const from = join(CASES, name);
  const site = await scratch();
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await cp(join(REPO, 'broadsheet.yaml'), join(site, 'broadsheet.yaml'));
  await cp(from, site, { recursive: true, filter: (path) => ![EXPECTED, REMOVE].includes(relative(from, path)) });
  if (existsSync(join(from, REMOVE))) {
    const paths = (await readFile(join(from, REMOVE), 'utf8')).split('\n').filter((line) => line.trim() !== '');
    for (const path of paths) await rm(join(site, path.trim()), { recursive: true });
  }
  await mkdir(join(site, 'dist'));
  await writeFile(join(site, 'dist', 'index.html'), 'previous build\n');
  return site;
}

describe('invalid sites', () => {
  it('should have cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  for (const name of cases) {
    it(`should report ${name.replaceAll('-', ' ')}`, async () => {
      const expected = await readFile(join(CASES, name, EXPECTED), 'utf8');
      const site = await assemble(name);
      try {
        await rm(EXECUTED, { force: true });
        const before = await snapshotTree(site);
        const dist = await snapshotTree(join(site, 'dist'));

        const result = await run(['build'], site);

        // Soft, so a wrong message does not hide a broken dist/ (and vice versa).
        expect.soft(result.code, 'exit code').toBe(1);
        expect.soft(result.stderr).toBe(expected);
        expect.soft(result.stderr, 'no stack trace').not.toMatch(/^\s+at /m);
        expect.soft(result.stdout, 'stdout').toBe('');
        expect.soft(await snapshotTree(join(site, 'dist')), 'previous dist/').toEqual(dist);
        expect.soft((await readdir(site)).filter((entry) => entry.startsWith('.dist.')), 'staging folders').toEqual([]);
        // The story cache may learn from a failed build (the next one is faster); nothing else in the site changes.
        const after = await snapshotTree(site);
        const cached = Object.keys(after).filter((path) => path.startsWith('.broadsheet-cache/'));
        for (const path of cached) delete after[path];
        expect.soft(cached.every((path) => /^\.broadsheet-cache\/(index\.v8|bodies\/\d+-\d+-[0-9a-f]{8}\.pack)$/.test(path)), 'only the story index and body packs').toBe(true);
        expect.soft(after, 'rest of the site').toEqual(before);
        expect.soft(existsSync(EXECUTED), 'frontmatter code was run').toBe(false);
      } finally {
        await rm(site, { recursive: true, force: true });
      }
    });
  }
});
