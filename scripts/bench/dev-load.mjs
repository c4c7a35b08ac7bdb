// `dev` under load: requests a second the dev server answers, idle and while it
// rebuilds one edit after another (every fifth edit the newest story's title, which
// renders every article page again). dev runs as its own process, as a writer starts
// it, and autocannon (10 connections, loopback only) drives it from this one. Every
// answer must be the right status; the rates are figures, not a pass mark.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';

const CONNECTIONS = 10;

export async function devLoad(repo, site, { seconds = 8, future = false } = {}) {
  const args = [join(repo, 'bin/broadsheet.js'), 'dev', '--root', site.root, '--port', '0', ...(future ? ['--future'] : [])];
  const dev = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  let rebuilt = () => {};
  dev.stdout.on('data', (chunk) => {
    output += chunk;
    if (/Rebuilt after/.test(String(chunk))) rebuilt();
  });
  try {
    const url = await new Promise((resolve, reject) => {
      dev.once('exit', (code) => reject(new Error(`dev exited with ${code}:\n${output}`)));
      const look = () => (/Serving (http:\/\/\S+)/.exec(output) ? resolve(/Serving (http:\/\/\S+)/.exec(output)[1]) : setTimeout(look, 50));
      look();
    });
    const names = readdirSync(site.content).filter((name) => name.endsWith('.md')).sort();
    const pages = ['/', '/page/2/', ...names.slice(0, 40).map((name) => `/${name.replace(/\.md$/, '')}/`), '/feed.xml', '/sitemap.xml'];
    const missing = ['/no-such-story/', '/page/99999/'];
    const load = async (duration) => {
      let wrong = 0;
      const requests = [...pages, ...missing].map((path) => ({ method: 'GET', path, onResponse: (status) => void (wrong += status !== (missing.includes(path) ? 404 : 200)) }));
      const result = await autocannon({ url, connections: CONNECTIONS, duration, requests });
      return { rate: result.requests.total / result.duration, wrong: wrong + result.errors + result.timeouts };
    };
    const idle = await load(3);
    let stopped = false;
    let rebuilds = 0;
    const editing = (async () => {
      const newest = site.newestName();
      for (let edit = 0; !stopped; edit++) {
        const name = edit % 5 === 4 ? newest : names[40 + (edit % 20)];
        const path = join(site.content, name);
        const text = readFileSync(path, 'utf8');
        const done = new Promise((resolve) => (rebuilt = resolve));
        writeFileSync(path, edit % 5 === 4 ? text.replace(/^title: "?(.*?)( #\d+)?"?$/m, `title: "$1 #${edit}"`) : `${text}\nLoad edit ${edit}.\n`);
        await done;
        rebuilds++;
      }
    })();
    const busy = await load(seconds);
    stopped = true;
    rebuilt();
    await editing;
    return { idle: idle.rate, busy: busy.rate, rebuilds, wrong: idle.wrong + busy.wrong };
  } finally {
    dev.kill('SIGTERM');
    await new Promise((resolve) => (dev.exitCode !== null ? resolve() : dev.once('exit', resolve)));
  }
}
