// The page side of live reload, and how it is let run. It is inline, in every
// page of the dev folder, and the dev server's Content-Security-Policy (the
// site's own, from `_headers`, see site-headers.ts) allows it by its hash: that
// one script and no other, as `script-src 'none'` still says for the rest. (Served
// as a file, it could only be allowed by a source with its path, and browsers
// need not match such a source to an IP address such as 127.0.0.1.)
import { createHash } from 'node:crypto';

export const EVENTS_PATH = '/__broadsheet/events';

/**
 * The page side: reload on `reload`, or on connecting when told of a build newer
 * than the page (`built`); show or clear the build error on `error` /
 * `ok`, and reload once after reconnecting, since the site may have changed
 * while the server was away. The error text holds file content, so it is only
 * ever set as textContent. `error` is also the name EventSource gives its own
 * connection failures; those are plain Events, ours are MessageEvents.
 */
export const LIVE_RELOAD_SCRIPT = `(() => {
  let overlay = null;
  let connectedBefore = false;
  const connect = () => {
    const source = new EventSource(${JSON.stringify(EVENTS_PATH)});
    source.addEventListener('open', () => {
      if (connectedBefore) location.reload();
      connectedBefore = true;
    });
    source.addEventListener('reload', () => location.reload());
    // A rebuild that finished while this page was loading sent its reload before we listened.
    source.addEventListener('built', (event) => {
      if (Number(event.data) > performance.timeOrigin) location.reload();
    });
    source.addEventListener('ok', () => {
      overlay?.remove();
      overlay = null;
    });
    source.addEventListener('error', (event) => {
      if (event instanceof MessageEvent) return show(JSON.parse(event.data));
      // EventSource retries by itself unless the server answered with something else.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
    });
  };
  const show = (text) => {
    if (!overlay) overlay = document.createElement('pre');
    overlay.setAttribute('role', 'alert');
    overlay.style.cssText = 'position:fixed;top:0;left:0;right:0;max-height:80vh;overflow:auto;margin:0;padding:1rem 1.25rem;' +
      'background:#1a0000;color:#ffd7d7;border-bottom:4px solid #c00;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;' +
      'white-space:pre-wrap;z-index:2147483647';
    overlay.textContent = text;
    if (!overlay.isConnected) document.body.append(overlay);
  };
  connect();
})();
`;

/** Inserted before `</body>` of every page written into the dev folder. */
export const LIVE_RELOAD_TAG = `<script>${LIVE_RELOAD_SCRIPT}</script>`;

/** The CSP source that allows LIVE_RELOAD_TAG's script, and only it. */
export const LIVE_RELOAD_SOURCE = `'sha256-${createHash('sha256').update(LIVE_RELOAD_SCRIPT).digest('base64')}'`;
