#!/usr/bin/env node
// `npm test`'s checks before the tests: compile (the tests that start the CLI run
// lib/), typecheck, lint and the import check, run side by side — each is one
// process on one core, and in a row they took half a minute of the suite's four.
// Each one's output is shown whole once it ends; any failure fails the run.
import { spawn } from 'node:child_process';

const CHECKS = ['compile', 'typecheck', 'lint', 'deps'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const results = await Promise.all(
  CHECKS.map(
    (name) =>
      new Promise((resolve) => {
        const child = spawn(npm, ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('close', (code, signal) => {
          const ok = code === 0;
          process.stdout.write(`${ok ? '✓' : '✗'} npm run ${name}${ok ? '' : ` failed (${signal ?? `exit ${code}`})`}\n${output.trim() ? `${output.trimEnd()}\n` : ''}`);
          resolve(ok);
        });
      }),
  ),
);
if (results.includes(false)) process.exit(1);
