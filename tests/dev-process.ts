// `broadsheet dev` as a writer runs it, for the tests that need the whole session
// (watcher, rebuilds, server): the compiled CLI (`npm run compile`) in a child
// process, with a temporary folder of its own (TMPDIR), so the test can find the
// dev folder it serves and compare it with a cold build.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIVE_RELOAD_TAG } from '../src/dev/server.js';
import { REPO, run, snapshotTree } from './helpers.js';

export interface DevProcess {
  /** The home page, from the `Serving …` line. */
  url: string;
  /** The process id, to pause it (SIGSTOP) at a chosen moment. */
  pid: number;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** How many `Rebuilt after …` lines it has printed. */
  rebuilds(): number;
  /** Still running. */
  alive(): boolean;
  /** How long since it last printed anything, in ms. */
  quietMs(): number;
  /** The folder it serves. */
  devDir(): Promise<string>;
  /** Polls until `check` holds; a timeout names what was awaited and shows the output. */
  waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** SIGTERM, and wait for it to end; rejects unless it ends with status 0, having removed its dev folder. */
  stop(): Promise<void>;
}

/** How long one awaited step may take on a busy 2-core machine: generous, never a measure of speed. */
export const STEP_MS = 120_000;

export async function startDev(site: string, args: string[] = []): Promise<DevProcess> {
  const tmp = await mkdtemp(join(tmpdir(), 'broadsheet-test-tmp-'));
  const child = spawn(process.execPath, [join(REPO, 'bin', 'broadsheet.js'), 'dev', '--port', '0', '--root', site, ...args], {
    cwd: site,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let lastOutputAt = Date.now();
  let exit: string | undefined;
  const print = (chunk: string) => {
    output += chunk;
    lastOutputAt = Date.now();
  };
  child.stdout.setEncoding('utf8').on('data', print);
  child.stderr.setEncoding('utf8').on('data', print);
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => ((exit = signal ?? String(code)), resolve())));
  // Should the test process end abruptly, take the server with it.
  const kill = () => void child.kill('SIGKILL');
  process.once('exit', kill);

  const waitFor: DevProcess['waitFor'] = async (what, check, timeoutMs = STEP_MS) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; broadsheet dev printed:\n${output}`);
      if (exit !== undefined) throw new Error(`broadsheet dev ended (${exit}) while waiting for ${what}; it printed:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitFor('the Serving line', () => /^Serving http:\/\/\S+ /m.test(output));
  const url = /^Serving (http:\/\/\S+) /m.exec(output)![1]!;

  return {
    url,
    pid: child.pid!,
    output: () => output,
    rebuilds: () => output.split('\n').filter((line) => line.startsWith('Rebuilt after')).length,
    alive: () => exit === undefined,
    quietMs: () => Date.now() - lastOutputAt,
    async devDir() {
      const names = (await readdir(tmp)).filter((name) => name.startsWith('broadsheet-dev-'));
      if (names.length !== 1) throw new Error(`Expected one dev folder in ${tmp}, found ${JSON.stringify(names)}`);
      // What the server serves: the dev folder's `site`, a link to its current build (write/output.ts).
      return join(tmp, names[0]!, 'site');
    },
    waitFor,
    async stop() {
      if (exit === undefined) child.kill('SIGTERM');
      await exited;
      process.off('exit', kill);
      const left = (await readdir(tmp).catch(() => [])).filter((name) => name.startsWith('broadsheet-dev-'));
      await rm(tmp, { recursive: true, force: true });
      if (exit !== '0') throw new Error(`broadsheet dev ended with ${exit} on SIGTERM, not 0; it printed:\n${output}`);
      if (left.length > 0) throw new Error(`broadsheet dev left its dev folder behind in ${tmp}: ${left.join(', ')}`);
    },
  };
}

/** The dev folder as `build` would have written it: every file, with the live-reload tag taken out of the pages. */
export async function servedTree(devDir: string): Promise<Record<string, string>> {
  const tree = await snapshotTree(devDir);
  for (const [path, contents] of Object.entries(tree)) if (path.endsWith('.html')) tree[path] = contents.replace(`${LIVE_RELOAD_TAG}\n`, '');
  return tree;
}

/** A cold build of the site as it is now (no cache), into a fresh folder: what the dev folder must equal. */
export async function coldBuild(site: string, out: string): Promise<Record<string, string>> {
  await rm(out, { recursive: true, force: true });
  const built = await run(['build', '--root', site, '--out', out, '--no-cache'], site);
  if (built.code !== 0) throw new Error(`The cold build failed (exit ${built.code}):\n${built.stderr}`);
  return snapshotTree(out);
}

/** The server-sent events of one open page, gathered as they come. */
export async function listen(url: string) {
  const controller = new AbortController();
  const res = await fetch(new URL('__broadsheet/events', url), { signal: controller.signal });
  const events: Array<{ event: string; data: string }> = [];
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: /^data: (.*)$/m.exec(block)?.[1] ?? '' });
        }
      }
    } catch {
      // closed by stop()
    }
  })();
  return { events, stop: () => controller.abort() };
}

/** A page's bytes as served, with its status. */
export async function page(url: string, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(new URL(path, url));
  return { status: res.status, body: await res.text() };
}
