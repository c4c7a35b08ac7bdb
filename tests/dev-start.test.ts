// `broadsheet dev` as it starts and as it ends: a save made the moment the site
// first answers is built (the watcher is ready before the first build reads a
// file), and a closed terminal (SIGHUP, to the whole process group) ends it as
// Ctrl-C does, its temporary folder removed. The compiled CLI in a child process
// (`npm run compile`), on a port chosen here: the first test must reach the site
// before dev prints its address.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, scratch } from './helpers.js';

/** How long one awaited step may take on a busy 2-core machine: generous, never a measure of speed. */
const STEP_MS = 30_000;

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function oneStorySite(): Promise<string> {
  const site = await scratch();
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await writeFile(join(site, 'broadsheet.yaml'), 'title: One story\nurl: https://example.org/\nupdated_from_git: false\n');
  await mkdir(join(site, 'content'));
  await writeFile(join(site, 'content', 'first.md'), story('First story'));
  return site;
}

const story = (title: string) => `---\ntitle: ${title}\ndate: 2025-01-01\n---\n\nBody.\n`;

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  await new Promise((closed) => server.close(closed));
  return port;
}

/** `broadsheet dev` on `site`, with a temporary folder of its own; `detached`: in a process group of its own, as under a terminal. */
async function dev(site: string, port: number, detached = false) {
  const tmp = await scratch();
  const child = spawn(process.execPath, [join(REPO, 'bin', 'broadsheet.js'), 'dev', '--port', String(port), '--root', site], {
    cwd: site,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  running.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    exited,
    output: () => output,
    devFolders: async () => (await readdir(tmp)).filter((name) => name.startsWith('broadsheet-dev-')),
    /** Polls until `check` holds; a timeout names what was awaited and shows the output. */
    async waitFor(what: string, check: () => boolean | Promise<boolean>, pauseMs = 50) {
      const deadline = Date.now() + STEP_MS;
      while (!(await check())) {
        if (gone()) throw new Error(`broadsheet dev ended while waiting for ${what}; it printed:\n${output}`);
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; broadsheet dev printed:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    },
  };
}

/** The page's text, or undefined while nothing answers there yet. */
async function page(port: number, path: string): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    const text = await res.text();
    return res.ok ? text : undefined;
  } catch {
    return undefined;
  }
}

describe('dev: starting', () => {
  it('should build a save made as soon as the site first answers', async () => {
    const site = await oneStorySite();
    const port = await freePort();
    const session = await dev(site, port);
    // Asked often: before the fix, the window between the first answer and a ready watcher was a few hundred milliseconds.
    await session.waitFor('the first page', async () => (await page(port, '/first/')) !== undefined, 5);
    await writeFile(join(site, 'content', 'first.md'), story('Edited at once'));
    await session.waitFor('the edit on the page', async () => (await page(port, '/first/'))?.includes('Edited at once') ?? false);
    expect(session.output()).toMatch(/^Serving http:\/\//m);
    session.child.kill('SIGTERM');
    expect(await session.exited).toEqual([0, null]);
  });
});

describe('dev: stopping', () => {
  it('should end on SIGHUP to its process group as on Ctrl-C, leaving no temporary folder', async () => {
    const session = await dev(await oneStorySite(), await freePort(), true);
    await session.waitFor('the Serving line', () => /^Serving http:\/\//m.test(session.output()));
    expect(await session.devFolders()).toHaveLength(1);
    // What a closed terminal does: every process of the group (dev and its watcher) is sent SIGHUP.
    process.kill(-session.child.pid!, 'SIGHUP');
    expect(await session.exited, session.output()).toEqual([0, null]);
    expect(await session.devFolders()).toEqual([]);
  });
});
