// Eleventy 3 with the least a news site needs, for the benchmark's peer figure:
// each story through Eleventy's own Markdown (markdown-it) into a Nunjucks layout
// with its title and body, plus one index page listing every story, newest first.
// The templates live beside this file and are added as virtual templates, so the
// input folder can be the benchmark's story folder as it is:
//
//   cd SITE && node .../@11ty/eleventy/cmd.cjs --config .../eleventy.config.mjs --input content --output OUT
import { readFileSync } from 'node:fs';

const template = (name) => readFileSync(new URL(name, import.meta.url), 'utf8');

export default function (eleventyConfig) {
  eleventyConfig.addTemplate('_includes/story.njk', template('story.njk'));
  eleventyConfig.addTemplate('index.njk', template('index.njk'), { layout: false, permalink: '/index.html' });
  eleventyConfig.addGlobalData('layout', 'story.njk');
  eleventyConfig.addCollection('stories', (api) =>
    api
      .getAll()
      .filter((item) => item.inputPath.endsWith('.md'))
      .sort((a, b) => b.date - a.date),
  );
  return {
    templateFormats: ['md', 'njk'],
    // Broadsheet does not run stories through a template language, so neither does this.
    markdownTemplateEngine: false,
    htmlTemplateEngine: 'njk',
  };
}
