// What the dev server will and will not hand out. It listens on 127.0.0.1
// unless told otherwise, it answers only requests addressed to it (not a page on
// another site that pointed its name at 127.0.0.1), with the published site's
// security headers, and it serves the dev folder and nothing else: `..` in
// every disguise and symbolic links out of the folder get the site's 404 page,
// exactly as a missing page does. Requests go over raw sockets, byte for byte as
// written (fetch and http.request would normalise or refuse some of them).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_RELOAD_SOURCE, LIVE_RELOAD_TAG } from '../src/dev/live-reload.js';
import { startDevServer, type DevServer } from '../src/dev/server.js';
import { coldBuild, listen, startDev, type DevProcess } from './dev-process.js';
import { png, REPO, scratch } from './helpers.js';

const SECRET = 'SECRET-outside-the-served-folder';
const NOT_FOUND_PAGE = '<!doctype html><title>Not found</title><h1>No such page</h1>';

interface RawResponse {
  status: number;
  body: string;
}

/** One request, its target sent exactly as given (latin1, so `\0` is one byte); resolves with what came back. */
function rawGet(url: string, target: string, host?: string): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host ?? hostname);
    let raw = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (raw += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      resolve({ status, body: raw.slice(raw.indexOf('\r\n\r\n') + 4) });
    });
    socket.end(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`, 'latin1');
  });
}

/** GET `target` with exactly `hostHeader` as the Host header (none, over HTTP/1.0, when undefined), as a rebinding page's request would arrive. */
function getWithHost(url: string, hostHeader: string | undefined, target = '/'): Promise<RawResponse & { head: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let raw = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (raw += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const end = raw.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0), head: raw.slice(0, end).toLowerCase(), body: raw.slice(end + 4) });
    });
    // HTTP/1.1 requires a Host (Node answers 400 without one); HTTP/1.0 has none.
    const start = hostHeader === undefined ? `GET ${target} HTTP/1.0\r\n` : `GET ${target} HTTP/1.1\r\nHost: ${hostHeader}\r\n`;
    socket.end(`${start}Connection: close\r\n\r\n`, 'latin1');
  });
}

/** Whether anything accepts a TCP connection at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('dev server: where it listens', () => {
  // Every 127.x.y.z address reaches this machine on Linux, so 127.0.0.2 tells
  // "bound to 127.0.0.1 only" apart from "bound to every interface".
  const linux = process.platform === 'linux';

  it('should listen on 127.0.0.1 only, by default', async () => {
    const server = await startDevServer({ dir: await scratch(), port: 0 });
    try {
      const { hostname, port } = new URL(server.url);
      expect(hostname).toBe('127.0.0.1');
      expect(await accepts('127.0.0.1', Number(port))).toBe(true);
      if (linux) expect(await accepts('127.0.0.2', Number(port))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it.runIf(linux)('should listen where `host` says, and only there', async () => {
    const server = await startDevServer({ dir: await scratch(), host: '127.0.0.2', port: 0 });
    try {
      const { hostname, port } = new URL(server.url);
      expect(hostname).toBe('127.0.0.2');
      expect(await accepts('127.0.0.2', Number(port))).toBe(true);
      expect(await accepts('127.0.0.1', Number(port))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it.runIf(linux)('should pass `broadsheet dev --host` through to the server', async () => {
    const dev = await startDev(await oneStorySite(), ['--host', '127.0.0.2']);
    try {
      const { hostname, port } = new URL(dev.url);
      expect(hostname).toBe('127.0.0.2');
      expect((await rawGet(dev.url, '/first/')).status).toBe(200);
      expect(await accepts('127.0.0.1', Number(port))).toBe(false);
    } finally {
      await dev.stop();
    }
  });

  it('should refuse a port already taken, with the --port advice, leaving no dev folder behind', async () => {
    const taken = await startDevServer({ dir: await scratch(), port: 0 });
    try {
      const site = await oneStorySite();
      const tmp = await scratch();
      const dev = spawn(process.execPath, [join(REPO, 'bin', 'broadsheet.js'), 'dev', '--port', new URL(taken.url).port, '--root', site], {
        env: { ...process.env, TMPDIR: tmp },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      dev.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const [code] = (await once(dev, 'exit')) as [number];
      expect(stderr).toMatch(new RegExp(`Port ${new URL(taken.url).port} on 127\\.0\\.0\\.1 is already in use.*--port`));
      expect(code).toBe(2);
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      await taken.close();
    }
  });
});

describe('dev server: only for its own address (DNS rebinding)', () => {
  let dir: string;
  let server: DevServer;
  let port: string;

  beforeAll(async () => {
    dir = await scratch();
    await writeFile(join(dir, 'index.html'), `<!doctype html><h1>${SECRET}</h1>`);
    server = await startDevServer({ dir, port: 0 });
    port = new URL(server.url).port;
  });

  afterAll(() => server.close());

  // What a page on another site sends once its name points at 127.0.0.1: its own name. (Only
  // well-formed names: a browser sends nothing else, and any other client can connect anyway.)
  it.each(['evil.example', 'evil.example:PORT', '127.0.0.1.evil.example', 'localhost.evil.example:PORT', '127-0-0-1.nip.io:PORT', 'evil.example:80', 'xn--80ak6aa92e.com', 'localhost.', ''])(
    'should refuse Host: %j with 403 and a plain-text explanation',
    async (host) => {
      for (const target of ['/', '/__broadsheet/events', '/index.html']) {
        const res = await getWithHost(server.url, host.replace('PORT', port), target);
        expect(res.status, target).toBe(403);
        expect(res.head, target).toMatch(/^content-type: text\/plain; charset=utf-8$/m);
        expect(res.body, target).toContain(`only at its own address, localhost or an IP address, not at ${JSON.stringify(host.replace('PORT', port))}`);
        expect(res.body, target).toContain(`open ${server.url} instead`);
        expect(res.body, target).not.toContain(SECRET);
      }
    },
  );

  // Names that always mean this machine, and addresses, which no one can rebind (as Vite and webpack-dev-server allow).
  it('should answer localhost, its subdomains and any IP address, with or without the port, and nothing else', async () => {
    const own = ['127.0.0.1:PORT', '127.0.0.1', 'localhost:PORT', 'LOCALHOST:PORT', 'localhost', '[::1]:PORT', '[::1]', 'www.localhost:PORT', '192.168.1.20:PORT', '10.0.0.7', '[fe80::1]:PORT'];
    for (const host of own) {
      const res = await getWithHost(server.url, host.replace('PORT', port));
      expect(res.status, host).toBe(200);
      expect(res.body, host).toContain(SECRET);
    }
    // An HTTP/1.0 request may have no Host at all: no browser sends one, so no page can make it.
    expect((await getWithHost(server.url, undefined)).status).toBe(200);
    expect((await getWithHost(server.url, `evil.example:${port}`)).status).toBe(403);
  });

  it('should answer the name it was told to listen on, and still no other', async (context) => {
    // This machine's own name, when it resolves here (it does in /etc/hosts on most Linux machines).
    const name = hostname();
    if (!(await lookup(name).catch(() => undefined))) return context.skip();
    const named = await startDevServer({ dir, host: name, port: 0 });
    try {
      const { port: namedPort } = new URL(named.url);
      expect((await getWithHost(named.url, `${name}:${namedPort}`)).status).toBe(200);
      expect((await getWithHost(named.url, `${name.toUpperCase()}:${namedPort}`)).status).toBe(200);
      expect((await getWithHost(named.url, `${name}.evil.example:${namedPort}`)).status).toBe(403);
    } finally {
      await named.close();
    }
  });
});

/** A site of one story, for the tests that need a whole `broadsheet dev`. */
async function oneStorySite(): Promise<string> {
  const site = await scratch();
  await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
  await writeFile(join(site, 'broadsheet.yaml'), 'title: One story\nurl: https://example.org/\nupdated_from_git: false\n');
  await mkdir(join(site, 'content'));
  await writeFile(join(site, 'content', 'first.md'), '---\ntitle: First story\ndate: 2025-01-01\n---\n\nBody.\n');
  return site;
}

/** The headers `_headers` gives `pattern`: its indented `Name: value` lines. */
function headersRule(headers: string, pattern: string): Record<string, string> {
  const lines = headers.split('\n');
  const rule: Record<string, string> = {};
  for (const line of lines.slice(lines.indexOf(pattern) + 1)) {
    if (!line.startsWith('  ')) break;
    const [name = '', ...value] = line.trim().split(': ');
    rule[name] = value.join(': ');
  }
  return rule;
}

describe('dev session: the security headers of the published site', () => {
  it('should send what `_headers` gives every page, its script-src allowing the live-reload script alone, and follow the settings', async () => {
    const site = await oneStorySite();
    const config = 'title: One story\nurl: https://example.org/\nupdated_from_git: false\nembeds: [www.youtube-nocookie.com]\n';
    await writeFile(join(site, 'broadsheet.yaml'), config);
    const published = headersRule((await coldBuild(site, join(site, 'dist')))['_headers']!, '/*');
    // The build's own rule, with the embed it allows: what dev must send too.
    expect(published['Content-Security-Policy']).toContain("script-src 'none'");
    expect(published['Content-Security-Policy']).toContain('frame-src \'self\' https://www.youtube-nocookie.com');
    const withLiveReload = (csp: string) => csp.replace("script-src 'none'", `script-src ${LIVE_RELOAD_SOURCE}`);
    const dev = await startDev(site);
    try {
      for (const path of ['', 'first/', 'no-such-page/']) {
        const res = await fetch(new URL(path, dev.url));
        expect(res.headers.get('content-security-policy'), path).toBe(withLiveReload(published['Content-Security-Policy']!));
        expect(res.headers.get('x-content-type-options'), path).toBe(published['X-Content-Type-Options']);
        expect(res.headers.get('referrer-policy'), path).toBe(published['Referrer-Policy']);
        // Not the host's caching: a rebuild must show at once.
        expect(res.headers.get('cache-control'), path).toBe('no-store');
        expect(await res.text(), path).toContain(LIVE_RELOAD_TAG);
      }

      await writeFile(join(site, 'broadsheet.yaml'), config.replace('www.youtube-nocookie.com', 'player.vimeo.com'));
      const republished = headersRule((await coldBuild(site, join(site, 'dist')))['_headers']!, '/*');
      await dev.waitFor('the new embeds in the policy', async () => (await fetch(dev.url)).headers.get('content-security-policy')?.includes('player.vimeo.com') ?? false);
      expect((await fetch(new URL('first/', dev.url))).headers.get('content-security-policy')).toBe(withLiveReload(republished['Content-Security-Policy']!));
    } finally {
      await dev.stop();
    }
  });

  it('should allow by its hash exactly the script it puts in every page', () => {
    const script = /^<script>([\s\S]*)<\/script>$/.exec(LIVE_RELOAD_TAG)?.[1] ?? '';
    expect(script).toContain('new EventSource(');
    expect(LIVE_RELOAD_SOURCE).toBe(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });
});

describe('dev server: nothing from outside the folder', () => {
  let root: string;
  let dir: string;
  let server: DevServer;

  beforeAll(async () => {
    root = await scratch();
    dir = join(root, 'dev');
    await mkdir(join(dir, 'story'), { recursive: true });
    await writeFile(join(dir, 'index.html'), '<!doctype html><h1>Front page</h1>');
    await writeFile(join(dir, 'story', 'index.html'), '<!doctype html><h1>A story</h1>');
    await writeFile(join(dir, '404.html'), NOT_FOUND_PAGE);
    // What a traversal would reach: files beside the folder, one in a folder whose name shares its prefix.
    await writeFile(join(root, 'secret.txt'), SECRET);
    await writeFile(join(root, 'secret.txt.html'), SECRET);
    await mkdir(join(root, 'dev-private'));
    await writeFile(join(root, 'dev-private', 'x'), SECRET);
    // Links inside the served folder that lead out of it: to a file, to a folder, to the system.
    await symlink(join(root, 'secret.txt'), join(dir, 'leak.txt'));
    await symlink('../secret.txt', join(dir, 'relative-leak.txt'));
    await symlink(root, join(dir, 'up'));
    await symlink('/etc', join(dir, 'etc'));
    await mkdir(join(dir, 'nested'));
    await symlink('../../dev-private', join(dir, 'nested', 'private'));
    // A link that stays inside is harmless, and served.
    await symlink('story/index.html', join(dir, 'also-the-story.html'));
    server = await startDevServer({ dir, port: 0 });
  });

  afterAll(() => server.close());

  const disguises: Record<string, string[]> = {
    raw: ['/../secret.txt', '/../../../../../../etc/passwd', '/story/../../secret.txt', '/./../secret.txt', '/..', '/../', '/../dev-private/x', '/story/../../dev-private/x'],
    'percent-encoded': ['/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/..%2fsecret.txt', '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/story/%2e%2e/%2e%2e/secret.txt', '/%2e%2e/dev-private/x'],
    'in mixed case': ['/%2E%2e/secret.txt', '/%2e%2E%2Fsecret.txt', '/.%2E/secret.txt', '/%2E%2E%2F%2E%2E%2FETC%2Fpasswd'],
    'double-encoded': ['/%252e%252e%252fsecret.txt', '/%252e%252e/secret.txt', '/%25252e%25252e/secret.txt', '/story/%252e%252e%252f%252e%252e%252fsecret.txt'],
    'with backslashes': ['/..\\secret.txt', '/..%5csecret.txt', '/%2e%2e%5csecret.txt', '/story\\..\\..\\secret.txt', '/%5c..%5csecret.txt', '/\\..\\secret.txt'],
    'as overlong UTF-8': ['/%c0%ae%c0%ae/secret.txt', '/%c0%ae%c0%ae%c0%afsecret.txt', '/%e0%80%ae%e0%80%ae/secret.txt', '/..%c0%afsecret.txt', '/..%c1%9csecret.txt', '/%f0%80%80%ae%f0%80%80%ae/secret.txt'],
    'as other look-alikes': ['/%ef%bc%8e%ef%bc%8e/secret.txt', '/..%u2215secret.txt', '/%u002e%u002e/secret.txt', '/..%e2%88%95secret.txt'],
    'malformed': ['/%e0%a4%a/../secret.txt', '/%/../secret.txt', '/%zz/../secret.txt', '/%2/secret.txt'],
    'with NUL bytes': ['/%00/../secret.txt', '/../secret.txt%00', '/secret.txt%00.html', '/index.html%00', '/..%00/secret.txt', '/story/%00'],
    'as absolute paths': ['//etc/passwd', '///etc/passwd', '/%2fetc%2fpasswd', '/%2f%2e%2e%2fsecret.txt', 'http://127.0.0.1/../secret.txt', 'file:///etc/passwd'],
    'with a query or fragment': ['/../secret.txt?x=1', '/%2e%2e/secret.txt#top', '/..%3f/secret.txt', '/..%23/secret.txt', '/..;/secret.txt'],
    'through a symbolic link': ['/leak.txt', '/relative-leak.txt', '/up/secret.txt', '/up/dev-private/x', '/etc/passwd', '/etc/hostname', '/nested/private/x'],
  };

  for (const [kind, targets] of Object.entries(disguises)) {
    it.each(targets)(`should answer %s (${kind}) with the 404 page, never a file from outside`, async (target) => {
      const res = await rawGet(server.url, target);
      expect(res.status).toBe(404);
      expect(res.body).toBe(NOT_FOUND_PAGE);
    });
  }

  it('should put the absolute path of a file beside the folder out of reach in every spelling', async () => {
    for (const target of [`/${root}/secret.txt`, `/${encodeURIComponent(join(root, 'secret.txt'))}`, `${root}/secret.txt`, `/${dir}/../secret.txt`]) {
      const res = await rawGet(server.url, target);
      expect(res.status, target).toBe(404);
      expect(res.body, target).not.toContain(SECRET);
    }
  });

  it.each([
    ['/index.html?/../../secret.txt', 'Front page'],
    ['/?../secret.txt', 'Front page'],
    ['/#/../secret.txt', 'Front page'],
    ['/story/?%2e%2e%2f%2e%2e%2fsecret.txt', 'A story'],
    ['/story/#../../secret.txt', 'A story'],
  ])('should serve the page %s names, whatever its query or fragment says', async (target, heading) => {
    const res = await rawGet(server.url, target);
    expect(res.status).toBe(200);
    expect(res.body).toContain(heading);
  });

  it('should serve a link that stays inside the folder', async () => {
    const res = await rawGet(server.url, '/also-the-story.html');
    expect(res.status).toBe(200);
    expect(res.body).toContain('A story');
  });

  it('should answer with the plain 404 when the 404 page itself is a link out of the folder', async () => {
    const other = join(root, 'linked-404');
    await mkdir(other);
    await symlink(join(root, 'secret.txt'), join(other, '404.html'));
    const linked = await startDevServer({ dir: other, port: 0 });
    try {
      const res = await rawGet(linked.url, '/missing/');
      expect(res.status).toBe(404);
      expect(res.body).toBe('Not found\n');
    } finally {
      await linked.close();
    }
  });

  // Bytes that make the request line itself invalid never reach Broadsheet: Node's parser answers 400 and closes.
  it.each(['/\0../secret.txt', '/a b', '/\x01', '/\x7f../secret.txt', '../secret.txt', 'secret.txt'])('should leave a request line Node cannot parse (%j) to Node’s 400', async (target) => {
    const res = await rawGet(server.url, target);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain(SECRET);
  });

  it('should still serve the site after all of that', async () => {
    const all = Object.values(disguises).flat();
    // All at once, too: a throw in the handler would end the process, not just one response.
    const answers = await Promise.all(all.map((target) => rawGet(server.url, target)));
    expect(answers.filter((res) => res.status !== 404 || res.body.includes(SECRET))).toEqual([]);
    const home = await rawGet(server.url, '/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('Front page');
  });
});

describe('dev session: links inside content/ publish nothing from outside', () => {
  let outside: string;
  let site: string;
  let dev: DevProcess;

  beforeAll(async () => {
    outside = await scratch();
    await writeFile(join(outside, 'secret-story.md'), `---\ntitle: ${SECRET}\ndate: 2025-01-02\n---\n\n${SECRET}\n`);
    // A real PNG whose bytes carry the secret after its end, where a copy would keep them.
    await writeFile(join(outside, 'secret.png'), Buffer.concat([png(4, 4), Buffer.from(SECRET)]));
    site = await scratch();
    await cp(join(REPO, 'templates'), join(site, 'templates'), { recursive: true });
    await writeFile(join(site, 'broadsheet.yaml'), 'title: Linked\nurl: https://example.org/\nupdated_from_git: false\n');
    await mkdir(join(site, 'content'));
    await writeFile(join(site, 'content', 'first.md'), '---\ntitle: First story\ndate: 2025-01-01\n---\n\nBody.\n');
    // A story folder that is a link to a folder outside: never walked into.
    await symlink(outside, join(site, 'content', 'linked-folder'));
    dev = await startDev(site);
  });

  afterAll(() => dev?.stop());

  async function devFilesContaining(text: string): Promise<string[]> {
    const devDir = await dev.devDir();
    const found: string[] = [];
    for (const entry of await readdir(devDir, { recursive: true, withFileTypes: true })) {
      if (entry.isSymbolicLink()) found.push(`${entry.name} (a link)`);
      else if (entry.isFile() && (await readFile(join(entry.parentPath, entry.name), 'latin1')).includes(text)) found.push(entry.name);
    }
    return found;
  }

  it('should not publish the stories of a linked folder', async () => {
    expect(dev.output()).toMatch(/^Built: /m);
    const home = await rawGet(dev.url, '/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('First story');
    expect(home.body).not.toContain(SECRET);
    expect((await rawGet(dev.url, '/secret-story/')).status).toBe(404);
    expect((await rawGet(dev.url, '/linked-folder/secret-story.md')).status).toBe(404);
    expect(await devFilesContaining(SECRET)).toEqual([]);
  });

  it('should refuse an image that is a link out of the content folder, and copy none of it', async () => {
    const events = await listen(dev.url);
    try {
      await symlink(join(outside, 'secret.png'), join(site, 'content', 'photo.png'));
      await writeFile(join(site, 'content', 'pictured.md'), '---\ntitle: Pictured\ndate: 2025-01-03\n---\n\n![A photo](photo.png)\n');
      await dev.waitFor('the error over the page', () => events.events.some((e) => e.event === 'error'));
      const shown = JSON.parse(events.events.find((e) => e.event === 'error')!.data) as string;
      expect(shown).toMatch(/photo\.png.*link to a file outside the content folder/);
      expect(await devFilesContaining(SECRET)).toEqual([]);
      expect((await rawGet(dev.url, '/pictured/')).status).toBe(404);
    } finally {
      events.stop();
    }
  });
});
