// liquidjs reads the page templates, their layouts and partials itself. Through
// these it reads them as Broadsheet reads every file (support/files.ts): a named
// pipe where a template should be is refused, never waited on.
import { relative } from 'node:path';
import { defaultOptions, type FS } from 'liquidjs';
import { NotAFileError, readRegularText } from '../support/files.js';

/** liquidjs's own file system but for reading; `cwd` shortens the paths in its messages. */
export function templateFiles(cwd: string): FS {
  return { ...defaultOptions.fs, readFileSync: (path) => readTemplate(path, cwd), readFile: async (path) => readTemplate(path, cwd) };
}

/** A template's text; a path that is no file is an error saying what it is and what to do. */
export function readTemplate(path: string, cwd: string): string {
  try {
    return readRegularText(path);
  } catch (error) {
    if (!(error instanceof NotAFileError)) throw error;
    throw new Error(`${relative(cwd, path)} is ${error.kind}, not a file; put the template's text in a plain file of that name`, { cause: error });
  }
}
