// The Markdown stage is loaded the first time a story must be rendered. Its
// libraries (unified, remark, rehype, gray-matter and the worker pool) take about a
// quarter of a second to load, more than the rest of a build in which nothing
// changed: such a build never loads them.
type Stage = typeof import('./stage-modules.js');

let stage: Stage | undefined;
let loading: Promise<Stage> | undefined;

export async function loadMarkdownStage(): Promise<Stage> {
  loading ??= import('./stage-modules.js').then((loaded) => (stage = loaded));
  return loading;
}

/** The stage, once `loadMarkdownStage` has loaded it. */
export function markdownStage(): Stage {
  if (!stage) throw new Error('The Markdown stage was used before loadMarkdownStage() loaded it');
  return stage;
}
