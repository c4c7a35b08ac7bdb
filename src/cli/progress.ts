// A progress line for large builds: redrawn in place on a terminal, a line per
// stage and every two seconds in a log, nothing at all for small sites.
import type { Progress } from '../build.js';
import type { Io } from './io.js';

// Small builds finish before a progress line could be read.
const PROGRESS_FROM = 500;

export function createProgress(io: Io) {
  let shown = false;
  let lastStage = '';
  let lastDraw = 0;
  return {
    update(p: Progress) {
      if (p.total < PROGRESS_FROM) return;
      const now = performance.now();
      if (io.isTTY) {
        if (now - lastDraw < 100 && p.done !== p.total) return;
        io.stderr(`\r${p.stage} ${p.done}/${p.total}\x1b[K`);
        shown = true;
      } else if (p.stage !== lastStage || p.done === p.total || now - lastDraw > 2000) {
        io.stderr(`${p.stage} ${p.done}/${p.total}\n`);
      } else return;
      lastStage = p.stage;
      lastDraw = now;
    },
    clear() {
      if (shown) io.stderr('\r\x1b[K');
      shown = false;
    },
  };
}
