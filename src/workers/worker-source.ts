// Where a worker thread's code comes from. Built, the caller is a file of lib/ and
// the worker is the compiled .js module it names. Under vitest the caller runs as
// TypeScript from src/, where Node (20, no type stripping) cannot start a .ts
// module by itself; rather than fall back to lib/, which may be older than the
// sources being tested, the worker then registers a module hook that compiles each
// .ts file it imports with the project's own TypeScript (a devDependency, present
// wherever src/ is run), so it runs exactly these sources.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker running `module` (a path without extension, relative to `from`, the caller's `import.meta.url`). */
export function startWorker(module: string, from: string, options: WorkerOptions = {}): Worker {
  const entry = new URL(`${module}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
  if (entry.pathname.endsWith('.js')) return new Worker(entry, options);
  const typescript = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;
  return new Worker(BOOTSTRAP, { ...options, eval: true, workerData: { ...(options.workerData as object | undefined), entry: entry.href, typescript, hooks: `data:text/javascript,${encodeURIComponent(HOOKS)}` } });
}

const BOOTSTRAP = `
const { register } = require('node:module');
const { workerData } = require('node:worker_threads');
register(workerData.hooks, { data: { typescript: workerData.typescript } });
import(workerData.entry).catch((error) => { process.nextTick(() => { throw error; }); });
`;

// Module hooks (they run on a loader thread of their own): ./x.js imported from a .ts
// file is ./x.ts when only that exists, and .ts files are compiled one by one, types removed.
const HOOKS = `
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
let ts;
export async function initialize(data) {
  ts = (await import(data.typescript)).default;
}
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (!/^\\.\\.?\\//.test(specifier) || !specifier.endsWith('.js') || !context.parentURL?.endsWith('.ts')) throw error;
    return next(specifier.slice(0, -3) + '.ts', context);
  }
}
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const { outputText } = ts.transpileModule(readFileSync(path, 'utf8'), {
    fileName: path,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, inlineSourceMap: true },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
`;
