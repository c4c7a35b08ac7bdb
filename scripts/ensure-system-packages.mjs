#!/usr/bin/env node
// Runs before the tests (`npm test` → pretest): the browser tests drive Debian's
// Chromium (with DejaVu fonts, so text renders the same everywhere) and serve the
// built site with Debian's nginx, as a CDN origin would. Whatever is already
// installed is left alone. Something missing and running as root: install it with
// apt-get (output shown). Missing otherwise: print the command to run and fail.
// A missing tool always fails the test run; tests are never skipped for it.
// Browsers are never downloaded any other way (no `npx playwright install`).
//
// nginx: in bookworm `nginx-light` is only a transitional package that adds the
// echo module on top of `nginx`, so `nginx` itself is the smallest usable server.
// (Where an init system runs, Debian's package also starts its own nginx on port
// 80; the tests never use it: they start nginx with a config of their own.)
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

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

const fail = (message) => {
  console.error(`ensure-system-packages: ${message}`);
  process.exit(1);
};

const missing = NEEDS.filter((need) => !existsSync(need.path));
if (missing.length > 0) install(missing);
checkNginxRuns();

function install(needs) {
  const packages = needs.map((need) => need.pkg);
  const args = ['install', '-y', '--no-install-recommends', ...packages];
  const what = needs.map((need) => need.path).join(', ');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    fail(`missing ${what}; the tests need Debian's ${packages.join(', ')}. Install with:\n\n  sudo apt-get update && sudo apt-get ${args.join(' ')}\n`);
  }
  const aptGet = (argv) => {
    console.error(`ensure-system-packages: missing ${what}; running apt-get ${argv.join(' ')}`);
    const result = spawnSync('apt-get', argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.error) fail(`could not run apt-get: ${result.error.message}`);
    if (result.status !== 0) fail(`apt-get ${argv.join(' ')} failed (${result.signal ?? `exit status ${result.status}`})`);
  };
  aptGet(['update']);
  aptGet(args);
  const still = needs.filter((need) => !existsSync(need.path));
  if (still.length > 0) fail(`apt-get installed ${packages.join(' ')}, but ${still.map((need) => need.path).join(', ')} is still missing`);
  console.error(`ensure-system-packages: installed ${packages.join(' ')}`);
}

// A binary that is present but cannot start (a half-removed package) fails here, not in a test.
function checkNginxRuns() {
  const result = spawnSync('/usr/sbin/nginx', ['-v'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) fail(`/usr/sbin/nginx -v failed: ${result.error?.message ?? result.stderr}`);
}
