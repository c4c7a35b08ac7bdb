// Config and frontmatter are both YAML checked against a zod schema. This is the
// one place that turns YAML syntax errors and schema failures into messages
// positioned in the original file, so a writer is sent to the exact line.
import { closeMatch } from '../support/suggest.js';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { VFile } from 'vfile';
import type { z } from 'zod';
import { fail, warn, type Place } from '../report/messages.js';
import { explainYamlErrors } from './explain-yaml-error.js';
import { deepYaml, MAX_YAML_DEPTH } from './yaml-depth.js';

export interface YamlSource {
  file: VFile;
  /** The YAML text: the whole config file, or the frontmatter between its fences. */
  text: string;
  /** Line of the file on which `text` begins (frontmatter starts on line 1, after `---`). */
  firstLine: number;
  /** Prefix for rule ids: `frontmatter/title`, `config/url`. */
  rulePrefix: string;
  /** An unknown key is an error in the config, only a warning in frontmatter. */
  unknownKeys: 'error' | 'warn';
}

// Aliases are rare in frontmatter; a low cap stops "billion laughs" expansion.
const MAX_ALIAS_COUNT = 50;

/** Parse and validate; `undefined` when there were errors (already recorded on the file). */
export function validateYaml<Schema extends z.ZodObject>(source: YamlSource, schema: Schema): z.output<Schema> | undefined {
  const deep = deepYaml(source.text);
  if (deep) {
    const reason = `Lists and fields are nested more than ${MAX_YAML_DEPTH} levels deep here, and none needs more than two (tags: [a, b]); remove the extra brackets or indentation`;
    fail(source.file, reason, { line: deep.line + source.firstLine - 1, column: deep.column }, `${source.rulePrefix}/yaml`);
    return undefined;
  }
  const lineCounter = new LineCounter();
  // logLevel: a key that is itself a list would make yaml print a warning of its own on stderr; it is reported as an unknown key.
  const doc = parseDocument(source.text, { lineCounter, schema: 'core', uniqueKeys: true, prettyErrors: true, logLevel: 'error' });
  const placeAt = (offset: number): Place => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + source.firstLine - 1, column: col };
  };

  for (const warning of doc.warnings) report(source, warning, placeAt, false);
  if (doc.errors.length > 0) {
    const explained = explainYamlErrors(source.text, doc.errors, source.firstLine);
    if (!explained) for (const error of doc.errors) report(source, error, placeAt, true);
    for (const { reason, line, column } of explained ?? []) {
      fail(source.file, reason, { line: line + source.firstLine - 1, column }, `${source.rulePrefix}/yaml`);
    }
    return undefined;
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch {
    // The only way toJS throws on a document that parsed is the alias cap.
    fail(source.file, 'Too many YAML aliases (*name); write the values out instead', placeAt(firstAlias(doc)), `${source.rulePrefix}/yaml`);
    return undefined;
  }
  // Empty (`---` then `---`): every required field is missing, and the schema says which.
  if (doc.contents === null) data = {};
  else if (!isMap(doc.contents) || typeof data !== 'object' || data === null || Array.isArray(data)) {
    const found = isSeq(doc.contents) ? 'a list; remove the `- ` at the start of each line' : 'plain text; write each field as `name: value` on its own line';
    fail(source.file, `Expected \`key: value\` lines, one per field, but found ${found}`, placeAt(doc.contents?.range?.[0] ?? 0), `${source.rulePrefix}/yaml`);
    return undefined;
  }

  const known = Object.keys(schema.shape);
  let unknownKeyErrors = 0;
  // A misspelt key is reported once, as such, not again as its correct spelling "missing".
  const suggested = new Set<string>();
  for (const pair of isMap(doc.contents) ? doc.contents.items : []) {
    const key = keyName(pair.key);
    if (known.includes(key)) continue;
    if (source.unknownKeys === 'error') unknownKeyErrors++;
    const record = source.unknownKeys === 'error' ? fail : warn;
    const { reason, guess } = unknownKey(key, known);
    if (guess) suggested.add(guess);
    record(source.file, reason, placeAt(rangeStart(pair.key)), `${source.rulePrefix}/unknown-key`);
  }

  const knownFields = Object.fromEntries(Object.entries(data as Record<string, unknown>).filter(([key]) => known.includes(key)));
  const result = schema.safeParse(knownFields);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? 'yaml');
      if (suggested.has(field) && !(field in knownFields)) continue;
      fail(source.file, issue.message, placeAt(offsetOf(doc, issue.path)), `${source.rulePrefix}/${field}`);
    }
    return undefined;
  }
  return unknownKeyErrors === 0 ? result.data : undefined;
}

export function unknownKey(key: string, known: readonly string[]): { reason: string; guess: string | undefined } {
  const guess = closeMatch(key, known);
  if (guess) return { reason: `Unknown key \`${key}\`; did you mean \`${guess}\`?`, guess };
  return { reason: `Unknown key \`${key}\`; known keys are ${known.map((k) => `\`${k}\``).join(', ')}`, guess: undefined };
}

function firstAlias(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

function keyName(key: unknown): string {
  return String(isScalar(key) ? key.value : key);
}

/** Where a schema issue points: the value at `path`, or its parent when the key is missing. */
function offsetOf(doc: Document, path: readonly PropertyKey[]): number {
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as Array<string | number>, true);
    if (node !== undefined) return rangeStart(node);
  }
  return 0;
}

function rangeStart(node: unknown): number {
  if (isPair(node)) return rangeStart(node.key);
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0] ?? 0;
}

function report(source: YamlSource, error: YAMLError, placeAt: (offset: number) => Place, isError: boolean): void {
  // yaml's message ends with "at line N, column M:" and a code frame; we give the place separately.
  const first = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const tag = error.code === 'TAG_RESOLVE_FAILED' ? /^Unresolved tag: (.*)$/.exec(first)?.[1]?.replace(/^tag:yaml\.org,2002:/, '!!') : undefined;
  const reason = tag ? `The YAML tag \`${tag}\` means nothing here, so the value is read as plain text; remove the tag` : `${first.replace(/\.$/, '')}${HINTS[error.code] ?? ''}`;
  const record = isError ? fail : warn;
  record(source.file, reason, placeAt(error.pos[0]), `${source.rulePrefix}/yaml`);
}

const QUOTE_HINT = '; if a value contains `: ` or starts with a quote, wrap the whole value in double quotes';
const HINTS: Partial<Record<string, string>> = {
  BLOCK_AS_IMPLICIT_KEY: QUOTE_HINT,
  MULTILINE_IMPLICIT_KEY: QUOTE_HINT,
  UNEXPECTED_TOKEN: QUOTE_HINT,
  MISSING_CHAR: '; a quoted value must end with the same quote it starts with',
  BAD_INDENT: '; line the field up with the others (no leading spaces before top-level keys)',
  BAD_SCALAR_START: '; wrap the whole value in double quotes',
  TAB_AS_INDENT: '; indent with spaces, not tabs',
  DUPLICATE_KEY: '; keep one of them',
};
