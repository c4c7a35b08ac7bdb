// A site published under a path (https://example.org/news/) is served by `dev`
// under that same path, so its links work, and a missing page gets its 404 page.
import { spawn } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO, scratch } from './helpers.js';

it('should serve a site with a base path under that path, with its own 404 page', async () => {
  const site = await scratch();
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await writeFile(join(site, 'broadsheet.yaml'), 'title: Under a path\nurl: https://example.org/news/\n');
  await mkdir(join(site, 'content'));
  await writeFile(join(site, 'content', 'first.md'), '---\ntitle: First story\ndate: 2025-01-01\n---\n\nBody.\n');

  const dev = spawn(process.execPath, [join(REPO, 'bin/broadsheet.js'), 'dev', '--port', '0', '--root', site], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      dev.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Serving (\S+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      dev.once('exit', (code) => reject(new Error(`dev exited with ${code}: ${out}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/news\/$/);
    const home = await fetch(url);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('href="/news/first/"');
    expect((await fetch(new URL('first/', url))).status).toBe(200);
    const missing = await fetch(new URL('no-such-story/', url));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
  } finally {
    if (dev.exitCode === null && dev.signalCode === null) {
      const exited = new Promise((resolve) => dev.once('exit', resolve));
      dev.kill('SIGTERM');
      await exited;
    }
  }
});
