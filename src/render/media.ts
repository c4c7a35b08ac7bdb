// Images beside stories, copied into the output under media/. The Markdown stage
// found, checked and hashed them (rehype-story-images); here every published
// story's are gathered, each file once however many stories show it.
import type { Site } from '../site/model.js';
import type { OutputFile } from './pages.js';

export function collectMedia(site: Site): OutputFile[] {
  const files = new Map<string, OutputFile>();
  for (const story of site.stories) {
    for (const { output, bytes } of story.file.data.media ?? []) {
      // The hash is in the name: one path, one content, whichever story brought it.
      if (!files.has(output)) files.set(output, { path: output, contents: bytes });
    }
  }
  // Sorted by path, not by story order, so the output list is the same however stories move.
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
