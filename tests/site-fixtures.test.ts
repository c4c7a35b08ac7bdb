// Each folder under tests/fixtures/sites/ is a site (broadsheet.yaml + content/,
// templates/ optional) and `expected/`, the dist/ it must build to, byte for byte.
// After an intended output change: UPDATE_FIXTURES=1 npx vitest run tests/site-fixtures.test.ts
import { existsSync } from 'node:fs';
import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, run, scratch, snapshotTree } from './helpers.js';

const FIXTURES = join(REPO, 'tests/fixtures/sites');
const cases = (await readdir(FIXTURES)).filter((name) => !name.startsWith('_')).sort();

describe('site fixtures', () => {
  it.each(cases)('should build %s to its expected output', async (name) => {
    const source = join(FIXTURES, name);
    const site = await scratch(source);
    await rm(join(site, 'expected'), { recursive: true, force: true });
    if (!existsSync(join(site, 'templates'))) await cp(join(FIXTURES, '_templates'), join(site, 'templates'), { recursive: true });

    const result = await run(['build'], site);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const expected = join(source, 'expected');
    if (process.env.UPDATE_FIXTURES) {
      await rm(expected, { recursive: true, force: true });
      await cp(join(site, 'dist'), expected, { recursive: true });
    }
    expect(await snapshotTree(join(site, 'dist'))).toEqual(await snapshotTree(expected));
  });
});
