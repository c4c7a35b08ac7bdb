// What a stage hands the output: files by path, and groups of files made together.
// A leaf, so that the stages that make files (render/, discovery/) share these
// shapes without importing one another.

export interface OutputFile {
  /** Path under the output folder, with `/` separators. */
  path: string;
  contents: string | Uint8Array;
}

/**
 * Files made together from inputs that `key` stands for (the sitemap and its numbered parts,
 * the two feeds): the output keeps them unrendered while it holds every one of `paths` under
 * that key. `render` gives exactly `paths`.
 */
export interface KeyedFiles {
  key: string;
  paths: readonly string[];
  render: () => Promise<OutputFile[]>;
}
