// "Did you mean …?" is offered only for a near match: one rule for keys, template
// variables, asset and image names and the command line (src/support/suggest.ts).
import { describe, expect, it } from 'vitest';
import { closeMatch } from '../src/support/suggest.js';

describe('closeMatch', () => {
  it('should suggest the candidate a typo most likely meant', () => {
    expect(closeMatch('titel', ['title', 'date', 'summary'])).toBe('title');
    expect(closeMatch('styel.css', ['style.css', 'logo.png'])).toBe('style.css');
  });

  it('should suggest nothing when the closest candidate is far off', () => {
    expect(closeMatch('headline', ['title', 'date'])).toBeUndefined();
    expect(closeMatch('banner.png', ['style.css'])).toBeUndefined();
    expect(closeMatch('x', [])).toBeUndefined();
  });

  it('should allow a third of the word in edits, and at least two', () => {
    expect(closeMatch('ab', ['xy'])).toBe('xy');
    expect(closeMatch('abc', ['xyz'])).toBeUndefined();
    expect(closeMatch('harbour-bridge', ['harbor-brige'])).toBe('harbor-brige');
  });

  it('should compare without case when asked, as for file names', () => {
    expect(closeMatch('BRIDGE.JPG', ['bridge.jpeg'])).toBeUndefined();
    expect(closeMatch('BRIDGE.JPG', ['bridge.jpeg'], { ignoreCase: true })).toBe('bridge.jpeg');
  });

  it('should take a stricter bound where short words would match anything', () => {
    const cli = { maxEdits: (word: string) => Math.min(2, Math.ceil(word.length / 2)) };
    expect(closeMatch('nwe', ['build', 'check', 'dev', 'new'], cli)).toBe('new');
    expect(closeMatch('v', ['build', 'check', 'dev', 'new'], cli)).toBeUndefined();
  });
});
