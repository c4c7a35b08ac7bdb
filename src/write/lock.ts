// One build at a time per output: two would bring the same spare folder up to date at
// once. A lock file names the process holding it, and when that process started; one
// left by a process that no longer runs (a build killed) is taken over. A process ID
// is reused once its process is gone, so a running process with the lock's ID is its
// holder only if it started when the holder did: where /proc tells start times, the
// lock records its holder's, and a lock from before that (the ID alone) is a stale
// one if the process with that ID started after the lock was written.
import { readFileSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EnvironmentError } from '../report/errors.js';
import { systemFailure } from '../report/system-errors.js';
import type { Layout } from './builds.js';

const held = new Set<string>();

export async function lock(layout: Layout): Promise<() => Promise<void>> {
  const path = join(layout.dir, 'lock');
  if (held.has(path)) throw new EnvironmentError(`Another build in this process is writing ${layout.out}; wait for it to finish before starting the next`);
  const started = startTicks(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, started === undefined ? String(process.pid) : `${process.pid} ${started}`, { flag: 'wx' });
      held.add(path);
      return async () => {
        held.delete(path);
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        // Made, but not written (a full disk): it would stand in every later build's way.
        await rm(path, { force: true }).catch(() => {});
        throw systemFailure(error, { path, doing: 'write' }) ?? error;
      }
      const pid = await holder(path);
      if (pid !== undefined) {
        throw new EnvironmentError(`Another Broadsheet build (process ${pid}) is writing ${basename(layout.out)}/; wait for it to finish and run this build again (if process ${pid} is not a Broadsheet build, delete ${path})`);
      }
      // Left by a build that was killed: take it over.
      await rm(path, { force: true });
    }
  }
  throw new EnvironmentError(`Cannot lock ${layout.dir} for writing: another build keeps taking it; wait for it to finish and run this build again`);
}

/** The process holding the lock at `path`, or undefined when the one that took it is gone. */
async function holder(path: string): Promise<number | undefined> {
  const [pidText = '', ticksText] = (await readFile(path, 'utf8').catch(() => '')).trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isRunning(pid)) return undefined;
  const now = startTicks(pid);
  if (now === undefined) return pid; // No /proc: the ID is all there is to go by.
  if (ticksText !== undefined) return Number(ticksText) === now ? pid : undefined;
  const written = await stat(path).then((stats) => stats.mtimeMs, () => undefined);
  const startedAt = startTime(now);
  // A second's slack: the boot time /proc gives is in whole seconds.
  return written !== undefined && startedAt !== undefined && startedAt > written + 1000 ? undefined : pid;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat); undefined without /proc. */
export function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The second field, the command's name in parentheses, may itself hold spaces and parentheses.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isInteger(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

// Linux reports times in /proc in USER_HZ, 100 a second on every architecture Node runs on.
const TICKS_PER_SECOND = 100;

/** Ticks since boot as a wall-clock time in ms, through the boot time in /proc/stat. */
function startTime(ticks: number): number | undefined {
  try {
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isInteger(boot) ? boot * 1000 + (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
