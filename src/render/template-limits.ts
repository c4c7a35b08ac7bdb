// What one page's template may cost, so a loop like `{% for i in (1..100000000) %}` is a
// positioned error in a moment rather than a hang at gigabytes. liquidjs counts, for one
// render, the characters and list items its ranges, filters and escaped output make
// (memory) and the time it takes; and the length of every template one Liquid parses.
// A page of 1,000 headlines, or a 2 MB story put through a filter or two, is far inside.
import type { LiquidOptions } from 'liquidjs';

/** The options of liquidjs's Liquid constructor that bound it. */
export const LIMITS = { memoryLimit: 10_000_000, renderLimit: 10_000, parseLimit: 10_000_000 } satisfies LiquidOptions;
/** The reason to give for each of liquidjs's limit errors, by its message. */
export const LIMIT_REASONS: Record<string, string> = {
  'memory alloc limit exceeded': `This template made more than ${LIMITS.memoryLimit.toLocaleString('en')} characters or list items for one page (the template memory limit); loop over a smaller range or list`,
  'template render limit exceeded': `This page took more than ${LIMITS.renderLimit / 1000} seconds to render (the template time limit); loop over fewer items, or nest fewer loops`,
  'parse length limit exceeded': `The templates hold more than ${LIMITS.parseLimit.toLocaleString('en')} characters in all (the template length limit); shorten them`,
};
