// Import rules for src/, checked by `npm run deps` inside `npm test`.
// The tree tells the pipeline only while its folders import one way: no module
// cycles, and no cycles between folders either (cli → build → cache → render is
// fine; cache → render → cache is not, even through different files).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module that imports itself, through however many others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'A folder of src/ that imports itself through other folders: move the shared part down into a leaf (src/support, src/report) or let the caller pass it in.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve would also hide its cycles: fix the path, or the resolver options below.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle through types still ties the folders together.
    tsPreCompilationDeps: true,
    // Resolves `./x.js` to `./x.ts`, as tsc's NodeNext does.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
};
