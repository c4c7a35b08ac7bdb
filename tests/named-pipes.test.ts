// A named pipe where Broadsheet expects a file: the settings, a template, a
// partial, a story's image. A plain read waits on a pipe until something
// writes to it, so each of these once held `build` and `check` for ever; now each
// is an error on its file, saying what it is. Git cannot hold a pipe, so each case
// makes its own (mkfifo). The compiled CLI runs in a child process (`npm run
// compile`), killed if it does not end: a hang must fail the test, not hold the
// suite (a synchronous read of a pipe would block an in-process test's thread).
import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { png, REPO, scratch } from './helpers.js';

/** Far more than the few hundred milliseconds these builds take, so only a hang reaches it. */
const HANG_MS = 20_000;

interface Outcome {
  code: number | null;
  stderr: string;
}

/** A one-story site from the repo's templates, with a named pipe at `pipe` (a site path) in place of whatever was there. */
async function siteWithPipe(pipe: string, storyBody = 'Body.'): Promise<string> {
  const site = await scratch();
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await writeFile(join(site, 'broadsheet.yaml'), 'title: Piped\nurl: https://example.org/\nupdated_from_git: false\n');
  await mkdir(join(site, 'content'));
  await writeFile(join(site, 'content', 'first.md'), `---\ntitle: First story\ndate: 2025-01-01\n---\n\n${storyBody}\n`);
  await rm(join(site, pipe), { force: true });
  execFileSync('mkfifo', [join(site, pipe)]);
  return site;
}

async function broadsheet(command: 'build' | 'check', site: string, cache = false): Promise<Outcome> {
  const args = [join(REPO, 'bin', 'broadsheet.js'), command, ...(cache ? [] : ['--no-cache'])];
  try {
    const { stderr } = await promisify(execFile)(process.execPath, args, { cwd: site, timeout: HANG_MS, killSignal: 'SIGKILL' });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; killed?: boolean; stderr?: string };
    return { code: failed.killed ? null : typeof failed.code === 'number' ? failed.code : -1, stderr: failed.stderr ?? '' };
  }
}

const cases: Array<{ what: string; pipe: string; body?: string; line: string }> = [
  { what: 'the settings file', pipe: 'broadsheet.yaml', line: 'broadsheet.yaml:1:1  error  broadsheet.yaml is a named pipe, not a file; put the site\'s settings in a plain file of that name  (config/read)' },
  { what: 'a page template', pipe: 'templates/article.liquid', line: 'templates/article.liquid is a named pipe, not a file; put the template\'s text in a plain file of that name' },
  { what: 'a partial', pipe: 'templates/partials/footer.liquid', line: 'templates/partials/footer.liquid is a named pipe, not a file; put the template\'s text in a plain file of that name' },
  { what: 'a story image', pipe: 'content/photo.png', body: '![A photo](photo.png)', line: 'content/first.md:6:1  error  `photo.png` is a named pipe, not a file; put the image itself there' },
];

describe.runIf(process.platform !== 'win32')('named pipes where files belong', () => {
  for (const { what, pipe, body, line } of cases) {
    it(`should refuse ${what} that is a named pipe, in build and check`, async () => {
      const site = await siteWithPipe(pipe, body);
      try {
        const [built, checked] = await Promise.all([broadsheet('build', site), broadsheet('check', site)]);
        for (const [command, outcome] of [['build', built], ['check', checked]] as const) {
          expect.soft(outcome.code, `${command}: exit code (null: it hung and was killed)`).toBe(1);
          expect.soft(outcome.stderr, command).toContain(line);
          expect.soft(outcome.stderr, `${command}: no stack trace`).not.toMatch(/^\s+at /m);
        }
      } finally {
        await rm(site, { recursive: true, force: true });
      }
    });
  }

  it('should refuse a story image that became a named pipe since the cached build', async () => {
    const site = await siteWithPipe('content/photo.png', '![A photo](photo.png)');
    try {
      await rm(join(site, 'content', 'photo.png'));
      await writeFile(join(site, 'content', 'photo.png'), png(4, 4));
      expect((await broadsheet('build', site, true)).code, 'the first build').toBe(0);
      await rm(join(site, 'content', 'photo.png'));
      execFileSync('mkfifo', [join(site, 'content', 'photo.png')]);
      // The cache holds the story as built: only its image's new signature says to look again.
      const outcome = await broadsheet('build', site, true);
      expect(outcome.code, 'exit code (null: it hung and was killed)').toBe(1);
      expect(outcome.stderr).toContain('content/first.md:6:1  error  `photo.png` is a named pipe, not a file; put the image itself there');
    } finally {
      await rm(site, { recursive: true, force: true });
    }
  });
});
