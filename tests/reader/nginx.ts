// Debian's nginx serving a built site as a CDN origin would: static files only,
// index.html for folders, the site's own 404 page with status 404, gzip, ETags,
// and the response headers that the site's `_headers` file asks for (converted
// from the file, never written by hand, so what the tests see is what it says).
// Everything nginx writes (pid, temp files, logs) stays in a temp folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeaderRule } from './headers-file.js';

const NGINX = '/usr/sbin/nginx';
/** Headers nginx sends itself: a rule setting one would send it twice, so it is refused. */
const OWN_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'etag', 'last-modified', 'date', 'server', 'vary']);
const GZIP_TYPES = 'text/css text/plain text/xml application/xml application/rss+xml application/atom+xml application/json application/feed+json application/javascript image/svg+xml';

export interface Origin {
  url: string;
  /** What nginx logged (errors and access), for failure messages. */
  logs(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * One `map` per header name over the path the reader asked for, as a CDN matches
 * rules: not nginx's $uri, which has become /x/index.html (or /404.html) by the time
 * headers are sent. (Not percent-decoded: the site's own URLs need no escapes.)
 */
export function headerConfig(rules: HeaderRule[]): string {
  const names = [...new Set(rules.flatMap((rule) => [...rule.headers.keys()]))];
  const path = '  map $request_uri $bs_path {\n    "~^(?<path>[^?]*)" $path;\n  }\n';
  return path + names
    .map((name, i) => {
      if (OWN_HEADERS.has(name)) throw new Error(`_headers sets ${name}, which nginx sends itself; this origin cannot serve it faithfully`);
      const entries = rules
        .filter((rule) => rule.headers.has(name))
        .map((rule) => `    ${quote(`~${rule.regex.source}`)} ${quote(rule.headers.get(name)!)};  # ${rule.pattern}`);
      return [`  map $bs_path $bs_header_${i} {`, '    default "";', ...entries, '  }', `  add_header ${name} $bs_header_${i} always;`].join('\n');
    })
    .join('\n');
}

function quote(value: string): string {
  // nginx would read `$` as a variable in a value; no header we serve needs one.
  if (value.includes('$') && !value.startsWith('~')) throw new Error(`cannot pass ${JSON.stringify(value)} to nginx: it contains $`);
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

function config(dir: string, root: string, port: number, headers: string): string {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 128; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server_tokens off;
  sendfile on;
  etag on;
  gzip on;
  gzip_vary on;
  gzip_types ${GZIP_TYPES};
${headers}
  server {
    listen 127.0.0.1:${port};
    root ${root};
    index index.html;
    error_page 404 /404.html;
    location / {
      try_files $uri $uri/ =404;
    }
  }
}
`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts nginx on 127.0.0.1 and a free port, serving `root`; resolves once it answers. */
export async function startOrigin(root: string, rules: HeaderRule[]): Promise<Origin> {
  const dir = await mkdtemp(join(tmpdir(), 'broadsheet-nginx-'));
  // Run as root, nginx's workers drop to `nobody`: they must be able to read the site.
  await chmod(dir, 0o755);
  const port = await freePort();
  await writeFile(join(dir, 'nginx.conf'), config(dir, root, port, headerConfig(rules)));
  // A process group of its own, so a kill reaches the workers too.
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  // A missing binary must fail loudly (npm test's pretest installs it), never skip.
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot run ${NGINX} (${error.message}); scripts/ensure-system-packages.mjs installs it`)));
  }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killGroup);

  const logs = async () => {
    const read = (file: string) => readFile(join(dir, file), 'utf8').catch(() => '');
    const access = (await read('access.log')).split('\n').slice(-20).join('\n');
    return `nginx output:\n${output}\nerror.log:\n${await read('error.log')}\nlast requests:\n${access}\nconfig:\n${await read('nginx.conf')}`;
  };
  const stop = async () => {
    process.off('exit', killGroup);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM'); // nginx's fast shutdown
      const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
      if (!stopped) {
        killGroup();
        await exited;
        throw new Error(`nginx did not stop within 10 s of SIGTERM; killed it. ${await logs()}`);
      }
    }
    await rm(dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const shown = await logs();
      await stop();
      throw new Error(`nginx exited at start (${child.signalCode ?? child.exitCode}). ${shown}`);
    }
    try {
      await (await fetch(`${url}/`)).arrayBuffer();
      return { url, logs, stop };
    } catch {
      if (Date.now() > deadline) {
        const shown = await logs();
        await stop().catch(() => undefined);
        throw new Error(`nginx did not answer on ${url} within 15 s. ${shown}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
