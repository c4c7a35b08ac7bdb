// The `broadsheet dev` HTTP server: the dev folder as a CDN would serve it, plus
// a live-reload channel. Pages are told to reload (or to show the build error)
// over server-sent events, which need no library on either side.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isHostAllowed } from 'host-validation-middleware';
import { EVENTS_PATH } from './live-reload.js';
import { readSiteHeaders } from './site-headers.js';
import { findFile, sendFile } from './static-files.js';

export { LIVE_RELOAD_SCRIPT, LIVE_RELOAD_TAG } from './live-reload.js';

export interface DevServerOptions {
  /** The folder to serve; read from disk on every request, so a rebuild shows at once. */
  dir: string;
  /**
   * Interface to listen on. Default: `127.0.0.1`, so the site is not shared with the network.
   * Requests are answered only when addressed to this host, `localhost` or an IP address (see allowedHost).
   */
  host?: string;
  /** Port to listen on; 0 picks any free port. Default: 4321. */
  port?: number;
}

export interface DevServer {
  /** Where the site is served, e.g. `http://127.0.0.1:4321/`. */
  url: string;
  /** Tell open pages: the site was rebuilt. */
  reload(): void;
  /** Tell open pages the build is broken; `text` is the positioned error lines. */
  showError(text: string): void;
  close(): Promise<void>;
}

const defaults = { host: '127.0.0.1', port: 4321 } satisfies Omit<DevServerOptions, 'dir'>;

// Proxies and some browsers drop an HTTP response that stays silent for a minute or so.
const HEARTBEAT_MS = 15_000;

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const host = options.host ?? defaults.host;
  const port = options.port ?? defaults.port;
  const events = createEventChannel();

  const allowed = allowedHost(host);
  let url = '';
  // Read again after every rebuild: the site's `_headers` follows its settings.
  let siteHeaders = readSiteHeaders(options.dir);

  const server = createServer((req, res) => {
    if (!allowed(req.headers.host)) {
      sendText(res, 403, `This is Broadsheet's dev server. It answers only at its own address, localhost or an IP address, not at ${JSON.stringify(req.headers.host)}, so that a page on another site cannot read it; open ${url} instead.\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    const path = pathOf(req);
    for (const [name, value] of siteHeaders(path)) res.setHeader(name, value);
    if (path === EVENTS_PATH) return events.connect(res);
    // A throw here would be an uncaught exception, and end `broadsheet dev`.
    try {
      const file = findFile(options.dir, req.url ?? '/');
      if (!file || !sendFile(req, res, file)) sendNotFound(req, res, options.dir);
    } catch {
      if (res.headersSent) res.destroy();
      else sendText(res, 404, 'Not found\n');
    }
  });

  try {
    await listen(server, host, port);
  } catch (error) {
    events.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  url = `http://${urlHost}:${address.port}/`;

  return {
    url,
    reload() {
      siteHeaders = readSiteHeaders(options.dir);
      events.reload();
    },
    showError: events.showError,
    close: async () => {
      events.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Open event streams, and the build state a newly connected page must be told. */
function createEventChannel() {
  const clients = new Set<ServerResponse>();
  let error: string | null = null;
  let builtAt = 0;
  const send = (res: ServerResponse, event: string, data = '') => res.write(`event: ${event}\ndata: ${data}\n\n`);
  const broadcast = (event: string, data?: string) => clients.forEach((res) => send(res, event, data));
  const heartbeat = setInterval(() => clients.forEach((res) => res.write(': heartbeat\n\n')), HEARTBEAT_MS);

  return {
    connect(res: ServerResponse) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      // Reconnect quickly after a restart of `broadsheet dev`.
      res.write('retry: 1000\n\n');
      if (error !== null) send(res, 'error', JSON.stringify(error));
      if (builtAt > 0) send(res, 'built', String(builtAt));
      clients.add(res);
      res.on('close', () => clients.delete(res));
    },
    reload() {
      if (error !== null) broadcast('ok');
      error = null;
      builtAt = Date.now();
      broadcast('reload');
    },
    showError(text: string) {
      error = text;
      broadcast('error', JSON.stringify(text));
    },
    close() {
      clearInterval(heartbeat);
      clients.forEach((res) => res.end());
      clients.clear();
    },
  };
}

/** The site's own 404 page when it has one, as the CDN would serve it. */
function sendNotFound(req: IncomingMessage, res: ServerResponse, dir: string): void {
  const page = findFile(dir, '/404.html');
  if (page && sendFile(req, res, page, 404)) return;
  sendText(res, 404, 'Not found\n');
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers }).end(text);
}

/**
 * Whether a request's Host header names this server. A page on another site can point its own
 * name at 127.0.0.1 (DNS rebinding) and then read this server as that site, but the browser
 * still sends that name as the Host: refusing names other than the server's own stops it.
 * As Vite and webpack-dev-server do (the check is Vite's), these are answered: `localhost`
 * and `*.localhost`, which always mean this machine (RFC 6761), any IP address (an attacker
 * cannot rebind an address; with `--host 0.0.0.0` the machine's own are all among them), and
 * the name given as `--host`. The port is not compared: a forwarded port (`ssh -L`,
 * a container's) arrives under another one, and the name alone is what a rebinding controls.
 */
function allowedHost(host: string): (header: string | undefined) => boolean {
  // Not frozen, so the library keeps no set of every Host value it allowed (each IP address and port a client sends).
  const names = [host.toLowerCase()];
  // No Host at all is no browser's request (HTTP/1.0, a health check): nothing a page could make.
  return (header) => isHostAllowed(header?.toLowerCase(), names);
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new Error(`Port ${port} on ${host} is already in use; stop the other server or choose another port with --port`));
      else if (error.code === 'EACCES') reject(new Error(`Not allowed to listen on port ${port} on ${host}; choose another port with --port`));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}
