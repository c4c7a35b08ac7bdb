// Every story page and redirect page is one file of the output. Claims keep two
// stories from the same file (`foo` and `foo/index.html` are one), from the site's
// own files, and from a file and a folder of the same name (`old.html` and
// `old.html/x`, or an alias running through a story's `index.html`), which the
// file system could not write; each problem is an error at the slug or alias.
import { relative } from 'node:path';
import type { VFile } from 'vfile';
import { fieldPlace } from '../content/field-place.js';
import { fail } from '../report/messages.js';

interface Claim {
  file: VFile;
  /** The slug or alias as the story gives it. */
  path: string;
  what: 'slug' | 'alias';
  /** The output file it is written to. */
  output: string;
}

export type Claimer = (file: VFile, path: string, what: 'slug' | 'alias') => boolean;

/** A claimer: answers whether `file` may have `path`, and records an error on it when not. */
export function createClaims(cwd: string, isReserved: (path: string, what: 'slug' | 'alias') => boolean): Claimer {
  const owners = new Map<string, Claim>();
  // Each folder some output is written in, with the first claim to need it.
  const folders = new Map<string, Claim>();
  return (file, path, what) => {
    const claim: Claim = { file, path, what, output: what === 'slug' ? `${path}/index.html` : redirectPath(path) };
    const reason = isReserved(path, what) ? reservedReason(claim) : clashReason(claim, owners, folders, cwd);
    if (reason) {
      const place = fieldPlace(file.path, what === 'slug' ? 'slug' : 'aliases', path, { column: false });
      fail(file, reason.text, place, reason.rule);
      return false;
    }
    owners.set(claim.output, claim);
    for (const folder of foldersOf(claim.output)) if (!folders.has(folder)) folders.set(folder, claim);
    return true;
  };
}

/** Where the redirect page for an old URL is written: as it is for `…/old.html`, else `…/index.html`. */
export function redirectPath(alias: string): string {
  return /\.html?$/.test(alias) ? alias : `${alias}/index.html`;
}

function reservedReason({ path, what }: Claim) {
  const fix = what === 'slug' ? `set another with slug: ${path}-story` : 'remove it from `aliases`';
  return { text: `The ${what} "${path}" is reserved for the site's own files; ${fix}`, rule: `site/reserved-${what}` };
}

function clashReason(claim: Claim, owners: ReadonlyMap<string, Claim>, folders: ReadonlyMap<string, Claim>, cwd: string) {
  const { path, what, output } = claim;
  const owner = owners.get(output);
  if (owner) {
    const fix = what === 'slug' ? `give this story its own with a line such as slug: ${path}-2` : 'remove it from `aliases`';
    return { text: `The ${what} "${path}" is already used by ${whose(owner, claim, cwd)}; ${fix}`, rule: `site/duplicate-${what}` };
  }
  // Only aliases can clash so: a slug is one folder, and no alias file is named without a dot.
  const through = foldersOf(output).map((folder) => owners.get(folder)).find((found) => found !== undefined);
  if (through) {
    const text = `The alias "${path}" would be written inside ${pageOf(through, claim, cwd)}, ${through.output}, which is a file and cannot also be a folder; remove the alias from \`aliases\``;
    return { text, rule: 'site/alias-path-clash' };
  }
  const inside = folders.get(output);
  if (inside) {
    const text = `The alias "${path}" would be written as the file ${output}, but ${pageOf(inside, claim, cwd)} is written inside it, as ${inside.output}; remove one of the two from \`aliases\``;
    return { text, rule: 'site/alias-path-clash' };
  }
  return undefined;
}

/** `a/b/index.html` → `a`, `a/b`. */
function foldersOf(output: string): string[] {
  const parts = output.split('/');
  return parts.slice(1).map((_, index) => parts.slice(0, index + 1).join('/'));
}

function whose(owner: Claim, claim: Claim, cwd: string): string {
  return owner.file === claim.file ? 'this story' : relative(cwd, owner.file.path);
}

function pageOf(owner: Claim, claim: Claim, cwd: string): string {
  return owner.what === 'slug' ? `the page of ${whose(owner, claim, cwd)}` : `the redirect page of the alias "${owner.path}" of ${whose(owner, claim, cwd)}`;
}
