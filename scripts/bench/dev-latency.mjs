// `dev`: save a story, wait for dev to report the rebuild, fetch the page — the
// time a writer waits. Polling the server from this process would slow the
// rebuild it measures, so it fetches once per build report. The edits stay in
// the corpus: run it last.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Milliseconds from each save to the changed page served, after two warm-up edits. */
export async function devLatency(repo, site, edits, { future = false } = {}) {
  const { startDevSession } = await import(join(repo, 'lib/dev/dev-session.js'));
  let built;
  const session = await startDevSession({
    root: site.root, content: site.content, templates: join(site.root, 'templates'), cwd: site.root, port: 0, future,
    onBuild: () => built?.(), onCrash: (error) => console.error(error), describe: () => '',
  });
  const files = readdirSync(site.content).sort().slice(0, edits + 2);
  const latencies = [];
  try {
    for (const [i, name] of files.entries()) {
      const path = join(site.content, name);
      const marker = `bench-edit-${i}-${Date.now()}`;
      const text = readFileSync(path, 'utf8');
      await new Promise((r) => setTimeout(r, 300));
      const started = performance.now();
      writeFileSync(path, `${text}\n${marker}\n`);
      const page = `${session.url}${name.replace(/\.md$/, '')}/`;
      for (;;) {
        await new Promise((r) => (built = r));
        if ((await fetch(page).then((r) => r.text())).includes(marker)) break;
      }
      latencies.push(performance.now() - started);
      await session.idle();
    }
  } finally {
    await session.close();
  }
  return latencies.slice(2); // the first edits run before the JIT has warmed up
}
