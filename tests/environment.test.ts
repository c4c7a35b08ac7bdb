// Faults of the machine a site is built on, made for real rather than mocked: a full
// disk (a small tmpfs), a read-only file system (a tmpfs mounted read-only), files and
// folders the user may not read or write (the CLI run as `nobody`: root reads and
// writes whatever the mode bits say), a stale lock whose process ID now belongs to
// another process, and pipes closed by their reader. Each is told plainly, with its
// path and what to do, and exit 1; none is "a bug in Broadsheet" (exit 3). The tests
// need root, to mount and to run a process as nobody, as `npm test` runs here.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { threadCount } from '../src/workers/threads.js';
import { REPO, run, scratch, snapshotTree } from './helpers.js';

const CLI = join(REPO, 'bin', 'broadsheet.js');
const NOBODY = 65534;
const NOT_A_BUG = /This is a bug|internal error|^\s+at /m;

/** A small site: two stories, the test templates, a stylesheet. */
async function site(): Promise<string> {
  const dir = await scratch();
  await cp(join(REPO, 'tests/fixtures/sites/_templates'), join(dir, 'templates'), { recursive: true });
  await mkdir(join(dir, 'templates', 'assets'));
  await writeFile(join(dir, 'templates', 'assets', 'style.css'), 'body { margin: 0 }\n');
  await writeFile(join(dir, 'broadsheet.yaml'), 'title: Faults\nurl: https://faults.example.org/\nupdated_from_git: false\n');
  await mkdir(join(dir, 'content'));
  await writeFile(join(dir, 'content', 'harbour.md'), '---\ntitle: The harbour bridge opens\ndate: 2025-05-02\n---\n\nThe bridge opened on Friday.\n');
  await writeFile(join(dir, 'content', 'budget.md'), '---\ntitle: The budget passes\ndate: 2025-05-01\n---\n\nBy one vote.\n');
  return dir;
}

const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts) execFileSync('umount', [dir]);
});

/** A fresh tmpfs (`size=…`, `ro`, …), unmounted after the file's tests. */
async function tmpfs(options: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'broadsheet-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** A tmpfs with no byte left: a file fills it. */
async function fullDisk(): Promise<string> {
  const dir = await tmpfs('size=64k');
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(128 * 1024));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  return dir;
}

/** The compiled CLI as a child process; `uid`: as that user. */
async function cli(args: string[], cwd: string, options: { uid?: number; closeStdout?: boolean } = {}) {
  const ids = options.uid === undefined ? {} : { uid: options.uid, gid: options.uid };
  const child = spawn(process.execPath, [CLI, ...args], { cwd, ...ids, env: { ...process.env, HOME: tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'] });
  // The reader goes away before the CLI has written anything, as `true` in `broadsheet build | true` does.
  if (options.closeStdout) child.stdout.destroy();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** A site the user nobody owns, so only the modes set on purpose stand in its way. */
async function nobodysSite(): Promise<string> {
  const dir = await site();
  execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, dir]);
  await chmod(dir, 0o755);
  return dir;
}

describe('a full or read-only disk', () => {
  it('should say the disk is full, name the file, and leave the previous build as it was', async () => {
    const disk = await tmpfs('size=512k');
    const root = await site();
    const out = join(disk, 'dist');
    expect(await run(['build', '--out', out, '--no-cache'], root)).toMatchObject({ code: 0 });
    const before = await snapshotTree(out);
    // A story whose page and two feeds hold 400 KB each cannot fit in what is left.
    await writeFile(join(root, 'content', 'long.md'), `---\ntitle: A long read\ndate: 2025-05-03\n---\n\n${'All the words. '.repeat(28_000)}\n`);

    const result = await run(['build', '--out', out, '--no-cache'], root);

    expect(result.stderr).toMatch(new RegExp(`^broadsheet: Cannot write ${disk}/\\.dist\\.builds/spare/\\S+: the disk is full \\(ENOSPC\\); free some space on it and run again\\n$`));
    expect(result.stderr).not.toMatch(/\.tmp:/);
    expect(result.code).toBe(1);
    expect(await snapshotTree(out)).toEqual(before);
  });

  it('should say the output is on a read-only file system', async () => {
    const disk = await tmpfs('ro,size=64k');
    const result = await run(['build', '--out', join(disk, 'dist'), '--no-cache'], await site());
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `broadsheet: Cannot write ${disk}/.dist.builds: the file system is read-only (EROFS); use a folder on a writable disk, or remount it read-write\n`,
    });
  });

  it('should build without the cache, with a warning, when the cache is on a full disk', async () => {
    const disk = await fullDisk();
    const root = await site();
    const result = await run(['build', '--cache', join(disk, 'cache')], root);
    expect(result.stderr).not.toMatch(NOT_A_BUG);
    expect(result.stderr).toMatch(/^\S+\/cache:1:1  warning  The cache could not be written: the disk is full \(ENOSPC\) at \S+\/cache\/bodies\/\d+-\d+-[0-9a-f]{8}\.pack; this build went on without it, so the next one starts cold\. Fix that, or pass --no-cache  \(cache\/unwritable\)\n$/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Built 2 stories into dist\/: .*, 1 warning\.\n$/);
    expect(await readFile(join(root, 'dist', 'harbour', 'index.html'), 'utf8')).toContain('The bridge opened on Friday.');
  });

  it('should build without the cache, with a warning, when the cache is read-only', async () => {
    const disk = await tmpfs('ro,size=64k');
    const root = await site();
    const result = await run(['build', '--cache', join(disk, 'cache')], root);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(`^\\S+/cache:1:1  warning  The cache could not be written: the file system is read-only \\(EROFS\\) at ${disk}/cache; this build went on without it, so the next one starts cold\\. Fix that, or pass --no-cache  \\(cache/unwritable\\)\\n$`),
    );
  });
});

describe('files the user may not read or write', () => {
  it.concurrent('should report an unreadable broadsheet.yaml as unreadable, not missing', async () => {
    const root = await nobodysSite();
    await chmod(join(root, 'broadsheet.yaml'), 0o000);
    expect(await cli(['build'], root, { uid: NOBODY })).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'broadsheet.yaml:1:1  error  Cannot read broadsheet.yaml: permission denied (EACCES); let the user running Broadsheet read it (chmod a+r broadsheet.yaml, and a+x on the folders above it)  (config/unreadable)\n\n1 error; nothing was written, dist/ is as it was.\n',
    });
  });

  it.concurrent('should name a template it may not read', async () => {
    const root = await nobodysSite();
    await chmod(join(root, 'templates', 'article.liquid'), 0o000);
    expect(await cli(['build'], root, { uid: NOBODY })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'broadsheet: Cannot read templates/article.liquid: permission denied (EACCES); let the user running Broadsheet read it (chmod a+r templates/article.liquid, and a+x on the folders above it)\n',
    });
  });

  it.concurrent('should name an asset it may not read', async () => {
    const root = await nobodysSite();
    const asset = join(root, 'templates', 'assets', 'style.css');
    await chmod(asset, 0o000);
    expect(await cli(['build'], root, { uid: NOBODY })).toEqual({
      code: 1,
      stdout: '',
      stderr: `broadsheet: Cannot read ${asset}: permission denied (EACCES); let the user running Broadsheet read it (chmod a+r ${asset}, and a+x on the folders above it)\n`,
    });
  });

  // Walking the content folder has no boundary of its own that converts: this is main.ts's last resort.
  it.concurrent('should name a folder of stories it may not read', async () => {
    const root = await nobodysSite();
    const folder = join(root, 'content', 'city');
    await mkdir(folder, { mode: 0o000 });
    expect(await cli(['build'], root, { uid: NOBODY })).toEqual({
      code: 1,
      stdout: '',
      stderr: `broadsheet: Cannot read ${folder}: permission denied (EACCES); let the user running Broadsheet read it (chmod a+r ${folder}, and a+x on the folders above it)\n`,
    });
  });

  it.concurrent('should name an output folder it may not write in', async () => {
    const root = await nobodysSite();
    // Root's, and only readable by others.
    const folder = await mkdtemp(join(tmpdir(), 'broadsheet-roots-'));
    await chmod(folder, 0o755);
    const result = await cli(['build', '--out', join(folder, 'dist')], root, { uid: NOBODY });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `broadsheet: Cannot write ${folder}/.dist.builds: permission denied (EACCES); let the user running Broadsheet write there (chmod or chown the folder), or use another folder\n`,
    });
  });
});

describe('the output lock', () => {
  /** When process `pid` started, in ticks since boot: field 22 of /proc/<pid>/stat. */
  const startTicks = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[19];

  it('should take over a lock whose process ID now belongs to a process started after it', async () => {
    const root = await site();
    const lock = join(root, '.dist.builds', 'lock');
    await mkdir(join(root, '.dist.builds'));
    // A running process that is not a build holds the lock's ID: the vitest process that started this one.
    const other = process.ppid;

    // A lock as older versions wrote it, the ID alone, from long before that process started.
    await writeFile(lock, String(other));
    await utimes(lock, new Date('2001-01-01'), new Date('2001-01-01'));
    expect(await run(['build', '--no-cache'], root)).toMatchObject({ code: 0, stderr: '' });

    // A lock that says its holder started at another time.
    await writeFile(lock, `${other} 1`);
    expect(await run(['build', '--no-cache'], root)).toMatchObject({ code: 0, stderr: '' });

    // The same process, started when the lock says: a build still running, left alone.
    await writeFile(lock, `${other} ${startTicks(other)}`);
    expect(await run(['build', '--no-cache'], root)).toEqual({
      code: 1,
      stdout: '',
      stderr: `broadsheet: Another Broadsheet build (process ${other}) is writing dist/; wait for it to finish and run this build again (if process ${other} is not a Broadsheet build, delete ${lock})\n`,
    });
  });
});

describe('pipes closed by their reader', () => {
  it.concurrent('should end `broadsheet build | true` quietly', async () => {
    const root = await site();
    expect(await cli(['build', '--no-cache'], root, { closeStdout: true })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await readdir(join(root, 'dist'))).toContain('index.html');
  });

  it.concurrent('should stop `broadsheet dev | head` quietly once head has gone', async () => {
    const root = await site();
    expect(await cli(['dev', '--port', '0', '--no-cache'], root, { closeStdout: true })).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('limits', () => {
  it('should use no more threads than cores, whatever BROADSHEET_THREADS asks', () => {
    const before = process.env.BROADSHEET_THREADS;
    process.env.BROADSHEET_THREADS = '64';
    try {
      expect(threadCount()).toBe(Math.min(64, availableParallelism()));
    } finally {
      if (before === undefined) delete process.env.BROADSHEET_THREADS;
      else process.env.BROADSHEET_THREADS = before;
    }
  });

  it('should name a story after a headline too long for a file name, cut at a word, and say so', async () => {
    const root = await site();
    const headline = `Council ${'approves the long awaited harbour bridge plan '.repeat(8)}at last`;
    const result = await run(['new', headline], root);
    expect(result.stderr).toBe(
      'broadsheet: the headline is long, so its file name is cut at a word to 80 characters or fewer; the headline is whole in the story (rename the file for another address)\n',
    );
    expect(result.code).toBe(0);
    const name = basename(result.stdout.trim());
    expect(name).toBe('council-approves-the-long-awaited-harbour-bridge-plan-approves-the-long-awaited.md');
    const [, frontmatter = ''] = (await readFile(join(root, 'content', name), 'utf8')).split('---\n');
    expect(parse(frontmatter)).toMatchObject({ title: headline });
  });
});

