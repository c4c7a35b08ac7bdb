#!/usr/bin/env node
// The floor for the benchmark: the same Markdown pipeline Broadsheet starts from
// (gray-matter, remark-parse, remark-gfm, remark-rehype, rehype-stringify) and
// nothing else — no site model, no templates, no lists, feeds or checks — writing
// one HTML file per story, with the stories split over worker threads.
//
//   node scripts/bench/bare-unified.mjs --content DIR --out DIR [--threads 2]
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

if (isMainThread) {
  const { values } = parseArgs({ options: { content: { type: 'string' }, out: { type: 'string' }, threads: { type: 'string', default: '2' } } });
  if (!values.content || !values.out) {
    console.error('usage: node bare-unified.mjs --content DIR --out DIR [--threads N]');
    process.exit(2);
  }
  const names = readdirSync(values.content).filter((name) => name.endsWith('.md'));
  rmSync(values.out, { recursive: true, force: true });
  mkdirSync(values.out, { recursive: true });
  const threads = Math.max(1, Number(values.threads));
  // Every thread takes every threads-th story: the stories are alike, so the halves are even.
  const done = await Promise.all(
    Array.from({ length: threads }, (_, k) => {
      const worker = new Worker(new URL(import.meta.url), {
        workerData: { content: values.content, out: values.out, names: names.filter((_, i) => i % threads === k) },
      });
      return new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
      });
    }),
  );
  console.log(`wrote ${done.reduce((a, b) => a + b, 0)} pages to ${values.out} on ${threads} threads`);
} else {
  const [{ default: matter }, { unified }, { default: remarkParse }, { default: remarkGfm }, { default: remarkRehype }, { default: rehypeStringify }] = await Promise.all([
    import('gray-matter'),
    import('unified'),
    import('remark-parse'),
    import('remark-gfm'),
    import('remark-rehype'),
    import('rehype-stringify'),
  ]);
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkRehype).use(rehypeStringify);
  const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const { content, out, names } = workerData;
  for (const name of names) {
    // gray-matter caches by input string unless given options; an empty object turns that off.
    const { data, content: markdown } = matter(readFileSync(join(content, name), 'utf8'), {});
    const body = String(processor.processSync(markdown));
    const title = escape(data.title ?? name);
    writeFileSync(join(out, name.replace(/\.md$/, '.html')), `<!doctype html>\n<meta charset="utf-8">\n<title>${title}</title>\n<h1>${title}</h1>\n${body}\n`);
  }
  parentPort.postMessage(names.length);
}
