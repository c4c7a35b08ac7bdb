import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HELP } from '../src/cli/main.js';
import { REPO, run, scratch } from './helpers.js';

const version = (JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

async function miniSite(): Promise<string> {
  const site = await scratch(join(REPO, 'tests/fixtures/sites/drafts-are-left-out'));
  await mkdir(join(site, 'templates'));
  await scratchTemplates(site);
  return site;
}

async function scratchTemplates(site: string) {
  const { cp } = await import('node:fs/promises');
  await cp(join(REPO, 'tests/fixtures/sites/_templates'), join(site, 'templates'), { recursive: true });
}

describe('broadsheet CLI', () => {
  it('should print help and exit 0 with --help', async () => {
    expect(await run(['--help'], REPO)).toEqual({ code: 0, stdout: HELP, stderr: '' });
  });

  it('should print the package version with --version', async () => {
    expect(await run(['--version'], REPO)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('should exit 2 with usage when no command is given', async () => {
    expect(await run([], REPO)).toMatchObject({ code: 2, stdout: HELP });
  });

  // Each mistake on the command line, the exact words for it, exit 2 and the pointer to --help.
  const usageErrors: Array<[string, string[], string]> = [
    ['a mistyped command, with the command meant', ['nwe', 'Hello'], 'Unknown command "nwe"; did you mean "new"?'],
    ['a mistyped command, letters swapped', ['biuld'], 'Unknown command "biuld"; did you mean "build"?'],
    ['a command like no other', ['publish'], 'Unknown command "publish"'],
    ['one letter, which is no typo of a command', ['v'], 'Unknown command "v"'],
    ['a mistyped option, with the option meant', ['build', '--outt', 'x'], 'Unknown option --outt; did you mean --out?'],
    ['a mistyped option written with its value', ['build', '--outt=x'], 'Unknown option --outt; did you mean --out?'],
    ['a mistyped option before the command', ['--drafs', 'check'], 'Unknown option --drafs; did you mean --drafts?'],
    ['a mistyped --no-cache', ['dev', '--no-cach'], 'Unknown option --no-cach; did you mean --no-cache?'],
    ['a mistyped --help with no command', ['--hepl'], 'Unknown option --hepl; did you mean --help?'],
    ['an option close only to one the command does not take', ['check', '--outt'], 'Unknown option --outt'],
    ['an option like no other', ['build', '--verbose'], 'Unknown option --verbose'],
    ['an unknown one-letter option', ['build', '-x'], 'Unknown option -x'],
    ['an option that needs a value, at the end', ['build', '--out'], '--out needs a value: --out DIR'],
    ['an option that needs a value, followed by another option', ['build', '--out', '--drafts'], '--out needs a value: --out DIR'],
    ['an option given an empty value', ['build', '--root='], '--root needs a value: --root DIR'],
    ['a port with no number', ['dev', '--port'], '--port needs a value: --port N'],
    ['a value given to a switch', ['build', '--drafts=yes'], '--drafts takes no value; write --drafts, not --drafts=yes'],
    ['an option the command does not take', ['check', '--out', 'x'], 'The check command does not take --out'],
    ['a word after a command that takes none', ['build', 'now'], 'Unexpected argument "now"'],
  ];

  it.each(usageErrors)('should exit 2 on %s', async (_, args, reason) => {
    expect(await run(args, REPO)).toEqual({ code: 2, stdout: '', stderr: `broadsheet: ${reason}\nRun 'broadsheet --help' for usage.\n` });
  });

  it.each(['build', 'check', 'dev', 'new'])('should exit 2 when --root names no folder, for %s, before building', async (command) => {
    const cwd = await scratch();
    const args = [command, '--root', 'missing', ...(command === 'new' ? ['Hello'] : [])];
    expect(await run(args, cwd)).toEqual({
      code: 2,
      stdout: '',
      stderr: `broadsheet: No site folder at missing (--root); check the path, or leave --root out to use the current folder\nRun 'broadsheet --help' for usage.\n`,
    });
  });

  it('should exit 2 when --root names a file', async () => {
    const cwd = await scratch();
    await writeFile(join(cwd, 'site'), '');
    expect(await run(['build', '--root', 'site'], cwd)).toEqual({
      code: 2,
      stdout: '',
      stderr: `broadsheet: No site folder at site (--root), only a file; give the folder that holds broadsheet.yaml\nRun 'broadsheet --help' for usage.\n`,
    });
  });

  it('should report a missing broadsheet.yaml under --root as a site error (exit 1)', async () => {
    const cwd = await scratch();
    await mkdir(join(cwd, 'site', 'content'), { recursive: true });
    const result = await run(['new', 'Hello', '--root', 'site'], cwd);
    expect(result).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('site/broadsheet.yaml:1:1  error  No broadsheet.yaml in the site folder') });
  });

  it('should exit 2 when the content folder does not exist', async () => {
    const site = await scratch();
    expect(await run(['build'], site)).toEqual({
      code: 2,
      stdout: '',
      stderr: `broadsheet: No content folder at content; pass --content DIR or --root DIR\nRun 'broadsheet --help' for usage.\n`,
    });
  });

  it('should refuse an output folder that would replace the site', async () => {
    const site = await miniSite();
    const result = await run(['build', '--out', '.'], site);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('The output folder cannot be or contain the site root');
  });

  it('should refuse an output folder inside the content or templates folder, which it would replace', async () => {
    const site = await miniSite();
    for (const out of ['content/world', 'templates/partials']) {
      const result = await run(['build', '--out', out], site);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/The output folder cannot be inside the (content|templates) folder/);
    }
    expect(await readFile(join(site, 'content', 'published.md'), 'utf8')).toContain('title: Published');
  });

  it('should build a site and print a one-line summary', async () => {
    const site = await miniSite();
    const result = await run(['build'], site);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // A story page and the home page; with the feeds, sitemaps, robots.txt and _headers, 8 files.
    expect(result.stdout).toMatch(/^Built 1 story into dist\/: 2 pages in \d+ ms, 8 files changed\.\n$/);
    const again = await run(['build'], site);
    expect(again.stdout).toMatch(/^Built 1 story into dist\/: 2 pages in \d+ ms, no file changed\.\n$/);
  });

  it('should take --root, --content and --out', async () => {
    const site = await miniSite();
    const elsewhere = await scratch();
    await mkdir(join(elsewhere, 'stories'));
    await writeFile(join(elsewhere, 'stories', 'moved.md'), '---\ntitle: Moved\ndate: 2025-02-02\n---\n');
    const result = await run(['build', '--root', site, '--content', join(elsewhere, 'stories'), '--out', join(elsewhere, 'public')], elsewhere);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Built 1 story \(1 brief\) into public\//);
    expect(await readFile(join(elsewhere, 'public', 'moved', 'index.html'), 'utf8')).toContain('<h1>Moved</h1>');
  });

  it('should show progress on stderr while a large site builds', async () => {
    const site = await miniSite();
    await Promise.all(
      Array.from({ length: 600 }, (_, i) => writeFile(join(site, 'content', `story-${i}.md`), `---\ntitle: Story ${i}\ndate: 2025-01-01\n---\n`)),
    );
    const result = await run(['build'], site);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('read 602/602\n');
    // 601 story pages and 25 list pages: the home page and 24 archive pages of 25 headlines.
    expect(result.stderr).toContain('render 626/626\n');
    expect(result.stdout).toMatch(/^Built 601 stories \(600 briefs\)/);
  });

  it('should run as an installed command (bin/broadsheet.js)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(REPO, 'bin/broadsheet.js'), '--version']);
    expect(stdout).toBe(`${version}\n`);
  });
});
