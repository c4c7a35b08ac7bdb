// Invisible format characters (Unicode category Cf) that a headline, tag or other
// frontmatter field must not hold: they make what readers see differ from what is
// stored, searched for and shown in feeds and link previews, where an unclosed
// override can spill into the reader's own interface (the "Trojan Source" trick).
//
// Refused: the bidirectional embeddings, overrides and isolates; the zero-width
// space, word joiner and invisible math operators; U+FEFF past the start of the
// file; the deprecated format characters; the interlinear annotation characters;
// and the invisible tag characters except in an emoji flag (🏴 + tags + U+E007F).
// Kept, because writing needs them: U+200C/U+200D zero-width (non-)joiner (Persian,
// the Indic scripts, emoji sequences), U+200E/U+200F/U+061C direction marks
// (punctuation in Hebrew and Arabic text), U+00AD soft hyphen (hyphenating long
// words, visible where the line breaks), U+180E (Mongolian), and the visible
// number and script format signs (U+0600–U+0605, Egyptian hieroglyph controls…).
// The body keeps every one of them: there the bidirectional controls are the
// plain-text way to mix scripts, and their reach ends with the paragraph.
import type { VFile } from 'vfile';
import { fail } from '../report/messages.js';

const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;

// U+FEFF at the very start of the file is a byte order mark, and dropped before the fields are read.
export const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF\u206A-\u206F\uFFF9-\uFFFB\u{E0001}]|(?<!\u{1F3F4}[\u{E0020}-\u{E007E}]*)[\u{E0020}-\u{E007F}]/u;

const NAMES: Partial<Record<number, string>> = {
  0x200b: 'ZERO WIDTH SPACE',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x206a: 'INHIBIT SYMMETRIC SWAPPING',
  0x206b: 'ACTIVATE SYMMETRIC SWAPPING',
  0x206c: 'INHIBIT ARABIC FORM SHAPING',
  0x206d: 'ACTIVATE ARABIC FORM SHAPING',
  0x206e: 'NATIONAL DIGIT SHAPES',
  0x206f: 'NOMINAL DIGIT SHAPES',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0xfff9: 'INTERLINEAR ANNOTATION ANCHOR',
  0xfffa: 'INTERLINEAR ANNOTATION SEPARATOR',
  0xfffb: 'INTERLINEAR ANNOTATION TERMINATOR',
  0xe0001: 'LANGUAGE TAG',
};

/** `U+202E RIGHT-TO-LEFT OVERRIDE, an invisible character that …`, for messages: the character itself cannot be seen. */
export function describeInvisible(char: string): string {
  const point = char.codePointAt(0) ?? 0;
  const code = `U+${point.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[point] ?? 'TAG CHARACTER';
  const effect = BIDI.test(char)
    ? 'an invisible character that changes the order text is shown in, in feeds and search results too'
    : 'an invisible character that makes the text differ from what readers see and search for';
  return `${code} ${name}, ${effect}`;
}

/**
 * Each frontmatter line's first invisible character, as an error at its place; whether there was one.
 * Only the frontmatter: from the opening `---` to the closing one (or the end, if it is never closed).
 */
export function reportInvisible(file: VFile, text: string): boolean {
  const lines = text.split('\n');
  if (!/^\uFEFF?---/.test(lines[0] ?? '')) return false;
  const close = lines.findIndex((line, index) => index > 0 && /^---[ \t]*$/.test(line));
  let found = false;
  lines.slice(0, close < 0 ? lines.length : close).forEach((line, index) => {
    const start = index === 0 && line.startsWith('\uFEFF') ? 1 : 0;
    const match = INVISIBLE.exec(line.slice(start));
    if (!match) return;
    found = true;
    const reason = `This line holds ${describeInvisible(match[0])}; delete it (it often comes with text pasted from another program)`;
    fail(file, reason, { line: index + 1, column: match.index + start + 1 }, 'frontmatter/invisible-character');
  });
  return found;
}
