// The build's "write" step: one loop over the planned outputs. A file whose key the
// output already holds is kept, unmade; any other is made and put — pages rendered
// (page-renderer.ts), media read, feeds and sitemaps made — a bounded number at a
// time, so the page workers stay fed without every page being held at once.
import { inFlight } from '../support/limit.js';
import type { OutputWrite } from '../write/output.js';
import type { OutputPlan, PlannedOutput } from './plan.js';

// Files being made or written at once: enough to keep the page workers fed while this thread renders too.
const IN_FLIGHT = 16;

/** `onPage`: after each page, kept or made. Throws the first failure once every file in flight settled. */
export async function writeOutputs(plan: OutputPlan, write: OutputWrite, onPage: () => void = () => {}): Promise<void> {
  const put = async (output: PlannedOutput) => {
    const bytes = await output.make();
    if (bytes !== undefined) await write.put(output.path, output.key, bytes);
    if (output.page) onPage();
  };
  const flight = inFlight(IN_FLIGHT);
  try {
    for (const output of plan.outputs) {
      // Synchronous for a kept file, the common case: a rebuild after one edit keeps thousands.
      if (!write.has(output.path, output.key)) await flight.add(put(output));
      else {
        write.keep(output.path, output.key);
        if (output.page) onPage();
      }
    }
    await flight.drain();
  } finally {
    await flight.settle();
    await plan.renderer.close();
  }
}

/** `check`: every page is rendered, for the errors, and nothing is kept. */
export function discard(): OutputWrite {
  return { has: () => false, keep: () => {}, put: async () => {}, commit: async () => ({ written: 0, kept: 0, removed: 0, replaced: false }), abort: async () => {} };
}
