// "Did you mean …?": the one rule for how close a guess must be to be worth saying.
// A far-off guess misleads more than none, so only a near match is offered.
import { closest, distance } from 'fastest-levenshtein';

export interface SuggestOptions {
  /** The most edits a guess may be away. Default: a third of the word's length, and at least 2. */
  maxEdits?: (word: string) => number;
  /** Compare without regard to case (file names). Default: false. */
  ignoreCase?: boolean;
}

const aThird = (word: string) => Math.max(2, Math.floor(word.length / 3));

/** The candidate closest to `word`, when it is near enough to be what was meant. */
export function closeMatch(word: string, candidates: readonly string[], options: SuggestOptions = {}): string | undefined {
  if (candidates.length === 0) return undefined;
  const guess = closest(word, [...candidates]);
  const fold = (text: string) => (options.ignoreCase ? text.toLowerCase() : text);
  return distance(fold(word), fold(guess)) <= (options.maxEdits ?? aThird)(word) ? guess : undefined;
}
