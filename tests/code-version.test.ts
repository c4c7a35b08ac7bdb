import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeVersion, versionOf } from '../src/cache/code-version.js';

function codeFolder(): { folder: string; lock: string } {
  const root = mkdtempSync(join(tmpdir(), 'broadsheet-version-'));
  const folder = join(root, 'lib');
  mkdirSync(join(folder, 'render'), { recursive: true });
  writeFileSync(join(folder, 'build.js'), 'export const a = 1;\n');
  writeFileSync(join(folder, 'render', 'pages.js'), 'export const b = 2;\n');
  writeFileSync(join(folder, 'build.d.ts'), 'export declare const a: number;\n');
  writeFileSync(join(folder, 'build.js.map'), '{}');
  const lock = join(root, 'package-lock.json');
  writeFileSync(lock, '{"lockfileVersion":3}');
  return { folder, lock };
}

describe('the code version', () => {
  it('changes with a module, a module moved, JSON beside the modules, or the lockfile', () => {
    const { folder, lock } = codeFolder();
    const before = versionOf(folder, [lock]);
    expect(versionOf(folder, [lock])).toBe(before);

    writeFileSync(join(folder, 'render', 'pages.js'), 'export const b = 3;\n');
    const edited = versionOf(folder, [lock]);
    expect(edited).not.toBe(before);

    writeFileSync(join(folder, 'render', 'pages.js'), 'export const b = 2;\n');
    expect(versionOf(folder, [lock])).toBe(before);
    rmSync(join(folder, 'render', 'pages.js'));
    mkdirSync(join(folder, 'site'));
    writeFileSync(join(folder, 'site', 'pages.js'), 'export const b = 2;\n');
    expect(versionOf(folder, [lock])).not.toBe(before);
    writeFileSync(join(folder, 'site', 'names.json'), '{"a":1}');
    const withJson = versionOf(folder, [lock]);
    writeFileSync(join(folder, 'site', 'names.json'), '{"a":2}');
    expect(versionOf(folder, [lock])).not.toBe(withJson);

    const { folder: other, lock: otherLock } = codeFolder();
    writeFileSync(otherLock, '{"lockfileVersion":3,"packages":{}}');
    expect(versionOf(other, [otherLock])).not.toBe(versionOf(other, [join(other, 'missing.json')]));
  });

  it('ignores type declarations and source maps, which change nothing a build makes', () => {
    const { folder, lock } = codeFolder();
    const before = versionOf(folder, [lock]);
    writeFileSync(join(folder, 'build.d.ts'), 'export declare const a: 1;\n');
    writeFileSync(join(folder, 'build.js.map'), '{"version":3}');
    writeFileSync(join(folder, 'build.d.mts'), 'export {};\n');
    expect(versionOf(folder, [lock])).toBe(before);
  });

  it('uses the first lockfile it can read', () => {
    const { folder, lock } = codeFolder();
    expect(versionOf(folder, [join(folder, 'missing.json'), lock])).toBe(versionOf(folder, [lock]));
  });

  it('is worked out once a process', async () => {
    expect(await codeVersion()).toMatch(/^[0-9a-f]{40}$/);
    expect(codeVersion()).toBe(codeVersion());
  });
});
