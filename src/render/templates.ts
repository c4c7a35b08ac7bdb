// Stage 5: the designer-editable templates (liquidjs). Output is HTML-escaped
// unless a template says `| raw`, and story text only ever arrives as data, so
// `{{ … }}` in a headline is printed, never run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Liquid, LiquidError, type Template } from 'liquidjs';
import { VFile } from 'vfile';
import { fail } from '../report/messages.js';

/** The page templates a site must have, by file name under `templates/`. */
export const PAGE_TEMPLATES = ['article', 'index'] as const;
export type PageTemplate = (typeof PAGE_TEMPLATES)[number];

export interface Templates {
  /** Render a page; a failure is recorded on the template's file and gives `undefined`. */
  render(name: PageTemplate, view: object): Promise<string | undefined>;
  /** One file per template that has messages. */
  files(): VFile[];
}

export async function loadTemplates(dir: string): Promise<Templates> {
  const liquid = new Liquid({
    root: dir,
    partials: join(dir, 'partials'),
    layouts: join(dir, 'layouts'),
    extname: '.liquid',
    outputEscape: 'escape',
    strictFilters: true,
    strictVariables: true,
    lenientIf: true,
    ownPropertyOnly: true,
    cache: true,
  });
  const files = new Map<string, VFile>();
  const fileFor = (path: string): VFile => {
    let file = files.get(path);
    if (!file) files.set(path, (file = new VFile({ path })));
    return file;
  };
  const report = (error: unknown, path: string): void => {
    const { reason, place, file } = describe(error, path);
    const vfile = fileFor(file);
    // Every page that uses a broken partial fails the same way: say it once.
    if (!vfile.messages.some((m) => m.reason === reason && m.line === place?.line)) fail(vfile, reason, place, 'template/liquid');
  };

  const parsed = new Map<PageTemplate, Template[]>();
  for (const name of PAGE_TEMPLATES) {
    const path = join(dir, `${name}.liquid`);
    if (!existsSync(path)) {
      fail(fileFor(path), `Missing template ${name}.liquid; every site needs ${PAGE_TEMPLATES.map((t) => `${t}.liquid`).join(' and ')}`, undefined, 'template/missing');
      continue;
    }
    try {
      parsed.set(name, await liquid.parseFile(name));
    } catch (error) {
      report(error, path);
    }
  }

  return {
    async render(name, view) {
      const template = parsed.get(name);
      if (!template) return undefined;
      try {
        return (await liquid.render(template, view)) as string;
      } catch (error) {
        report(error, join(dir, `${name}.liquid`));
        return undefined;
      }
    },
    files: () => [...files.values()],
  };
}

function describe(error: unknown, fallbackPath: string) {
  // A render error wraps the error of the tag or partial that failed; the innermost one knows the real place.
  let inner = error;
  while (inner instanceof LiquidError && inner.originalError instanceof LiquidError) inner = inner.originalError;
  if (!(inner instanceof LiquidError)) {
    return { reason: `Template failed: ${(inner as Error).message}`, place: undefined, file: fallbackPath };
  }
  const [line = 1, column = 1] = inner.token.getPosition();
  const reason = inner.message.replace(/, (file|line|col):.*$/s, '').replace(/^\w*Error: /, '');
  const file = inner.token.file ?? fallbackPath;
  return { reason, place: { line, column }, file };
}
