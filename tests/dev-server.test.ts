// The dev server over real HTTP on a free port: static files as a CDN serves them,
// nothing outside the folder, and the live-reload event stream.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LIVE_RELOAD_SOURCE } from '../src/dev/live-reload.js';
import { LIVE_RELOAD_SCRIPT, startDevServer, type DevServer } from '../src/dev/server.js';
import { scratch } from './helpers.js';

const SECRET = 'SECRET-beside-the-dev-folder';
const NOT_FOUND_PAGE = '<!doctype html><title>Not found</title><h1>This story has moved</h1>';

let root: string;
let dir: string;
let server: DevServer;

beforeAll(async () => {
  root = await scratch();
  dir = join(root, 'dev');
  await mkdir(join(dir, 'story'), { recursive: true });
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><h1>Front page</h1>');
  await writeFile(join(dir, 'story', 'index.html'), '<!doctype html><h1>A story</h1>');
  await writeFile(join(dir, 'assets', 'site.css'), 'body { color: black }');
  await writeFile(join(dir, '404.html'), NOT_FOUND_PAGE);
  // Files a traversal would reach: beside the folder, and one whose name shares its prefix.
  await writeFile(join(root, 'package.json'), SECRET);
  await writeFile(join(root, 'secret.txt'), SECRET);
  await mkdir(join(root, 'dev-private'));
  await writeFile(join(root, 'dev-private', 'x'), SECRET);
  server = await startDevServer({ dir, port: 0 });
});

afterAll(() => server.close());

/** A request sent byte for byte as written: fetch would normalise `..` away before sending. */
function rawGet(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

describe('dev server: static files', () => {
  it('should listen on 127.0.0.1 by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('should serve index.html at / and /story/ as uncached HTML', async () => {
    for (const [path, heading] of [['', 'Front page'], ['story/', 'A story']]) {
      const res = await fetch(server.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toContain(heading);
    }
  });

  it('should serve a stylesheet as CSS', async () => {
    const res = await fetch(server.url + 'assets/site.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await res.text()).toBe('body { color: black }');
  });

  it('should read the disk on every request, so a swapped folder shows at once', async () => {
    const next = join(root, 'dev-next');
    await mkdir(next);
    await writeFile(join(next, 'index.html'), '<!doctype html><h1>Rebuilt</h1>');
    await writeFile(join(next, 'fresh.html'), 'fresh');
    await rename(dir, join(root, 'dev-old'));
    await rename(next, dir);
    try {
      expect(await (await fetch(server.url)).text()).toContain('Rebuilt');
      expect(await (await fetch(server.url + 'fresh')).text()).toBe('fresh');
    } finally {
      await rename(dir, next);
      await rename(join(root, 'dev-old'), dir);
    }
  });

  it('should survive a file vanishing while it is being served', async () => {
    // The server finds a file, then opens it; a rebuild can remove it in between.
    // Unguarded, the failed open is an unhandled stream error that ends the process.
    const page = join(dir, 'flicker.html');
    await writeFile(page, 'flicker');
    let flipping = true;
    const flip = async () => {
      while (flipping) {
        await rename(page, page + '.away');
        await rename(page + '.away', page);
      }
    };
    const flipper = flip();
    const outcomes = new Set<number | string>();
    try {
      for (let round = 0; round < 250; round++) {
        const requests = Array.from({ length: 4 }, () =>
          fetch(server.url + 'flicker.html').then(
            async (res) => void (await res.text(), outcomes.add(res.status)),
            () => void outcomes.add('dropped'),
          ),
        );
        await Promise.all(requests);
      }
    } finally {
      flipping = false;
      await flipper;
    }
    expect([...outcomes].filter((outcome) => ![200, 404, 'dropped'].includes(outcome))).toEqual([]);
    expect((await fetch(server.url + 'flicker.html')).status).toBe(200);
  });

  it('should answer a missing path with 404 and the site’s 404 page', async () => {
    const res = await fetch(server.url + 'no/such/story/');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe(NOT_FOUND_PAGE);
  });

  it('should answer a plain-text 404 when the site has no 404 page', async () => {
    const bare = await scratch();
    const other = await startDevServer({ dir: bare, port: 0 });
    try {
      const res = await fetch(other.url + 'missing');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('Not found\n');
    } finally {
      await other.close();
    }
  });

  it.each([
    '/../package.json',
    '/../secret.txt',
    '/../dev-private/x',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/%2e%2e/secret.txt',
    '/.%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%2f..%2fetc/passwd',
    '/..%2fsecret.txt',
    '/%252e%252e/secret.txt',
    '/%252e%252e/x',
    '/..\\..\\x',
    '/..\\secret.txt',
    '/%2e%2e%5csecret.txt',
    '//../secret.txt',
    '/story/../../secret.txt',
    '/%00/../secret.txt',
    '/%e0%a4%a/../secret.txt',
  ])('should never serve a file outside the folder for %s', async (path) => {
    const res = await rawGet(path);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('root:');
  });

  it('should stream a file larger than a megabyte whole, and give HEAD its length', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 'broadsheet');
    await writeFile(join(dir, 'assets', 'big.png'), big);
    const res = await fetch(server.url + 'assets/big.png');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-length')).toBe(String(big.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true);
    const head = await fetch(server.url + 'assets/big.png', { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(big.length));
    expect(await head.text()).toBe('');
  });

  it('should answer HEAD without a body', async () => {
    const res = await rawGet('/story/', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
  });

  it('should refuse other methods with 405', async () => {
    const res = await fetch(server.url, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    await res.text();
  });

  it('should explain a taken port and suggest --port', async () => {
    const { port } = new URL(server.url);
    await expect(startDevServer({ dir, port: Number(port) })).rejects.toThrow(new RegExp(`Port ${port} .*already in use.*--port`));
  });
});

/** Reads server-sent events from the stream one at a time; closes it through `stop`. */
async function openEvents() {
  const controller = new AbortController();
  const res = await fetch(server.url + '__broadsheet/events', { signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    res,
    /** The next block that is an event, skipping comments and `retry:`. */
    async next(): Promise<{ event: string; data: string } | { comment: string }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) return { comment: block.slice(1).trim() };
          const fields = Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
          if (fields.event) return { event: fields.event, data: fields.data ?? '' };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('event stream ended');
        buffer += value;
      }
    },
    stop: () => controller.abort(),
  };
}

describe('dev server: live reload', () => {
  it('should send the headers of the folder\'s `_headers`, without its caching, and read it again on reload()', async () => {
    const site = await scratch();
    await mkdir(join(site, 'news'));
    await writeFile(join(site, 'news', 'index.html'), '<!doctype html><h1>News</h1>');
    const rules = (policy: string) => `# a comment\n/news/*\n  Content-Security-Policy: ${policy}\n  X-Frame-Options: DENY\n/news/:p1/\n  Cache-Control: public, max-age=60\n`;
    await writeFile(join(site, '_headers'), rules("default-src 'self'; script-src 'none'"));
    const headed = await startDevServer({ dir: site, port: 0 });
    try {
      const res = await fetch(headed.url + 'news/');
      expect(res.headers.get('content-security-policy')).toBe(`default-src 'self'; script-src ${LIVE_RELOAD_SOURCE}`);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cache-control')).toBe('no-store');
      // Outside the rule's path: none of its headers.
      expect((await fetch(headed.url)).headers.get('x-frame-options')).toBeNull();

      await writeFile(join(site, '_headers'), rules("default-src 'none'"));
      expect((await fetch(headed.url + 'news/')).headers.get('content-security-policy'), 'before reload()').toBe(`default-src 'self'; script-src ${LIVE_RELOAD_SOURCE}`);
      headed.reload();
      expect((await fetch(headed.url + 'news/')).headers.get('content-security-policy')).toBe(`default-src 'none'; script-src ${LIVE_RELOAD_SOURCE}`);
    } finally {
      await headed.close();
    }
  });

  it('should send reload to an open page after reload()', async () => {
    const events = await openEvents();
    try {
      expect(events.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      server.reload();
      expect(await events.next()).toEqual({ event: 'reload', data: '' });
    } finally {
      events.stop();
    }
  });

  it('should tell a page that connects while the build is broken, then clear it', async () => {
    server.showError('x.md:1:1  error  bad');
    const events = await openEvents();
    try {
      expect(await events.next()).toEqual({ event: 'error', data: JSON.stringify('x.md:1:1  error  bad') });
      // Earlier tests rebuilt this server, so the page is also told when that was.
      expect(await events.next()).toMatchObject({ event: 'built' });
      server.reload();
      expect(await events.next()).toEqual({ event: 'ok', data: '' });
      expect(await events.next()).toEqual({ event: 'reload', data: '' });
    } finally {
      events.stop();
    }
    // Fixed now: a page that connects later hears nothing about the old error, only when the site was built.
    const later = await openEvents();
    try {
      const built = await later.next();
      expect(built).toMatchObject({ event: 'built' });
      expect(Number((built as { data: string }).data)).toBeGreaterThan(Date.now() - 60_000);
      server.reload();
      expect(await later.next()).toEqual({ event: 'reload', data: '' });
    } finally {
      later.stop();
    }
  });

  it('should send multi-line errors as one JSON line', async () => {
    const events = await openEvents();
    try {
      const text = 'a.md:1:1  error  one\nb.md:2:3  error  two </pre><script>';
      expect(await events.next()).toMatchObject({ event: 'built' });
      server.showError(text);
      const event = await events.next();
      expect(event).toEqual({ event: 'error', data: JSON.stringify(text) });
      expect(JSON.parse((event as { data: string }).data)).toBe(text);
    } finally {
      events.stop();
      server.reload();
    }
  });

  it('should send a heartbeat comment every 15 seconds', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const beating = await startDevServer({ dir, port: 0 });
    const controller = new AbortController();
    try {
      const res = await fetch(beating.url + '__broadsheet/events', { signal: controller.signal });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      expect((await reader.read()).value).toBe('retry: 1000\n\n');
      vi.advanceTimersByTime(15_000);
      expect((await reader.read()).value).toBe(': heartbeat\n\n');
    } finally {
      controller.abort();
      await beating.close();
      vi.useRealTimers();
    }
  });
});

describe('live reload script', () => {
  /** Runs the page script against just enough of a browser to watch what it does. */
  function runScript() {
    class MessageEvent {
      constructor(readonly data: string) {}
    }
    const sources: FakeEventSource[] = [];
    class FakeEventSource {
      static CLOSED = 2;
      readyState = 1;
      listeners = new Map<string, (event: unknown) => void>();
      constructor(readonly url: string) {
        sources.push(this);
      }
      addEventListener(type: string, listener: (event: unknown) => void) {
        this.listeners.set(type, listener);
      }
      emit(type: string, event: unknown = {}) {
        this.listeners.get(type)?.(event);
      }
    }
    const body: unknown[] = [];
    const element = {
      attributes: {} as Record<string, string>,
      style: { cssText: '' },
      textContent: '',
      get isConnected() {
        return body.includes(this);
      },
      set innerHTML(_: string) {
        throw new Error('innerHTML must never be used');
      },
      setAttribute(name: string, value: string) {
        this.attributes[name] = value;
      },
      remove() {
        body.splice(body.indexOf(this), 1);
      },
    };
    const location = { reload: vi.fn() };
    const document = { createElement: () => element, body: { append: (node: unknown) => body.push(node) } };
    runInNewContext(LIVE_RELOAD_SCRIPT, { EventSource: FakeEventSource, MessageEvent, document, location, setTimeout });
    return { sources, body, element, location, MessageEvent };
  }

  it('should show the error as text in an alert overlay, and remove it on ok', () => {
    const { sources, body, element, MessageEvent } = runScript();
    const source = sources[0]!;
    expect(source.url).toBe('/__broadsheet/events');
    source.emit('error', new MessageEvent(JSON.stringify('x.md:1:1  error  <b>bad</b>')));
    expect(body).toEqual([element]);
    expect(element.textContent).toBe('x.md:1:1  error  <b>bad</b>');
    expect(element.attributes.role).toBe('alert');
    expect(element.style.cssText).toMatch(/position:fixed/);
    source.emit('ok');
    expect(body).toEqual([]);
  });

  it('should reload on reload, and once on each reconnection', () => {
    const { sources, location, body } = runScript();
    const source = sources[0]!;
    source.emit('open');
    expect(location.reload).not.toHaveBeenCalled();
    source.emit('error', {}); // the connection dropped; EventSource retries by itself
    expect(body).toEqual([]);
    source.emit('open');
    expect(location.reload).toHaveBeenCalledTimes(1);
    source.emit('reload');
    expect(location.reload).toHaveBeenCalledTimes(2);
  });
});
