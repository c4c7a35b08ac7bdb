// The settings the Markdown stage depends on, apart from the stage itself: a build
// compares them with the ones its cached stories were rendered with before it
// knows whether any story needs rendering, and so whether to load the stage.
export interface MarkdownOptions {
  /** Raw HTML in a story: `sanitized` keeps what the news schema allows (sanitize-schema.ts), `trusted` keeps it as written. Default: `sanitized`. */
  rawHtml: 'sanitized' | 'trusted';
  /** Hosts, each optionally with a path (`www.google.com/maps/embed`), whose https pages a story may embed in an iframe. Default: none. */
  embeds: readonly string[];
}

export const defaults = { rawHtml: 'sanitized', embeds: [] } satisfies MarkdownOptions;

/** The settings the Markdown stage depends on; without a valid config, the defaults. */
// The config's own fields, not its type: config/ imports this folder (embeds.ts parses its `embeds`).
export function markdownOptions(config: { raw_html: MarkdownOptions['rawHtml']; embeds: readonly string[] } | undefined): MarkdownOptions {
  return config ? { rawHtml: config.raw_html, embeds: config.embeds } : defaults;
}

/** The settings as a string that changes when they do (for cache keys). */
export function markdownSettings(options: Partial<MarkdownOptions> | undefined): string {
  const settings = { ...defaults, ...options };
  return JSON.stringify([settings.rawHtml, settings.embeds]);
}
