// Records every link in a story body with its place in the file, so the link
// check can point a writer at the exact line of a link to a page that does not exist.
import type { Root } from 'hast';
import type { VFile } from 'vfile';
import { eachElement } from './walk.js';

export interface StoryLink {
  url: string;
  line: number;
  column: number;
}

declare module 'vfile' {
  interface DataMap {
    links: StoryLink[];
  }
}

export default function rehypeCollectLinks() {
  return (tree: Root, file: VFile) => {
    const links: StoryLink[] = [];
    eachElement(tree, (node) => {
      const href = node.tagName === 'a' ? node.properties.href : undefined;
      if (typeof href !== 'string' || !node.position) return;
      links.push({ url: href, line: node.position.start.line, column: node.position.start.column });
    });
    file.data.links = links;
  };
}
