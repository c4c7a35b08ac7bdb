#!/usr/bin/env node
// Runs before the tests (`npm test` → pretest): the browser tests drive Debian's
// Chromium at /usr/bin/chromium, so make sure it is there. Already installed:
// nothing to do. Missing and running as root: install it with apt-get (output
// shown). Missing otherwise: print the command to run and fail. A missing
// browser always fails the test run; tests are never skipped for it. Browsers
// are never downloaded any other way (no `npx playwright install`).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const CHROMIUM = '/usr/bin/chromium';
const PACKAGES = ['chromium', 'fonts-dejavu-core'];
const INSTALL = ['install', '-y', '--no-install-recommends', ...PACKAGES];

if (existsSync(CHROMIUM)) process.exit(0);

const fail = (message) => {
  console.error(`ensure-chromium: ${message}`);
  process.exit(1);
};

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  fail(
    `${CHROMIUM} is missing; the browser tests need Debian's Chromium. Install it with:\n\n` +
      `  sudo apt-get update && sudo apt-get ${INSTALL.join(' ')}\n`,
  );
}

const aptGet = (args) => {
  console.error(`ensure-chromium: ${CHROMIUM} is missing; running apt-get ${args.join(' ')}`);
  const result = spawnSync('apt-get', args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) fail(`could not run apt-get: ${result.error.message}`);
  if (result.status !== 0) fail(`apt-get ${args.join(' ')} failed (${result.signal ?? `exit status ${result.status}`})`);
};

aptGet(['update']);
aptGet(INSTALL);
if (!existsSync(CHROMIUM)) fail(`apt-get installed ${PACKAGES.join(' ')}, but ${CHROMIUM} is still missing`);
console.error(`ensure-chromium: installed ${CHROMIUM}`);
