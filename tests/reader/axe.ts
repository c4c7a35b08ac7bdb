// axe-core in the open page. The site's CSP (script-src 'none') rightly refuses any
// script, axe's included, so the page's context must be made with `bypassCSP: true`;
// CSP itself is checked in a context without it.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let source: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Every violation axe finds in the page as it is now (all rules axe runs by default, best practices included). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  source ??= await readFile(AXE, 'utf8');
  await page.addScriptTag({ content: source });
  // A string: the tests are compiled without the DOM types.
  return (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`)) as AxeViolation[];
}

export function formatViolations(where: string, violations: AxeViolation[]): string[] {
  return violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}\n    at ${v.targets.join('\n    at ')}`);
}
