// Slugs from text: story file names, section, tag and author names, image names.
// Its own module so that listings need not load the story parser (gray-matter, zod).
import slugify from '@sindresorhus/slugify';

// slugify spells umlauts the German way (ü → ue); news URLs drop the accent (Zürich → zurich).
const PLAIN_VOWELS: Array<[string, string]> = [['ä', 'a'], ['ö', 'o'], ['ü', 'u'], ['Ä', 'A'], ['Ö', 'O'], ['Ü', 'U']];

/** `AC/DC: “Farewell”` → `ac-dc-farewell`. */
export function slugFromText(text: string): string {
  return slugify(text, { decamelize: false, customReplacements: PLAIN_VOWELS });
}
