// `updated` defaults to the date of a story file's last commit — but only of a
// commit after the one that added it: the first commit is the publication, not
// an update. One `git log` for the whole content folder, newest commit first.
// (One git process per story would cost seconds at 10,000.)
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const COMMIT = 'commit-date ';

export interface GitDates {
  /** Absolute path → ISO 8601 date of its last commit, for files committed more than once. */
  dates: Map<string, string>;
  /** A shallow clone's history is cut short: its dates are not the stories' own, so none are given. */
  shallow: boolean;
}

/** Empty when `dir` is not in a git repository or git is missing. */
export async function lastCommitDates(dir: string): Promise<GitDates> {
  const dates = new Map<string, string>();
  let log: string;
  try {
    const { stdout: shallow } = await run('git', ['rev-parse', '--is-shallow-repository'], { cwd: dir });
    if (shallow.trim() === 'true') return { dates, shallow: true };
    // --relative: paths come relative to `dir`, whatever the repository's layout or symlinks.
    ({ stdout: log } = await run('git', ['log', `--format=%x00${COMMIT}%cI`, '--name-only', '--no-renames', '--relative', '-z', '--', '.'], {
      cwd: dir,
      maxBuffer: 512 * 1024 * 1024,
    }));
  } catch {
    return { dates, shallow: false }; // Not a repository, or no git: stories keep only the `updated` they declare.
  }
  const latest = new Map<string, string>();
  let date = '';
  for (const field of log.split('\0')) {
    const entry = field.replace(/^\n/, '');
    if (entry.startsWith(COMMIT)) date = entry.slice(COMMIT.length);
    else if (entry === '' || date === '') continue;
    else if (!latest.has(entry)) latest.set(entry, date);
    else if (!dates.has(join(dir, entry))) dates.set(join(dir, entry), latest.get(entry) ?? date);
  }
  return { dates, shallow: false };
}
