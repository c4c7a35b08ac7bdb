// V8 lets a heap grow to as much as four times what was live after its last full
// collection before it collects again. A build of 100,000 stories holds about
// 500 MB live (the site model, every page's key and headline entry) and turns
// pages into garbage quickly, so its heap grew past 2 GB. From LARGE_SITE stories
// or pages on, growth is held to 1.5× what is live, at the price of more full
// collections: on 10,000 stories that cost the cold build about a fifth of its
// time, so smaller sites keep V8's default. The flag is read at every collection,
// by every thread, so setting it while the build runs takes effect at once.
import { setFlagsFromString } from 'node:v8';

export const LARGE_SITE = 30_000;
const GROWING_PERCENT = 50;

let bounded = false;

/** Called with a stage's total (stories read, pages rendered): bounds the heap for a large site. */
export function boundHeapFor(total: number): void {
  if (bounded || total < LARGE_SITE) return;
  bounded = true;
  setFlagsFromString(`--heap-growing-percent=${GROWING_PERCENT}`);
}
