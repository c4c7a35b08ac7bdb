// The frontmatter a story may carry. One schema gives both the `Frontmatter`
// type and the error messages a writer sees, so the two cannot drift apart.
import { z } from 'zod';
import { describeInvisible, INVISIBLE } from './invisible.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** A date as written (kept for `<time datetime>`) and as a timestamp (for sorting). */
export interface StoryDate {
  iso: string;
  time: number;
}

/**
 * Parse an ISO 8601 date (`2025-05-02`) or date-time (`2025-05-02T09:30:00Z`,
 * with an offset or none, which means UTC). Hand-written because Date.parse
 * accepts many non-ISO shapes and silently rolls 2025-02-30 over to March.
 */
export function parseStoryDate(text: string): StoryDate | undefined {
  const dateOnly = DATE.exec(text);
  const match = dateOnly ?? DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', zone] = match.map((part) => part);
  // setUTCFullYear, not Date.UTC, which reads the years 0–99 as 1900–1999.
  const calendar = new Date(0);
  calendar.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  if (calendar.toISOString().slice(0, 10) !== `${year}-${month}-${day}`) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const utc = dateOnly ? `${text}T00:00:00Z` : zone === undefined ? `${text}Z` : text;
  const time = Date.parse(utc);
  return Number.isNaN(time) ? undefined : { iso: text, time };
}

/**
 * Characters no page or feed may hold: C0 and C1 control characters but tab and line
 * breaks (HTML calls them parse errors, XML forbids them), noncharacters such as
 * U+FFFE, and lone surrogates, which a YAML escape like "\\ud800" can make.
 */
export const UNPRINTABLE = /(?![\t\n\r])[\p{Cc}\p{Noncharacter_Code_Point}\p{Cs}]/u;

/** `the control character U+0007`, for messages: the character itself is invisible. */
export function describeUnprintable(char: string): string {
  const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (/\p{Cs}/u.test(char)) return `half a character (the lone surrogate ${code})`;
  return /\p{Cc}/u.test(char) ? `the control character ${code}` : `the noncharacter ${code}`;
}

const printable = (field: string) => (value: string, context: z.RefinementCtx) => {
  const found = UNPRINTABLE.exec(value);
  if (found) context.addIssue({ code: 'custom', message: `\`${field}\` holds ${describeUnprintable(found[0])}, which no web page or feed may contain; remove it` });
  // Written as a YAML escape ("\u202e"): the same character typed in is refused at its column (invisible.ts).
  const invisible = found ? null : INVISIBLE.exec(value);
  if (invisible) context.addIssue({ code: 'custom', message: `\`${field}\` holds ${describeInvisible(invisible[0])}; remove it` });
};

/** What YAML's explicit tags (`!!binary`, `!!timestamp`, `!!set`, `!!omap`) turn a value into. */
const TAGGED: Array<[new (...args: never[]) => object, string]> = [
  [Uint8Array, 'binary data (the !!binary tag); remove the tag'],
  [Date, 'a timestamp (the !!timestamp tag); remove the tag'],
  [Set, 'a set (the !!set tag); remove the tag'],
  [Map, 'ordered pairs (the !!omap or !!pairs tag); remove the tag'],
];

const describe = (value: unknown): string =>
  value === null
    ? 'an empty value'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? (TAGGED.find(([type]) => value instanceof type)?.[1] ?? 'a set of fields')
        : `${typeof value} ${JSON.stringify(value)}`;

const text = (field: string, example: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `Missing required field \`${field}\`; add a line such as ${field}: ${example}`
          : typeof issue.input === 'object'
            ? `Expected \`${field}\` to be text, got ${describe(issue.input)}`
            : `Expected \`${field}\` to be text, got ${describe(issue.input)}; put it in quotes: ${field}: "${String(issue.input)}"`,
    })
    .trim()
    .min(1, `\`${field}\` is empty; give it a value or remove the line`)
    .superRefine(printable(field));

/** No story is older than this: a year such as 0025 is a typo for 2025, not an archive. */
const FIRST_YEAR = 1000;
const LAST_YEAR = 9999;

const date = (field: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `Missing required field \`${field}\`; add a line such as ${field}: 2025-05-02T09:30:00Z`
          : `Expected \`${field}\` to be an ISO 8601 date such as 2025-05-02 or 2025-05-02T09:30:00Z, got ${describe(issue.input)}`,
    })
    .transform((value, context) => {
      const parsed = parseStoryDate(value.trim());
      const year = /^[+-]?(\d+)-\d\d-\d\d(?:T|$)/.exec(value.trim())?.[1];
      if (year !== undefined && (year.length !== 4 || Number(year) < FIRST_YEAR)) {
        context.addIssue({ code: 'custom', message: `Expected \`${field}\` to be in the years ${FIRST_YEAR} to ${LAST_YEAR}, got "${value}"; check the year` });
        return z.NEVER;
      }
      // Feeds and sitemaps give dates in UTC, where 9999-12-31T23:59:59-12:00 is in the year 10000 (`+010000-…`, which no reader takes).
      if (parsed && new Date(parsed.time).getUTCFullYear() > LAST_YEAR) {
        context.addIssue({ code: 'custom', message: `Expected \`${field}\` to be in the years ${FIRST_YEAR} to ${LAST_YEAR}, got "${value}", which is in the year ${LAST_YEAR + 1} in UTC; check the date and its offset` });
        return z.NEVER;
      }
      if (parsed) return parsed;
      context.addIssue({
        code: 'custom',
        message: `Expected \`${field}\` to be a real ISO 8601 date such as 2025-05-02 or 2025-05-02T09:30:00Z, got "${value}"`,
      });
      return z.NEVER;
    });

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const frontmatterSchema = z.object({
  title: text('title', '"Mayor opens the new harbour bridge"'),
  date: date('date'),
  updated: date('updated').optional(),
  author: text('author', 'Ana Beltrán').optional(),
  section: text('section', 'World').optional(),
  tags: z
    .array(
      z.string({ error: (issue) => `Expected each tag in \`tags\` to be text, got ${describe(issue.input)}; write each tag as a word or phrase, e.g. tags: [trade, energy]` }).trim().min(1, 'A tag in `tags` is empty; remove it').superRefine(printable('tags')),
      { error: 'Expected `tags` to be a list, e.g. tags: [trade, energy]' },
    )
    .default([]),
  summary: text('summary', '"One sentence on what happened."').optional(),
  slug: z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `Expected \`slug\` to be text, got number ${JSON.stringify(issue.input)}; put it in quotes: slug: "${String(issue.input)}"`
          : 'Expected `slug` to be text such as mexico-rejects-troops',
    })
    .regex(SLUG, 'Expected `slug` to use only lowercase letters, digits and single hyphens, e.g. mexico-rejects-troops')
    .optional(),
  draft: z.boolean({ error: 'Expected `draft` to be true or false' }).default(false),
  /** The lead image, a file beside the story; checked and measured by the Markdown stage. */
  image: text('image', 'harbour-bridge.jpg').optional(),
  // Empty is allowed: `image_alt: ""` says the image shows nothing a reader needs.
  image_alt: z.string({ error: (issue) => `Expected \`image_alt\` to be text describing the image, got ${describe(issue.input)}; write it in quotes: image_alt: "Traffic crossing the new bridge"` }).trim().superRefine(printable('image_alt')).optional(),
  aliases: z
    .array(
      z
        .string({ error: 'Expected each alias to be an old URL path such as old-slug or /2019/05/old-story.html' })
        .transform((alias) => alias.trim().replace(/^\/+|\/+$/g, ''))
        .superRefine((alias, context) => {
          const parts = alias.split('/');
          if (alias === '' || !parts.every((part) => /^[A-Za-z0-9._~-]+$/.test(part) && !/^\.+$/.test(part))) {
            context.addIssue({ code: 'custom', message: 'Expected each alias to be a path on this site such as old-slug or /2019/05/old-story.html (letters, digits, - . _ ~ and /)' });
            return;
          }
          // A dot-folder or dot-file in the output (.git/config, .htaccess, .well-known/…) is one the server hides, or reads as its own settings.
          const hidden = parts.find((part) => part.startsWith('.'));
          if (hidden) context.addIssue({ code: 'custom', message: `The alias "${alias}" has a part starting with a dot, "${hidden}": web servers hide such paths or read them as their own settings, so no reader would reach it; remove it from \`aliases\`` });
        }),
      { error: 'Expected `aliases` to be a list of old URLs, e.g. aliases: [old-slug]' },
    )
    .default([]),
});

export type Frontmatter = z.output<typeof frontmatterSchema>;
