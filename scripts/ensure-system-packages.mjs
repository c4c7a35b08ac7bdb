#!/usr/bin/env node
// Runs before the tests (`npm test` → pretest): the browser tests drive Debian's
// Chromium (with DejaVu fonts, so text renders the same everywhere) and serve the
// built site with Debian's nginx, as a CDN origin would. Whatever is already
// installed is left alone. Something missing and running as root: install it with
// apt-get (output shown), waiting for a lock another apt-get or dpkg holds. Missing
// otherwise: print the command to run and fail.
// A missing tool always fails the test run; tests are never skipped for it.
// Browsers are never downloaded any other way (no `npx playwright install`).
//
// nginx: in bookworm `nginx-light` is only a transitional package that adds the
// echo module on top of `nginx`, so `nginx` itself is the smallest usable server.
// (Where an init system runs, Debian's package also starts its own nginx on port
// 80; the tests never use it: they start nginx with a config of their own.)
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** What each test needs, and the Debian package that provides it. */
const NEEDS = [
  { path: '/usr/bin/chromium', pkg: 'chromium' },
  { path: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', pkg: 'fonts-dejavu-core' },
  { path: '/usr/sbin/nginx', pkg: 'nginx' },
  // tests/deploy-tools.test.ts: the tools people deploy dist/ with.
  { path: '/usr/bin/zip', pkg: 'zip' },
  { path: '/usr/bin/unzip', pkg: 'unzip' },
  { path: '/usr/bin/rsync', pkg: 'rsync' },
];

/** How long to wait for another apt-get or dpkg (unattended-upgrades, a second test run) to let go of its lock. */
const LOCK_WAIT_S = 600;

const fail = (message) => {
  console.error(`ensure-system-packages: ${message}`);
  process.exit(1);
};

const missing = NEEDS.filter((need) => !existsSync(need.path));
if (missing.length > 0) await install(missing);
checkNginxRuns();

async function install(needs) {
  const packages = needs.map((need) => need.pkg);
  const args = ['install', '-y', '--no-install-recommends', ...packages];
  const what = needs.map((need) => need.path).join(', ');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    fail(`missing ${what}; the tests need Debian's ${packages.join(', ')}. Install with:\n\n  sudo apt-get update && sudo apt-get ${args.join(' ')}\n`);
  }
  console.error(`ensure-system-packages: missing ${what}; installing ${packages.join(' ')}`);
  await aptGet(['update']);
  await aptGet(args);
  const still = needs.filter((need) => !existsSync(need.path));
  if (still.length > 0) fail(`apt-get installed ${packages.join(' ')}, but ${still.map((need) => need.path).join(', ')} is still missing`);
  console.error(`ensure-system-packages: installed ${packages.join(' ')}`);
}

/**
 * `apt-get …argv`, waiting for a lock another process holds instead of failing at
 * once. DPkg::Lock::Timeout covers dpkg's locks (apt prints its own waiting line);
 * the lists lock `update` takes, and the archives lock, have no such option in apt
 * 2.6, so a run that failed only for a lock is started again until LOCK_WAIT_S.
 */
async function aptGet(argv) {
  const full = ['-o', `DPkg::Lock::Timeout=${LOCK_WAIT_S}`, ...argv];
  const deadline = Date.now() + LOCK_WAIT_S * 1000;
  let waiting = '';
  console.error(`ensure-system-packages: apt-get ${full.join(' ')}`);
  for (;;) {
    // stderr is kept to tell a held lock from any other failure; the progress on stdout is shown as it comes.
    const result = spawnSync('apt-get', full, { stdio: ['inherit', 'inherit', 'pipe'], encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.error) fail(`could not run apt-get: ${result.error.message}`);
    const lock = result.status === 0 ? undefined : /^E: Could not get lock (.*)$/m.exec(result.stderr)?.[1];
    if (lock === undefined || Date.now() > deadline) {
      process.stderr.write(result.stderr);
      if (result.status === 0) return;
      fail(`apt-get ${argv.join(' ')} failed (${result.signal ?? `exit status ${result.status}`})${lock ? `; the lock was still held after ${LOCK_WAIT_S} s` : ''}`);
    }
    if (lock !== waiting) console.error(`ensure-system-packages: waiting (up to ${LOCK_WAIT_S} s) for the lock ${lock}`);
    waiting = lock;
    await sleep(2000);
  }
}

// A binary that is present but cannot start (a half-removed package) fails here, not in a test.
function checkNginxRuns() {
  const result = spawnSync('/usr/sbin/nginx', ['-v'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) fail(`/usr/sbin/nginx -v failed: ${result.error?.message ?? result.stderr}`);
}
