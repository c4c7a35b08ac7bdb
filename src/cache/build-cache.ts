// Moved to src/build-cache.ts (a record of the stages' memos, which the cache
// folder, a leaf, must not import). Kept only until dev/dev-session.ts imports
// createBuildCache from '../build-cache.js'; then delete this file.
export { createBuildCache, type BuildCache } from '../build-cache.js';
