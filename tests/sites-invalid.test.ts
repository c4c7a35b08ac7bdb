// Broken sites whose exact error output is part of the contract (like Zola's
// test_sites_invalid). Each folder under tests/sites-invalid/ holds only what
// differs from a valid site: `content/…`, and optionally `broadsheet.yaml` or
// `templates/…` that replace the repo's own, plus
//   expected.txt  the exact stderr of `broadsheet build`,
//   remove.txt    optionally: site paths (one a line) to delete, for "file is missing" cases,
//   symlinks.txt  optionally: symbolic links to make, one a line, `link -> target`
//                 (the link a site path, the target exactly as the link holds it, e.g.
//                 `content/back -> ..`). Made here rather than committed, so the case
//                 says what it tests and a checkout that drops symlinks cannot hide it.
//   fifos.txt     optionally: named pipes to make (mkfifo), one site path a line.
//   files.json    optionally: files whose bytes an editor or git could change, or too
//                 big to commit: site path → text (JSON escapes make a BOM, a control
//                 character or a newline in a file name exact), or → { "start", "repeat",
//                 "times", "end" } for the text `start + repeat × times + end`.
// The site is assembled in a temp folder (the repo's templates/ and
// broadsheet.yaml, then the case on top) with a previous build in dist/, which
// a failed build must leave exactly as it was. Every case runs through
// `broadsheet check` too, which prints the same lines and a shorter summary
// (no "nothing was written", since check never writes), and writes nothing either.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, run, scratch, snapshotTree } from './helpers.js';

const CASES = join(REPO, 'tests', 'sites-invalid');
const EXPECTED = 'expected.txt';
const REMOVE = 'remove.txt';
const SYMLINKS = 'symlinks.txt';
const FILES = 'files.json';
const FIFOS = 'fifos.txt';

type Generated = string | { start?: string; repeat: string; times: number; end?: string };
/** The `---js` case's frontmatter writes this file if it is ever run. */
const EXECUTED = join(tmpdir(), 'broadsheet-frontmatter-was-executed');
/** How build's summary line ends; check says only the count. */
const BUILD_SUMMARY = /; nothing was written, dist\/ is as it was\.\n$/;

const cases = readdirSync(CASES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const lines = async (path: string) => (existsSync(path) ? (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '') : []);

async function assemble(name: string): Promise<string> {
  const from = join(CASES, name);
  const site = await scratch();
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await cp(join(REPO, 'broadsheet.yaml'), join(site, 'broadsheet.yaml'));
  await cp(from, site, { recursive: true, filter: (path) => ![EXPECTED, REMOVE, SYMLINKS, FILES, FIFOS].includes(relative(from, path)) });
  for (const path of await lines(join(from, REMOVE))) await rm(join(site, path.trim()), { recursive: true });
  if (existsSync(join(from, FILES))) {
    const files = JSON.parse(await readFile(join(from, FILES), 'utf8')) as Record<string, Generated>;
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(site, path)), { recursive: true });
      await writeFile(join(site, path), typeof text === 'string' ? text : `${text.start ?? ''}${text.repeat.repeat(text.times)}${text.end ?? ''}`);
    }
  }
  for (const path of await lines(join(from, FIFOS))) execFileSync('mkfifo', [join(site, path.trim())]);
  for (const line of await lines(join(from, SYMLINKS))) {
    const [link, target] = line.split(' -> ').map((part) => part.trim());
    if (!link || !target) throw new Error(`${name}/${SYMLINKS}: expected \`link -> target\`, got "${line}"`);
    await mkdir(dirname(join(site, link)), { recursive: true });
    await symlink(target, join(site, link));
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
    for (const command of ['build', 'check'] as const) {
      it(`should report ${name.replaceAll('-', ' ')} (${command})`, async () => {
        const expectedBuild = await readFile(join(CASES, name, EXPECTED), 'utf8');
        expect(expectedBuild, `${EXPECTED} ends with build's summary line`).toMatch(BUILD_SUMMARY);
        const expected = command === 'build' ? expectedBuild : expectedBuild.replace(BUILD_SUMMARY, '.\n');
        const site = await assemble(name);
        try {
          await rm(EXECUTED, { force: true });
          const before = await snapshotTree(site);
          const dist = await snapshotTree(join(site, 'dist'));

          const result = await run([command], site);

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
  }
});
