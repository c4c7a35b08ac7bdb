// `updated` defaults to a story file's last commit date. One `git log` for the
// whole content folder, newest commit first: the first date seen for a path is
// its last change. (One git process per story would cost seconds at 10,000.)
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const COMMIT = 'commit-date ';

/** Absolute path → ISO 8601 commit date; empty when `dir` is not in a git repository or git is missing. */
export async function lastCommitDates(dir: string): Promise<Map<string, string>> {
  const dates = new Map<string, string>();
  let log: string;
  try {
    // --relative: paths come relative to `dir`, whatever the repository's layout or symlinks.
    ({ stdout: log } = await run('git', ['log', `--format=%x00${COMMIT}%cI`, '--name-only', '--no-renames', '--relative', '-z', '--', '.'], {
      cwd: dir,
      maxBuffer: 512 * 1024 * 1024,
    }));
  } catch {
    return dates; // Not a repository, or no git: stories keep only the `updated` they declare.
  }
  let date = '';
  for (const field of log.split('\0')) {
    const entry = field.replace(/^\n/, '');
    if (entry.startsWith(COMMIT)) date = entry.slice(COMMIT.length);
    else if (entry !== '' && date !== '' && !dates.has(join(dir, entry))) dates.set(join(dir, entry), date);
  }
  return dates;
}
