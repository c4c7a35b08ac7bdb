// One whole process, timed from spawn to exit, with its peak resident memory:
// from GNU time (`/usr/bin/time -f %M`, Debian package `time`) when it is
// installed, else from a wrapper that runs the script in-process and reports
// `process.resourceUsage().maxRSS` on exit. Both cover every thread of the process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = '/usr/bin/time';
const wrapper = fileURLToPath(new URL('max-rss.mjs', import.meta.url));
export const memorySource = existsSync(GNU_TIME) ? `${GNU_TIME} -f %M` : 'process.resourceUsage().maxRSS';

/** Runs `node script ...args`; returns { ms, rss } (rss in bytes) or throws with the process's output. */
export function runNode(script, args, { cwd } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-bench-rss-'));
  const report = join(dir, 'rss');
  try {
    const [command, argv] = existsSync(GNU_TIME)
      ? [GNU_TIME, ['-o', report, '-f', '%M', process.execPath, script, ...args]]
      : [process.execPath, [wrapper, report, script, ...args]];
    const started = performance.now();
    const result = spawnSync(command, argv, { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`${[script, ...args].join(' ')} exited with ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`);
    // GNU time writes "Command exited with non-zero status" lines first when it fails; the figure is the last line.
    const kib = Number(readFileSync(report, 'utf8').trim().split('\n').at(-1));
    return { ms, rss: kib * 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
