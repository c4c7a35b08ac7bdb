// The command line's vocabulary, every option and which command takes it, and its
// parsing in Broadsheet's words: node:util's own messages say what parseArgs expected
// (`Unknown option '--outt'. To specify a positional argument starting with a '-'…`),
// not what the user meant.
import { parseArgs } from 'node:util';
import { closeMatch as suggest } from '../support/suggest.js';
import { UsageError } from '../report/errors.js';

export const OPTIONS = {
  root: { type: 'string' },
  content: { type: 'string' },
  out: { type: 'string' },
  drafts: { type: 'boolean' },
  future: { type: 'boolean' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** Which options each command takes; any other is a usage error. */
export const ACCEPTS: Readonly<Record<string, readonly OptionName[]>> = {
  build: ['root', 'content', 'out', 'drafts', 'future', 'cache', 'no-cache'],
  check: ['root', 'content', 'drafts', 'future', 'cache', 'no-cache'],
  dev: ['root', 'content', 'drafts', 'future', 'cache', 'no-cache', 'port', 'host'],
  new: ['root', 'content'],
};

/** What the help calls each option's value, to show the fix when it is missing. */
const VALUE_NAMES: Readonly<Record<string, string>> = { root: 'DIR', content: 'DIR', out: 'DIR', cache: 'DIR', port: 'N', host: 'HOST' };

const TYPES = new Map<string, 'string' | 'boolean'>(Object.entries(OPTIONS).map(([name, option]) => [name, option.type]));

export type ParsedOptions = ReturnType<typeof parseStrictly>['values'];

export interface CommandLine {
  values: ParsedOptions;
  positionals: string[];
}

/**
 * Reads the options and the words between them. A lenient pass looks at every option
 * as written and throws a UsageError naming the first mistake; the strict pass after
 * it then cannot fail, and gives the values their types.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { tokens, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const command = positionals[0];
  // A typo is matched against what the command takes: suggesting an option only for
  // the next run to refuse it would send the user round in a circle.
  const known: readonly string[] = command !== undefined && ACCEPTS[command] ? [...ACCEPTS[command], 'help', 'version'] : [...TYPES.keys()];
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const problem = optionProblem(token.name, token.rawName, token.value, token.inlineValue === true, known);
    if (problem) throw new UsageError(problem);
  }
  try {
    return parseStrictly(argv);
  } catch (error) {
    // Only a mistake the pass above does not know yet: parseArgs' wording beats a crash.
    throw new UsageError((error as Error).message);
  }
}

function parseStrictly(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
}

function optionProblem(name: string, rawName: string, value: string | undefined, inline: boolean, known: readonly string[]): string | undefined {
  const type = TYPES.get(name);
  if (type === undefined) {
    // `-x` is one letter: any other letter is as close, so no guess.
    const guess = rawName.startsWith('--') ? closeMatch(name, known) : undefined;
    return `Unknown option ${rawName}${guess ? `; did you mean --${guess}?` : ''}`;
  }
  // `--out --drafts` would take `--drafts` as the folder: a value starting with a dash
  // must be written `--out=-x`, as parseArgs itself insists.
  if (type === 'string' && (value === undefined || value === '' || (!inline && value.startsWith('-')))) {
    return `${rawName} needs a value: ${rawName} ${VALUE_NAMES[name] ?? 'VALUE'}`;
  }
  if (type === 'boolean' && value !== undefined) return `${rawName} takes no value; write ${rawName}, not ${rawName}=${value}`;
  return undefined;
}

/**
 * The candidate a typo most likely meant, if one is close enough to be a typo: at most
 * two edits, and at most half the word's letters (`nwe` is `new`; `v` is not `dev`).
 */
export function closeMatch(word: string, candidates: readonly string[]): string | undefined {
  return suggest(word, candidates, { maxEdits: (typed) => Math.min(2, Math.ceil(typed.length / 2)) });
}
