// Stage 5: the designer-editable templates (liquidjs). Output is HTML-escaped
// unless a template says `| raw`, and story text only ever arrives as data, so
// `{{ … }}` in a headline is printed, never run.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { closeMatch } from '../support/suggest.js';
import { Liquid, LiquidError, type Template } from 'liquidjs';
import { VFile } from 'vfile';
import { hash } from '../support/hash.js';
import { fail } from '../report/messages.js';
import { noFolder, rethrowSystemError } from '../report/system-errors.js';
import { LIMITS, LIMIT_REASONS } from './template-limits.js';
import { readTemplate, templateFiles } from './template-files.js';

/** The page templates a site must have, by file name under `templates/`: a story, the home page, and every other list page. */
export const PAGE_TEMPLATES = ['article', 'index', 'list'] as const;
/** Page templates a site may have: `404.liquid` becomes 404.html; `redirect.liquid` replaces the built-in redirect page. */
export const OPTIONAL_TEMPLATES = ['404', 'redirect'] as const;
export type PageTemplate = (typeof PAGE_TEMPLATES)[number] | (typeof OPTIONAL_TEMPLATES)[number];

// The page left at an alias: a standards-only redirect (no script), not to be indexed.
const BUILT_IN_REDIRECT = `<!doctype html>
<html lang="{{ site.language }}">
<head>
<meta charset="utf-8">
<title>{{ story.title }}</title>
<link rel="canonical" href="{{ story.canonical_url }}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={{ story.canonical_url }}">
</head>
<body>
<p>This story has moved to <a href="{{ story.url }}">{{ story.title }}</a>.</p>
</body>
</html>
`;

export interface Templates {
  /** Changes whenever any template file changes: part of every page's cache key. */
  key: string;
  /** What `{{ 'style.css' | asset_url }}` answers from this build on: the asset's hashed address. */
  useAssets(assets: ReadonlyMap<string, { path: string }>, basePath: string): void;
  has(name: PageTemplate): boolean;
  /** Render a page; a failure is recorded on the template's file and gives `undefined`. */
  render(name: PageTemplate, view: object): string | undefined;
  /** One file per template that has messages. */
  files(): VFile[];
}

export async function loadTemplates(dir: string, cwd: string): Promise<Templates> {
  const liquid = new Liquid({
    ...LIMITS,
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
    fs: templateFiles(cwd),
  });
  let assetUrl = (name: string): string => name;
  liquid.registerFilter('asset_url', (name: unknown) => assetUrl(String(name)));
  const sources = await readTemplates(dir, cwd).catch(rethrowSystemError({ cwd, doing: 'read' }));
  const files = new Map<string, VFile>();
  const fileFor = (path: string): VFile => {
    let file = files.get(path);
    if (!file) files.set(path, (file = new VFile({ path })));
    return file;
  };
  const report = (error: unknown, path: string, view?: object): void => {
    const { reason, place, file } = describe(error, path, { view, cwd, sources: sources.byText });
    const vfile = fileFor(file);
    // Every page that uses a broken partial fails the same way: say it once.
    if (!vfile.messages.some((m) => m.reason === reason && m.line === place?.line)) fail(vfile, reason, place, 'template/liquid');
  };

  const parsed = new Map<PageTemplate, Template[]>([['redirect', liquid.parse(BUILT_IN_REDIRECT)]]);
  for (const name of [...PAGE_TEMPLATES, ...OPTIONAL_TEMPLATES]) {
    const path = join(dir, `${name}.liquid`);
    if (!existsSync(path)) {
      const required = (PAGE_TEMPLATES as readonly string[]).includes(name);
      if (required) fail(fileFor(path), `Missing template ${name}.liquid; every site needs ${new Intl.ListFormat('en').format(PAGE_TEMPLATES.map((t) => `${t}.liquid`))}`, undefined, 'template/missing');
      continue;
    }
    try {
      parsed.set(name, liquid.parseFileSync(name));
    } catch (error) {
      report(error, path);
    }
  }

  return {
    key: sources.key,
    useAssets(assets, basePath) {
      assetUrl = (name) => {
        const asset = assets.get(name.replace(/^\/+/, ''));
        if (asset) return `${basePath}${asset.path}`;
        const known = [...assets.keys()];
        const guess = closeMatch(name, known);
        throw new Error(`No asset "${name}" in ${relative(cwd, join(dir, 'assets')) || 'assets'}/${guess ? `; did you mean '${guess}'?` : ''}`);
      };
    },
    has: (name) => parsed.has(name),
    render(name, view) {
      const template = parsed.get(name);
      if (!template) return undefined;
      try {
        return liquid.renderSync(template, view) as string;
      } catch (error) {
        report(error, join(dir, `${name}.liquid`), view);
        return undefined;
      }
    },
    files: () => [...files.values()],
  };
}

/**
 * Every template file except `assets/` (copied, not rendered): their hash, a part of every
 * page's key, and each file's path by its text — liquidjs does not say which partial or
 * layout an error is in, but its token carries the text it was read from.
 */
async function readTemplates(dir: string, cwd: string): Promise<{ key: string; byText: Map<string, string> }> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(noFolder);
  const paths = entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !relative(dir, path).startsWith(`assets${sep}`))
    .sort();
  const parts: string[] = [];
  const byText = new Map<string, string>();
  for (const path of paths) {
    const text = readTemplate(path, cwd);
    parts.push(relative(dir, path), text);
    if (!byText.has(text)) byText.set(text, path);
  }
  return { key: hash(...parts), byText };
}

function describe(error: unknown, fallbackPath: string, context: { view: object | undefined; cwd: string; sources: Map<string, string> }) {
  // A render error wraps the error of the tag or partial that failed; the innermost one knows the real place.
  let inner = error;
  while (inner instanceof LiquidError && inner.originalError instanceof LiquidError) inner = inner.originalError;
  if (!(inner instanceof LiquidError)) {
    const message = (inner as Error).message;
    return { reason: LIMIT_REASONS[message] ?? `Template failed: ${message}`, place: undefined, file: fallbackPath };
  }
  const file = inner.token.file ?? context.sources.get(inner.token.input) ?? fallbackPath;
  const [line = 1, column = 1] = inner.token.getPosition();
  const unclosed = unclosedTag(inner.token.input, inner.token.begin);
  if (unclosed) return { reason: `This tag is never closed; end it with \`${unclosed.close}\``, place: unclosed.place, file };

  const message = inner.message.replace(/, (file|line|col):.*$/s, '');
  const limit = LIMIT_REASONS[message];
  if (limit) return { reason: limit, place: { line, column }, file };
  const missing = /^ENOENT: Failed to lookup "([^"]+)" in "([^"]+)"/.exec(message);
  if (missing) {
    const [, name, folder = ''] = missing;
    return { reason: `No partial named "${name}": there is no ${relative(context.cwd, join(folder, `${name}.liquid`))}`, place: { line, column }, file };
  }
  const undefinedVariable = /^undefined variable: (.+)$/.exec(message);
  if (undefinedVariable?.[1] && context.view) {
    return { reason: unknownVariable(undefinedVariable[1], context.view), place: { line, column }, file };
  }
  return { reason: message, place: { line, column }, file };
}

/** A `{%` or `{{` before `offset` whose closing `%}`/`}}` only comes after another tag opened: it was never closed. */
function unclosedTag(input: string, offset: number) {
  const open = Math.max(input.lastIndexOf('{%', offset), input.lastIndexOf('{{', offset));
  if (open < 0) return undefined;
  const close = input.startsWith('{%', open) ? '%}' : '}}';
  const end = input.indexOf(close, open + 2);
  const inside = input.slice(open + 2, end < 0 ? undefined : end);
  if (!inside.includes('{%') && !inside.includes('{{') && end >= 0) return undefined;
  const before = input.slice(0, open).split('\n');
  return { close, place: { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 } };
}

// Words designers reach for first, mapped to the view model's names for them.
const SYNONYMS: Record<string, string> = {
  headline: 'title', name: 'title', body: 'body_html', content: 'body_html', html: 'body_html',
  link: 'url', href: 'url', permalink: 'url', published: 'date', pubdate: 'date',
  description: 'summary', dek: 'summary', standfirst: 'summary', byline: 'author', writer: 'author', category: 'section',
};

function unknownVariable(path: string, view: object): string {
  const parts = path.split('.');
  let scope: unknown = view;
  let depth = 0;
  while (depth < parts.length - 1 && scope !== null && typeof scope === 'object' && Object.hasOwn(scope, parts[depth] ?? '')) {
    scope = (scope as Record<string, unknown>)[parts[depth] ?? ''];
    depth++;
  }
  const parent = parts.slice(0, depth).join('.');
  const missing = parts[depth] ?? '';
  const known = scope !== null && typeof scope === 'object' ? Object.keys(scope) : [];
  const synonym = SYNONYMS[missing];
  const guess = synonym !== undefined && known.includes(synonym) ? synonym : closeMatch(missing, known);
  const qualified = (name: string) => (parent ? `${parent}.${name}` : name);
  if (guess) {
    return `Unknown variable \`${path}\`; did you mean \`${qualified(guess)}\`?`;
  }
  return `Unknown variable \`${path}\`; ${parent ? `\`${parent}\` has` : 'templates get'} ${known.map((k) => `\`${k}\``).join(', ')}`;
}
