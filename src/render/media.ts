// Images beside stories, copied into the output. (Stub: being written.)
import type { Site } from '../site/model.js';
import type { OutputFile } from './pages.js';

export function collectMedia(_site: Site): OutputFile[] {
  return [];
}
