// Site settings live in one file, `broadsheet.yaml` at the site root, checked
// against this schema; every field has a default except the two a site cannot
// do without (its name and the address it is published at).
import { join } from 'node:path';
import { VFile } from 'vfile';
import { z } from 'zod';
import { parseEmbedHost } from '../markdown/embeds.js';
import { fail } from '../report/messages.js';
import { describeSystemError } from '../report/system-errors.js';
import { NotAFileError, readRegularText } from '../support/files.js';
import { validateYaml } from '../yaml/validate-yaml.js';

export const CONFIG_FILE = 'broadsheet.yaml';

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/**
 * What a site address must not hold: a user name or password (published on every page with the
 * canonical links), or a query or fragment (every page and asset link is the address plus a path,
 * so `?x=1` would end up in the middle of each one). The secret itself is never repeated.
 */
function urlProblem(value: string, url: URL): string | undefined {
  if (url.username !== '' || url.password !== '' || /^[a-z]+:\/\/[^/?#]*@/i.test(value)) {
    return '`url` holds a user name or password (the part before @), which every page would publish';
  }
  const parts = [value.includes('?') && 'a query (?…)', value.includes('#') && 'a fragment (#…)'].filter(Boolean);
  if (parts.length > 0) return `\`url\` holds ${parts.join(' and ')}, which would end up in the middle of every link made from it`;
  return undefined;
}

export const configSchema = z.object({
  /** Site name, shown in the masthead and every `<title>`. Required. */
  title: z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'Missing `title`: the site name, e.g. title: "The Daily Broadsheet"' : 'Expected `title` to be text, e.g. title: "The Daily Broadsheet"',
    })
    .trim()
    .min(1, 'The site `title` is empty'),
  /** Address the site is published at; canonical links are built from it. Required. */
  url: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'Missing `url`: the address the site is published at, e.g. url: https://news.example.org/'
          : 'Expected `url` to be the address the site is published at, e.g. url: https://news.example.org/',
    })
    .superRefine((value, context) => {
      const url = URL.canParse(value) ? new URL(value) : undefined;
      if (url?.protocol === 'https:' || url?.protocol === 'http:') {
        const problem = urlProblem(value, url);
        if (problem) context.addIssue({ code: 'custom', message: `${problem}; write only the address: url: ${url.origin}${url.pathname}` });
        return;
      }
      context.addIssue({
        code: 'custom',
        message: url
          ? `Expected \`url\` to start with https:// or http://, got "${value}"; e.g. url: https://news.example.org/`
          : `Expected \`url\` to be a full address, got "${value}"; e.g. url: https://news.example.org/`,
      });
    })
    .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  /** Default meta description, used by pages without a summary of their own. Default: none. */
  description: z.string({ error: '`description` must be text' }).optional(),
  /** BCP 47 language of the stories, for `<html lang>`. Default: `en`. */
  language: z
    .string({ error: '`language` must be a language tag such as en or es-MX' })
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'Expected `language` to be a language tag such as en or es-MX')
    .default('en'),
  /** Time zone for the dates printed on pages (machine-readable dates keep their offset). Default: `UTC`. */
  timezone: z
    .string({ error: '`timezone` must be an IANA time zone such as Europe/Madrid' })
    .refine(isTimeZone, 'Unknown `timezone`; use an IANA name such as America/Mexico_City or UTC')
    .default('UTC'),
  /** How many stories each article's "More headlines" list shows. Default: 10. */
  headlines: z
    .number({ error: 'Expected `headlines` to be a whole number, e.g. headlines: 10' })
    .int('Expected `headlines` to be a whole number, e.g. headlines: 10')
    .min(0, '`headlines` cannot be negative')
    .max(1000, '`headlines` above 1000 would make every page huge')
    .default(10),
  /**
   * Which stories an article's More headlines lists: `latest` (the newest, so publishing one
   * story changes every article page) or `earlier` (the ones published just before it, so an
   * article page never changes when newer stories appear). Default: `latest`.
   */
  more_headlines: z.enum(['latest', 'earlier'], { error: 'Expected `more_headlines` to be latest or earlier' }).default('latest'),
  /** How many headlines the home page and each archive, section, tag and author page shows. Default: 25. */
  page_size: z
    .number({ error: 'Expected `page_size` to be a whole number, e.g. page_size: 25' })
    .int('Expected `page_size` to be a whole number, e.g. page_size: 25')
    .min(1, '`page_size` must be at least 1')
    .max(1000, '`page_size` above 1000 would make list pages huge')
    .default(25),
  /** How many of the latest stories the Atom and RSS feeds carry, in full. Default: 20. */
  feed_size: z
    .number({ error: 'Expected `feed_size` to be a whole number, e.g. feed_size: 20' })
    .int('Expected `feed_size` to be a whole number, e.g. feed_size: 20')
    .min(1, '`feed_size` must be at least 1')
    .max(1000, '`feed_size` above 1000 would make the feeds huge')
    .default(20),
  /** The publisher's logo, a file in `templates/assets/` (e.g. `logo.png`), named in each article's structured data; Google asks for one that fits 600×60. Default: none. */
  logo: z.string({ error: 'Expected `logo` to be the name of an image in templates/assets/, e.g. logo: logo.png' }).trim().min(1, '`logo` is empty').optional(),
  /** The image link previews and structured data show for a story without one of its own, a file in `templates/assets/` (e.g. `share.png`, 1200×630). Default: none. */
  share_image: z.string({ error: 'Expected `share_image` to be the name of an image in templates/assets/, e.g. share_image: share.png' }).trim().min(1, '`share_image` is empty').optional(),
  /** Byline that `broadsheet new` fills in. Default: the git user's name. */
  author: z.string({ error: 'Expected `author` to be a name, e.g. author: Ana Beltrán' }).trim().min(1, '`author` is empty').optional(),
  /** A story without `updated:` takes its file's last commit date, when the site is a git repository. Default: true. */
  updated_from_git: z.boolean({ error: 'Expected `updated_from_git` to be true or false' }).default(true),
  /**
   * Raw HTML in stories: `sanitized` keeps what the news schema allows (figures, tables,
   * media, embeds from `embeds`) and drops scripts, event handlers and unsafe URLs;
   * `trusted` keeps it as written, for newsrooms whose stories all come from trusted staff.
   * Default: `sanitized`.
   */
  raw_html: z
    .enum(['sanitized', 'trusted'], {
      error: (issue) =>
        `Expected \`raw_html\` to be sanitized (raw HTML in stories is cleaned of scripts and unsafe markup) or trusted (kept as written), got ${JSON.stringify(issue.input)}`,
    })
    .default('sanitized'),
  /**
   * How the output folder is arranged: `folder`, the site itself (upload or copy `dist/`
   * with any tool); or `releases`, for a server that serves the output while it is rebuilt
   * (point it at `dist/current`, a link swapped in one atomic step). Default: `folder`.
   */
  output_layout: z
    .enum(['folder', 'releases'], {
      error: (issue) =>
        `Expected \`output_layout\` to be folder (dist/ is the site) or releases (dist/current links to the live build, for servers that read dist/ while it is rebuilt), got ${JSON.stringify(issue.input)}`,
    })
    .default('folder'),
  /** Hosts, each optionally with a path, whose https pages stories may embed in an iframe, e.g. `[www.youtube-nocookie.com]`. Default: none. */
  embeds: z
    .array(
      z.string({ error: 'Expected each `embeds` entry to be a host name, e.g. www.youtube-nocookie.com' }).transform((entry, context) => {
        const parsed = parseEmbedHost(entry);
        if (typeof parsed !== 'string') return `${parsed.host}${parsed.path}`;
        context.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }),
      { error: 'Expected `embeds` to be a list of hosts, e.g. embeds: [www.youtube-nocookie.com, player.vimeo.com]' },
    )
    .default([]),
}).superRefine((config, context) => {
  // An embed of the site itself would get its scripts and its origin back (the sandbox allows both for embeds).
  // It runs even when other fields failed: then `url` may be no address, and `embeds` not a list.
  const own = URL.canParse(config.url) ? new URL(config.url).host : undefined;
  if (!own || !Array.isArray(config.embeds)) return;
  config.embeds.forEach((entry, index) => {
    if (entry.split('/')[0] !== own) return;
    context.addIssue({ code: 'custom', path: ['embeds', index], message: `\`embeds\` cannot list the site's own host, ${own}: an embed runs with scripts in its own origin, which for this host is the site's; link to the page instead` });
  });
});

export type SiteConfig = z.output<typeof configSchema>;

/** Read and validate `broadsheet.yaml`; the file carries any messages. */
export async function loadConfig(root: string): Promise<{ file: VFile; config: SiteConfig | undefined }> {
  const path = join(root, CONFIG_FILE);
  const file = new VFile({ path });
  let text: string;
  try {
    text = readRegularText(path);
  } catch (error) {
    if (error instanceof NotAFileError) {
      fail(file, `${CONFIG_FILE} is ${error.kind}, not a file; put the site's settings in a plain file of that name`, undefined, 'config/read');
      return { file, config: undefined };
    }
    // Only a file that is not there is missing: one that cannot be read says why.
    const unreadable = (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : describeSystemError(error, { path: CONFIG_FILE, doing: 'read' });
    if (unreadable) fail(file, `Cannot read ${CONFIG_FILE}: ${unreadable.cause}; ${unreadable.fix}`, undefined, 'config/unreadable');
    else fail(file, `No ${CONFIG_FILE} in the site folder; create one with at least \`title:\` and \`url:\``, undefined, 'config/missing');
    return { file, config: undefined };
  }
  file.value = text;
  const config = validateYaml({ file, text, firstLine: 1, rulePrefix: 'config', unknownKeys: 'error' }, configSchema);
  return { file, config };
}
