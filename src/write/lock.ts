// One build at a time per output: two would bring the same spare folder up to date at
// once. A lock file names the process holding it; one left by a process that no longer
// runs (a build killed) is taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EnvironmentError } from '../report/errors.js';
import type { Layout } from './builds.js';

const held = new Set<string>();

export async function lock(layout: Layout): Promise<() => Promise<void>> {
  const path = join(layout.dir, 'lock');
  if (held.has(path)) throw new EnvironmentError(`Another build in this process is writing ${layout.out}; wait for it to finish before starting the next`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      held.add(path);
      return async () => {
        held.delete(path);
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(await readFile(path, 'utf8').catch(() => ''));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
        throw new EnvironmentError(`Another Broadsheet build (process ${pid}) is writing ${basename(layout.out)}/; wait for it to finish and run this build again (if process ${pid} is not a Broadsheet build, delete ${path})`);
      }
      // Left by a build that was killed: take it over.
      await rm(path, { force: true });
    }
  }
  throw new EnvironmentError(`Cannot lock ${layout.dir} for writing: another build keeps taking it; wait for it to finish and run this build again`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
