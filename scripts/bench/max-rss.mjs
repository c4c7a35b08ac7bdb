// Fallback for run.mjs when GNU time is not installed:
//   node max-rss.mjs REPORT SCRIPT ...ARGS
// runs SCRIPT in this process as if started as `node SCRIPT ...ARGS`, and on exit
// writes the process's peak resident memory, in KiB (as GNU time's %M), to REPORT.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [report, script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(script), ...args];
process.on('exit', () => writeFileSync(report, `${process.resourceUsage().maxRSS}\n`));
await import(pathToFileURL(resolve(script)).href);
